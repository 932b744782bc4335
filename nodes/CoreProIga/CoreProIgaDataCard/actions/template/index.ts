import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['template'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a template with its folders and attributes', action: 'Get a template' },
			{ name: 'Get Many', value: 'getAll', description: 'List many templates', action: 'Get many templates' },
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
];
