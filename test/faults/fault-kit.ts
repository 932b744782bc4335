/**
 * What the fault-injection tests share: the emulators on one scaled clock, the real templates run
 * through n8n-core's engine, the admin switches, and the checks every case makes (each source
 * record exactly once in ESM with the right values, the task's cache and watermark).
 *
 * Time. The transports wait through `retryClock.sleep` (Retry-After, backoff). Waiting the real
 * seconds would make the suite slow; skipping the waits would let an outage (`downForMs`) or a
 * token lifetime never pass. So the emulators, the transports and the sync nodes share one clock
 * that runs SCALE times faster than the real one, and every retry wait really waits ms / SCALE.
 * Concurrent waits overlap as they do in production (four batches backing off together wait
 * once, not four times), and a 30 s outage lasts 30 s of everyone's time.
 */
import * as diagnostics from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';

import { startEsm, startJira, type EsmSandbox, type JiraSandbox } from '../../sandbox';
import type { FaultConfig } from '../../sandbox';
import { syncClock } from '../../nodes/Sync/clock';
import { entryKey } from '../../nodes/Sync/state/taskState';
import { retryClock } from '../../nodes/shared/retry';
import {
	createWorkflowHarness,
	teardownHarness,
	type HarnessCredential,
	type WorkflowHarness,
	type WorkflowJson,
	type WorkflowRunResult,
} from '../helpers/workflow-harness';
import { call, loadTemplate } from '../templates/sandbox-kit';

export { call, loadTemplate };

/** Virtual seconds per real second. */
export const SCALE = 50;
/** A week after the newest generated Jira update (DEMO_ANCHOR + 30 days), 08:00 UTC: no cache auto-clear (hour 0) during a file. */
export const T0 = Date.UTC(2026, 11, 10, 8, 0, 0);

/** The secrets of the sandbox: none may appear in an output item, an error or a failure card. */
export const SECRETS = ['sandbox-jira-token', 'sandbox-esm-password', 'sandbox-webhook-secret'];

export interface Clock {
	now(): number;
	/** Moves the clock forward at once (virtual ms). */
	jump(ms: number): void;
}

export interface Rig {
	jira: JiraSandbox;
	esm: EsmSandbox;
	harness: WorkflowHarness;
	clock: Clock;
	credentials: HarnessCredential[];
	/** Every retry wait the transports asked for (virtual ms), since the last `takeSleeps`. */
	takeSleeps(): number[];
	stop(): Promise<void>;
}

