import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jiraApiRequest, JIRA_PERMISSION } from './transport';

/** How a group is addressed in query strings: by id (stable) or by name. */
export interface GroupRef {
	qs: { groupId: string } | { groupname: string };
	label: string;
}

/** Reads a group resource locator: list and ID modes give a groupId, Name mode a group name. */
export function groupParameter(this: IExecuteFunctions, itemIndex: number, name = 'group', label = 'Group'): GroupRef {
	const locator = this.getNodeParameter(name, itemIndex, {}, { extractValue: false }) as IDataObject | string;
	const mode = typeof locator === 'object' ? String(locator.mode ?? 'id') : 'id';
	const value = String(typeof locator === 'object' ? (locator.value ?? '') : locator).trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), `${label} is empty: choose a group or enter its ID or name`, { itemIndex });
	}
	return mode === 'name' ? { qs: { groupname: value }, label: value } : { qs: { groupId: value }, label: value };
}

export function shapeGroup(group: IDataObject): IDataObject {
	return { groupId: group.groupId ?? null, name: group.name };
}

/** One group by id or name through the bulk endpoint (the single-group GET is deprecated). */
export async function findGroup(this: IExecuteFunctions, ref: GroupRef, itemIndex: number): Promise<IDataObject | undefined> {
	const qs = 'groupId' in ref.qs ? { groupId: ref.qs.groupId } : { groupName: ref.qs.groupname };
	const page = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: '/rest/api/3/group/bulk',
		qs: { ...qs, maxResults: 1 },
		permission: JIRA_PERMISSION.browseUsers,
		itemIndex,
	})) as IDataObject;
	return ((page.values as IDataObject[] | undefined) ?? [])[0];
}
