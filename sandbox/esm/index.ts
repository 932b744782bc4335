import { Router, type ApiReply, type ApiRequest } from '../core/router';
import { serve, type RunningServer } from '../core/server';
import { SANDBOX_ESM_USER } from '../credentials';
import { JwtIssuer } from './jwt';
import { esmRoutes, type EsmUser } from './routes';
import { applyEsmSeed, type EsmSeed } from './seed';
import { esmTime, EsmStore } from './store';
import { Webhooks, type WebhookRuleInput } from './webhooks';

/**
 * Matrix42 / Efecte ESM REST v1 emulator. Instances are independent (own data, own JWT secret),
 * so two of them stand in for the local and the remote ESM of ESM <-> ESM scenarios.
 */

export interface EsmStartOptions {
	/** 0 (default) = an ephemeral port. */
	port?: number;
	host?: string;
	/** API prefix, default `/rest-api/itsm/v1` (some on-premises installs use `/itsm/api/v1`). */
	basePath?: string;
	/** Initial data: 'demo' (default), 'empty' (templates only), or a data set (see EsmSeed). */
	seed?: EsmSeed | 'demo' | 'empty';
	/** Which demo data set: 'local' (default) or 'remote'; remote ids start at 500000. */
	instance?: 'local' | 'remote';
	/** Accepted logins (default: the sandbox integration user). */
	users?: Array<{ login: string; password: string; displayName?: string }>;
	/** JWT lifetime, default 900 s (15 minutes, as reported for ESM). */
	tokenTtlSec?: number;
	persistFile?: string;
	now?: () => number;
	/** Uploads larger than this answer 413 (default 10 MiB). */
	maxUploadBytes?: number;
	/** Waits between webhook delivery attempts (default 250 ms, then 1 s: three attempts). */
	webhookRetryDelaysMs?: number[];
}

export interface EsmSandbox extends RunningServer {
	kind: 'esm';
	/** url + base path. */
	apiUrl: string;
	basePath: string;
	/** What a CoreProIGA credential needs. */
	credentials: { hostUrl: string; apiPath: string; username: string; password: string };
	store: EsmStore;
	webhooks: Webhooks;
}

export type { EsmSeed } from './seed';

const REASONS: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	409: 'Conflict',
	413: 'Payload Too Large',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

