import type { INodeProperties } from 'n8n-workflow';

import * as changelog from './changelog.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as search from './search.operation';
import * as update from './update.operation';

export { changelog, create, del as delete, get, search, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['issue'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create an issue', action: 'Create an issue' },
			{ name: 'Delete', value: 'delete', description: 'Delete an issue', action: 'Delete an issue' },
			{ name: 'Get', value: 'get', description: 'Get an issue', action: 'Get an issue' },
			{ name: 'Get Changelog', value: 'changelog', description: 'Get the change history of an issue', action: 'Get the changelog of an issue' },
			{ name: 'Search', value: 'search', description: 'Search issues with JQL', action: 'Search issues with JQL' },
			{ name: 'Update', value: 'update', description: 'Update an issue', action: 'Update an issue' },
		],
		default: 'create',
	},
	...create.description,
	...del.description,
	...get.description,
	...changelog.description,
	...search.description,
	...update.description,
];
