import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { dirname } from 'node:path';

import { Faults, type FaultConfig } from './faults';
import { HttpError, Router, type ApiReply, type ApiRequest } from './router';

/**
 * The HTTP plumbing every emulator shares: listening, body parsing, routing below a base path,
 * fault injection, request counting, the `/__admin/` API and optional persistence. An emulator
 * only brings its routes, its auth check, its error shape and its state.
 */
export interface EmulatorSpec {
	/** `jira` or `esm`: named in admin answers. */
	kind: string;
	/** API prefix ('' for Jira, `/rest-api/itsm/v1` for ESM). */
	basePath: string;
	router: Router;
	/** Checks credentials; answers the 401 to send, or undefined (and sets request.principal). */
	authenticate(request: ApiRequest): ApiReply | undefined;
	/** The emulator's own error body for a status and message. */
	errorReply(status: number, message: string, request: Pick<ApiRequest, 'origin' | 'baseUrl' | 'path'>, details?: Record<string, unknown>): ApiReply;
	/** Back to the data the emulator started with. */
	reset(): void;
	/** `POST /__admin/seed`; answers a summary. Throws HttpError(400) on a bad data set. */
	seed(body: unknown): unknown;
	/** `GET /__admin/state`. */
	state(query: URLSearchParams): unknown;
	/** Counts for admin answers and the CLI. */
	summary(): unknown;
	/** Grows on every change of the data (persistence saves when it moved). */
	version(): number;
	exportState(): unknown;
	importState(data: unknown): void;
	/** Extra admin routes, templates relative to `/__admin` (e.g. ESM's `/webhook-rules`). */
	adminRouter?: Router;
	/** Called after `POST /__admin/faults` (ESM rotates its secret on revokeTokens). */
	onFaults?(config: FaultConfig): void;
	/** `GET /__admin/`: what a person needs to connect (URLs, credentials). */
	info(origin: string): unknown;
	onStop?(): void | Promise<void>;
}

export interface ServeOptions {
	host: string;
	/** 0 = ephemeral. */
	port: number;
	/** Load state from this JSON file when it exists; save changes to it. */
	persistFile?: string;
	now: () => number;
}

export interface RunningServer {
	/** `http://host:port` (no base path). */
	url: string;
	host: string;
	port: number;
	faults: Faults;
	requests: RequestCounter;
	stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Requests per `METHOD /path/template` and per status, for the benchmark and for assertions. */
export class RequestCounter {
	private byRoute = new Map<string, number>();
	private byStatus = new Map<string, number>();
	private total = 0;

	count(method: string, template: string | undefined): void {
		const key = `${method.toUpperCase()} ${template ?? '(no route)'}`;
		this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
		this.total += 1;
	}

	status(status: number | 'reset'): void {
		const key = String(status);
		this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
	}

	clear(): void {
		this.byRoute.clear();
		this.byStatus.clear();
		this.total = 0;
	}

