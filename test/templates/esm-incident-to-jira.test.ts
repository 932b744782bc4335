import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowRunResult } from '../helpers/workflow-harness';
import { retryClock } from '../../nodes/shared/retry';
import { call, loadTemplate, startSandboxes, type Sandboxes } from './sandbox-kit';

let sandboxes: Sandboxes;
let harness: WorkflowHarness;
beforeAll(async () => {
	sandboxes = await startSandboxes();
	harness = createWorkflowHarness({ credentials: sandboxes.credentials });
});
afterAll(async () => {
	await sandboxes.stop();
	teardownHarness();
});

const template = loadTemplate('esm-incident-to-jira.json');
const HEADERS = { 'content-type': 'application/json', 'x-esm-webhook-token': 'sandbox-webhook-secret' };
const INCIDENT_TYPE = '10003';
const TEAM = 'customfield_10050';
const ESM_REFERENCE = 'customfield_10070';

interface Card {
	id: number;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}
interface Issue {
	key: string;
	projectId: string;
	issueTypeId: string;
	summary: string;
	description: unknown;
	priorityId: string | null;
	custom: Record<string, unknown>;
}

async function incident(id: number): Promise<Card> {
	const state = await call(`${sandboxes.esmLocal.url}/__admin/state?template=incident`);
	return (state.cards as Card[]).find((card) => card.id === id)!;
}

