import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError } from '../../../../shared/execute';
import { requiredString } from '../../../../shared/parameters';
import { findGroup, shapeGroup } from '../../../groups';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'esm-approvers',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['create'] } }, properties);

/** Idempotent: a group that already exists is returned with created: false. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const name = requiredString.call(this, 'name', 'Name', itemIndex, 'enter the name of the group to create');
	const byName = { qs: { groupname: name }, label: name };
	try {
		const group = (await jiraApiRequest.call(this, {
			method: 'POST',
			path: '/rest/api/3/group',
			body: { name },
			permission: JIRA_PERMISSION.siteAdmin,
			itemIndex,
			verifyAfterFailure: async () => await findGroup.call(this, byName, itemIndex),
		})) as IDataObject;
		return { ...shapeGroup(group), created: true };
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '400') {
			const existing = await findGroup.call(this, byName, itemIndex);
			if (existing) return { ...shapeGroup(existing), created: false };
		}
		throw asNodeError(this, error, itemIndex);
	}
}
