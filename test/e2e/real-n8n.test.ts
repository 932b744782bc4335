/**
 * End to end with a REAL n8n (the current release, under Node 24), started through the same library
 * as `npm start` (scripts/lib/stack.js): the package installed as a community package, the
 * credentials imported with their fixed ids, the emulators on free ports. Then:
 * - n8n lists our six node types and two credential types;
 * - a workflow started with `n8n execute` (Execute Workflow Trigger -> Jira Issue search) returns
 *   the issues of the Jira emulator;
 * - the same search behind an activated Webhook with the header-auth credential answers over HTTP.
 *
 * Skipped unless E2E_REAL_N8N=1: the first run installs n8n (about 5 minutes, 3 GB in .n8n-local,
 * cached for later runs and shared with `npm start`). E2E_N8N_LOCAL_DIR moves that folder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

interface HttpAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	json?: any;
}

interface ExecuteResult {
	ok: boolean;
	data?: any;
	error?: unknown;
	code: number | null;
	stdout: string;
	stderr: string;
}

interface Stack {
	url: string;
	version: string;
	cookie: string;
	owner: { email: string; password: string };
	sandbox: {
		jira: { url: string; admin: string; email: string; apiToken: string };
		esmLocal: { url: string; admin: string };
		esmRemote: { url: string; admin: string };
		webhookAuth: { name: string; value: string };
	};
	credentials: Array<{ id: string; name: string; type: string }>;
	workflows: Array<{ id: string; name: string }>;
	timings: Record<string, number>;
	api(path: string, options?: { method?: string; body?: unknown }): Promise<HttpAnswer>;
	execute(id: string): Promise<ExecuteResult>;
	activate(id: string, options?: { probe?: () => Promise<boolean> }): Promise<unknown>;
	importWorkflows(files: string[]): Promise<Array<{ id: string; name: string }>>;
	stop(): Promise<void>;
}

const { startStack } = require('../../scripts/lib/stack') as { startStack(options: Record<string, unknown>): Promise<Stack> };
const { freePort, request, makeLogger } = require('../../scripts/lib/util') as {
	freePort(): Promise<number>;
	request(url: string, options?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<HttpAnswer>;
	makeLogger(options?: { quiet?: boolean; tag?: string }): unknown;
};
const { nodeOutput } = require('../../scripts/lib/n8n') as { nodeOutput(result: ExecuteResult, node: string): Array<{ json: any }> };

const PACKAGE = 'n8n-nodes-esm-connectors';
const NODE_TYPES = ['jiraIssue', 'jiraUser', 'jiraGroup', 'coreProIgaDataCard', 'reconcileRemoved', 'taskCache'];
const CREDENTIAL_TYPES = ['jiraCloudApi', 'coreProIgaApi'];
const FIXED_CREDENTIALS = ['jiraCloud', 'esmLocal', 'esmRemote', 'esmWebhookAuth'];
const REPO = join(__dirname, '..', '..');

const describeReal = process.env.E2E_REAL_N8N === '1' ? describe : describe.skip;
const TEST_TIMEOUT = 3 * 60 * 1000;

const jiraSearchNode = (name: string, jql: string, extra: Record<string, unknown> = {}) => ({
	id: `${name.toLowerCase().replace(/\W+/g, '-')}-node`,
	name,
	type: `${PACKAGE}.jiraIssue`,
	typeVersion: 1,
	position: [240, 0],
	parameters: { resource: 'issue', operation: 'search', jql, returnAll: true, options: { fields: 'summary,status' }, ...extra },
	credentials: { jiraCloudApi: { id: 'jiraCloud', name: 'Jira Cloud' } },
});

describeReal('real n8n with the package installed (E2E_REAL_N8N=1)', () => {
	let stack: Stack | undefined;
	let folder: string;

	beforeAll(async () => {
		folder = mkdtempSync(join(tmpdir(), 'esm-connectors-e2e-'));
		const [port, jira, esmLocal, esmRemote] = [await freePort(), await freePort(), await freePort(), await freePort()];
		stack = await startStack({
			localDir: process.env.E2E_N8N_LOCAL_DIR ?? join(REPO, '.n8n-local'),
			userFolder: join(folder, 'n8n-user'),
			port,
			sandboxPorts: { jira, esmLocal, esmRemote },
			targets: {}, // always the emulators, whatever the environment says
			logLevel: 'warn',
			log: makeLogger({ tag: 'e2e' }),
		});
	}, 20 * 60 * 1000);

	afterAll(async () => {
		await stack?.stop();
		if (folder) rmSync(folder, { recursive: true, force: true });
	}, 120 * 1000);

	const running = (): Stack => {
		if (!stack) throw new Error('The stack did not start');
		return stack;
	};

	test('n8n loads all six node types and both credential types of the package', async () => {
		const nodes = await running().api('/types/nodes.json');
		expect(nodes.status).toBe(200);
		const nodeNames = new Set((nodes.json as Array<{ name: string }>).map((node) => node.name));
		for (const name of NODE_TYPES) expect(nodeNames).toContain(`${PACKAGE}.${name}`);

		const credentials = await running().api('/types/credentials.json');
		expect(credentials.status).toBe(200);
		const credentialNames = new Set((credentials.json as Array<{ name: string }>).map((credential) => credential.name));
		for (const name of CREDENTIAL_TYPES) expect(credentialNames).toContain(name);

		const stored = await running().api('/rest/credentials');
		expect(stored.status).toBe(200);
		expect((stored.json.data as Array<{ id: string }>).map((credential) => credential.id).sort()).toEqual([...FIXED_CREDENTIALS].sort());
	}, TEST_TIMEOUT);

	test('n8n execute runs a Jira Issue search against the Jira emulator', async () => {
		const workflow = {
			id: 'e2eJiraSearch01',
			name: 'E2E: Jira search project = SD',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{ id: 'start-node', name: 'Start', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 0], parameters: { inputSource: 'passthrough' } },
				jiraSearchNode('Search SD', 'project = SD ORDER BY key ASC'),
			],
			connections: { Start: { main: [[{ node: 'Search SD', type: 'main', index: 0 }]] } },
		};
		const file = join(folder, 'e2e-jira-search.json');
		writeFileSync(file, JSON.stringify(workflow));
		const imported = await running().importWorkflows([file]);
		expect(imported.map((entry) => entry.id)).toEqual(['e2eJiraSearch01']);

		const result = await running().execute('e2eJiraSearch01');
		if (!result.ok) throw new Error(`n8n execute failed (exit ${result.code}): ${JSON.stringify(result.error ?? '').slice(0, 1000)}\n${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`);
		const items = nodeOutput(result, 'Search SD').map((item) => item.json);

		const state = await request(`${running().sandbox.jira.admin}/state?include=issues`);
		const expected = (state.json.issues as Array<{ key: string; summary: string }>).filter((issue) => issue.key.startsWith('SD-'));
		expect(expected.length).toBeGreaterThan(0);
		expect(items.map((item) => item.key).sort()).toEqual(expected.map((issue) => issue.key).sort());
		const summaries = new Map(expected.map((issue) => [issue.key, issue.summary]));
		for (const item of items) expect(item.fields.summary).toBe(summaries.get(item.key));

		const requests = await request(`${running().sandbox.jira.admin}/requests`);
		expect(requests.json.byRoute['POST /rest/api/3/search/jql']).toBeGreaterThanOrEqual(1);
	}, TEST_TIMEOUT);

	test('the imported template runs through its Execute Workflow Trigger and loads the SD issues into ESM', async () => {
		const result = await running().execute('jiraIssuesToEsmFull');
		if (!result.ok) throw new Error(`n8n execute failed (exit ${result.code}): ${JSON.stringify(result.error ?? '').slice(0, 1000)}\n${result.stdout.slice(-1500)}`);
		const [summary] = nodeOutput(result, 'Run Summary').map((item) => item.json);
		const state = await request(`${running().sandbox.jira.admin}/state?include=issues`);
		const sdKeys = (state.json.issues as Array<{ key: string }>).map((issue) => issue.key).filter((key) => key.startsWith('SD-'));
		expect(summary).toMatchObject({ task: 'jira-issues-full', extracted: sdKeys.length, loaded: sdKeys.length, failed: 0 });

		const esm = await request(`${running().sandbox.esmLocal.admin}/state?template=incident`);
		const cards = esm.json.cards as Array<{ deleted: boolean; data: Record<string, Array<{ value?: string }>> }>;
		const loaded = cards.filter((card) => !card.deleted && card.data.datasourceid?.[0]?.value === 'jira-issues-full');
		for (const key of sdKeys) expect(loaded.filter((card) => card.data.jira_key?.[0]?.value === key)).toHaveLength(1);
	}, TEST_TIMEOUT);

	test('every template imports; each event template activates, refuses a wrong or missing header and answers a bad body with 400', async () => {
		const catalogue = (require('../../index.js') as { templates: Array<{ id: string; file: string; kind: string }> }).templates;
		expect(running().workflows.map((workflow) => workflow.id).sort()).toEqual(catalogue.map((entry) => entry.id).sort());
		const { name, value } = running().sandbox.webhookAuth;
		for (const entry of catalogue.filter((candidate) => candidate.kind === 'event' || candidate.kind === 'sync')) {
			const template = JSON.parse(readFileSync(join(REPO, entry.file), 'utf8')) as { nodes: Array<{ type: string; parameters: { path?: string } }> };
			const paths = template.nodes.filter((node) => node.type === 'n8n-nodes-base.webhook').map((node) => String(node.parameters.path));
			const call = (path: string, headers: Record<string, string>, body: unknown = {}) =>
				request(`${running().url}/webhook/${path}`, { method: 'POST', body, headers });
			// An empty body is bad input for every event template: a 400 with a message, nothing written.
			await running().activate(entry.id, { probe: async () => (await call(paths[0], { [name]: value })).status === 400 });
			for (const path of paths) {
				const bad = await call(path, { [name]: value });
				expect({ template: entry.id, path, status: bad.status, hasMessage: typeof (bad.json as { error?: unknown } | undefined)?.error === 'string' }).toEqual({
					template: entry.id,
					path,
					status: 400,
					hasMessage: true,
				});
				expect({ path, status: (await call(path, { [name]: 'not-the-secret' })).status }).toEqual({ path, status: 403 });
				expect({ path, status: (await call(path, {})).status }).toEqual({ path, status: 403 });
			}
		}
	}, TEST_TIMEOUT);

	test('an activated webhook with the header-auth credential answers with the emulator data', async () => {
		const path = 'e2e-jira-search';
		const workflow = {
			id: 'e2eJiraWebhook01',
			name: 'E2E: webhook -> Jira search',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'webhook-node',
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: '0b6f2d1e-5c4a-4e8b-9a7d-3f2e1c0b9a8d',
					parameters: { httpMethod: 'POST', path, authentication: 'headerAuth', responseMode: 'lastNode', responseData: 'allEntries', options: {} },
					credentials: { httpHeaderAuth: { id: 'esmWebhookAuth', name: 'ESM webhook (header auth)' } },
				},
				jiraSearchNode('Search', "={{ 'project = ' + $json.body.project + ' ORDER BY key ASC' }}"),
			],
			connections: { Webhook: { main: [[{ node: 'Search', type: 'main', index: 0 }]] } },
		};
		const file = join(folder, 'e2e-jira-webhook.json');
		writeFileSync(file, JSON.stringify(workflow));
		await running().importWorkflows([file]);

		const { name, value } = running().sandbox.webhookAuth;
		const call = (headers: Record<string, string>) => request(`${running().url}/webhook/${path}`, { method: 'POST', body: { project: 'OPS' }, headers });
		await running().activate('e2eJiraWebhook01', { probe: async () => (await call({ [name]: value })).status === 200 });

		const answer = await call({ [name]: value });
		expect(answer.status).toBe(200);
		const keys = (answer.json as Array<{ key: string }>).map((issue) => issue.key);
		expect(keys.length).toBeGreaterThan(0);
		expect(keys.every((key) => key.startsWith('OPS-'))).toBe(true);

		const denied = await call({ [name]: 'not-the-secret' });
		expect(denied.status).toBe(403);
	}, TEST_TIMEOUT);
});
