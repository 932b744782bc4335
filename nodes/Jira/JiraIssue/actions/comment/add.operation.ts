import isEqual from 'lodash/isEqual';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BodyFormat } from '../../../adf';
import { issueLocator } from '../../../descriptions';
import { getMyself } from '../../../metadata';
import { jiraApiRequest } from '../../../transport';
import { issueKeyParameter } from '../common';
import { bodyParameters, commentBody, shapeComment, visibilityOption } from './shared';

const properties: INodeProperties[] = [
	issueLocator(),
	...bodyParameters,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [visibilityOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['comment'], operation: ['add'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const format = this.getNodeParameter('format', itemIndex, 'text') as BodyFormat;
	const body = commentBody.call(this, itemIndex, options);
	const path = `/rest/api/3/issue/${encodeURIComponent(issueKey)}/comment`;
	const comment = (await jiraApiRequest.call(this, {
		method: 'POST',
		path,
		body,
		itemIndex,
		// A lost answer: our account's newest comments tell whether this one was stored.
		verifyAfterFailure: async () => {
			const me = await getMyself.call(this);
			const page = (await jiraApiRequest.call(this, {
				method: 'GET',
				path,
				qs: { orderBy: '-created', maxResults: 20 },
			})) as IDataObject;
			return ((page.comments as IDataObject[] | undefined) ?? []).find(
				(candidate) =>
					(candidate.author as IDataObject | undefined)?.accountId === me.accountId &&
					isEqual(candidate.body, body.body),
			);
		},
	})) as IDataObject;
	return shapeComment(comment, issueKey, format);
}
