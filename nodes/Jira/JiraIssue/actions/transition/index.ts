import type { INodeProperties } from 'n8n-workflow';

import * as doTransition from './do.operation';
import * as getAll from './getAll.operation';

export { doTransition as do, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transition'] } },
		options: [
			{
				name: 'Do',
				value: 'do',
				description: 'Move an issue to another status, with resolution and comment',
				action: 'Transition an issue',
			},
			{ name: 'Get Many', value: 'getAll', description: 'List the transitions an issue can take', action: 'Get many transitions' },
		],
		default: 'do',
	},
	...doTransition.description,
	...getAll.description,
];