export async function start(options: EsmStartOptions = {}): Promise<EsmSandbox> {
	const now = options.now ?? Date.now;
	const instance = options.instance ?? 'local';
	const basePath = `/${(options.basePath ?? '/rest-api/itsm/v1').replace(/^\/+|\/+$/g, '')}`;
	const users: EsmUser[] = (options.users ?? [SANDBOX_ESM_USER]).map((user) => ({ ...user, displayName: user.displayName ?? user.login }));
	const store = new EsmStore(now, instance === 'local' ? 100000 : 500000);
	const jwt = new JwtIssuer(`esm-sandbox-${instance}`);
	let tokenTtlSec = options.tokenTtlSec ?? 900;
	const webhooks = new Webhooks(store, now, options.webhookRetryDelaysMs ?? [250, 1000]);
	const initialSeed: EsmSeed =
		options.seed === 'empty' ? {} : options.seed === undefined || options.seed === 'demo' ? { demo: true, instance } : { instance, ...options.seed };

	const router = new Router();
	esmRoutes(router, { store, webhooks, jwt, users, tokenTtlSec: () => tokenTtlSec, maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024 });

	const load = (seed: EsmSeed) => {
		store.clear();
		applyEsmSeed(store, seed);
	};
	load(initialSeed);

	const adminRouter = new Router();
	adminRouter.post('/webhook-rules', (request) => ({ status: 201, body: webhooks.add(request.body as WebhookRuleInput) }));
	adminRouter.get('/webhook-rules', () => ({ status: 200, body: webhooks.list() }));
	adminRouter.delete('/webhook-rules/{id}', (request) => ({
		status: webhooks.remove(request.params.id) ? 200 : 404,
		body: { removed: request.params.id },
	}));
	adminRouter.get('/webhook-deliveries', async (request) => {
		// ?wait=true: answer once every pending delivery finished (tests poll less).
		if (request.query.get('wait') === 'true') await webhooks.idle();
		return { status: 200, body: webhooks.deliveries };
	});

	const summary = () => {
		const byTemplate: Record<string, { cards: number; deleted: number }> = {};
		for (const card of store.cards.values()) {
			const entry = (byTemplate[card.template] ??= { cards: 0, deleted: 0 });
			entry.cards += 1;
			if (card.deleted) entry.deleted += 1;
		}
		return { templates: store.templates.size, cards: store.cards.size, byTemplate, files: store.files.size, webhookRules: webhooks.list().length };
	};

	const server = await serve(
		{
			kind: 'esm',
			basePath,
			router,
			authenticate(request: ApiRequest): ApiReply | undefined {
				const header = String(request.headers.authorization ?? '');
				const match = /^Bearer\s+(.+)$/i.exec(header);
				const deny = (message: string): ApiReply => ({
					status: 401,
					body: { code: 401, message, error: 'Unauthorized', url: `${request.baseUrl}${request.path}`, timestamp: esmTime(now()) },
				});
				if (!match) return deny('Full authentication is required: send Authorization: Bearer <JWT from /users/login>');
				const result = jwt.verify(match[1].trim(), now());
				if (!result.ok) return deny(result.reason === 'expired' ? 'JWT token has expired' : 'Invalid JWT token');
				const user = users.find((candidate) => candidate.login === result.payload.sub);
				if (!user) return deny('Invalid JWT token');
				request.principal = user;
				return undefined;
			},
			errorReply(status, message, where) {
				return {
					status,
					body: { code: status, message, error: REASONS[status] ?? 'Error', url: `${where.baseUrl}${where.path}`, timestamp: esmTime(now()) },
				};
			},
			reset() {
				load(initialSeed);
				webhooks.clear();
				tokenTtlSec = options.tokenTtlSec ?? 900;
			},
			seed(body) {
				const seed = (body ?? {}) as EsmSeed & { append?: boolean };
				if (seed.append) applyEsmSeed(store, seed);
				else load({ instance, ...seed });
				return summary();
			},
			state(query) {
				if (query.get('summary') === 'true') return summary();
				const state = { ...store.exportState(), webhookRules: webhooks.list(), webhookDeliveries: webhooks.deliveries } as Record<string, unknown>;
				const template = query.get('template');
				if (template) state.cards = (state.cards as Array<{ template: string }>).filter((card) => card.template === template);
				const include = query.get('include');
				if (include) return Object.fromEntries(include.split(',').map((key) => [key, state[key]]));
				return state;
			},
			summary,
			version: () => store.version,
			exportState: () => store.exportState(),
			importState: (data) => store.importState(data),
			adminRouter,
			onFaults(config) {
				// Faults are replaced as a whole unless merged: no tokenTtlSec means the configured lifetime.
				const merge = (config as { merge?: boolean }).merge === true;
				if (config.tokenTtlSec !== undefined) tokenTtlSec = Math.max(1, Number(config.tokenTtlSec));
				else if (!merge) tokenTtlSec = options.tokenTtlSec ?? 900;
				if (config.revokeTokens) jwt.rotate();
			},
			info: (origin) => ({
				api: `${origin}${basePath}`,
				instance,
				credentials: users.map((user) => ({ login: user.login, password: user.password })),
				tokenTtlSec,
			}),
			onStop: () => webhooks.stop(),
		},
		{ host: options.host ?? '127.0.0.1', port: options.port ?? 0, persistFile: options.persistFile, now },
	);

	return {
		...server,
		kind: 'esm',
		apiUrl: `${server.url}${basePath}`,
		basePath,
		credentials: { hostUrl: server.url, apiPath: basePath, username: users[0].login, password: users[0].password },
		store,
		webhooks,
	};
}
