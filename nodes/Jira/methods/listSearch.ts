import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { jiraApiRequest, jiraSession, JIRA_PAGE_SIZE, JIRA_PERMISSION } from '../transport';

/** Projects, page by page as the list scrolls (not only the first 50). */
export async function searchProjects(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: unknown,
): Promise<INodeListSearchResult> {
	const { baseUrl } = await jiraSession(this);
	const startAt = typeof paginationToken === 'number' ? paginationToken : 0;
	const page = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: '/rest/api/3/project/search',
		qs: { startAt, maxResults: JIRA_PAGE_SIZE.projects, orderBy: 'key', ...(filter ? { query: filter } : {}) },
	})) as IDataObject;
	const values = (page.values as IDataObject[] | undefined) ?? [];
	return {
		results: values.map((project) => ({
			name: `${String(project.name)} (${String(project.key)})`,
			value: String(project.key),
			url: `${baseUrl}/browse/${String(project.key)}`,
		})),
		paginationToken: page.isLast === false ? startAt + values.length : undefined,
	};
}

/** Issues matching the typed text (key or summary), through Jira's own issue picker. */
export async function searchIssues(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const { baseUrl } = await jiraSession(this);
	const response = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: '/rest/api/3/issue/picker',
		qs: { query: filter ?? '', showSubTasks: true },
	})) as IDataObject;
	const seen = new Set<string>();
	const results = [];
	for (const section of (response.sections as IDataObject[] | undefined) ?? []) {
		for (const issue of (section.issues as IDataObject[] | undefined) ?? []) {
			const key = String(issue.key);
			if (seen.has(key)) continue;
			seen.add(key);
			results.push({ name: `${key}: ${String(issue.summaryText ?? '')}`, value: key, url: `${baseUrl}/browse/${key}` });
		}
	}
	return { results };
}

/** Users by name or email as typed; with nothing typed, everyone, page by page. */
export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: unknown,
): Promise<INodeListSearchResult> {
	const startAt = typeof paginationToken === 'number' ? paginationToken : 0;
	const pageSize = 50;
	const users = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: filter ? '/rest/api/3/user/search' : '/rest/api/3/users/search',
		qs: { ...(filter ? { query: filter } : {}), startAt, maxResults: pageSize },
		permission: JIRA_PERMISSION.browseUsers,
	})) as IDataObject[];
	return {
		results: users.map((user) => ({
			name: user.emailAddress ? `${String(user.displayName)} <${String(user.emailAddress)}>` : String(user.displayName ?? user.accountId),
			value: String(user.accountId),
		})),
		paginationToken: users.length > 0 ? startAt + users.length : undefined,
	};
}

/** Groups whose name contains the typed text (Jira's group picker). */
export async function searchGroups(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const response = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: '/rest/api/3/groups/picker',
		qs: { query: filter ?? '', maxResults: 100, caseInsensitive: true },
	})) as IDataObject;
	return {
		results: ((response.groups as IDataObject[] | undefined) ?? []).map((group) => ({
			name: String(group.name),
			value: String(group.groupId ?? group.name),
		})),
	};
}
