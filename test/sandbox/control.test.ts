import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { startEsm, startJira, type JiraSandbox } from '../../sandbox';
import { main } from '../../sandbox/cli';
import { adf, admin, esmClient, esmValue, httpRequest, jiraClient } from './kit';

describe('shared control: /__admin/ and start()', () => {
	let jira: JiraSandbox;
	let call: ReturnType<typeof jiraClient>;
	let control: ReturnType<typeof admin>;

	beforeAll(async () => {
		jira = await startJira({ port: 0 });
		call = jiraClient(jira);
		control = admin(jira.url);
	});
	afterEach(async () => {
		await control.post('/reset');
	});
	afterAll(async () => {
		await jira.stop();
	});

	const createIssue = (summary: string) =>
		call('POST', '/rest/api/3/issue', { fields: { project: { key: 'SD' }, issuetype: { name: 'Incident' }, summary, description: adf(summary) } });
	const count = async (jql: string) => (await call('POST', '/rest/api/3/search/jql', { jql, fields: ['id'], maxResults: 5000 })).body.issues.length as number;

	test('start() answers url and stop(); GET /__admin/ says how to connect; GET state and summary', async () => {
		expect(jira.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(jira.port).toBeGreaterThan(0);
		const info = (await control.get('/')).body;
		expect(info).toEqual({
			kind: 'jira',
			api: `${jira.url}/rest/api/3`,
			credentials: [{ email: 'integration@sandbox.example', apiToken: 'sandbox-jira-token' }],
			summary: { users: 50, groups: 11, memberships: expect.any(Number), issues: 40, comments: expect.any(Number) },
		});
		const state = (await control.get('/state')).body;
		expect(state).toMatchObject({ format: 'jira-sandbox/1', users: expect.any(Array), groups: expect.any(Array), issues: expect.any(Array), projects: expect.any(Array) });
		expect(state.issues.find((issue: { key: string }) => issue.key === 'SD-1')).toMatchObject({ summary: 'VPN connection drops every few minutes', created: expect.stringMatching(/Z$/) });
		expect((await control.get('/state?summary=true')).body.issues).toBe(40);
		expect(Object.keys((await control.get('/state?include=groups')).body)).toEqual(['groups']);
	});

	test('POST seed replaces the data with a JSON data set (or appends); POST reset restores the start seed', async () => {
		const seeded = await control.post('/seed', {
			users: [{ displayName: 'Ada Admin', email: 'ada@example.test' }, { displayName: 'Bot', accountType: 'app' }],
			groups: [{ name: 'admins', members: ['ada@example.test'] }],
			issues: [
				{ project: 'SD', summary: 'Seeded one', description: 'From the data set', status: 'In Progress', assignee: 'ada@example.test', comments: [{ body: 'Hello', author: 'ada@example.test' }] },
				{ project: 'OPS', summary: 'Seeded two', fields: { customfield_10050: 'Platform' }, properties: { 'esm.sync': { origin: 'seed' } } },
			],
		});
		expect(seeded.status).toBe(200);
		expect(seeded.body.summary).toEqual({ users: 3, groups: 1, memberships: 1, issues: 2, comments: 1 });
		const one = (await call('GET', '/rest/api/3/issue/SD-1?fields=status,assignee,description,comment')).body.fields;
		expect(one).toMatchObject({ status: { name: 'In Progress' }, assignee: { displayName: 'Ada Admin' }, description: adf('From the data set') });
		expect((await control.post('/seed', { append: true, issues: [{ project: 'SD', summary: 'Appended' }] })).body.summary.issues).toBe(3);
		expect((await control.post('/seed', { issues: [{ project: 'NOPE', summary: 'x' }] })).body).toEqual({ error: "seed: unknown project 'NOPE'" });

		expect((await control.post('/reset')).body.summary.issues).toBe(40);
		expect((await call('GET', '/rest/api/3/issue/SD-1?fields=summary')).body.fields.summary).toBe('VPN connection drops every few minutes');
	});

	test('every Nth request answers 429 with Retry-After', async () => {
		expect((await control.post('/faults', { status429EveryN: 3, retryAfterSec: 7 })).body).toMatchObject({ status429EveryN: 3, retryAfterSec: 7 });
		const statuses: number[] = [];
		let limited;
		for (let i = 0; i < 6; i++) {
			const result = await call('GET', '/rest/api/3/myself');
			statuses.push(result.status);
			if (result.status === 429) limited = result;
		}
		expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
		expect(limited!.headers['retry-after']).toBe('7');
		expect(limited!.body).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
		await control.delete('/faults');
		expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
	});

	test('fail5xx beforeApply: the write does not happen', async () => {
		await control.post('/faults', { fail5xx: { count: 1, mode: 'beforeApply', match: 'POST /rest/api/3/issue' } });
		expect((await call('GET', '/rest/api/3/myself')).status).toBe(200); // not matched
		const failed = await createIssue('Lost before');
		expect(failed.status).toBe(503);
		expect(failed.body.errorMessages[0]).toContain('before the request was applied');
		expect(await count('summary ~ "Lost before"')).toBe(0);
		expect((await createIssue('Second try')).status).toBe(201);
		expect((await control.get('/faults')).body.fail5xx).toMatchObject({ count: 0 });
	});

	test('fail5xx afterApply: the write happens, the answer is lost', async () => {
		await control.post('/faults', { fail5xx: { count: 2, mode: 'afterApply', status: 502, match: 'POST /rest/api/3/issue' } });
		const lost = await createIssue('Lost answer');
		expect(lost.status).toBe(502);
		expect(await count('summary ~ "Lost answer"')).toBe(1);
		// A comment is a different route: the fault does not match it.
		expect((await call('POST', '/rest/api/3/issue/SD-1/comment', { body: adf('not affected') })).status).toBe(201);
		expect((await createIssue('Lost answer again')).status).toBe(502);
		expect((await createIssue('Answered')).status).toBe(201);

		// A trailing * matches by prefix.
		await control.post('/faults', { fail5xx: { count: 1, mode: 'afterApply', match: 'POST /rest/api/3/issue/SD-1/*' } });
		expect((await call('POST', '/rest/api/3/issue/SD-1/comment', { body: adf('stored, answer lost') })).status).toBe(503);
		expect((await call('GET', '/rest/api/3/issue/SD-1/comment?orderBy=-created&maxResults=1')).body.comments[0].body).toEqual(adf('stored, answer lost'));
	});

	test('downForMs: connections break until the time is up; the admin API stays reachable', async () => {
		await control.post('/faults', { downForMs: 300 });
		await expect(call('GET', '/rest/api/3/myself')).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect((await control.get('/faults')).body.downUntil).toEqual(expect.any(Number));
		await new Promise((resolve) => setTimeout(resolve, 350));
		expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
	});

	test('latencyMs delays every API request', async () => {
		await control.post('/faults', { latencyMs: 120 });
		const started = Date.now();
		expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
		const quick = Date.now();
		await control.get('/state?summary=true');
		expect(Date.now() - quick).toBeLessThan(110);
	});

	test('GET requests counts per method and path template (and status); DELETE clears', async () => {
		await control.delete('/requests');
		await call('GET', '/rest/api/3/issue/SD-1');
		await call('GET', '/rest/api/3/issue/SD-2');
		await call('GET', '/rest/api/3/users/search?maxResults=10');
		await call('GET', '/rest/api/3/nowhere');
		const counts = (await control.get('/requests')).body;
		expect(counts).toEqual({
			total: 4,
			byRoute: { 'GET (no route)': 1, 'GET /rest/api/3/issue/{issueIdOrKey}': 2, 'GET /rest/api/3/users/search': 1 },
			byStatus: { '200': 3, '404': 1 },
		});
	});
});

describe('generated data sets and persistence', () => {
	test('generate is deterministic per seed', async () => {
		const options = { generate: { users: 300, groups: 20, issues: 100, seed: 42 } };
		const a = await startJira({ port: 0, seed: options });
		const b = await startJira({ port: 0, seed: options });
		const c = await startJira({ port: 0, seed: { generate: { ...options.generate, seed: 43 } } });
		try {
			const state = async (url: string) => (await httpRequest('GET', `${url}/__admin/state`)).text;
			const [sa, sb, sc] = await Promise.all([state(a.url), state(b.url), state(c.url)]);
			expect(sa).toBe(sb);
			expect(sa).not.toBe(sc);
		} finally {
			await Promise.all([a.stop(), b.stop(), c.stop()]);
		}
	});

	test('persistFile: state survives a restart', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'sandbox-persist-'));
		try {
			const file = join(dir, 'jira.json');
			const first = await startJira({ port: 0, persistFile: file });
			const created = await jiraClient(first)('POST', '/rest/api/3/issue', { fields: { project: { key: 'SD' }, issuetype: { name: 'Incident' }, summary: 'Persisted' } });
			await first.stop();
			expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('jira-sandbox/1');
			const second = await startJira({ port: 0, persistFile: file });
			expect((await jiraClient(second)('GET', `/rest/api/3/issue/${created.body.key}?fields=summary`)).body.fields.summary).toBe('Persisted');
			await second.stop();

			const esmFile = join(dir, 'esm.json');
			const esm = await startEsm({ port: 0, persistFile: esmFile });
			const esmCall = await esmClient(esm);
			const card = await esmCall('POST', '/dc/failure/data', { folderCode: 'integration_failures', data: { subject: esmValue('Kept') } });
			await esm.stop();
			const again = await startEsm({ port: 0, persistFile: esmFile });
			expect((await (await esmClient(again))('GET', `/dc/failure/data/${card.body.dataCard.dataCardId}`)).body.name).toBe('Kept');
			await again.stop();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('ESM base path is configurable; instances are independent', async () => {
		const onPrem = await startEsm({ port: 0, basePath: '/itsm/api/v1', seed: 'empty' });
		const cloud = await startEsm({ port: 0 });
		try {
			expect(onPrem.apiUrl).toBe(`${onPrem.url}/itsm/api/v1`);
			const call = await esmClient(onPrem);
			expect((await call('GET', '/dc/incident/data?limit=5')).body.data).toEqual([]);
			expect((await httpRequest('GET', `${onPrem.url}/rest-api/itsm/v1/dc`)).status).toBe(404);
			expect((await (await esmClient(cloud))('GET', '/dc/incident/data?limit=1')).body.data).toHaveLength(1);
		} finally {
			await Promise.all([onPrem.stop(), cloud.stop()]);
		}
	});
});

describe('CLI', () => {
	test('main() starts Jira, ESM local and ESM remote with demo data, prints URLs and credentials, stops', async () => {
		const lines: string[] = [];
		const handle = await main([], {
			env: { SANDBOX_JIRA_PORT: '0', SANDBOX_ESM_LOCAL_PORT: '0', SANDBOX_ESM_REMOTE_PORT: '0' },
			log: (line) => lines.push(line),
		});
		try {
			expect(handle).toBeDefined();
			const output = lines.join('\n');
			expect(output).toContain(`Jira Cloud    ${handle!.jira.url}  email integration@sandbox.example  API token sandbox-jira-token`);
			expect(output).toContain(`ESM (local)   ${handle!.esmLocal.url}  API path /rest-api/itsm/v1  user integration  password sandbox-esm-password`);
			expect(output).toContain(handle!.esmRemote.url);
			const local = (await httpRequest('GET', `${handle!.esmLocal.url}/__admin/state?summary=true`)).body;
			const remote = (await httpRequest('GET', `${handle!.esmRemote.url}/__admin/state?summary=true`)).body;
			expect(local.byTemplate.person.cards).toBe(50);
			expect(remote.byTemplate.person.cards).toBe(50);
			const remotePerson = (await httpRequest('GET', `${handle!.esmRemote.url}/__admin/state?template=person`)).body.cards[0];
			expect(remotePerson.id).toBeGreaterThanOrEqual(500000);
			expect(remotePerson.data.efecte_id[0].value).toMatch(/^RPER-/);
		} finally {
			await handle?.stop();
		}
		await expect(main(['--bogus'], { log: () => undefined })).rejects.toThrow("Unknown argument '--bogus'");
		const help: string[] = [];
		expect(await main(['--help'], { log: (line) => help.push(line) })).toBeUndefined();
		expect(help[0]).toContain('SANDBOX_JIRA_PORT');
	});

	test('a taken port is reported with the variable to change', async () => {
		const blocker = await startJira({ port: 0, seed: 'empty' });
		try {
			await expect(main([], { env: { SANDBOX_JIRA_PORT: String(blocker.port) }, log: () => undefined })).rejects.toThrow(
				'Jira emulator: the port is in use; set SANDBOX_JIRA_PORT',
			);
		} finally {
			await blocker.stop();
		}
	});
});
