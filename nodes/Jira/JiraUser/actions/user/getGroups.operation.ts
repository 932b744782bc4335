import { requiredString } from '../../../../shared/parameters';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { userLocator } from '../../../descriptions';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';


const properties: INodeProperties[] = [userLocator()];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['getGroups'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const accountId = requiredString.call(this, 'accountId', 'User', itemIndex, 'choose a user or enter an account ID');
	const groups = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: '/rest/api/3/user/groups',
		qs: { accountId },
		permission: JIRA_PERMISSION.browseUsers,
		itemIndex,
	})) as IDataObject[];
	return groups.map((group) => ({ accountId, groupId: group.groupId ?? null, name: group.name }));
}
