import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getMembers from './getMembers.operation';
import * as membership from './membership.operation';

export const addMember = membership.addMember;
export const removeMember = membership.removeMember;
export { create, del as delete, get, getAll, getMembers };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['group'] } },
		options: [
			{ name: 'Add Member', value: 'addMember', description: 'Add a user to a group', action: 'Add a user to a group' },
			{ name: 'Create', value: 'create', description: 'Create a group (or return the existing one)', action: 'Create a group' },
			{ name: 'Delete', value: 'delete', description: 'Delete a group', action: 'Delete a group' },
			{ name: 'Get', value: 'get', description: 'Get a group', action: 'Get a group' },
			{ name: 'Get Many', value: 'getAll', description: 'List many groups, optionally with their members', action: 'Get many groups' },
			{ name: 'Get Members', value: 'getMembers', description: 'List the members of a group', action: 'Get the members of a group' },
			{ name: 'Remove Member', value: 'removeMember', description: 'Remove a user from a group', action: 'Remove a user from a group' },
		],
		default: 'getAll',
	},
	...create.description,
	...del.description,
	...get.description,
	...getAll.description,
	...getMembers.description,
	...membership.description,
];
