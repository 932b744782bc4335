import type { INodeProperties } from 'n8n-workflow';

import * as bulkUpsert from './bulk.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as search from './search.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export { bulkUpsert, create, del as delete, get, search, update, upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['dataCard'] } },
		options: [
			{
				name: 'Bulk Upsert',
				value: 'bulkUpsert',
				description: 'Create or update all input items by a unique attribute, in bulk requests',
				action: 'Bulk upsert data cards',
			},
			{ name: 'Create', value: 'create', description: 'Create a data card', action: 'Create a data card' },
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a data card',
			},
			{ name: 'Delete', value: 'delete', description: 'Move a data card to the trash', action: 'Delete a data card' },
			{ name: 'Get', value: 'get', description: 'Get a data card by ID or unique attribute', action: 'Get a data card' },
			{ name: 'Search', value: 'search', description: 'Search data cards with an EQL filter', action: 'Search data cards' },
			{ name: 'Update', value: 'update', description: 'Change attributes of a data card', action: 'Update a data card' },
		],
		default: 'search',
	},
	...bulkUpsert.description,
	...create.description,
	...del.description,
	...get.description,
	...search.description,
	...update.description,
	...upsert.description,
];
