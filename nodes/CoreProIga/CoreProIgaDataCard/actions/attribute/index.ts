import type { INodeProperties } from 'n8n-workflow';

import * as file from './file.operation';
import * as get from './get.operation';
import * as values from './values.operation';

export const replace = values.replace;
export const add = values.add;
export const clear = values.clear;
export const upload = file.upload;
export const download = file.download;
export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attribute'] } },
		options: [
			{ name: 'Add Value', value: 'add', description: 'Add a value to an empty or multi-value attribute', action: 'Add a value to an attribute' },
			{ name: 'Clear', value: 'clear', description: 'Remove every value of an attribute', action: 'Clear an attribute' },
			{ name: 'Download File', value: 'download', description: 'Download a file held by an attribute', action: 'Download a file' },
			{ name: 'Get', value: 'get', description: 'Get the values of an attribute', action: 'Get an attribute' },
			{ name: 'Replace Values', value: 'replace', description: 'Replace the values of an attribute', action: 'Replace the values of an attribute' },
			{ name: 'Upload File', value: 'upload', description: 'Upload a file into an attribute', action: 'Upload a file' },
		],
		default: 'get',
	},
	...get.description,
	...values.description,
	...file.description,
];
