import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { JIRA_PAGE_SIZE, JIRA_PERMISSION, paginateByOffset } from '../../../transport';

/** A group's members, 50 a page (the API's maximum). */
export function memberPages(
	this: IExecuteFunctions,
	groupQs: IDataObject,
	includeInactive: boolean,
	itemIndex: number,
	limit?: number,
): AsyncGenerator<IDataObject[]> {
	return paginateByOffset.call(
		this,
		{
			method: 'GET',
			path: '/rest/api/3/group/member',
			qs: { ...groupQs, includeInactiveUsers: includeInactive },
			permission: JIRA_PERMISSION.browseUsers,
			itemIndex,
		},
		'values',
		{ pageSize: JIRA_PAGE_SIZE.groupMembers, limit },
	);
}
