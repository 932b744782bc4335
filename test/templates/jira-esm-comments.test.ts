import { startJira, type JiraSandbox } from '../../sandbox';
import { SANDBOX_JIRA_USER } from '../../sandbox/credentials';
import { syncClock } from '../../nodes/Sync/clock';
import { retryClock } from '../../nodes/shared/retry';
import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowRunResult } from '../helpers/workflow-harness';
import { call, credentialsWithJira, expectRunOutcome, loadTemplate, type Sandboxes, startSandboxes } from './sandbox-kit';

/**
 * Comments both ways, one workflow: the scheduled row (Jira -> ESM worklog) and the webhook (ESM
 * worklog entry -> Jira comment) share the Task ID and the static data carried between runs.
 * As in the incremental template's test, Jira runs on a clock of its own (the `updated` stamps of
 * comments) that moves together with the Task Cache's clock (the watermark). A second Jira account,
 * a human agent, writes the "real" comments; the integration account is the credential's.
 */
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0); // weeks after the demo data: the first run's 7-day window holds only this test's issues
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
let clock = T0 - 10 * DAY;

const AGENT = { email: 'aino.agent@sandbox.example', apiToken: 'agent-token', displayName: 'Aino Agent' };
const HEADERS = { 'content-type': 'application/json', 'x-esm-webhook-token': 'sandbox-webhook-secret' };
const TASK = 'jira-esm-comments';

let sandboxes: Sandboxes;
let jira: JiraSandbox;
let harness: WorkflowHarness;
beforeAll(async () => {
	sandboxes = await startSandboxes();
	jira = await startJira({ port: 0, now: () => clock, users: [SANDBOX_JIRA_USER, AGENT] });
	harness = createWorkflowHarness({ credentials: credentialsWithJira(sandboxes, jira) });
	jest.spyOn(syncClock, 'now').mockImplementation(() => new Date(clock));
	jest.spyOn(retryClock, 'sleep').mockResolvedValue(undefined);
});
afterAll(async () => {
	jest.restoreAllMocks();
	await Promise.all([sandboxes.stop(), jira.stop()]);
	teardownHarness();
});

const template = loadTemplate('jira-esm-comments.json');

interface Card {
	id: number;
	deleted: boolean;
	data: Record<string, Array<{ value?: string; author?: string }>>;
}
interface Issue {
	key: string;
	summary: string;
	comments: Array<{ id: number; authorId: string; body: unknown; created: string }>;
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

async function incidents(): Promise<Card[]> {
	return (await call(`${sandboxes.esmLocal.url}/__admin/state?template=incident`)).cards as Card[];
}
/** Worklog entries of a card, oldest first (ESM lists the newest first). */
async function worklog(id: number): Promise<string[]> {
	const card = (await incidents()).find((candidate) => candidate.id === id)!;
	return (card.data.worklog ?? []).map((entry) => String(entry.value)).reverse();
}
async function issue(key: string): Promise<Issue> {
	const issues = (await call(`${jira.url}/__admin/state?include=issues`)).issues as Issue[];
	return issues.find((candidate) => candidate.key === key)!;
}
const commentTexts = async (key: string) => (await issue(key)).comments.map((comment) => adfText(comment.body));

/** Write requests the emulators answered since the last call (and resets the counts). */
async function writes(): Promise<{ jira: Record<string, number>; esm: Record<string, number> }> {
	const take = async (url: string) => {
		const counts = await call(`${url}/__admin/requests`);
		await call(`${url}/__admin/requests`, { method: 'DELETE' });
		return Object.fromEntries(
			Object.entries(counts.byRoute as Record<string, number>).filter(([route]) => /^(POST|PUT|PATCH|DELETE) /.test(route) && !/\/(search|login)/.test(route)),
		);
	};
	return { jira: await take(jira.url), esm: await take(sandboxes.esmLocal.url) };
}
const WORKLOG_ADD = 'POST /dc/{templateCode}/data/{dataCardId}/{attributeCode}';
const JIRA_COMMENT_ADD = 'POST /rest/api/3/issue/{issueIdOrKey}/comment';

/** A comment written through Jira's REST API at `at`, by the agent (a person) or the integration account. */
async function comment(key: string, text: string, at: number, as: 'agent' | 'integration' = 'agent'): Promise<string> {
	clock = at;
	const account = as === 'agent' ? AGENT : SANDBOX_JIRA_USER;
	const created = await call(`${jira.url}/rest/api/3/issue/${key}/comment`, {
		method: 'POST',
		auth: `${account.email}:${account.apiToken}`,
		body: JSON.stringify({ body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] } }),
	});
	return String(created.id);
}

