import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { issueLocator } from '../../../descriptions';
import { jiraApiRequest } from '../../../transport';
import { issueKeyParameter } from '../common';

const properties: INodeProperties[] = [
	issueLocator(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Screen Fields',
				name: 'includeFields',
				type: 'boolean',
				default: false,
				description: 'Whether to return the fields of each transition screen (e.g. whether it takes a resolution)',
			},
			{
				displayName: 'Include Unavailable',
				name: 'includeUnavailable',
				type: 'boolean',
				default: false,
				description: 'Whether to also return transitions whose conditions are not met now',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['transition'], operation: ['getAll'] } }, properties);

export async function fetchTransitions(
	this: IExecuteFunctions,
	issueKey: string,
	itemIndex: number,
	qs: IDataObject = {},
): Promise<IDataObject[]> {
	const response = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/transitions`,
		qs,
		itemIndex,
	})) as IDataObject;
	return (response.transitions as IDataObject[] | undefined) ?? [];
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (options.includeFields) qs.expand = 'transitions.fields';
	if (options.includeUnavailable) qs.includeUnavailableTransitions = true;
	const transitions = await fetchTransitions.call(this, issueKey, itemIndex, qs);
	return transitions.map((transition) => ({ issueKey, ...transition }));
}