/** A fresh incident card without a Jira key, as ESM holds it when its workflow calls the webhook. */
async function newIncident(subject: string): Promise<number> {
	const before = new Set(((await call(`${sandboxes.esmLocal.url}/__admin/state?template=incident`)).cards as Card[]).map((card) => card.id));
	await call(`${sandboxes.esmLocal.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({ append: true, cards: [{ template: 'incident', folder: 'incident_management', data: { subject, status: '01 - New', priority: '2 - High' } }] }),
	});
	const after = (await call(`${sandboxes.esmLocal.url}/__admin/state?template=incident`)).cards as Card[];
	return after.find((card) => !before.has(card.id))!.id;
}

async function jiraIssues(): Promise<Issue[]> {
	return (await call(`${sandboxes.jira.url}/__admin/state?include=issues`)).issues as Issue[];
}

/** All text of an ADF document, paragraphs joined by blank lines, hard breaks as line breaks. */
function adfText(node: unknown): string {
	const doc = node as { type?: string; text?: string; content?: unknown[] };
	if (!doc || typeof doc !== 'object') return '';
	if (doc.type === 'text') return doc.text ?? '';
	if (doc.type === 'hardBreak') return '\n';
	const parts = (doc.content ?? []).map(adfText);
	return doc.type === 'doc' ? parts.join('\n\n') : parts.join('');
}

/** Write requests the emulators answered since the last call (and resets the counts). */
async function writes(): Promise<{ jira: Record<string, number>; esm: Record<string, number> }> {
	const take = async (url: string) => {
		const counts = await call(`${url}/__admin/requests`);
		await call(`${url}/__admin/requests`, { method: 'DELETE' });
		return Object.fromEntries(
			Object.entries(counts.byRoute as Record<string, number>).filter(([route]) => /^(POST|PUT|PATCH|DELETE) /.test(route) && !/\/(search|login)/.test(route)),
		);
	};
	return { jira: await take(sandboxes.jira.url), esm: await take(sandboxes.esmLocal.url) };
}

async function deliver(body: unknown): Promise<WorkflowRunResult> {
	const result = await harness.runWorkflow({ workflow: template, mode: 'webhook', webhook: { headers: HEADERS, body } });
	expect(result.error).toBeUndefined();
	expect(result.webhookResponse).toBeDefined();
	return result;
}

const answer = (result: WorkflowRunResult) => result.webhookResponse as { statusCode: number; body: Record<string, unknown> };

it('creates the Jira issue from an incident, answers its key, writes it back and creates nothing on re-delivery', async () => {
	const dataCardId = await newIncident('VPN drops every 10 minutes');
	const body = {
		dataCardId: String(dataCardId),
		subject: 'VPN drops every 10 minutes',
		description: 'Since this morning the VPN client disconnects.\nRestarting does not help.',
		priority: '2 - High',
		project: 'SD',
		issueType: INCIDENT_TYPE,
		Team: 'Network',
		customfield_10070: `ESM-${dataCardId}`,
	};
	const issuesBefore = (await jiraIssues()).length;
	await writes();

	const first = await deliver(body);
	const { statusCode, body: answered } = answer(first);
	expect(statusCode).toBe(200);
	expect(answered).toMatchObject({ issueKey: expect.stringMatching(/^SD-\d+$/), created: true });
	expect(answered.url).toBe(`${sandboxes.jira.url}/browse/${String(answered.issueKey)}`);

	const issues = await jiraIssues();
	expect(issues).toHaveLength(issuesBefore + 1);
	const issue = issues.find((candidate) => candidate.key === answered.issueKey)!;
	expect(issue).toMatchObject({ summary: body.subject, issueTypeId: INCIDENT_TYPE, priorityId: '2' });
	expect(adfText(issue.description)).toBe('Since this morning the VPN client disconnects.\nRestarting does not help.');
	expect(JSON.stringify(issue.custom[TEAM])).toContain('10102');
	expect(issue.custom[ESM_REFERENCE]).toBe(`ESM-${dataCardId}`);
	expect((await incident(dataCardId)).data.jira_key?.[0]?.value).toBe(answered.issueKey);
	expect(await writes()).toEqual({
		jira: { 'POST /rest/api/3/issue': 1 },
		esm: { 'PATCH /dc/{templateCode}/data/{dataCardId}': 1 },
	});

	// ESM delivers the same call again (a retry after a lost answer): same key, no second issue, nothing written.
	const again = await deliver(body);
	expect(answer(again)).toMatchObject({ statusCode: 200, body: { issueKey: answered.issueKey, url: answered.url, created: false } });
	expect(again.executedNodes).not.toContain('Create Jira Issue');
	expect(await jiraIssues()).toHaveLength(issuesBefore + 1);
	expect((await jiraIssues()).filter((candidate) => candidate.summary === body.subject)).toHaveLength(1);
	expect(await writes()).toEqual({ jira: {}, esm: {} });
});

it('answers 400 naming what is missing or malformed, and writes nothing', async () => {
	const dataCardId = await newIncident('Keyboard missing keys');
	const valid = { dataCardId: String(dataCardId), subject: 'Keyboard missing keys', project: 'SD', issueType: INCIDENT_TYPE };
	const issuesBefore = (await jiraIssues()).length;
	await writes();

	const cases: Array<[unknown, RegExp]> = [
		[{ ...valid, subject: '' }, /^Missing required field: subject \(or summary\)$/],
		[{ ...valid, project: undefined }, /^Missing required field: project$/],
		[{ dataCardId: String(dataCardId), subject: 'x' }, /^Missing required fields: project, issueType$/],
		[{ ...valid, dataCardId: undefined }, /^Missing required field: dataCardId$/],
		[{ ...valid, issueType: { name: 'Incident' } }, /issueType must be the name or numeric ID of a Jira issue type/],
		[{ ...valid, project: 'SD" OR 1=1' }, /project must be a Jira project key/],
		['this is not json', /The body must be a JSON object/],
		[[valid], /The body must be a JSON object/],
	];
	for (const [body, message] of cases) {
		const result = await deliver(body);
		expect(answer(result).statusCode).toBe(400);
		expect(String(answer(result).body.error)).toMatch(message);
		expect(result.executedNodes).not.toContain('Get Incident Card');
	}
	expect(await jiraIssues()).toHaveLength(issuesBefore);
	expect((await incident(dataCardId)).data.jira_key ?? []).toHaveLength(0);
	expect(await writes()).toEqual({ jira: {}, esm: {} });
});

it('takes the issue type by name too; an unknown name answers 422 with the types of the project', async () => {
	const byName = await newIncident('Scanner offline');
	const created = await deliver({ dataCardId: String(byName), subject: 'Scanner offline', project: 'SD', issueType: 'incident' });
	expect(answer(created)).toMatchObject({ statusCode: 200, body: { created: true } });
	const issue = (await jiraIssues()).find((candidate) => candidate.key === answer(created).body.issueKey)!;
	expect(issue.issueTypeId).toBe(INCIDENT_TYPE);
	const unknown = await newIncident('Wrong type');
	const refused = await deliver({ dataCardId: String(unknown), subject: 'Wrong type', project: 'SD', issueType: 'Epic' });
	expect(answer(refused).statusCode).toBe(422);
	expect(String(answer(refused).body.error)).toMatch(/Issue type "Epic" does not exist in project SD; available: /);
	expect((await incident(unknown)).data.jira_key ?? []).toHaveLength(0);
});

it("answers Jira's refusal (unknown project, bad field value) and an unknown card as 422, without a hung webhook or a write", async () => {
	const dataCardId = await newIncident('Printer jams');
	const valid = { dataCardId: String(dataCardId), subject: 'Printer jams', project: 'SD', issueType: INCIDENT_TYPE };
	const issuesBefore = (await jiraIssues()).length;
	await writes();

	const unknownProject = await deliver({ ...valid, project: 'NOPE' });
	expect(answer(unknownProject).statusCode).toBe(422);
	expect(String(answer(unknownProject).body.error)).toMatch(/NOPE/);

	const badPriority = await deliver({ ...valid, priority: 'Whenever' });
	expect(answer(badPriority).statusCode).toBe(422);
	expect(String(answer(badPriority).body.error)).toMatch(/"Whenever" is not an allowed value of the Jira field "Priority"/);

	const unknownField = await deliver({ ...valid, 'Story Pointz': 3 });
	expect(answer(unknownField).statusCode).toBe(422);
	expect(String(answer(unknownField).body.error)).toMatch(/Unknown Jira field "Story Pointz"/);

	const unknownCard = await deliver({ ...valid, dataCardId: '999999999' });
	expect(answer(unknownCard).statusCode).toBe(422);
	expect(String(answer(unknownCard).body.error)).toMatch(/^ESM incident card 999999999: /);
	expect(unknownCard.executedNodes).not.toContain('Create Jira Issue');

	expect(await jiraIssues()).toHaveLength(issuesBefore);
	expect((await incident(dataCardId)).data.jira_key ?? []).toHaveLength(0);
	expect(await writes()).toEqual({ jira: {}, esm: {} });
});

it('answers 502 when Jira cannot be used (rejected credentials), writing nothing', async () => {
	const dataCardId = await newIncident('Monitor flickers');
	const broken = createWorkflowHarness({
		credentials: sandboxes.credentials.map((credential) =>
			credential.id === 'jiraCloud' ? { ...credential, data: { ...credential.data, apiToken: 'revoked-token' } } : credential,
		),
	});
	const issuesBefore = (await jiraIssues()).length;
	await writes();

	const result = await broken.runWorkflow({
		workflow: template,
		mode: 'webhook',
		webhook: { headers: HEADERS, body: { dataCardId: String(dataCardId), summary: 'Monitor flickers', project: 'SD', issueType: INCIDENT_TYPE } },
	});
	expect(result.error).toBeUndefined();
	expect(answer(result).statusCode).toBe(502);
	expect(String(answer(result).body.error)).toMatch(/Jira rejected the credentials \(401/);
	expect(await jiraIssues()).toHaveLength(issuesBefore);
	expect((await incident(dataCardId)).data.jira_key ?? []).toHaveLength(0);
	expect(await writes()).toEqual({ jira: {}, esm: {} });
});

it('still answers the new key (with a warning) when ESM refuses the write-back, so the ESM workflow can store it', async () => {
	const dataCardId = await newIncident('Badge reader offline');
	const { sleep } = retryClock;
	retryClock.sleep = async () => undefined; // the transport's backoff between retries, skipped
	await call(`${sandboxes.esmLocal.url}/__admin/faults`, {
		method: 'POST',
		body: JSON.stringify({ fail5xx: { count: 20, mode: 'beforeApply', status: 503, match: 'PATCH /dc/{templateCode}/data/{dataCardId}' } }),
	});
	try {
		const result = await deliver({ dataCardId: String(dataCardId), subject: 'Badge reader offline', project: 'SD', issueType: INCIDENT_TYPE });
		const { statusCode, body } = answer(result);
		expect(statusCode).toBe(200);
		expect(body).toMatchObject({ issueKey: expect.stringMatching(/^SD-\d+$/), created: true });
		expect(String(body.warning)).toMatch(new RegExp(`^The issue was created, but its key could not be written to ESM card ${dataCardId}: `));
		expect((await jiraIssues()).filter((issue) => issue.key === body.issueKey)).toHaveLength(1);
		expect((await incident(dataCardId)).data.jira_key ?? []).toHaveLength(0);
	} finally {
		retryClock.sleep = sleep;
		await call(`${sandboxes.esmLocal.url}/__admin/faults`, { method: 'DELETE' });
	}
});