async function runSchedule(at: number, staticData?: WorkflowRunResult['staticData']): Promise<WorkflowRunResult> {
	clock = at;
	const result = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }], staticData });
	expectRunOutcome(result);
	return result;
}
async function deliver(body: unknown, staticData?: WorkflowRunResult['staticData']): Promise<WorkflowRunResult> {
	const result = await harness.runWorkflow({ workflow: template, mode: 'webhook', webhook: { headers: HEADERS, body }, staticData });
	expect(result.error).toBeUndefined();
	expect(result.webhookResponse).toBeDefined();
	return result;
}
const answer = (result: WorkflowRunResult) => result.webhookResponse as { statusCode: number; body: Record<string, unknown> };

// The data both directions share, set up once.
const keys = { printer: '', vpn: '', unlinked: '' };
const cards = { printer: 0, vpn: 0, unlinked: 0 };
const ids: Record<string, string> = {};
let staticData: WorkflowRunResult['staticData'] = {};

beforeAll(async () => {
	// Three Jira issues, created ten days before T0; the printer issue already has a comment then.
	clock = T0 - 10 * DAY;
	const before = new Set(((await call(`${jira.url}/__admin/state?include=issues`)).issues as Issue[]).map((candidate) => candidate.key));
	const at = new Date(T0 - 10 * DAY).toISOString();
	await call(`${jira.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			append: true,
			issues: [
				{ project: 'SD', summary: 'Printer on floor 3 jams', created: at, updated: at, comments: [{ body: 'Ten days old: before the first window.', author: AGENT.email, created: at }] },
				{ project: 'SD', summary: 'VPN drops every 10 minutes', created: at, updated: at },
				{ project: 'SD', summary: 'Question nobody linked to ESM', created: at, updated: at },
			],
		}),
	});
	const added = ((await call(`${jira.url}/__admin/state?include=issues`)).issues as Issue[]).filter((candidate) => !before.has(candidate.key));
	const keyOf = (summary: string) => added.find((candidate) => candidate.summary === summary)!.key;
	keys.printer = keyOf('Printer on floor 3 jams');
	keys.vpn = keyOf('VPN drops every 10 minutes');
	keys.unlinked = keyOf('Question nobody linked to ESM');

	// The incident cards: two linked by jira_key, one not linked. They replace the ESM demo data, whose
	// incidents carry jira_key values of the demo Jira (SD-1, SD-4, …) that the new issues' keys may repeat.
	await call(`${sandboxes.esmLocal.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			cards: [
				{ template: 'incident', folder: 'incident_management', data: { efecte_id: 'INC-CMT-0001', subject: 'Printer on floor 3 jams', status: '02 - Solving', priority: '3 - Medium', jira_key: keys.printer } },
				{ template: 'incident', folder: 'incident_management', data: { efecte_id: 'INC-CMT-0002', subject: 'VPN drops', status: '02 - Solving', priority: '2 - High', jira_key: keys.vpn } },
				{ template: 'incident', folder: 'incident_management', data: { efecte_id: 'INC-CMT-0003', subject: 'Not in Jira', status: '01 - New', priority: '4 - Low' } },
			],
		}),
	});
	const seeded = await incidents();
	const cardOf = (efecteId: string) => seeded.find((card) => card.data.efecte_id?.[0]?.value === efecteId)!.id;
	cards.printer = cardOf('INC-CMT-0001');
	cards.vpn = cardOf('INC-CMT-0002');
	cards.unlinked = cardOf('INC-CMT-0003');

	// Comments in the first run's window (the last 7 days before T0).
	ids.toner = await comment(keys.printer, 'Toner replaced, please retest.', T0 - 2 * HOUR);
	ids.tray = await comment(keys.printer, 'Still jams on tray 2.', T0 - 90 * MINUTE);
	ids.unlinked = await comment(keys.unlinked, 'Is anyone looking at this?', T0 - 40 * MINUTE);
	ids.earlierEsm = await comment(keys.printer, '[ESM INC-CMT-0001 · Maija Meikäläinen] Written from ESM earlier.', T0 - 20 * MINUTE, 'integration');
	ids.vpn = await comment(keys.vpn, 'Rebooted the VPN concentrator.', T0 - 30_000); // inside the next run's 1-minute overlap
	await writes();
});

