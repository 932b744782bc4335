import { requiredString } from '../../../../shared/parameters';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError } from '../../../../shared/execute';
import { userLocator } from '../../../descriptions';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';


const properties: INodeProperties[] = [
	userLocator({ description: 'The user to remove from Jira (the Atlassian account itself stays)' }),
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['delete'] } }, properties);

/** Idempotent: a user that is already gone gives deleted: false. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const accountId = requiredString.call(this, 'accountId', 'User', itemIndex, 'choose a user or enter an account ID');
	try {
		await jiraApiRequest.call(this, {
			method: 'DELETE',
			path: '/rest/api/3/user',
			qs: { accountId },
			permission: JIRA_PERMISSION.siteAdmin,
			itemIndex,
		});
		return { accountId, deleted: true };
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return { accountId, deleted: false };
		throw asNodeError(this, error, itemIndex);
	}
}
