import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError } from '../../../../shared/execute';
import { groupLocator } from '../../../descriptions';
import { groupParameter } from '../../../groups';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';

const properties: INodeProperties[] = [
	groupLocator(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				...groupLocator({ name: 'swapGroup', displayName: 'Swap Group', required: false }),
				description: 'Group that takes over the comment and worklog visibility restrictions of the deleted group',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['delete'] } }, properties);

/** Idempotent: a group that is already gone gives deleted: false. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const group = groupParameter.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { ...group.qs };
	if ((options.swapGroup as IDataObject | undefined)?.value) {
		const swap = groupParameter.call(this, itemIndex, 'options.swapGroup', 'Swap Group');
		if ('groupId' in swap.qs) qs.swapGroupId = swap.qs.groupId;
		else qs.swapGroup = swap.qs.groupname;
	}
	try {
		await jiraApiRequest.call(this, {
			method: 'DELETE',
			path: '/rest/api/3/group',
			qs,
			permission: JIRA_PERMISSION.siteAdmin,
			itemIndex,
		});
		return { group: group.label, deleted: true };
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return { group: group.label, deleted: false };
		throw asNodeError(this, error, itemIndex);
	}
}
