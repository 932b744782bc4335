import { requiredString } from '../../../../shared/parameters';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BodyFormat } from '../../../adf';
import { issueLocator } from '../../../descriptions';
import { jiraApiRequest } from '../../../transport';
import { issueKeyParameter } from '../common';
import { bodyParameters, commentBody, commentIdParameter, shapeComment, visibilityOption } from './shared';

const properties: INodeProperties[] = [
	issueLocator(),
	commentIdParameter,
	...bodyParameters,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			visibilityOption,
			{
				displayName: 'Notify Users',
				name: 'notifyUsers',
				type: 'boolean',
				default: true,
				description: 'Whether Jira notifies watchers about the edit',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['comment'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const commentId = requiredString.call(this, 'commentId', 'Comment ID', itemIndex, 'enter the ID of the comment to change');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const format = this.getNodeParameter('format', itemIndex, 'text') as BodyFormat;
	const comment = (await jiraApiRequest.call(this, {
		method: 'PUT',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/comment/${encodeURIComponent(commentId)}`,
		qs: options.notifyUsers === false ? { notifyUsers: false } : {},
		body: commentBody.call(this, itemIndex, options),
		itemIndex,
	})) as IDataObject;
	return shapeComment(comment, issueKey, format);
}