it('first run: copies the comments of the window to the linked cards, skipping echoes, old and unlinked ones', async () => {
	const first = await runSchedule(T0);
	expect(first.json('Get Watermark')[0]).toMatchObject({ firstRun: true, watermark: '' });
	expect(first.json('Run Window')[0]).toMatchObject({ sinceJql: '-7d', windowStart: new Date(T0 - 7 * DAY).toISOString() });
	expect(first.json('Search Issues').map((found) => found.key).sort()).toEqual([keys.printer, keys.vpn, keys.unlinked].sort());
	expect(first.json('Run Summary')[0]).toMatchObject({
		task: TASK,
		issues: 3,
		extracted: 6,
		loaded: 3,
		failed: 0,
		skippedUnchanged: 0,
		skippedEcho: 1,
		notLinked: 1,
		skippedOld: 1,
		failures: [],
		firstRun: true,
		watermarkMoved: true,
		watermark: new Date(T0).toISOString(),
	});

	expect(await worklog(cards.printer)).toEqual([
		`[Jira ${keys.printer} #${ids.toner} · Aino Agent] Toner replaced, please retest.`,
		`[Jira ${keys.printer} #${ids.tray} · Aino Agent] Still jams on tray 2.`,
	]);
	expect(await worklog(cards.vpn)).toEqual([`[Jira ${keys.vpn} #${ids.vpn} · Aino Agent] Rebooted the VPN concentrator.`]);
	expect(await worklog(cards.unlinked)).toEqual([]);
	expect(await writes()).toEqual({ jira: {}, esm: { [WORKLOG_ADD]: 3 } });
	staticData = first.staticData;
});

it('an unchanged re-run writes nothing, even for a comment read again in the overlap', async () => {
	const second = await runSchedule(T0 + 10 * MINUTE, staticData);
	expect(second.json('Get Watermark')[0]).toMatchObject({ firstRun: false, sinceJql: '2026-12-01 07:59' });
	expect(second.json('Search Issues').map((found) => found.key)).toEqual([keys.vpn]);
	expect(second.json('Run Summary')[0]).toMatchObject({ extracted: 1, loaded: 0, failed: 0, skippedUnchanged: 1, skippedEcho: 0, notLinked: 0, watermarkMoved: true });
	expect(second.executedNodes).not.toContain('Add Worklog');
	expect(await writes()).toEqual({ jira: {}, esm: {} });
	expect(await worklog(cards.vpn)).toHaveLength(1);
	staticData = second.staticData;
});

it('a new Jira comment gives exactly one new worklog entry', async () => {
	ids.retest = await comment(keys.printer, 'Retested: prints fine now.', T0 + 15 * MINUTE);
	await writes();
	const third = await runSchedule(T0 + 20 * MINUTE, staticData);
	expect(third.json('Search Issues').map((found) => found.key)).toEqual([keys.printer]);
	expect(third.json('Run Summary')[0]).toMatchObject({ extracted: 5, loaded: 1, failed: 0, skippedUnchanged: 0, skippedOld: 4, skippedEcho: 0, watermarkMoved: true });
	expect(await writes()).toEqual({ jira: {}, esm: { [WORKLOG_ADD]: 1 } });
	expect(await worklog(cards.printer)).toEqual([
		`[Jira ${keys.printer} #${ids.toner} · Aino Agent] Toner replaced, please retest.`,
		`[Jira ${keys.printer} #${ids.tray} · Aino Agent] Still jams on tray 2.`,
		`[Jira ${keys.printer} #${ids.retest} · Aino Agent] Retested: prints fine now.`,
	]);
	staticData = third.staticData;
});

