import { Router, type ApiReply, type ApiRequest } from '../core/router';
import { serve, type RunningServer } from '../core/server';
import { SANDBOX_JIRA_USER } from '../credentials';
import { PRODUCTS } from './config';
import { issueRoutes } from './routes-issues';
import { metaRoutes } from './routes-meta';
import { peopleRoutes } from './routes-people';
import { applyJiraSeed, type JiraSeed } from './seed';
import { JiraStore, type JiraUser } from './store';

/**
 * Jira Cloud REST v3 emulator: the paths our nodes call, Basic auth (email + API token) checked
 * against configured accounts, Jira's error shapes, in-memory data with optional persistence.
 */

export interface JiraAuthUser {
	email: string;
	apiToken: string;
	displayName?: string;
	accountId?: string;
}

export interface JiraStartOptions {
	/** 0 (default) = an ephemeral port. */
	port?: number;
	host?: string;
	/** Initial data: 'demo' (default), 'empty', or a data set (see JiraSeed). */
	seed?: JiraSeed | 'demo' | 'empty';
	/** Accounts whose email + API token are accepted (default: the sandbox integration account). */
	users?: JiraAuthUser[];
	/** Load from / save to this JSON file. */
	persistFile?: string;
	/** Clock (tests may move time); default Date.now. */
	now?: () => number;
}

export interface JiraSandbox extends RunningServer {
	kind: 'jira';
	/** The first accepted account: what a Jira Cloud credential needs. */
	credentials: { siteUrl: string; email: string; apiToken: string };
	/** The live data, for in-process assertions. */
	store: JiraStore;
}

export type { JiraSeed } from './seed';

const NOT_AUTHENTICATED = 'Client must be authenticated to access this resource.';

export async function start(options: JiraStartOptions = {}): Promise<JiraSandbox> {
	const now = options.now ?? Date.now;
	const accounts = (options.users ?? [SANDBOX_JIRA_USER]).map((user, index) => ({
		...user,
		accountId: user.accountId ?? `5f0c1e2d3b4a59687a6b5c${String(index).padStart(2, '0')}`,
		displayName: user.displayName ?? user.email.split('@')[0],
	}));
	const store = new JiraStore(now);
	const initialSeed: JiraSeed = options.seed === 'empty' ? {} : options.seed === undefined || options.seed === 'demo' ? { demo: true } : options.seed;

	/** The base every seed starts from: the projects and the accounts that may log in. */
	const base = () => {
		store.clear();
		for (const account of accounts) {
			store.addUser({
				accountId: account.accountId,
				accountType: 'atlassian',
				active: true,
				displayName: account.displayName,
				email: account.email,
				emailVisible: true,
				timeZone: 'UTC',
				locale: 'en_US',
				products: [...PRODUCTS],
			});
		}
	};
	const integrationId = accounts[0].accountId;

	const router = new Router();
	const issues = issueRoutes(router, store);
	peopleRoutes(router, store);
	metaRoutes(router, store);

	const load = (seed: JiraSeed) => {
		base();
		applyJiraSeed(store, seed, integrationId);
		issues.reset();
	};
	load(initialSeed);

	const summary = () => {
		let memberships = 0;
		for (const group of store.groups.values()) memberships += group.members.size;
		let comments = 0;
		for (const issue of store.issues.values()) comments += issue.comments.length;
		return { users: store.users.size, groups: store.groups.size, memberships, issues: store.issues.size, comments };
	};

	const server = await serve(
		{
			kind: 'jira',
			basePath: '',
			router,
			authenticate(request: ApiRequest): ApiReply | undefined {
				const header = String(request.headers.authorization ?? '');
				const match = /^Basic\s+(.+)$/i.exec(header);
				const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
				const colon = decoded.indexOf(':');
				const email = colon > 0 ? decoded.slice(0, colon).toLowerCase() : '';
				const token = colon > 0 ? decoded.slice(colon + 1) : '';
				const account = accounts.find((candidate) => candidate.email.toLowerCase() === email && candidate.apiToken === token);
				const user: JiraUser | undefined = account ? store.users.get(account.accountId) : undefined;
				if (!user || !user.active) return { status: 401, body: { errorMessages: [NOT_AUTHENTICATED], errors: {} } };
				request.principal = user;
				return undefined;
			},
			errorReply(status, message, _where, details) {
				const body = {
					errorMessages: (details?.errorMessages as string[] | undefined) ?? [message],
					errors: (details?.errors as Record<string, string> | undefined) ?? {},
				};
				return { status, body };
			},
			reset: () => load(initialSeed),
			seed(body) {
				const seed = (body ?? {}) as JiraSeed & { append?: boolean };
				if (seed.append) {
					applyJiraSeed(store, seed, integrationId);
				} else {
					load(seed);
				}
				return summary();
			},
			state(query) {
				const state = store.exportState() as unknown as Record<string, unknown>;
				if (query.get('summary') === 'true') return summary();
				const include = query.get('include');
				if (include) return Object.fromEntries(include.split(',').map((key) => [key, state[key]]));
				return state;
			},
			summary,
			version: () => store.version,
			exportState: () => store.exportState(),
			importState: (data) => {
				store.importState(data);
				issues.reset();
			},
			info: (origin) => ({
				api: `${origin}/rest/api/3`,
				credentials: accounts.map((account) => ({ email: account.email, apiToken: account.apiToken })),
			}),
		},
		{ host: options.host ?? '127.0.0.1', port: options.port ?? 0, persistFile: options.persistFile, now },
	);

	return {
		...server,
		kind: 'jira',
		credentials: { siteUrl: server.url, email: accounts[0].email, apiToken: accounts[0].apiToken },
		store,
	};
}
