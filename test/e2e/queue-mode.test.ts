/**
 * Queue mode end to end (issue 11): the real n8n of `npm run queue-demo` (scripts/lib/stack.js with
 * `queue`): Redis and PostgreSQL on 127.0.0.1, one main instance and two `n8n worker` processes,
 * our package in all of them, the emulators. Runs start only from webhooks (as in production queue
 * mode, where `n8n execute` falls back to regular mode and manual runs keep no static data).
 *
 * - 20 webhook events at once (10 incidents -> Jira issues, 10 user provisionings): each processed
 *   by a worker exactly once.
 * - The full users import on 10k generated Jira users, run twice through a webhook that calls it as a
 *   sub-workflow: the same ESM cards as the same template gives in regular mode; the second run
 *   writes nothing (the Task Cache's static data was saved by the worker and read by the next run).
 * - The stateless variant of the issue import (Compare Datasets against ESM) runs there too and
 *   writes nothing on its second run.
 * - A worker killed in the middle of a full import: that run fails; the next one completes with
 *   every user exactly once (nothing lost, nothing duplicated).
 *
 * Skipped unless E2E_REAL_N8N=1 (CI sets it). Needs root or installed redis-server + postgresql.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { startEsm, startJira } from '../../sandbox';
import { createWorkflowHarness, teardownHarness, type WorkflowJson } from '../helpers/workflow-harness';

interface HttpAnswer {
	status: number;
	json: any;
	text: string;
}
interface Worker {
	pid: number;
	logFile: string;
	exited: Promise<unknown>;
	stop(): Promise<void>;
}
interface Stack {
	url: string;
	sandbox: {
		jira: { url: string; admin: string };
		esmLocal: { url: string; admin: string };
		webhookAuth: { name: string; value: string };
	};
	activate(id: string, options?: { probe?: () => Promise<boolean> }): Promise<unknown>;
	importWorkflows(files: string[]): Promise<Array<{ id: string; name: string }>>;
	queue: { workers: Worker[]; startWorker(): Promise<Worker> };
	api(path: string): Promise<HttpAnswer>;
	stop(): Promise<void>;
}

const { startStack } = require('../../scripts/lib/stack') as { startStack(options: Record<string, unknown>): Promise<Stack> };
const { freePort, request, makeLogger, sleep } = require('../../scripts/lib/util') as {
	freePort(): Promise<number>;
	request(url: string, options?: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number }): Promise<HttpAnswer>;
	makeLogger(options: { tag: string }): unknown;
	sleep(ms: number): Promise<void>;
};

const REPO = join(__dirname, '..', '..');
const describeReal = process.env.E2E_REAL_N8N === '1' ? describe : describe.skip;
const USERS = 10_000;
const SEED = 1104;

/** A webhook that runs a template (by id) as a sub-workflow and answers with its last output. */
function runnerWorkflow(): object {
	return {
		id: 'e2eQueueRunTask',
		name: 'E2E: run a task in queue mode',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'hook',
				name: 'Run Task',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
				parameters: { httpMethod: 'POST', path: 'e2e/run-task', authentication: 'headerAuth', responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
				credentials: { httpHeaderAuth: { id: 'esmWebhookAuth', name: 'ESM webhook (header auth)' } },
			},
			{
				id: 'exec',
				name: 'Execute Task',
				type: 'n8n-nodes-base.executeWorkflow',
				typeVersion: 1,
				position: [240, 0],
				parameters: { source: 'database', workflowId: '={{ $json.body.workflowId }}', mode: 'once', options: { waitForSubWorkflow: true } },
			},
		],
		connections: { 'Run Task': { main: [[{ node: 'Execute Task', type: 'main', index: 0 }]] } },
	};
}

interface Card {
	id: number;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}

/** The person cards of the given Jira accounts, as comparable records (no ids, no timestamps). */
function personRecords(cards: Card[], accounts: Set<string>): string[] {
	return cards
		.filter((card) => !card.deleted && accounts.has(String(card.data.jira_account_id?.[0]?.value)))
		.map((card) =>
			JSON.stringify(
				Object.fromEntries(
					Object.entries(card.data)
						.filter(([code]) => !['created', 'updated', 'efecte_id'].includes(code))
						.map(([code, values]) => [code, values.map((value) => value.value)])
						.sort(([a], [b]) => String(a).localeCompare(String(b))),
				),
			),
		)
		.sort();
}

