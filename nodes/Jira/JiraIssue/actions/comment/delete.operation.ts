import { requiredString } from '../../../../shared/parameters';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { issueLocator } from '../../../descriptions';
import { jiraApiRequest } from '../../../transport';
import { issueKeyParameter } from '../common';
import { commentIdParameter } from './shared';

const properties: INodeProperties[] = [issueLocator(), commentIdParameter];

export const description = updateDisplayOptions({ show: { resource: ['comment'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const commentId = requiredString.call(this, 'commentId', 'Comment ID', itemIndex, 'enter the ID of the comment to delete');
	await jiraApiRequest.call(this, {
		method: 'DELETE',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/comment/${encodeURIComponent(commentId)}`,
		itemIndex,
	});
	return { issueKey, commentId, deleted: true };
}
