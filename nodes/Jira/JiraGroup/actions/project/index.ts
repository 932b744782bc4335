import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['project'] } },
		options: [{ name: 'Get Many', value: 'getAll', description: 'List many projects', action: 'Get many projects' }],
		default: 'getAll',
	},
	...getAll.description,
];
