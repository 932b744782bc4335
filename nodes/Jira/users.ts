import type { IDataObject } from 'n8n-workflow';

import { jiraApiRequest, JIRA_PERMISSION, type JiraContext } from './transport';

/**
 * A Jira user as the nodes output it: the stable key (accountId) first and the fields an IGA import
 * maps. Privacy settings can hide the email; the output says so instead of leaving a silent gap.
 */
export function shapeUser(user: IDataObject): IDataObject {
	const email = typeof user.emailAddress === 'string' && user.emailAddress !== '' ? user.emailAddress : null;
	const shaped: IDataObject = {
		accountId: user.accountId,
		email,
		emailHidden: email === null,
		displayName: user.displayName ?? null,
		active: user.active === true,
		accountType: user.accountType ?? 'unknown',
	};
	if (user.timeZone !== undefined) shaped.timeZone = user.timeZone;
	if (user.locale !== undefined) shaped.locale = user.locale;
	const groups = (user.groups as IDataObject | undefined)?.items as IDataObject[] | undefined;
	if (groups) shaped.groups = groups.map((group) => ({ groupId: group.groupId, name: group.name }));
	const roles = (user.applicationRoles as IDataObject | undefined)?.items as IDataObject[] | undefined;
	if (roles) shaped.applicationRoles = roles.map((role) => role.key);
	return shaped;
}

/**
 * The users whose email is exactly this one. Jira's user search matches email prefixes and
 * display names, so the answer is filtered; a single match whose email is hidden by privacy
 * settings still counts (the search matched it on the email).
 */
export async function findUsersByEmail(this: JiraContext, email: string, itemIndex?: number): Promise<IDataObject[]> {
	const wanted = email.trim().toLowerCase();
	const found = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: '/rest/api/3/user/search',
		qs: { query: wanted, maxResults: 50 },
		permission: JIRA_PERMISSION.browseUsers,
		itemIndex,
	})) as IDataObject[];
	const exact = found.filter((user) => String(user.emailAddress ?? '').toLowerCase() === wanted);
	if (exact.length) return exact;
	const hidden = found.filter((user) => !user.emailAddress);
	return found.length === 1 && hidden.length === 1 ? hidden : [];
}
