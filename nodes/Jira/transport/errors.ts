import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

const TOKEN_HELP =
	'Check Email and API Token of the Jira Cloud credential; API tokens expire after at most a year (https://id.atlassian.com/manage-profile/security/api-tokens).';

/** Jira's ErrorCollection: `{ errorMessages: string[], errors: { field: message } }`. */
export function describeJiraErrorBody(body: unknown): { fieldErrors: string[]; messages: string[] } {
	const collection = (typeof body === 'object' && body !== null ? body : {}) as IDataObject;
	const messages = Array.isArray(collection.errorMessages) ? collection.errorMessages.map(String) : [];
	const errors = (collection.errors ?? {}) as IDataObject;
	const fieldErrors = Object.entries(errors).map(([field, text]) => `${field}: ${String(text)}`);
	if (!messages.length && !fieldErrors.length && typeof collection.message === 'string') {
		messages.push(collection.message);
	}
	if (typeof body === 'string' && body.trim() && body.length < 500) messages.push(body.trim());
	return { fieldErrors, messages };
}

function summarise(body: unknown): string {
	const { fieldErrors, messages } = describeJiraErrorBody(body);
	return [...fieldErrors, ...messages].join('; ');
}

/** Jira permissions that a request needs, named as Jira's administration shows them. */
export const JIRA_PERMISSION = {
	browseUsers: 'Browse users and groups (global permission)',
	administerJira: 'Administer Jira (global permission)',
	siteAdmin: 'site administration (member of the site-admin group)',
	administerProject: 'Administer Projects (project permission)',
} as const;

export type JiraPermission = (typeof JIRA_PERMISSION)[keyof typeof JIRA_PERMISSION];

/** Turns a non-2xx answer into an error that says what went wrong and what to do. */
export function jiraHttpError(
	node: INode,
	request: { method: string; path: string; permission?: JiraPermission },
	status: number,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const detail = summarise(body);
	const { fieldErrors } = describeJiraErrorBody(body);
	let message: string;
	let description: string | undefined;
	switch (true) {
		case status === 400 && fieldErrors.length > 0:
			message = `Jira rejected ${fieldErrors.length === 1 ? 'the field' : 'the fields'} ${fieldErrors.join('; ')}`;
			description = 'Fix the named field in the node parameters (or in the Fields JSON) and run again.';
			break;
		case status === 400:
			message = `Jira rejected the request: ${detail || 'bad request'}`;
			break;
		case status === 401:
			message = 'Jira rejected the credentials (401 Unauthorized)';
			description = TOKEN_HELP;
			break;
		case status === 403 && request.permission !== undefined:
			message = `The Jira account lacks ${request.permission}, which this needs (403 Forbidden)${detail ? `: ${detail}` : ''}`;
			description = `A Jira administrator grants it to the account of the Jira Cloud credential (Jira settings → System → Global permissions, or the site-admin group in admin.atlassian.com).`;
			break;
		case status === 403:
			message = `The Jira account may not do this (403 Forbidden)${detail ? `: ${detail}` : ''}`;
			description = 'Give the account of the Jira Cloud credential the needed Jira permission, or use another account.';
			break;
		case status === 404:
			message = `Not found in Jira (404)${detail ? `: ${detail}` : ''}`;
			description = 'Jira answers 404 both when the object does not exist and when the account may not see it.';
			break;
		case status === 409:
			message = `Jira reports a conflict (409)${detail ? `: ${detail}` : ''}`;
			break;
		case status === 413:
			message = `Jira refused the write: a per-issue limit was reached (413)${detail ? `: ${detail}` : ''}`;
			break;
		case status === 414 || status === 431:
			// A value that went into the address (a key, an id, a filter) is far too long.
			message = `Jira refused the request: a value in its address is too long (${status})`;
			description = 'Check the values given for keys, IDs and filters: one of them is much longer than any real one.';
			break;
		case status === 429:
			message = 'Jira is rate-limiting the requests (429 Too Many Requests)';
			description =
				'The request was retried up to 5 times as Jira asked (a wait of more than 5 minutes is not made). Run the workflow later or less often, or lower its parallelism.';
			break;
		case status >= 500:
			message = `Jira failed to answer (${status})${detail ? `: ${detail}` : ''}`;
			description = 'Jira had a server problem; the request was retried where that was safe. Try again later.';
			break;
		default:
			message = `Jira answered ${status}${detail ? `: ${detail}` : ''}`;
	}
	const response: JsonObject = { status, method: request.method, path: request.path };
	if (typeof body === 'object' && body !== null) response.body = body as JsonObject;
	return new NodeApiError(node, response, { message, description, httpCode: String(status), itemIndex });
}

/** A failure below HTTP (DNS, refused connection, TLS). Built from the code only: no request details leak. */
export function jiraNetworkError(node: INode, baseUrl: string, code: string | undefined, text: string, itemIndex?: number): NodeApiError {
	const unreachable = code === 'ENOTFOUND' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN';
	return new NodeApiError(
		node,
		{ code: code ?? 'unknown', message: text },
		{
			message: unreachable
				? `Could not reach Jira at ${baseUrl} (${code}): check the Site URL of the Jira Cloud credential`
				: `The connection to Jira at ${baseUrl} failed${code ? ` (${code})` : ''}: ${text}`,
			itemIndex,
		},
	);
}
