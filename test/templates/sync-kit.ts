import * as http from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject } from 'n8n-workflow';

import type { WorkflowHarness, WorkflowJson, WorkflowRunResult } from '../helpers/workflow-harness';
import { call } from './sandbox-kit';

/**
 * A small n8n for the two-way sync tests: the ESM emulators' webhook rules (the "ESM workflows")
 * call the event workflows through it, and the test runs the scheduled ones through it too. Runs
 * go one at a time, each workflow's static data is carried from run to run as an active workflow's
 * is, and `settle` waits until every webhook the runs caused has been answered.
 */
export interface SyncRig {
	/** The URL an ESM webhook rule calls for a Webhook node's path, e.g. `esm/ticket-to-remote`. */
	webhookUrl(path: string): string;
	/** Runs a workflow from its Schedule Trigger (or the named start node) with its static data. */
	runScheduled(workflow: WorkflowJson, startNode?: string): Promise<WorkflowRunResult>;
	/** Waits until no webhook delivery is pending in the given emulators and no run is queued. Returns the rounds it took. */
	settle(esmUrls: string[], maxRounds?: number): Promise<{ rounds: number; quiet: boolean }>;
	/** Every webhook call answered so far. */
	calls: Array<{ path: string; statusCode: number; body: unknown }>;
	staticData: Map<string, IDataObject>;
	stop(): Promise<void>;
}

export const WEBHOOK_HEADERS = { 'content-type': 'application/json', 'x-esm-webhook-token': 'sandbox-webhook-secret' };

interface WebhookNode {
	name: string;
	type: string;
	parameters?: Record<string, unknown>;
}

export async function startSyncRig(harness: WorkflowHarness, workflows: WorkflowJson[]): Promise<SyncRig> {
	const routes = new Map<string, { workflow: WorkflowJson; startNode: string }>();
	for (const workflow of workflows) {
		for (const node of workflow.nodes as WebhookNode[]) {
			if (node.type === 'n8n-nodes-base.webhook') routes.set(String(node.parameters?.path), { workflow, startNode: node.name });
		}
	}
	const staticData = new Map<string, IDataObject>();
	const calls: SyncRig['calls'] = [];
	let queue: Promise<unknown> = Promise.resolve();
	let pending = 0;
	const serial = <T>(work: () => Promise<T>): Promise<T> => {
		pending++;
		const next = queue.then(work).finally(() => pending--);
		queue = next.catch(() => undefined);
		return next;
	};
	const keyOf = (workflow: WorkflowJson) => String((workflow as { id?: string }).id ?? workflow.name);
	const run = async (workflow: WorkflowJson, options: Parameters<WorkflowHarness['runWorkflow']>[0]) => {
		const result = await harness.runWorkflow({ ...options, workflow, staticData: staticData.get(keyOf(workflow)) ?? {} });
		staticData.set(keyOf(workflow), result.staticData);
		return result;
	};

	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/webhook\//, ''));
			const route = routes.get(path);
			if (!route) {
				response.writeHead(404).end(`no workflow listens on ${path}`);
				return;
			}
			let body: unknown;
			try {
				body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
			} catch {
				body = Buffer.concat(chunks).toString('utf8');
			}
			void serial(() => run(route.workflow, { workflow: route.workflow, mode: 'webhook', startNode: route.startNode, webhook: { headers: { ...WEBHOOK_HEADERS }, body } }))
				.then((result) => {
					const answer = result.webhookResponse as { statusCode?: number; body?: unknown } | undefined;
					const statusCode = answer?.statusCode ?? (result.error ? 500 : 200);
					const answerBody = answer?.body ?? (result.error ? { error: result.error.message } : {});
					calls.push({ path, statusCode, body: answerBody });
					response.writeHead(statusCode, { 'Content-Type': 'application/json' }).end(JSON.stringify(answerBody));
				})
				.catch((error: Error) => {
					calls.push({ path, statusCode: 500, body: { error: error.message } });
					response.writeHead(500).end(error.message);
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		webhookUrl: (path) => `${base}/webhook/${path}`,
		runScheduled: (workflow, startNode) =>
			serial(() => {
				const trigger = startNode ?? (workflow.nodes as WebhookNode[]).find((node) => node.type === 'n8n-nodes-base.scheduleTrigger')?.name;
				return run(workflow, { workflow, mode: 'trigger', startNode: trigger, startItems: [{ json: {} }] });
			}),
		async settle(esmUrls, maxRounds = 25) {
			let seen = -1;
			for (let round = 1; round <= maxRounds; round++) {
				// An endless chain (each call's write fires the next call) never lets an ESM go idle: after
				// SETTLE_ROUND_MS without idling the round counts as not quiet instead of waiting forever.
				let timer: NodeJS.Timeout | undefined;
				const idle = Promise.all(esmUrls.map(async (url) => (await call(`${url}/__admin/webhook-deliveries?wait=true`)) as unknown[]));
				const deliveries = await Promise.race([idle, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SETTLE_ROUND_MS)))]);
				clearTimeout(timer);
				if (!deliveries) {
					idle.catch(() => undefined);
					return { rounds: round, quiet: false };
				}
				await queue;
				const total = deliveries.reduce((sum, list) => sum + list.length, 0);
				if (total === seen && pending === 0) return { rounds: round, quiet: true };
				seen = total;
			}
			return { rounds: maxRounds, quiet: false };
		},
		calls,
		staticData,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** Write requests per route (`PATCH /dc/incident/data/{id}` style) since the last call, then resets the counts. */