export interface RigOptions {
	/** ESM JWT lifetime (virtual seconds); default one day, so that no renewal happens unless a test wants one. */
	tokenTtlSec?: number;
	/** Fixed jitter for the transports' backoff (0..1), so that a test's waits are the same every time. */
	random?: number;
	/** Initial data of the emulators (default: empty, the tests generate theirs). */
	seed?: 'demo' | 'empty';
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
	const realStart = Date.now();
	let jumped = 0;
	const clock: Clock = {
		now: () => T0 + (Date.now() - realStart) * SCALE + jumped,
		jump: (ms) => {
			jumped += ms;
		},
	};
	const jira = await startJira({ port: 0, seed: options.seed ?? 'empty', now: clock.now });
	const esm = await startEsm({ port: 0, instance: 'local', seed: options.seed ?? 'empty', now: clock.now, tokenTtlSec: options.tokenTtlSec ?? 86_400 });
	const credentials: HarnessCredential[] = [
		{ id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi', data: { ...jira.credentials } },
		{ id: 'esmLocal', name: 'ESM (local)', type: 'coreProIgaApi', data: { ...esm.credentials, allowSelfSigned: false, sessionToken: '' } },
	];
	const harness = createWorkflowHarness({ credentials });
	let sleeps: number[] = [];
	jest.spyOn(retryClock, 'now').mockImplementation(() => clock.now());
	jest.spyOn(retryClock, 'sleep').mockImplementation(async (ms) => {
		sleeps.push(ms);
		await new Promise((resolve) => setTimeout(resolve, Math.ceil(ms / SCALE)));
	});
	if (options.random !== undefined) jest.spyOn(retryClock, 'random').mockReturnValue(options.random);
	jest.spyOn(syncClock, 'now').mockImplementation(() => new Date(clock.now()));
	return {
		jira,
		esm,
		harness,
		clock,
		credentials,
		takeSleeps() {
			const taken = sleeps;
			sleeps = [];
			return taken;
		},
		async stop() {
			jest.restoreAllMocks();
			await Promise.all([jira.stop(), esm.stop()]);
			teardownHarness();
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Admin switches and counts

type Sandbox = { url: string };

export async function setFaults(sandbox: Sandbox, faults: FaultConfig & { merge?: boolean }): Promise<void> {
	await call(`${sandbox.url}/__admin/faults`, { method: 'POST', body: JSON.stringify(faults) });
}

export async function clearFaults(...sandboxes: Sandbox[]): Promise<void> {
	for (const sandbox of sandboxes) await call(`${sandbox.url}/__admin/faults`, { method: 'DELETE' });
}

export interface Counts {
	total: number;
	byRoute: Record<string, number>;
	byStatus: Record<string, number>;
}

/** Request counts since the last call; the emulator's counts are cleared. */
export async function takeCounts(sandbox: Sandbox): Promise<Counts> {
	const counts = (await call(`${sandbox.url}/__admin/requests`)) as Counts;
	await call(`${sandbox.url}/__admin/requests`, { method: 'DELETE' });
	return counts;
}

/** Requests the emulator answered with an injected fault: 429, 5xx, or a reset connection. */
export function faulted(counts: Counts): number {
	return Object.entries(counts.byStatus)
		.filter(([status]) => status === '429' || status === 'reset' || /^5\d\d$/.test(status))
		.reduce((sum, [, count]) => sum + count, 0);
}

export function statusCount(counts: Counts, status: string): number {
	return counts.byStatus[status] ?? 0;
}

/** Write requests (PUT / PATCH / POST / DELETE on /dc), whatever their answer. */
export function writes(counts: Counts): Record<string, number> {
	return Object.fromEntries(Object.entries(counts.byRoute).filter(([route]) => /^(PUT|PATCH|POST|DELETE) \/dc/.test(route)));
}

export const sum = (record: Record<string, number>): number => Object.values(record).reduce((total, count) => total + count, 0);

/**
 * Calls `action(n)` for every API request matching `route` (`METHOD /template`, as the request
 * counts name it) when the emulator receives it, before it is handled: the way to put a fault
 * "mid-run" at a known point. Returns a function that stops watching.
 */
export function onEachRequest(sandbox: EsmSandbox | JiraSandbox, route: string, action: (n: number) => void): () => void {
	const counter = sandbox.requests;
	const original = counter.count;
	let seen = 0;
	counter.count = (method: string, template: string | undefined) => {
		original.call(counter, method, template);
		if (`${method.toUpperCase()} ${template}` === route) action(++seen);
	};
	return () => {
		counter.count = original;
	};
}

/** Calls `action` once, for the n-th request matching `route`. */
export function onNthRequest(sandbox: EsmSandbox | JiraSandbox, route: string, n: number, action: () => void): { fired: () => boolean } {
	let fired = false;
	const stop = onEachRequest(sandbox, route, (seen) => {
		if (seen !== n) return;
		fired = true;
		stop();
		action();
	});
	return { fired: () => fired };
}

// ---------------------------------------------------------------------------------------------
// Data

export interface JiraUser {
	accountId: string;
	accountType: string;
	active: boolean;
	displayName: string;
	email?: string;
	emailVisible: boolean;
}

export interface Card {
	id: number;
	folder: string;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}

export const value = (card: Card, code: string): string | undefined => card.data[code]?.[0]?.value;

export async function seedJira(jira: JiraSandbox, generate: { users?: number; issues?: number; groups?: number; seed?: number }): Promise<void> {
	await call(`${jira.url}/__admin/seed`, { method: 'POST', body: JSON.stringify({ generate: { seed: 7, ...generate } }) });
}

export async function jiraUsers(jira: JiraSandbox): Promise<JiraUser[]> {
	return ((await call(`${jira.url}/__admin/state?include=users`)) as { users: JiraUser[] }).users;
}

/** The people the users template imports (Atlassian accounts). */
export async function jiraPeople(jira: JiraSandbox): Promise<JiraUser[]> {
	return (await jiraUsers(jira)).filter((user) => user.accountType === 'atlassian');
}

export interface JiraIssue {
	key: string;
	fields: { summary: string; status: { statusCategory: { key: string } }; priority?: { name: string } | null; updated: string };
}

/** Every issue of a project, as the templates' search reads it (the emulator's own API, no faults then). */
export async function jiraIssues(jira: JiraSandbox, project = 'SD'): Promise<JiraIssue[]> {
	const auth = `${jira.credentials.email}:${jira.credentials.apiToken}`;
	const issues: JiraIssue[] = [];
	let nextPageToken: string | undefined;
	do {
		const page = await call(`${jira.url}/rest/api/3/search/jql`, {
			method: 'POST',
			auth,
			body: JSON.stringify({ jql: `project = ${project} ORDER BY key ASC`, fields: ['summary', 'status', 'priority', 'updated'], maxResults: 100, nextPageToken }),
		});
		issues.push(...(page.issues as JiraIssue[]));
		nextPageToken = page.isLast ? undefined : page.nextPageToken;
	} while (nextPageToken);
	return issues;
}

export async function cards(esm: EsmSandbox, template: string): Promise<Card[]> {
	const state = (await call(`${esm.url}/__admin/state?template=${template}`)) as { cards: Card[] };
	return state.cards.filter((card) => !card.deleted);
}

export interface Ledger {
	/** Source records with no card. */
	lost: string[];
	/** Source records with more than one card. */
	duplicated: string[];
	/** Source records whose card holds other values than the mapping gives. */
	wrong: Array<{ key: string; attribute: string; expected: unknown; actual: unknown }>;
	/** Cards of the task whose key no source record has. */
	strays: string[];
}

/** Every expected record exactly once in ESM (by its key attribute), with the expected values. */
export function ledger(expected: Map<string, Record<string, string | undefined>>, actual: Card[], keyAttribute: string): Ledger {
	const byKey = new Map<string, Card[]>();
	for (const card of actual) {
		const key = value(card, keyAttribute);
		if (key === undefined) continue;
		byKey.set(key, [...(byKey.get(key) ?? []), card]);
	}
	const result: Ledger = { lost: [], duplicated: [], wrong: [], strays: [] };
	for (const [key, values] of expected) {
		const found = byKey.get(key) ?? [];
		if (found.length === 0) result.lost.push(key);
		if (found.length > 1) result.duplicated.push(key);
		if (found.length !== 1) continue;
		for (const [attribute, wanted] of Object.entries(values)) {
			const actualValue = value(found[0], attribute);
			if ((actualValue ?? '') !== (wanted ?? '')) result.wrong.push({ key, attribute, expected: wanted, actual: actualValue });
		}
	}
	for (const key of byKey.keys()) if (!expected.has(key)) result.strays.push(key);
	return result;
}

/** What the users template writes for a Jira person. */
export function personValues(user: JiraUser, taskId: string): Record<string, string | undefined> {
	const parts = user.displayName.trim().split(' ').filter(Boolean);
	return {
		jira_account_id: user.accountId,
		first_name: parts[0] ?? '',
		last_name: parts.slice(1).join(' '),
		email: user.emailVisible ? user.email : undefined,
		accountStatus: user.active ? 'Active' : 'Disabled',
		datasourceid: taskId,
	};
}

const STATUS = { new: '01 - New', indeterminate: '02 - Solving', done: '05 - Solved' } as Record<string, string>;
const PRIORITY = { Highest: '1 - Critical', High: '2 - High', Medium: '3 - Medium', Low: '4 - Low', Lowest: '4 - Low' } as Record<string, string>;

/** What the issues templates write for a Jira issue (the attributes the test can check without ADF). */
export function incidentValues(issue: JiraIssue, taskId: string): Record<string, string | undefined> {
	return {
		jira_key: issue.key,
		subject: issue.fields.summary,
		status: STATUS[issue.fields.status?.statusCategory?.key] ?? '01 - New',
		priority: PRIORITY[issue.fields.priority?.name ?? ''] ?? '3 - Medium',
		datasourceid: taskId,
	};
}

// ---------------------------------------------------------------------------------------------
// Runs

export async function runTemplate(rig: Rig, workflow: WorkflowJson, staticData?: IDataObject): Promise<WorkflowRunResult> {
	return await rig.harness.runWorkflow({ workflow, mode: 'trigger', startItems: [{ json: {} }], staticData });
}

/** The task's cache entries in static data: key -> `synced`, `synced|pending` or `|pending`. */
export function cacheEntries(staticData: IDataObject, taskId: string): Record<string, string> {
	return taskState(staticData, taskId)?.entries ?? {};
}

export function watermarkOf(staticData: IDataObject, taskId: string): string | undefined {
	return taskState(staticData, taskId)?.watermark;
}

/** Task Cache keeps its state in the workflow's global static data, one key per Task ID. */
function taskState(staticData: IDataObject, taskId: string): { entries?: Record<string, string>; watermark?: string } | undefined {
	const global = (staticData.global ?? {}) as IDataObject;
	return global[`esmTask:${taskId}`] as { entries?: Record<string, string>; watermark?: string } | undefined;
}

/** The cache entry of a record key (long keys are cached by hash). */
export function cacheEntry(staticData: IDataObject, taskId: string, key: string): string | undefined {
	return cacheEntries(staticData, taskId)[entryKey(key)];
}

/** Keys whose cache entry says synced with nothing pending. */
export function syncedKeys(staticData: IDataObject, taskId: string, keys: string[]): string[] {
	const entries = cacheEntries(staticData, taskId);
	return keys.filter((key) => {
		const entry = entries[entryKey(key)];
		return entry !== undefined && !entry.includes('|');
	});
}

/** Entries whose latest fingerprint is still pending (written neither this run nor ever). */
export function pendingKeys(entries: Record<string, string>): string[] {
	return Object.entries(entries)
		.filter(([, entry]) => entry.includes('|'))
		.map(([key]) => key);
}

/** The item n8n's Error Trigger gives the error workflow for a failed execution (n8n's shape). */
export function errorTriggerItem(result: WorkflowRunResult, workflow: WorkflowJson, executionId: string): IDataObject {
	const error = JSON.parse(JSON.stringify(result.error ?? {})) as IDataObject;
	error.message = result.error?.message;
	error.stack = result.error?.stack;
	return {
		execution: {
			id: executionId,
			url: `http://localhost:5678/workflow/${workflow.id}/executions/${executionId}`,
			retryOf: null,
			error,
			lastNodeExecuted: result.run.data.resultData.lastNodeExecuted,
			mode: 'trigger',
		},
		workflow: { id: workflow.id, name: workflow.name },
	};
}

/**
 * Runs the failure-card workflow (templates/esm-failure-card.json) as n8n would after the failed
 * run, and answers the card it wrote.
 */
export async function writeFailureCard(rig: Rig, failed: WorkflowRunResult, workflow: WorkflowJson, executionId = '4711'): Promise<Card> {
	const before = new Set((await cards(rig.esm, 'failure')).map((card) => card.id));
	const result = await rig.harness.runWorkflow({
		workflow: loadTemplate('esm-failure-card.json'),
		mode: 'error',
		startItems: [{ json: errorTriggerItem(failed, workflow, executionId) }],
	});
	expect(result.error).toBeUndefined();
	const added = (await cards(rig.esm, 'failure')).filter((card) => !before.has(card.id));
	expect(added).toHaveLength(1);
	return added[0];
}

/** Throws naming the secret when one of the sandbox secrets appears in `text`. */
export function expectNoSecret(text: string, where: string): void {
	// The secrets as they are, base64-encoded, and as the Jira Basic auth header carries them.
	const basic = Buffer.from('integration@sandbox.example:sandbox-jira-token').toString('base64');
	for (const secret of [...SECRETS, basic]) {
		if (text.includes(secret)) throw new Error(`${where} contains the secret ${secret}`);
		const encoded = Buffer.from(secret).toString('base64');
		if (text.includes(encoded)) throw new Error(`${where} contains the secret ${secret} (base64)`);
	}
}

/** Every item of every node, every error and the failure of a run, as one text. */
export function everythingOf(result: WorkflowRunResult): string {
	return JSON.stringify({ runData: result.run.data.resultData.runData, error: result.error, errorText: { message: result.error?.message, description: (result.error as { description?: unknown } | undefined)?.description } });
}

/** One line of figures for the report. */
export function report(name: string, figures: Record<string, unknown>): void {
	process.stdout.write(`[faults] ${name}: ${JSON.stringify(figures)}\n`);
}

// ---------------------------------------------------------------------------------------------
// The two full templates and what they must leave in ESM

export const USERS_TASK = 'jira-users-full';
export const ISSUES_TASK = 'jira-issues-full';
export const INCR_TASK = 'jira-issues-incr';

export interface Expectation {
	keys: string[];
	ledger: Ledger;
}

/** Every Jira person exactly once as a person card with the mapped values. */
export async function checkPersons(rig: Rig, taskId = USERS_TASK): Promise<Expectation> {
	const people = await jiraPeople(rig.jira);
	const expected = new Map(people.map((user) => [user.accountId, personValues(user, taskId)]));
	return { keys: [...expected.keys()], ledger: ledger(expected, await cards(rig.esm, 'person'), 'jira_account_id') };
}

/** Every SD issue exactly once as an incident card with the mapped values. */
export async function checkIncidents(rig: Rig, taskId: string): Promise<Expectation> {
	const issues = await jiraIssues(rig.jira);
	const expected = new Map(issues.map((issue) => [issue.key, incidentValues(issue, taskId)]));
	return { keys: [...expected.keys()], ledger: ledger(expected, await cards(rig.esm, 'incident'), 'jira_key') };
}

/** The whole ledger is clean: nothing lost, nothing twice, every value right, no card of a record that does not exist. */
export function expectClean(expectation: Expectation): void {
	const { ledger: found } = expectation;
	expect({ lost: found.lost.length, duplicated: found.duplicated.length, wrong: found.wrong.slice(0, 5), strays: found.strays.length }).toEqual({
		lost: 0,
		duplicated: 0,
		wrong: [],
		strays: 0,
	});
}

/** Sends requests that the emulator counts (and answers 401) so that its every-Nth 429 falls where a test wants it. */
export async function shift429Phase(sandbox: { url: string }, path: string, requests: number): Promise<void> {
	for (let i = 0; i < requests; i++) await (await fetch(`${sandbox.url}${path}`)).text();
}

/** Renames Jira users in the emulator's live data (Jira's REST API has no user edit; admins do it in Atlassian's admin UI). */
export function renameJiraUsers(jira: JiraSandbox, accountIds: string[], suffix: string): void {
	for (const accountId of accountIds) {
		const user = jira.store.users.get(accountId);
		if (!user) throw new Error(`no Jira user ${accountId}`);
		user.displayName = `${user.displayName} ${suffix}`;
	}
}

/** Deletes Jira users through Jira's REST API. */
export async function deleteJiraUsers(jira: JiraSandbox, accountIds: string[]): Promise<void> {
	const auth = `${jira.credentials.email}:${jira.credentials.apiToken}`;
	for (const accountId of accountIds) await call(`${jira.url}/rest/api/3/user?accountId=${accountId}`, { method: 'DELETE', auth });
}

/** Person cards by Jira account id. */
export async function personsById(esm: EsmSandbox): Promise<Map<string, Card[]>> {
	const byId = new Map<string, Card[]>();
	for (const card of await cards(esm, 'person')) {
		const id = value(card, 'jira_account_id');
		if (id) byId.set(id, [...(byId.get(id) ?? []), card]);
	}
	return byId;
}

/**
 * The cache never claims what ESM does not hold: every record whose entry is synced (nothing
 * pending) has its card, once, with the values the mapping gives. For records the source did not
 * change since they were written (a synced entry is the fingerprint of the last write). Answers
 * the synced keys.
 */
export function expectCacheTruthful(staticData: IDataObject, taskId: string, expectation: Expectation): string[] {
	const synced = syncedKeys(staticData, taskId, expectation.keys);
	const wrongKeys = new Set(expectation.ledger.wrong.map((entry) => entry.key));
	const lying = synced.filter((key) => expectation.ledger.lost.includes(key) || expectation.ledger.duplicated.includes(key) || wrongKeys.has(key));
	expect({ syncedButNotInEsm: lying.length, examples: lying.slice(0, 3) }).toEqual({ syncedButNotInEsm: 0, examples: [] });
	return synced;
}

/** A message a person can act on: says what failed, not a JavaScript accident. */
export function expectClearMessage(message: unknown, mentions: RegExp): void {
	expect(typeof message).toBe('string');
	expect(message).toMatch(mentions);
	expect(message).not.toMatch(/Cannot read properties|is not a function|is not defined|undefined \(reading|\[object Object\]|Unexpected token/);
}

export interface SeenRequest {
	method: string;
	/** Path and query as received. */
	url: string;
	body: string;
}

/**
 * Every request an in-process emulator receives (method, URL, raw body), from Node's own
 * `http.server.request.start` diagnostics channel: what our nodes really sent, quoting included.
 */
export function captureRequests(sandbox: { port: number }): { requests: SeenRequest[]; stop(): void } {
	const requests: SeenRequest[] = [];
	const listener = (message: unknown) => {
		const { request, server } = message as { request: import('node:http').IncomingMessage; server: Server };
		if ((server.address() as AddressInfo | null)?.port !== sandbox.port) return;
		if ((request.url ?? '').startsWith('/__admin')) return;
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => requests.push({ method: request.method ?? 'GET', url: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') }));
	};
	diagnostics.subscribe('http.server.request.start', listener);
	return { requests, stop: () => diagnostics.unsubscribe('http.server.request.start', listener) };
}
