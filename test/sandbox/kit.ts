/**
 * What the sandbox tests share: a plain node:http client (no keep-alive, so servers close
 * cleanly and jest exits by itself) and small Jira / ESM / admin clients around it.
 *
 * These files never load nock. A test file that does (end-to-end tests mixing nock and the
 * sandbox) must let loopback through: `nock.enableNetConnect('127.0.0.1')`.
 */
import * as http from 'http';

import type { EsmSandbox, JiraSandbox } from '../../sandbox';

export interface HttpResult {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	/** Parsed JSON, or undefined when the body is empty or not JSON. */
	body: any;
	raw: Buffer;
}

export interface RequestOptions {
	headers?: Record<string, string>;
	/** JSON body (serialised), or a Buffer / string sent as is. */
	body?: unknown;
}

export function httpRequest(method: string, url: string, options: RequestOptions = {}): Promise<HttpResult> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string | number> = { Accept: 'application/json', ...(options.headers ?? {}) };
		let payload: Buffer | undefined;
		if (options.body !== undefined) {
			if (Buffer.isBuffer(options.body)) payload = options.body;
			else if (typeof options.body === 'string') payload = Buffer.from(options.body);
			else {
				payload = Buffer.from(JSON.stringify(options.body));
				headers['Content-Type'] ??= 'application/json';
			}
			headers['Content-Length'] = payload.length;
		}
		const req = http.request(url, { method, headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const raw = Buffer.concat(chunks);
				const text = raw.toString('utf8');
				let body: unknown;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					body = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, raw });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(payload);
	});
}

export interface Call {
	method: string;
	/** Path below the API base. */
	path: string;
	result: HttpResult;
}

export type Recorder = (call: Call) => void;

export function basicAuth(email: string, token: string): string {
	return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

export function jiraClient(jira: JiraSandbox, record?: Recorder) {
	const authorization = basicAuth(jira.credentials.email, jira.credentials.apiToken);
	return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> => {
		const result = await httpRequest(method, `${jira.url}${path}`, { body, headers: { Authorization: authorization, ...headers } });
		record?.({ method, path, result });
		return result;
	};
}

export async function esmLogin(esm: EsmSandbox, login = esm.credentials.username, password = esm.credentials.password): Promise<HttpResult> {
	return httpRequest('POST', `${esm.apiUrl}/users/login`, {
		body: new URLSearchParams({ login, password }).toString(),
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
	});
}

export async function esmClient(esm: EsmSandbox, record?: Recorder) {
	const login = await esmLogin(esm);
	if (login.status !== 200) throw new Error(`ESM login failed: ${login.status} ${login.text}`);
	const token = login.body.token as string;
	const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> => {
		const result = await httpRequest(method, `${esm.apiUrl}${path}`, { body, headers: { Authorization: token, ...headers } });
		record?.({ method, path, result });
		return result;
	};
	return Object.assign(call, { token, login });
}

export function admin(url: string) {
	return {
		get: (path: string) => httpRequest('GET', `${url}/__admin${path}`),
		post: (path: string, body: unknown = {}) => httpRequest('POST', `${url}/__admin${path}`, { body }),
		delete: (path: string) => httpRequest('DELETE', `${url}/__admin${path}`),
	};
}

/** A minimal ADF document. */
export function adf(text: string) {
	return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

/** `{ values: [{value}] }` for ESM writes. */
export function esmValue(...values: unknown[]) {
	return { values: values.map((value) => (typeof value === 'object' && value !== null ? value : { value })) };
}

/** A local HTTP listener that records what it is sent (webhook targets). */
export async function listener(answer: (count: number) => number = () => 200) {
	const received: Array<{ headers: http.IncomingHttpHeaders; body: any; status: number }> = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const status = answer(received.length + 1);
			received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'), status });
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${address.port}/webhook`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