it('a failed worklog write keeps the watermark; the next run writes that comment once', async () => {
	ids.failing = await comment(keys.vpn, 'Firmware updated.', T0 + 25 * MINUTE);
	await call(`${sandboxes.esmLocal.url}/__admin/faults`, {
		method: 'POST',
		body: JSON.stringify({ fail5xx: { count: 100, mode: 'beforeApply', status: 500, match: WORKLOG_ADD } }),
	});
	const failing = await runSchedule(T0 + 30 * MINUTE, staticData);
	await call(`${sandboxes.esmLocal.url}/__admin/faults`, { method: 'DELETE' });
	expect(failing.json('Run Summary')[0]).toMatchObject({
		extracted: 2,
		loaded: 0,
		failed: 1,
		watermarkMoved: false,
		watermark: new Date(T0 + 20 * MINUTE).toISOString(),
	});
	expect(failing.json('Run Summary')[0].failures).toEqual([expect.stringMatching(/500/)]);
	expect(failing.run.data.resultData.runData['Set Watermark']).toHaveLength(1); // the Merge waited for the load branch
	expect(await worklog(cards.vpn)).toHaveLength(1);
	await writes();

	const retry = await runSchedule(T0 + 40 * MINUTE, failing.staticData);
	expect(retry.json('Run Summary')[0]).toMatchObject({ loaded: 1, failed: 0, watermarkMoved: true, watermark: new Date(T0 + 40 * MINUTE).toISOString() });
	expect(await writes()).toEqual({ jira: {}, esm: { [WORKLOG_ADD]: 1 } });
	expect(await worklog(cards.vpn)).toEqual([
		`[Jira ${keys.vpn} #${ids.vpn} · Aino Agent] Rebooted the VPN concentrator.`,
		`[Jira ${keys.vpn} #${ids.failing} · Aino Agent] Firmware updated.`,
	]);
	staticData = retry.staticData;
});

it('the webhook adds exactly one Jira comment with the ESM marker, and ignores entries that came from Jira', async () => {
	clock = T0 + 45 * MINUTE;
	const before = await commentTexts(keys.printer);
	await writes();

	const added = await deliver({ dataCardId: String(cards.printer), comment: 'Customer confirms the printer works.', author: 'Maija Meikäläinen' }, staticData);
	expect(answer(added).statusCode).toBe(200);
	expect(answer(added).body).toEqual({ issueKey: keys.printer, commentId: expect.stringMatching(/^\d+$/) });
	const after = await commentTexts(keys.printer);
	expect(after).toEqual([...before, '[ESM INC-CMT-0001 · Maija Meikäläinen] Customer confirms the printer works.']);
	const stored = (await issue(keys.printer)).comments.at(-1)!;
	expect(String(stored.id)).toBe(answer(added).body.commentId);
	expect(stored.authorId).toBe(SANDBOX_JIRA_USER.accountId);
	expect(await writes()).toEqual({ jira: { [JIRA_COMMENT_ADD]: 1 }, esm: {} });

	// The ESM workflow also fires for the worklog entries the scheduled row wrote: they are echoes.
	const echo = await deliver({
		dataCardId: String(cards.printer),
		comment: `[Jira ${keys.printer} #${ids.retest} · Aino Agent] Retested: prints fine now.`,
		author: 'n8n Integration',
	});
	expect(answer(echo)).toMatchObject({ statusCode: 200, body: { skipped: 'echo' } });
	expect(answer(echo).body).toEqual({ skipped: 'echo' });
	expect(echo.executedNodes).not.toContain('Get Incident Card');
	expect(echo.executedNodes).not.toContain('Add Jira Comment');
	expect(await commentTexts(keys.printer)).toEqual(after);
	expect(await writes()).toEqual({ jira: {}, esm: {} });
});

