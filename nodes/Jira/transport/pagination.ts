import type { IDataObject } from 'n8n-workflow';

import { jiraApiRequest, type JiraContext, type JiraRequest } from './request';

/** Page maxima of the endpoints we list (see the design's conventions). */
export const JIRA_PAGE_SIZE = {
	searchWithFields: 100,
	searchIdsOnly: 5000,
	users: 1000,
	groups: 50,
	groupMembers: 50,
	comments: 100,
	changelog: 100,
	projects: 100,
	createMeta: 200,
	resolutions: 100,
} as const;

export interface PageOptions {
	pageSize: number;
	/** Stop once this many items were yielded (undefined: all). */
	limit?: number;
}

function remaining(limit: number | undefined, seen: number): number {
	return limit === undefined ? Number.POSITIVE_INFINITY : limit - seen;
}

function trim<T>(page: T[], limit: number | undefined, seen: number): T[] {
	const left = remaining(limit, seen);
	return page.length > left ? page.slice(0, left) : page;
}

/** Enhanced search style: `nextPageToken`, absent (and `isLast`) on the last page. POST body or GET query. */
export async function* paginateByToken(
	this: JiraContext,
	request: JiraRequest,
	itemsKey: string,
	{ pageSize, limit }: PageOptions,
): AsyncGenerator<IDataObject[]> {
	let token: string | undefined;
	let seen = 0;
	do {
		const maxResults = Math.min(pageSize, remaining(limit, seen));
		const paging: IDataObject = { maxResults, ...(token ? { nextPageToken: token } : {}) };
		const page = (await jiraApiRequest.call(this, {
			...request,
			idempotent: true,
			...(request.method === 'POST'
				? { body: { ...(request.body as IDataObject), ...paging } }
				: { qs: { ...request.qs, ...paging } }),
		})) as IDataObject;
		const items = trim((page[itemsKey] as IDataObject[] | undefined) ?? [], limit, seen);
		seen += items.length;
		if (items.length) yield items;
		token = page.isLast === true ? undefined : (page.nextPageToken as string | undefined);
	} while (token && remaining(limit, seen) > 0);
}

/**
 * `startAt` / `maxResults` pages (PageBean*, PageOfComments). Ends on `isLast`, on `total`, or on an
 * empty page; advances by what came back, since Jira may return fewer than asked.
 */
export async function* paginateByOffset(
	this: JiraContext,
	request: JiraRequest,
	itemsKey: string,
	{ pageSize, limit }: PageOptions,
): AsyncGenerator<IDataObject[]> {
	let startAt = 0;
	let seen = 0;
	while (remaining(limit, seen) > 0) {
		const maxResults = Math.min(pageSize, remaining(limit, seen));
		const page = (await jiraApiRequest.call(this, {
			...request,
			qs: { ...request.qs, startAt, maxResults },
		})) as IDataObject;
		const raw = (page[itemsKey] as IDataObject[] | undefined) ?? [];
		const items = trim(raw, limit, seen);
		seen += items.length;
		if (items.length) yield items;
		startAt += raw.length;
		const total = typeof page.total === 'number' ? page.total : undefined;
		if (raw.length === 0 || page.isLast === true || (page.isLast === undefined && total !== undefined && startAt >= total)) {
			return;
		}
	}
}

/** Bare arrays without paging metadata (`/users/search`): pages may come back short, so only an EMPTY page ends. */
export async function* paginateArray(
	this: JiraContext,
	request: JiraRequest,
	{ pageSize, limit }: PageOptions,
): AsyncGenerator<IDataObject[]> {
	let startAt = 0;
	let seen = 0;
	while (remaining(limit, seen) > 0) {
		const page = (await jiraApiRequest.call(this, {
			...request,
			qs: { ...request.qs, startAt, maxResults: pageSize },
		})) as unknown;
		const raw = Array.isArray(page) ? page : [];
		if (raw.length === 0) return;
		const items = trim(raw, limit, seen);
		seen += items.length;
		yield items;
		startAt += raw.length;
	}
}

export async function collectPages(pages: AsyncIterable<IDataObject[]>): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for await (const page of pages) all.push(...page);
	return all;
}