export async function takeWrites(sandboxUrl: string): Promise<Record<string, number>> {
	const counts = await call(`${sandboxUrl}/__admin/requests`);
	await call(`${sandboxUrl}/__admin/requests`, { method: 'DELETE' });
	return Object.fromEntries(
		Object.entries(counts.byRoute as Record<string, number>).filter(([route]) => /^(PUT|PATCH|POST|DELETE) /.test(route) && !/\/users\/login$/.test(route)),
	);
}

export const writeCount = (writes: Record<string, number>): number => Object.values(writes).reduce((sum, count) => sum + count, 0);

/**
 * The test-only switch that removes the loop guard from a workflow: Filter Echoes sees no marker
 * (nothing is an echo any more) and Stamp has no counterpart (every write goes out). The proof
 * tests run the same cycles with it to show that they would catch a loop.
 */
/** How long one settle round waits for the emulators' webhook deliveries to finish. */
const SETTLE_ROUND_MS = 15_000;

export function withoutLoopGuard(workflow: WorkflowJson): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
	for (const node of copy.nodes as Array<WebhookNode & { parameters: Record<string, unknown> }>) {
		if (node.type !== 'n8n-nodes-esm-connectors.taskCache') continue;
		if (node.parameters.operation === 'guardFilter') node.parameters.marker = '';
		if (node.parameters.operation === 'guardStamp') node.parameters.options = {};
	}
	return copy;
}

interface EsmLike {
	apiUrl: string;
	credentials: { username: string; password: string };
}

/** A person working in ESM (through its REST API, so ESM's webhook rules fire as for a UI edit). */
export function esmPerson(esm: EsmLike) {
	let token: string | undefined;
	const send = async (method: string, path: string, body?: unknown): Promise<any> => {
		if (!token) {
			const login = await fetch(`${esm.apiUrl}/users/login`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ login: esm.credentials.username, password: esm.credentials.password }).toString(),
			});
			token = login.headers.get('authorization') ?? undefined;
		}
		const response = await fetch(`${esm.apiUrl}${path}`, {
			method,
			headers: { Authorization: token ?? '', 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
		return text ? JSON.parse(text) : undefined;
	};
	const data = (values: Record<string, string | string[]>) =>
		Object.fromEntries(Object.entries(values).map(([code, value]) => [code, { values: (Array.isArray(value) ? value : [value]).map((entry) => ({ value: entry })) }]));
	return {
		/** Creates a card; answers its data card id. */
		async create(template: string, folderCode: string, values: Record<string, string | string[]>): Promise<string> {
			const answer = await send('POST', `/dc/${template}/data`, { folderCode, data: data(values) });
			return String(answer.dataCard?.dataCardId ?? answer.dataCardId);
		},
		async edit(template: string, dataCardId: string, values: Record<string, string | string[]>): Promise<void> {
			await send('PATCH', `/dc/${template}/data/${dataCardId}`, { dataCardId, data: data(values) });
		},
	};
}
