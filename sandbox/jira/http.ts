import { HttpError, type ApiRequest } from '../core/router';
import type { JiraStore, JiraUser } from './store';

/** Small helpers every Jira route uses: Jira's error body, query parsing, PageBean paging. */

/** `{ errorMessages: [message], errors: {} }` with this status. */
export function fail(status: number, message: string): never {
	throw new HttpError(status, message);
}

/** 400 `{ errorMessages: [], errors: { field: message } }`. */
export function fieldErrors(errors: Record<string, string>, messages: string[] = []): never {
	throw new HttpError(400, messages[0] ?? 'Field errors', { errorMessages: messages, errors });
}

export function intParam(request: ApiRequest, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
	const raw = request.query.get(name);
	if (raw === null || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value)) fail(400, `The '${name}' parameter must be an integer.`);
	return Math.min(max, Math.max(min, value));
}

export function boolParam(request: ApiRequest, name: string, fallback: boolean): boolean {
	const raw = request.query.get(name);
	if (raw === null || raw === '') return fallback;
	return raw.toLowerCase() === 'true';
}

/** Comma-separated and repeated values (`fields=a,b&fields=c`). */
export function listParam(request: ApiRequest, name: string): string[] {
	return request.query
		.getAll(name)
		.flatMap((value) => value.split(','))
		.map((value) => value.trim())
		.filter(Boolean);
}

export function caller(request: ApiRequest): JiraUser {
	return request.principal as JiraUser;
}

export function jsonBody(request: ApiRequest): Record<string, unknown> {
	if (request.bodyError) fail(400, `Unexpected character in the JSON body: ${request.bodyError}`);
	const body = request.body;
	if (body === undefined) return {};
	if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(400, 'The request body must be a JSON object.');
	return body as Record<string, unknown>;
}

/** Jira's PageBean: startAt/maxResults/total/isLast with self and nextPage links. */
export function pageBean<T>(request: ApiRequest, all: T[], startAt: number, maxResults: number, map: (item: T) => unknown) {
	const values = all.slice(startAt, startAt + maxResults).map(map);
	const isLast = startAt + values.length >= all.length;
	const link = (start: number) => {
		const query = new URLSearchParams(request.query);
		query.set('startAt', String(start));
		query.set('maxResults', String(maxResults));
		return `${request.baseUrl}${request.path}?${query.toString()}`;
	};
	return {
		self: link(startAt),
		...(isLast ? {} : { nextPage: link(startAt + values.length) }),
		maxResults,
		startAt,
		total: all.length,
		isLast,
		values,
	};
}

export function requireUser(store: JiraStore, accountId: string | null): JiraUser {
	if (!accountId) fail(400, "The 'accountId' query parameter needs to be provided");
	const user = store.users.get(accountId);
	if (!user) fail(404, `Specified user does not exist or you do not have required permissions`);
	return user;
}