	snapshot(): { total: number; byRoute: Record<string, number>; byStatus: Record<string, number> } {
		const sorted = (map: Map<string, number>) => Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
		return { total: this.total, byRoute: sorted(this.byRoute), byStatus: sorted(this.byStatus) };
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new HttpError(413, 'Request body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseBody(raw: Buffer, contentType: string | undefined): { body: unknown; error?: string } {
	if (raw.length === 0) return { body: undefined };
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	if (type === 'application/x-www-form-urlencoded') {
		return { body: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
	}
	if (type.startsWith('multipart/')) return { body: undefined };
	const text = raw.toString('utf8');
	if (type === '' || type === 'application/json' || type.endsWith('+json') || type === 'text/plain') {
		try {
			return { body: JSON.parse(text) };
		} catch (error) {
			return { body: undefined, error: (error as Error).message };
		}
	}
	return { body: undefined };
}

function send(res: http.ServerResponse, reply: ApiReply): void {
	const headers: Record<string, string | number> = { ...(reply.headers ?? {}) };
	let payload: Buffer | string | undefined;
	if (reply.raw !== undefined) {
		payload = reply.raw;
		headers['Content-Type'] = reply.contentType ?? 'application/octet-stream';
	} else if (reply.body !== undefined && reply.status !== 204) {
		payload = JSON.stringify(reply.body);
		headers['Content-Type'] = reply.contentType ?? 'application/json;charset=UTF-8';
	}
	if (payload !== undefined) headers['Content-Length'] = Buffer.byteLength(payload);
	else if (reply.status !== 204) headers['Content-Length'] = 0;
	res.writeHead(reply.status, headers);
	res.end(payload);
}

/** Saves the state to a JSON file a moment after it changed (and at stop), atomically. */
class Persister {
	private timer: NodeJS.Timeout | undefined;
	private savedVersion: number;

	constructor(
		private readonly file: string,
		private readonly spec: EmulatorSpec,
	) {
		this.savedVersion = spec.version();
	}

	load(): boolean {
		if (!existsSync(this.file)) return false;
		this.spec.importState(JSON.parse(readFileSync(this.file, 'utf8')));
		this.savedVersion = this.spec.version();
		return true;
	}

	changed(): void {
		if (this.spec.version() === this.savedVersion || this.timer) return;
		this.timer = setTimeout(() => this.flush(), 250);
		this.timer.unref();
	}

	flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		if (this.spec.version() === this.savedVersion && existsSync(this.file)) return;
		mkdirSync(dirname(this.file), { recursive: true });
		const temporary = `${this.file}.tmp`;
		writeFileSync(temporary, JSON.stringify(this.spec.exportState()));
		renameSync(temporary, this.file);
		this.savedVersion = this.spec.version();
	}
}

export async function serve(spec: EmulatorSpec, options: ServeOptions): Promise<RunningServer> {
	const faults = new Faults(options.now);
	const requests = new RequestCounter();
	const persister = options.persistFile ? new Persister(options.persistFile, spec) : undefined;
	if (persister && !persister.load()) persister.flush();
	let origin = '';

	const admin = new Router();
	admin.get('/', () => ({ status: 200, body: { kind: spec.kind, ...(spec.info(origin) as object), summary: spec.summary() } }));
	admin.post('/reset', () => {
		spec.reset();
		faults.clear();
		requests.clear();
		return { status: 200, body: { ok: true, summary: spec.summary() } };
	});
	admin.post('/seed', (request) => ({ status: 200, body: { ok: true, summary: spec.seed(request.body ?? {}) } }));
	admin.get('/state', (request) => ({ status: 200, body: spec.state(request.query) }));
	admin.get('/faults', () => ({ status: 200, body: faults.snapshot() }));
	admin.post('/faults', (request) => {
		const config = (request.body ?? {}) as FaultConfig & { merge?: boolean };
		if (typeof config !== 'object' || Array.isArray(config)) throw new HttpError(400, 'faults: expected a JSON object');
		let state;
		try {
			state = faults.configure(config);
		} catch (error) {
			throw new HttpError(400, (error as Error).message);
		}
		spec.onFaults?.(config);
		return { status: 200, body: state };
	});
	admin.delete('/faults', () => {
		faults.clear();
		spec.onFaults?.({});
		return { status: 200, body: faults.snapshot() };
	});
	admin.get('/requests', () => ({ status: 200, body: requests.snapshot() }));
	admin.delete('/requests', () => {
		requests.clear();
		return { status: 200, body: requests.snapshot() };
	});
	admin.get('/routes', () => ({
		status: 200,
		body: { basePath: spec.basePath, routes: spec.router.routes() },
	}));

	async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
		const raw = await readBody(req);
		const parsed = parseBody(raw, req.headers['content-type']);
		const sub = url.pathname.replace(/^\/__admin/, '') || '/';
		const method = req.method ?? 'GET';
		let found = admin.match(method, sub === '' ? '/' : sub);
		if (!found.route && spec.adminRouter) {
			const extra = spec.adminRouter.match(method, sub);
			if (extra.route) found = extra;
		}
		if (!found.route) {
			send(res, { status: 404, body: { error: `No admin endpoint ${method} /__admin${sub}` } });
			return;
		}
		if (parsed.error) {
			send(res, { status: 400, body: { error: `Invalid JSON: ${parsed.error}` } });
			return;
		}
		const request: ApiRequest = {
			method,
			path: sub,
			template: found.route.template,
			params: found.params,
			query: url.searchParams,
			headers: req.headers,
			rawBody: raw,
			body: parsed.body,
			origin,
			baseUrl: origin + spec.basePath,
		};
		try {
			send(res, await found.route.handler(request));
		} catch (error) {
			const status = error instanceof HttpError ? error.status : 500;
			send(res, { status, body: { error: (error as Error).message } });
		}
		persister?.changed();
	}

	async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const base = spec.basePath;
		const inBase = base === '' || url.pathname === base || url.pathname.startsWith(`${base}/`);
		const path = inBase ? url.pathname.slice(base.length) || '/' : url.pathname;
		const match = inBase ? spec.router.match(method, path) : { allowedMethods: [] };
		const template = match.route?.template;
		requests.count(method, template);

		if (faults.isDown()) {
			// Down: the connection breaks before any answer (what a client sees when a server dies).
			requests.status('reset');
			req.socket.destroy();
			return;
		}
		const raw = await readBody(req);
		const where = { origin, baseUrl: origin + base, path };
		const reply = (status: number, message: string, details?: Record<string, unknown>) =>
			spec.errorReply(status, message, where, details);

		let answer: ApiReply;
		if (!match.route) {
			answer =
				match.allowedMethods.length > 0
					? { ...reply(405, `Method ${method} is not allowed for ${path}`), headers: { Allow: match.allowedMethods.join(', ') } }
					: reply(404, `No such endpoint: ${method} ${url.pathname}`);
		} else {
			if (faults.latencyMs > 0) await sleep(faults.latencyMs);
			const identity = { method, path, template };
			const retryAfter = faults.take429();
			const failBefore = retryAfter === undefined ? faults.take5xx('beforeApply', identity) : undefined;
			if (retryAfter !== undefined) {
				answer = reply(429, 'Rate limit exceeded.');
				answer.headers = { ...(answer.headers ?? {}), 'Retry-After': retryAfter, 'RateLimit-Reason': 'sandbox-injected' };
			} else if (failBefore !== undefined) {
				answer = reply(failBefore, `Injected failure (${failBefore}) before the request was applied`);
			} else {
				const parsed = parseBody(raw, req.headers['content-type']);
				const request: ApiRequest = {
					method,
					path,
					template: match.route.template,
					params: match.params,
					query: url.searchParams,
					headers: req.headers,
					rawBody: raw,
					body: parsed.body,
					bodyError: parsed.error,
					origin,
					baseUrl: origin + base,
				};
				const denied = match.route.options.public ? undefined : spec.authenticate(request);
				if (denied) {
					answer = denied;
				} else {
					try {
						answer = await match.route.handler(request);
					} catch (error) {
						answer =
							error instanceof HttpError
								? reply(error.status, error.message, error.details)
								: reply(500, `Sandbox error: ${(error as Error).message}`);
					}
					const failAfter = faults.take5xx('afterApply', identity);
					if (failAfter !== undefined) {
						answer = reply(failAfter, `Injected failure (${failAfter}) after the request was applied`);
					}
				}
			}
		}
		requests.status(answer.status);
		send(res, answer);
		persister?.changed();
	}

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', origin || 'http://localhost');
		const handler = url.pathname === '/__admin' || url.pathname.startsWith('/__admin/') ? handleAdmin : handleApi;
		handler(req, res, url).catch((error: unknown) => {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			const status = error instanceof HttpError ? error.status : 500;
			send(res, { status, body: { error: (error as Error).message } });
		});
	});
	server.keepAliveTimeout = 5000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : options.port;
	const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
	origin = `http://${hostForUrl}:${port}`;

	let stopped: Promise<void> | undefined;
	return {
		url: origin,
		host: options.host,
		port,
		faults,
		requests,
		stop() {
			stopped ??= (async () => {
				persister?.flush();
				await spec.onStop?.();
				await new Promise<void>((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
				});
			})();
			return stopped;
		},
	};
}
