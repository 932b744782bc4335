import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getGroups from './getGroups.operation';

export { create, del as delete, get, getAll, getGroups };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a user (or return the existing one)', action: 'Create a user' },
			{ name: 'Delete', value: 'delete', description: 'Remove a user from Jira', action: 'Delete a user' },
			{ name: 'Get', value: 'get', description: 'Get a user by account ID or email', action: 'Get a user' },
			{ name: 'Get Groups', value: 'getGroups', description: 'List the groups of a user', action: 'Get the groups of a user' },
			{ name: 'Get Many', value: 'getAll', description: 'List many users of the site', action: 'Get many users' },
		],
		default: 'getAll',
	},
	...create.description,
	...del.description,
	...get.description,
	...getAll.description,
	...getGroups.description,
];