it('the next scheduled run does not copy the ESM-origin comment back', async () => {
	const run = await runSchedule(T0 + 50 * MINUTE, staticData);
	expect(run.json('Search Issues').map((found) => found.key)).toEqual([keys.printer]);
	expect(run.json('Run Summary')[0]).toMatchObject({ extracted: 6, loaded: 0, failed: 0, skippedEcho: 1, skippedUnchanged: 0, skippedOld: 5, watermarkMoved: true });
	expect(run.executedNodes).not.toContain('Filter Changed');
	expect(await writes()).toEqual({ jira: {}, esm: {} });
	expect(await worklog(cards.printer)).toHaveLength(3);
	staticData = run.staticData;
});

it('the Jira key may come from the request; bad requests answer 400, unlinked or unknown cards and Jira refusals 422, nothing stored', async () => {
	clock = T0 + 55 * MINUTE;
	const unlinkedBefore = await commentTexts(keys.unlinked);
	await writes();

	const cases: Array<[unknown, RegExp]> = [
		[{ dataCardId: String(cards.printer) }, /^Missing required field: comment$/],
		[{ dataCardId: String(cards.printer), comment: '   ' }, /^Missing required field: comment$/],
		[{ comment: 'No card' }, /^Missing required field: dataCardId$/],
		[{}, /^Missing required fields: dataCardId, comment$/],
		[{ dataCardId: 'INC-CMT-0001', comment: 'x' }, /dataCardId must be the numeric ID/],
		[{ dataCardId: String(cards.printer), comment: 'x', jiraKey: 'SD 1" OR 1=1' }, /jiraKey must be a Jira issue key/],
		[{ dataCardId: String(cards.printer), comment: { text: 'x' } }, /^comment must be text$/],
		['not json', /The body must be a JSON object/],
	];
	for (const [body, message] of cases) {
		const result = await deliver(body);
		expect(answer(result).statusCode).toBe(400);
		expect(String(answer(result).body.error)).toMatch(message);
		expect(result.executedNodes).not.toContain('Get Incident Card');
	}

	const unlinked = await deliver({ dataCardId: String(cards.unlinked), comment: 'Anyone?', author: 'Maija Meikäläinen' });
	expect(answer(unlinked).statusCode).toBe(422);
	expect(String(answer(unlinked).body.error)).toBe(
		`ESM incident card ${cards.unlinked} is not linked to a Jira issue: its jira_key is empty and the request gives no jiraKey`,
	);

	const unknown = await deliver({ dataCardId: '999999999', comment: 'Lost' });
	expect(answer(unknown).statusCode).toBe(422);
	expect(String(answer(unknown).body.error)).toMatch(/^ESM incident card 999999999: Not found in ESM \(404\)/);
	expect(await writes()).toEqual({ jira: {}, esm: {} });

	// An issue Jira does not know: the one attempt is refused (404), nothing is stored.
	const printerBefore = await commentTexts(keys.printer);
	const noIssue = await deliver({ dataCardId: String(cards.printer), comment: 'Wrong issue', jiraKey: 'SD-99999' });
	expect(answer(noIssue).statusCode).toBe(422);
	expect(String(answer(noIssue).body.error)).toMatch(/^Not found in Jira \(404\)/);
	expect(await commentTexts(keys.printer)).toEqual(printerBefore);
	expect(await writes()).toEqual({ jira: { [JIRA_COMMENT_ADD]: 1 }, esm: {} });

	// A card without jira_key, with the key in the request: the comment goes there (no author: no "· author").
	const byRequest = await deliver({ dataCardId: String(cards.unlinked), comment: 'Linked by the request.', jiraKey: keys.unlinked.toLowerCase() });
	expect(answer(byRequest)).toMatchObject({ statusCode: 200, body: { issueKey: keys.unlinked } });
	expect(await commentTexts(keys.unlinked)).toEqual([...unlinkedBefore, '[ESM INC-CMT-0003] Linked by the request.']);
	expect(await writes()).toEqual({ jira: { [JIRA_COMMENT_ADD]: 1 }, esm: {} });
});