describeReal('n8n queue mode: main + 2 workers, Redis, PostgreSQL (E2E_REAL_N8N=1)', () => {
	let stack: Stack | undefined;
	let folder: string;
	const running = (): Stack => {
		if (!stack) throw new Error('The queue-mode stack did not start');
		return stack;
	};
	const auth = () => ({ [running().sandbox.webhookAuth.name]: running().sandbox.webhookAuth.value });
	const webhook = (path: string, body: unknown) => request(`${running().url}/webhook/${path}`, { method: 'POST', body, headers: auth(), timeoutMs: 600_000 });
	const esmWrites = async () => {
		const counts = await request(`${running().sandbox.esmLocal.admin}/requests`);
		return Object.entries(counts.json.byRoute as Record<string, number>)
			.filter(([route]) => /^(PUT|PATCH|POST|DELETE) \/dc/.test(route))
			.reduce((sum, [, count]) => sum + count, 0);
	};
	const startedExecutions = async (worker: Worker) => {
		const { readFileSync } = await import('fs');
		return (readFileSync(worker.logFile, 'utf8').match(/Worker started execution/g) ?? []).length;
	};

	/** The error of the newest failed execution, from n8n's REST API (for a failure message). */
	const lastExecutionError = async (): Promise<string> => {
		const list = await running().api('/rest/executions?limit=10');
		const failed = ((list.json?.data?.results ?? []) as Array<{ id: string; status: string }>).find((execution) => execution.status !== 'success');
		if (!failed) return 'no failed execution';
		const text = JSON.stringify((await running().api(`/rest/executions/${failed.id}`)).json);
		const at = text.search(/"message\\?":/);
		return `execution ${failed.id}: ${text.slice(Math.max(0, at), at + 600)}`;
	};

	beforeAll(async () => {
		folder = mkdtempSync(join(tmpdir(), 'esm-connectors-queue-'));
		const [port, jira, esmLocal, esmRemote] = [await freePort(), await freePort(), await freePort(), await freePort()];
		stack = await startStack({
			localDir: process.env.E2E_N8N_LOCAL_DIR ?? join(REPO, '.n8n-local'),
			userFolder: join(folder, 'n8n-user'),
			port,
			sandboxPorts: { jira, esmLocal, esmRemote },
			targets: {},
			logLevel: 'warn',
			log: makeLogger({ tag: 'queue' }),
			queue: { workers: 2, dir: join(folder, 'services') },
			// n8n runs only published (active) workflows as sub-workflows outside the editor.
			activate: ['esmIncidentToJira', 'esmIdentityToJira', 'jiraUsersToEsmFull', 'jiraIssuesStateless'],
		});
		const file = join(folder, 'runner.json');
		writeFileSync(file, JSON.stringify(runnerWorkflow()));
		await running().importWorkflows([file]);
		// Registered once a run of the (small demo) users task answers through it.
		await running().activate('e2eQueueRunTask', {
			probe: async () =>
				(await request(`${running().url}/webhook/e2e/run-task`, { method: 'POST', body: { workflowId: 'jiraUsersToEsmFull' }, headers: auth(), timeoutMs: 120_000 })).status === 200,
		});
	}, 20 * 60 * 1000);

	afterAll(async () => {
		await stack?.stop();
		teardownHarness();
		if (folder) rmSync(folder, { recursive: true, force: true });
	}, 120 * 1000);

	test('20 webhook events at once: each processed by a worker exactly once', async () => {
		const { jira, esmLocal } = running().sandbox;
		const before = await request(`${jira.admin}/state?include=users,issues`);
		const issuesBefore = new Set((before.json.issues as Array<{ key: string }>).map((issue) => issue.key));
		const usersBefore = new Set((before.json.users as Array<{ accountId: string }>).map((user) => user.accountId));
		const executionsBefore = (await Promise.all(running().queue.workers.map(startedExecutions))).reduce((a, b) => a + b, 0);

		// Ten new incidents in ESM, as ESM holds them when its workflow calls the webhook.
		const cards = await request(`${esmLocal.admin}/state?template=incident`);
		const known = new Set((cards.json.cards as Card[]).map((card) => card.id));
		await request(`${esmLocal.admin}/seed`, {
			method: 'POST',
			body: { append: true, cards: Array.from({ length: 10 }, (_, index) => ({ template: 'incident', folder: 'incident_management', data: { subject: `Queue incident ${index}`, status: '01 - New' } })) },
		});
		const fresh = ((await request(`${esmLocal.admin}/state?template=incident`)).json.cards as Card[]).filter((card) => !known.has(card.id));
		expect(fresh).toHaveLength(10);

		const calls = [
			...fresh.map((card, index) => webhook('esm/incident-to-jira', { dataCardId: String(card.id), subject: `Queue incident ${index}`, project: 'SD', issueType: 'Incident' })),
			...Array.from({ length: 10 }, (_, index) => webhook('esm/identity-to-jira', { action: 'createUser', email: `queue.user.${index}@corp.example` })),
		];
		const answers = await Promise.all(calls);
		expect(answers.map((answer) => `${answer.status} ${answer.status === 200 ? '' : JSON.stringify(answer.json)}`)).toEqual(Array(20).fill('200 '));

		const after = await request(`${jira.admin}/state?include=users,issues`);
		const newIssues = (after.json.issues as Array<{ key: string; summary: string }>).filter((issue) => !issuesBefore.has(issue.key));
		const newUsers = (after.json.users as Array<{ accountId: string; email?: string }>).filter((user) => !usersBefore.has(user.accountId));
		expect(newIssues.map((issue) => issue.summary).sort()).toEqual(fresh.map((_, index) => `Queue incident ${index}`).sort());
		expect(newUsers.map((user) => user.email).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `queue.user.${index}@corp.example`).sort());
		// The answers carry the keys and account ids that were created, each once.
		const keys = answers.slice(0, 10).map((answer) => answer.json.issueKey);
		expect(new Set(keys).size).toBe(10);
		expect(keys.sort()).toEqual(newIssues.map((issue) => issue.key).sort());
		expect(answers.slice(10).map((answer) => answer.json.accountId).sort()).toEqual(newUsers.map((user) => user.accountId).sort());
		// The workers ran them (the main instance only enqueues in queue mode).
		const executionsAfter = (await Promise.all(running().queue.workers.map(startedExecutions))).reduce((a, b) => a + b, 0);
		expect(executionsAfter - executionsBefore).toBeGreaterThanOrEqual(20);
	}, 10 * 60 * 1000);

	test('the stateless issue import (Compare Datasets, no static data) runs on the workers: the second run writes nothing', async () => {
		const { esmLocal } = running().sandbox;
		await request(`${esmLocal.admin}/requests`, { method: 'DELETE' });
		const first = await webhook('e2e/run-task', { workflowId: 'jiraIssuesStateless' });
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({ task: 'jira-issues-stateless', failed: 0 });
		expect(first.json.extracted).toBeGreaterThan(0);
		expect(first.json.loaded).toBe(first.json.extracted);
		await request(`${esmLocal.admin}/requests`, { method: 'DELETE' });
		const second = await webhook('e2e/run-task', { workflowId: 'jiraIssuesStateless' });
		expect(second.json).toMatchObject({ task: 'jira-issues-stateless', loaded: 0, failed: 0, skippedUnchanged: first.json.extracted, removed: 0 });
		expect(await esmWrites()).toBe(0);
	}, 10 * 60 * 1000);

	test('the full users import on 10k users, twice: the cards regular mode gives, and the second run writes nothing', async () => {
		const { jira, esmLocal } = running().sandbox;
		await request(`${jira.admin}/seed`, { method: 'POST', body: { generate: { users: USERS, seed: SEED } } });
		await request(`${esmLocal.admin}/requests`, { method: 'DELETE' });

		const first = await webhook('e2e/run-task', { workflowId: 'jiraUsersToEsmFull' });
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({ task: 'jira-users-full', failed: 0 });
		expect(first.json.loaded).toBeGreaterThan(USERS * 0.8);
		expect(await esmWrites()).toBeGreaterThan(0);
		await request(`${esmLocal.admin}/requests`, { method: 'DELETE' });

		const second = await webhook('e2e/run-task', { workflowId: 'jiraUsersToEsmFull' });
		process.stdout.write(`[queue] first run ${JSON.stringify(first.json).slice(0, 400)}\n[queue] second run ${JSON.stringify(second.json).slice(0, 400)}\n`);
		expect(second.status).toBe(200);
		expect(second.json).toMatchObject({ task: 'jira-users-full', loaded: 0, failed: 0, skippedUnchanged: first.json.extracted, removed: 0 });
		expect(await esmWrites()).toBe(0);
		const accounts = new Set(((await request(`${jira.admin}/state?include=users`)).json.users as Array<{ accountId: string }>).map((user) => user.accountId));
		const queueCards = personRecords((await request(`${esmLocal.admin}/state?template=person`)).json.cards as Card[], accounts);

		// The same template, the same data, in regular mode (n8n's engine in-process).
		const regularJira = await startJira({ port: 0, seed: { generate: { users: USERS, seed: SEED } } });
		const regularEsm = await startEsm({ port: 0, instance: 'local' });
		try {
			const harness = createWorkflowHarness({
				credentials: [
					{ id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi', data: { ...regularJira.credentials } },
					{ id: 'esmLocal', name: 'ESM (local)', type: 'coreProIgaApi', data: { ...regularEsm.credentials, allowSelfSigned: false, sessionToken: '' } },
				],
			});
			const template = JSON.parse(require('fs').readFileSync(join(REPO, 'templates/jira-users-to-esm-full.json'), 'utf8')) as WorkflowJson;
			const regular = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }] });
			expect(regular.error).toBeUndefined();
			const regularState = (await (await fetch(`${regularEsm.url}/__admin/state?template=person`)).json()) as { cards: Card[] };
			const regularCards = personRecords(regularState.cards, accounts);
			expect(queueCards.length).toBe(first.json.extracted);
			expect(queueCards.length).toBe(regularCards.length);
			expect(queueCards).toEqual(regularCards);
		} finally {
			await regularJira.stop();
			await regularEsm.stop();
		}
	}, 15 * 60 * 1000);

	test('a worker killed in the middle of a full import: that run fails, the next one completes with nothing lost or duplicated', async () => {
		const { jira, esmLocal } = running().sandbox;
		// 10k more users so that the import has work to do (none gone: Reconcile stays quiet), and
		// latency so that it takes a while.
		await request(`${jira.admin}/seed`, { method: 'POST', body: { append: true, generate: { users: USERS, seed: SEED + 1 } } });
		await request(`${esmLocal.admin}/faults`, { method: 'POST', body: { latencyMs: 40 } });
		await request(`${esmLocal.admin}/requests`, { method: 'DELETE' });
		const counts = running().queue.workers.map((worker) => ({ worker, before: 0 }));
		for (const entry of counts) entry.before = await startedExecutions(entry.worker);

		const interrupted = webhook('e2e/run-task', { workflowId: 'jiraUsersToEsmFull' }).catch((error: Error) => ({ status: 0, json: { error: error.message }, text: '' }));
		// Wait until the load has begun writing, then kill the worker that took the job.
		for (let waited = 0; (await esmWrites()) < 5 && waited < 240_000; waited += 250) await sleep(250);
		let busy: Worker | undefined;
		for (const entry of counts) if ((await startedExecutions(entry.worker)) > entry.before) busy = entry.worker;
		expect(busy).toBeDefined();
		process.kill(-busy!.pid, 'SIGKILL'); // the worker and its task runner
		await busy!.exited;
		running().queue.workers.splice(running().queue.workers.indexOf(busy!), 1);
		await request(`${esmLocal.admin}/faults`, { method: 'POST', body: {} });
		await running().queue.startWorker();
		// n8n either fails that execution or hands the stalled job to another worker: wait for its
		// answer, whatever it is, so that the next run does not overlap it.
		const answer = await interrupted;
		process.stdout.write(`[queue] the interrupted run answered ${answer.status}: ${JSON.stringify(answer.json).slice(0, 300)}\n`);

		const next = await webhook('e2e/run-task', { workflowId: 'jiraUsersToEsmFull' });
		if (next.status !== 200) process.stdout.write(`[queue] next run failed: ${await lastExecutionError()}\n`);
		expect(next.status).toBe(200);
		expect(next.json).toMatchObject({ task: 'jira-users-full', failed: 0 });

		const users = ((await request(`${jira.admin}/state?include=users`)).json.users as Array<{ accountId: string; accountType: string }>).filter(
			(user) => user.accountType === 'atlassian',
		);
		const cards = ((await request(`${esmLocal.admin}/state?template=person`)).json.cards as Card[]).filter(
			(card) => !card.deleted && card.data.datasourceid?.[0]?.value === 'jira-users-full',
		);
		const byAccount = new Map<string, number>();
		for (const card of cards) {
			const account = String(card.data.jira_account_id?.[0]?.value);
			byAccount.set(account, (byAccount.get(account) ?? 0) + 1);
		}
		const lost = users.filter((user) => !byAccount.has(user.accountId));
		const duplicated = [...byAccount.values()].filter((count) => count > 1);
		expect({ lost: lost.length, duplicated: duplicated.length }).toEqual({ lost: 0, duplicated: 0 });
	}, 20 * 60 * 1000);
});
