import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as del from './delete.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { add, del as delete, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['comment'] } },
		options: [
			{ name: 'Add', value: 'add', description: 'Add a comment to an issue', action: 'Add a comment' },
			{ name: 'Delete', value: 'delete', description: 'Delete a comment', action: 'Delete a comment' },
			{ name: 'Get Many', value: 'getAll', description: 'Get the comments of an issue', action: 'Get many comments' },
			{ name: 'Update', value: 'update', description: 'Change a comment', action: 'Update a comment' },
		],
		default: 'add',
	},
	...add.description,
	...del.description,
	...getAll.description,
	...update.description,
];