it('"Run Task Now" (Execute Workflow Trigger) runs the same scheduled row', async () => {
	clock = T0 + 60 * MINUTE;
	await writes();
	const result = await harness.runWorkflow({ workflow: template, mode: 'integrated', startItems: [{ json: {} }], staticData });
	expect(result.error).toBeUndefined();
	expect(result.executedNodes).toContain('Get Watermark');
	expect(result.executedNodes).not.toContain('ESM Worklog Entry');
	// Only the request-keyed comment on the unlinked issue is new, and it carries the ESM marker.
	expect(result.json('Run Summary')[0]).toMatchObject({ task: TASK, loaded: 0, failed: 0, skippedEcho: 1, watermarkMoved: true });
	expect(await writes()).toEqual({ jira: {}, esm: {} });
	staticData = result.staticData;
});

it('answers 502 when Jira rejects the credentials, writing nothing', async () => {
	const broken = createWorkflowHarness({
		credentials: [
			{ id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi', data: { ...jira.credentials, apiToken: 'revoked-token' } },
			...sandboxes.credentials.filter((credential) => credential.id !== 'jiraCloud'),
		],
	});
	const before = await commentTexts(keys.printer);
	await writes();
	const result = await broken.runWorkflow({
		workflow: template,
		mode: 'webhook',
		webhook: { headers: HEADERS, body: { dataCardId: String(cards.printer), comment: 'Never arrives' } },
	});
	expect(result.error).toBeUndefined();
	expect(answer(result).statusCode).toBe(502);
	expect(String(answer(result).body.error)).toMatch(/Jira rejected the credentials \(401/);
	expect(await commentTexts(keys.printer)).toEqual(before);
	// One attempt, refused (401) and not repeated; nothing stored.
	expect(await writes()).toEqual({ jira: { [JIRA_COMMENT_ADD]: 1 }, esm: {} });
});

it('a card lookup that fails (jira_key not unique) counts as failed and keeps the watermark; nothing is written', async () => {
	await call(`${sandboxes.esmLocal.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			append: true,
			cards: [{ template: 'incident', folder: 'incident_management', data: { efecte_id: 'INC-CMT-0004', subject: 'Copy of the VPN incident', status: '01 - New', jira_key: keys.vpn } }],
		}),
	});
	await comment(keys.vpn, 'Which incident is mine?', T0 + 65 * MINUTE);
	await writes();
	const run = await runSchedule(T0 + 70 * MINUTE, staticData);
	expect(run.json('Run Summary')[0]).toMatchObject({ loaded: 0, failed: 1, notLinked: 0, watermarkMoved: false });
	expect(run.json('Run Summary')[0].failures).toEqual([expect.stringMatching(new RegExp(`^Several incident cards have jira_key = "${keys.vpn}" .*not unique`))]);
	expect(await writes()).toEqual({ jira: {}, esm: {} });
	expect(await worklog(cards.vpn)).toHaveLength(2);
	staticData = run.staticData;
});

it('comments Jira cannot list count as failed and keep the watermark', async () => {
	await comment(keys.printer, 'Listed only when Jira answers.', T0 + 75 * MINUTE);
	await call(`${jira.url}/__admin/faults`, {
		method: 'POST',
		body: JSON.stringify({ fail5xx: { count: 100, mode: 'beforeApply', status: 503, match: 'GET /rest/api/3/issue/{issueIdOrKey}/comment' } }),
	});
	await writes();
	try {
		const run = await runSchedule(T0 + 80 * MINUTE, staticData);
		expect(run.json('Search Issues').map((found) => found.key).sort()).toEqual([keys.printer, keys.vpn].sort());
		expect(run.json('Get Watermark')[0]).toMatchObject({ watermark: new Date(T0 + 60 * MINUTE).toISOString() });
		expect(run.json('Run Summary')[0]).toMatchObject({ extracted: 0, loaded: 0, failed: 2, watermarkMoved: false });
		expect(run.json('Run Summary')[0].failures).toEqual([expect.stringMatching(/503/), expect.stringMatching(/503/)]);
	} finally {
		await call(`${jira.url}/__admin/faults`, { method: 'DELETE' });
	}
	expect(await writes()).toMatchObject({ esm: {} });
});
