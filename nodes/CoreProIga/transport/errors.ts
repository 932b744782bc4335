import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** ESM's ApiException `{code, message, error, url, timestamp}`, or per-attribute RESTErrors. */
export function describeEsmErrorBody(body: unknown): string {
	if (typeof body === 'string') return body.trim().slice(0, 500);
	if (typeof body !== 'object' || body === null) return '';
	const data = body as IDataObject;
	const parts: string[] = [];
	if (typeof data.message === 'string' && data.message) parts.push(data.message);
	else if (typeof data.error === 'string' && data.error) parts.push(data.error);
	const errors = [
		...(((data.meta as IDataObject | undefined)?.errors as IDataObject[] | undefined) ?? []),
		...((data.errors as IDataObject[] | undefined) ?? []),
	];
	for (const error of errors) {
		parts.push(error.attributeCode ? `${String(error.attributeCode)}: ${String(error.message ?? error.error)}` : String(error.message ?? error.error));
	}
	return parts.join('; ');
}

export function esmHttpError(
	node: INode,
	request: { method: string; path: string },
	status: number,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const detail = describeEsmErrorBody(body);
	const suffix = detail ? `: ${detail}` : '';
	let message: string;
	let description: string | undefined;
	switch (true) {
		case status === 400:
			message = `ESM rejected the request${suffix || ' (400)'}`;
			break;
		case status === 401:
			message = 'ESM rejected the session even after a new login (401)';
			description = 'Check that the WebAPI user of the CoreProIGA credential is still active and its role has the External API permission.';
			break;
		case status === 403:
			message = `The ESM WebAPI user may not do this (403)${suffix}`;
			description = 'Give the user’s role rights on this template and folder in ESM.';
			break;
		case status === 404:
			message = `Not found in ESM (404)${suffix}`;
			description = 'ESM answers 404 for an unknown template code, data card ID or attribute code.';
			break;
		case status === 409:
			message = `ESM reports a conflict (409)${suffix}`;
			break;
		case status === 413:
			message = 'ESM refused the file: it is too large (413)';
			break;
		case status === 414 || status === 431:
			// A value that went into the address (a key, an id, a filter) is far too long.
			message = `ESM refused the request: a value in its address is too long (${status})`;
			description = 'Check the values given for keys, IDs and filters: one of them is much longer than any real one.';
			break;
		case status === 429:
			message = 'ESM is rate-limiting the requests (429)';
			description = 'The request was retried up to 5 times as ESM asked. Run the workflow later or lower its parallelism.';
			break;
		case status >= 500:
			message = `ESM failed to answer (${status})${suffix}`;
			description = 'The request was retried where that was safe. Try again later.';
			break;
		default:
			message = `ESM answered ${status}${suffix}`;
	}
	const response: JsonObject = { status, method: request.method, path: request.path };
	if (typeof body === 'object' && body !== null) response.body = body as JsonObject;
	return new NodeApiError(node, response, { message, description, httpCode: String(status), itemIndex });
}

export function esmNetworkError(node: INode, baseUrl: string, code: string | undefined, text: string, itemIndex?: number): NodeApiError {
	const unreachable = code === 'ENOTFOUND' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN';
	const certificate = /certificate|self[- ]signed|CERT_/i.test(`${code ?? ''} ${text}`);
	return new NodeApiError(
		node,
		{ code: code ?? 'unknown', message: text },
		{
			message: unreachable
				? `Could not reach ESM at ${baseUrl} (${code}): check the Host URL of the CoreProIGA credential`
				: certificate
					? `The certificate of ESM at ${baseUrl} could not be verified: turn on "Allow Self-Signed Certificates" in the credential if the server uses its own CA`
					: `The connection to ESM at ${baseUrl} failed${code ? ` (${code})` : ''}: ${text}`,
			itemIndex,
		},
	);
}
