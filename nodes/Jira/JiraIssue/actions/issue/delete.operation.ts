import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { issueLocator } from '../../../descriptions';
import { jiraApiRequest } from '../../../transport';
import { issueKeyParameter } from '../common';

const properties: INodeProperties[] = [
	issueLocator(),
	{
		displayName: 'Delete Subtasks',
		name: 'deleteSubtasks',
		type: 'boolean',
		default: false,
		description: 'Whether to delete the issue’s subtasks too (Jira refuses to delete an issue that has subtasks otherwise)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['issue'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const deleteSubtasks = this.getNodeParameter('deleteSubtasks', itemIndex, false) as boolean;
	await jiraApiRequest.call(this, {
		method: 'DELETE',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}`,
		qs: { deleteSubtasks },
		itemIndex,
	});
	return { key: issueKey, deleted: true };
}
