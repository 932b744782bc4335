import * as http from 'http';
import type { AddressInfo } from 'net';

import { startJira, type JiraSandbox } from '../../sandbox';
import { syncClock } from '../../nodes/Sync/clock';
import { retryClock } from '../../nodes/shared/retry';
import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowRunResult } from '../helpers/workflow-harness';
import { call, credentialsWithJira, expectRunOutcome, loadTemplate, type Sandboxes, startSandboxes } from './sandbox-kit';

/**
 * Template 8, resolution both ways. The scheduled direction needs two clocks moved together (the
 * Task Cache's watermark and the Jira emulator's `updated` stamps), so this test starts its own Jira
 * with `now` and points the jiraCloud credential at it, as the incremental template's test does.
 * Every test starts from the same small data set (below), seeded into both emulators.
 */
const T0 = Date.UTC(2026, 10, 9, 8, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
let clock = T0;
/** Each test starts a day after the previous one: the emulators' clocks never move backwards. */
let t0 = T0 - DAY;

let sandboxes: Sandboxes;
let jira: JiraSandbox;
let harness: WorkflowHarness;
beforeAll(async () => {
	sandboxes = await startSandboxes();
	jira = await startJira({ port: 0, now: () => clock, seed: 'empty' });
	harness = createWorkflowHarness({ credentials: credentialsWithJira(sandboxes, jira) });
	jest.spyOn(syncClock, 'now').mockImplementation(() => new Date(clock));
	jest.spyOn(retryClock, 'sleep').mockResolvedValue(undefined);
});
afterAll(async () => {
	jest.restoreAllMocks();
	await Promise.all([sandboxes.stop(), jira.stop()]);
	teardownHarness();
});

const template = loadTemplate('jira-esm-resolution.json');
const TASK = 'jira-esm-resolution';
const HEADERS = { 'content-type': 'application/json', 'x-esm-webhook-token': 'sandbox-webhook-secret' };
const TRANSITIONS = 'POST /rest/api/3/issue/{issueIdOrKey}/transitions';
const PATCH_CARD = 'PATCH /dc/{templateCode}/data/{dataCardId}';

/**
 * The data set. Jira: SD issues in every state, one OPS issue. ESM: incident cards linked by
 * `jira_key` (efecte_id INC-<letter> names them in the test), one not linked (U).
 */
const ISSUES: Array<{ key: string; status: string; resolution?: string; card?: string; cardStatus?: string }> = [
	{ key: 'SD-1', status: 'To Do', card: 'A', cardStatus: '02 - Solving' },
	{ key: 'SD-2', status: 'Done', resolution: 'Done', card: 'B', cardStatus: '02 - Solving' },
	{ key: 'SD-3', status: 'Closed', resolution: "Won't Do", card: 'C', cardStatus: '03 - Waiting for customer' },
	{ key: 'SD-4', status: 'Done', resolution: 'Done', card: 'D', cardStatus: '05 - Solved' },
	{ key: 'SD-5', status: 'Closed', resolution: 'Done', card: 'E', cardStatus: '07 - Closed' },
	{ key: 'SD-6', status: 'Done', resolution: 'Duplicate' },
	{ key: 'SD-7', status: 'In Progress', card: 'F', cardStatus: '02 - Solving' },
	{ key: 'SD-8', status: 'Waiting for customer', card: 'G', cardStatus: '02 - Solving' },
	{ key: 'SD-9', status: 'Closed', card: 'H', cardStatus: '01 - New' },
	{ key: 'SD-10', status: 'Done', resolution: 'Done', card: 'I', cardStatus: '06 - Cancelled' },
	{ key: 'OPS-1', status: 'Done', resolution: 'Done', card: 'J', cardStatus: '02 - Solving' },
];
const RESOLVED_SD = ['SD-2', 'SD-3', 'SD-4', 'SD-5', 'SD-6', 'SD-9', 'SD-10'];

async function seed(): Promise<void> {
	t0 += DAY;
	clock = t0;
	await call(`${jira.url}/__admin/reset`, { method: 'POST' });
	await call(`${jira.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			issues: ISSUES.map((issue, index) => ({
				key: issue.key,
				project: issue.key.split('-')[0],
				summary: `Issue ${issue.key}`,
				status: issue.status,
				...(issue.resolution ? { resolution: issue.resolution } : {}),
				created: new Date(t0 - 5 * DAY).toISOString(),
				updated: new Date(t0 - 2 * DAY + index * MINUTE).toISOString(),
			})),
		}),
	});
	await call(`${sandboxes.esmLocal.url}/__admin/reset`, { method: 'POST' });
	const card = (letter: string, data: Record<string, string>) => ({
		template: 'incident',
		folder: 'incident_management',
		data: { efecte_id: `INC-${letter}`, subject: `Incident ${letter}`, ...data },
	});
	const cards = [
		...ISSUES.filter((issue) => issue.card).map((issue) =>
			card(issue.card!, {
				status: issue.cardStatus!,
				jira_key: issue.key,
				...(issue.cardStatus === '05 - Solved' ? { solution: 'Fixed in ESM.' } : {}),
			}),
		),
		card('U', { status: '02 - Solving' }),
	];
	await call(`${sandboxes.esmLocal.url}/__admin/seed`, { method: 'POST', body: JSON.stringify({ cards }) });
	await writes();
}
beforeEach(seed);

interface Card {
	id: number;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}
interface Issue {
	key: string;
	statusId: string;
	resolutionId: string | null;
	resolutionDate: string | null;
	comments: Array<{ body: unknown }>;
	changelog: Array<{ items: Array<{ field: string; toString?: string | null }> }>;
}
const value = (card: Card, code: string) => card.data[code]?.[0]?.value;

async function incidents(): Promise<Map<string, Card>> {
	const state = await call(`${sandboxes.esmLocal.url}/__admin/state?template=incident`);
	return new Map((state.cards as Card[]).filter((card) => !card.deleted).map((card) => [String(value(card, 'efecte_id')).slice(4), card]));
}
async function cardId(letter: string): Promise<string> {
	return String((await incidents()).get(letter)!.id);
}
async function issues(): Promise<Map<string, Issue>> {
	const state = await call(`${jira.url}/__admin/state?include=issues`);
	return new Map((state.issues as Issue[]).map((issue) => [issue.key, issue]));
}
const STATUS = { done: '10002', closed: '6', inProgress: '3', waiting: '10001', toDo: '10000' };
const RESOLUTION = { done: '10000', wontDo: '10001' };

/** All text of an ADF document (paragraphs joined by blank lines). */
function adfText(node: unknown): string {
	const doc = node as { type?: string; text?: string; content?: unknown[] };
	if (!doc || typeof doc !== 'object') return '';
	if (doc.type === 'text') return doc.text ?? '';
	if (doc.type === 'hardBreak') return '\n';
	const parts = (doc.content ?? []).map(adfText);
	return doc.type === 'doc' ? parts.join('\n\n') : parts.join('');
}

/** Write requests each emulator answered since the last call (the counts are then cleared). */
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
const NO_WRITES = { jira: {}, esm: {} };

type Answer = { statusCode: number; body: Record<string, unknown> };
async function deliver(body: unknown): Promise<WorkflowRunResult & { answer: Answer }> {
	const result = await harness.runWorkflow({ workflow: template, mode: 'webhook', webhook: { headers: HEADERS, body } });
	expect(result.error).toBeUndefined();
	expect(result.webhookResponse).toBeDefined();
	const { statusCode, body: answered } = result.webhookResponse as Answer;
	return Object.assign(result, { answer: { statusCode, body: answered } });
}

async function run(at: number, staticData?: WorkflowRunResult['staticData'], mode: 'trigger' | 'integrated' = 'trigger'): Promise<WorkflowRunResult> {
	clock = at;
	const result = await harness.runWorkflow({ workflow: template, mode, startItems: [{ json: {} }], staticData });
	expectRunOutcome(result);
	return result;
}

describe('ESM → Jira (webhook)', () => {
	it('resolves the linked Jira issue once, with resolution and the solution as comment; re-delivery writes nothing', async () => {
		const dataCardId = await cardId('A');
		const before = (await issues()).get('SD-1')!;
		expect(before.statusId).toBe(STATUS.toDo);

		const first = await deliver({ dataCardId, solution: 'Replaced the VPN profile.\nThe tunnel is stable again.' });
		expect(first.answer).toEqual({ statusCode: 200, body: { issueKey: 'SD-1', transitioned: true, status: 'Done', resolution: 'Done' } });
		const resolved = (await issues()).get('SD-1')!;
		expect(resolved).toMatchObject({ statusId: STATUS.done, resolutionId: RESOLUTION.done, resolutionDate: new Date(t0).toISOString() });
		expect(resolved.comments).toHaveLength(before.comments.length + 1);
		// The [ESM …] marker keeps the comments template from copying the solution back into ESM.
		expect(adfText(resolved.comments.at(-1)!.body)).toMatch(/^\[ESM \S+\] Replaced the VPN profile\.\nThe tunnel is stable again\.$/);
		expect(resolved.changelog.at(-1)!.items.map((item) => [item.field, item.toString])).toEqual(
			expect.arrayContaining([
				['status', 'Done'],
				['resolution', 'Done'],
			]),
		);
		expect(await writes()).toEqual({ jira: { [TRANSITIONS]: 1 }, esm: {} });

		// ESM delivers the same call again (a retry, or the card saved twice): Jira is already done.
		clock = t0 + MINUTE;
		const again = await deliver({ dataCardId, solution: 'Replaced the VPN profile.\nThe tunnel is stable again.' });
		expect(again.answer).toEqual({
			statusCode: 200,
			body: { issueKey: 'SD-1', transitioned: false, reason: 'already resolved', status: 'Done', resolution: 'Done' },
		});
		expect(again.executedNodes).not.toContain('Transition Issue');
		expect((await issues()).get('SD-1')!.comments).toHaveLength(before.comments.length + 1);
		expect(await writes()).toEqual(NO_WRITES);

		// An issue closed in Jira by other means counts as resolved too (status category done).
		const closed = await deliver({ dataCardId: await cardId('H'), solution: 'Done on our side.' });
		expect(closed.answer.body).toMatchObject({ issueKey: 'SD-9', transitioned: false, reason: 'already resolved', status: 'Closed', resolution: null });
		expect(await writes()).toEqual(NO_WRITES);
	});

	it('takes jiraKey and resolution from the body (case-insensitive key), writing nothing to ESM', async () => {
		const unlinked = await cardId('U');
		const result = await deliver({ dataCardId: Number(unlinked), jiraKey: ' sd-7 ', solution: 'Duplicate of the VPN outage.', resolution: "Won't Do" });
		expect(result.answer).toEqual({ statusCode: 200, body: { issueKey: 'SD-7', transitioned: true, status: 'Done', resolution: "Won't Do" } });
		const issue = (await issues()).get('SD-7')!;
		expect(issue).toMatchObject({ statusId: STATUS.done, resolutionId: RESOLUTION.wontDo });
		expect(adfText(issue.comments.at(-1)!.body)).toMatch(/^\[ESM \S+\] Duplicate of the VPN outage\.$/);
		expect(value((await incidents()).get('U')!, 'jira_key')).toBeUndefined();
		expect(await writes()).toEqual({ jira: { [TRANSITIONS]: 1 }, esm: {} });
	});

	it('answers 400 naming what is wrong, and writes nothing', async () => {
		const dataCardId = await cardId('A');
		const cases: Array<[unknown, RegExp]> = [
			[{ dataCardId }, /^Missing required field: solution$/],
			[{ dataCardId, solution: '   ' }, /^Missing required field: solution$/],
			[{ solution: 'x' }, /^Missing required field: dataCardId$/],
			[{}, /^Missing required fields: dataCardId, solution$/],
			[{ dataCardId: 'INC-A', solution: 'x' }, /^dataCardId must be the numeric ID of the ESM incident card/],
			[{ dataCardId, solution: { text: 'x' } }, /^solution must be text$/],
			[{ dataCardId, solution: 'x', jiraKey: 'SD 1" OR 1=1' }, /^jiraKey must be a Jira issue key such as SD-42/],
			[{ dataCardId, solution: 'x', resolution: ['Done'] }, /^resolution must be the name of a Jira resolution/],
			[{ dataCardId, solution: 'x', targetStatus: 5 }, /^targetStatus must be the name of a Jira status/],
			['this is not json', /^The body must be a JSON object with dataCardId and solution$/],
			[[{ dataCardId, solution: 'x' }], /^The body must be a JSON object/],
		];
		for (const [body, message] of cases) {
			const result = await deliver(body);
			expect(result.answer.statusCode).toBe(400);
			expect(String(result.answer.body.error)).toMatch(message);
			expect(result.executedNodes).not.toContain('Get Incident Card');
		}
		expect((await issues()).get('SD-1')!.statusId).toBe(STATUS.toDo);
		expect(await writes()).toEqual(NO_WRITES);
	});

	it('answers 422 for an unlinked or unknown card and for what Jira refuses, without writing', async () => {
		const unlinked = await deliver({ dataCardId: await cardId('U'), solution: 'x' });
		expect(unlinked.answer.statusCode).toBe(422);
		expect(String(unlinked.answer.body.error)).toMatch(/^ESM incident card \d+ is not linked to a Jira issue \(its jira_key is empty\)/);
		expect(unlinked.executedNodes).not.toContain('Get Jira Issue');

		const unknownCard = await deliver({ dataCardId: '999999999', solution: 'x' });
		expect(unknownCard.answer.statusCode).toBe(422);
		expect(String(unknownCard.answer.body.error)).toMatch(/^ESM incident card 999999999: /);

		const unknownIssue = await deliver({ dataCardId: await cardId('A'), jiraKey: 'SD-999', solution: 'x' });
		expect(unknownIssue.answer.statusCode).toBe(422);
		expect(String(unknownIssue.answer.body.error)).toMatch(/^Jira issue SD-999: /);

		const noScreen = await deliver({ dataCardId: await cardId('A'), solution: 'x', targetStatus: 'Closed' });
		expect(noScreen.answer.statusCode).toBe(422);
		expect(String(noScreen.answer.body.error)).toMatch(/^Jira issue SD-1: The transition "Close" does not show the Resolution field/);
		expect(await writes()).toEqual(NO_WRITES);

		// An unknown resolution is sent, and Jira refuses it (400): nothing changes.
		const unknownResolution = await deliver({ dataCardId: await cardId('A'), solution: 'x', resolution: 'Fixed' });
		expect(unknownResolution.answer.statusCode).toBe(422);
		expect(String(unknownResolution.answer.body.error)).toMatch(/^Jira issue SD-1: .*resolution/i);
		expect(await writes()).toEqual({ jira: { [TRANSITIONS]: 1 }, esm: {} });
		const sd1 = (await issues()).get('SD-1')!;
		expect(sd1).toMatchObject({ statusId: STATUS.toDo, resolutionId: null });
		expect(sd1.comments).toHaveLength(0);
	});
});

describe('Jira → ESM (scheduled)', () => {
	it('solves the linked unsolved cards once, skips solved and unlinked ones, and writes nothing on re-runs', async () => {
		const before = await incidents();

		// Run 1, first run: every resolved SD issue is read.
		const first = await run(t0);
		expect(first.json('Search Resolved Issues').map((issue) => issue.key)).toEqual(RESOLVED_SD);
		expect(first.json('Run Summary')[0]).toMatchObject({
			task: TASK,
			extracted: 7,
			loaded: 3,
			failed: 0,
			alreadyResolved: 3,
			notLinked: 1,
			firstRun: true,
			watermarkMoved: true,
			watermark: new Date(t0).toISOString(),
		});
		const after = await incidents();
		const solved = { B: 'Resolved in Jira SD-2: Done', C: "Resolved in Jira SD-3: Won't Do", H: 'Resolved in Jira SD-9: Closed' };
		for (const [letter, card] of after) {
			if (letter in solved) {
				expect([letter, value(card, 'status'), value(card, 'solution')]).toEqual([letter, '05 - Solved', solved[letter as keyof typeof solved]]);
			} else {
				// Already solved / closed / cancelled, not resolved in Jira, another project, not linked: untouched.
				expect([letter, card.data]).toEqual([letter, before.get(letter)!.data]);
			}
		}
		expect(value(after.get('D')!, 'solution')).toBe('Fixed in ESM.');
		expect(await writes()).toEqual({ jira: {}, esm: { [PATCH_CARD]: 3 } });

		// Run 2, nothing changed: only issues updated since the watermark (minus 1 minute) are read: none.
		const second = await run(t0 + 10 * MINUTE, first.staticData);
		expect(second.json('Run Summary')[0]).toMatchObject({ extracted: 0, loaded: 0, failed: 0, alreadyResolved: 0, notLinked: 0, firstRun: false, watermarkMoved: true });
		expect(await writes()).toEqual(NO_WRITES);

		// Even a full re-read (the watermark lost) writes nothing: the cards' state is the guard, not a cache.
		const reread = await run(t0 + 11 * MINUTE);
		expect(reread.json('Run Summary')[0]).toMatchObject({ extracted: 7, loaded: 0, failed: 0, alreadyResolved: 6, notLinked: 1, firstRun: true });
		expect(reread.executedNodes).not.toContain('Set Solved');
		expect(await writes()).toEqual(NO_WRITES);

		// Run 3: SD-7 is resolved in Jira, but ESM refuses the write: counted failed, the watermark stays.
		clock = t0 + 12 * MINUTE;
		await call(`${jira.url}/rest/api/3/issue/SD-7/transitions`, {
			method: 'POST',
			auth: `${jira.credentials.email}:${jira.credentials.apiToken}`,
			body: JSON.stringify({ transition: { id: '31' }, fields: { resolution: { name: 'Done' } } }),
		});
		await writes();
		await call(`${sandboxes.esmLocal.url}/__admin/faults`, {
			method: 'POST',
			body: JSON.stringify({ fail5xx: { count: 100, mode: 'beforeApply', status: 500, match: PATCH_CARD } }),
		});
		const third = await run(t0 + 20 * MINUTE, second.staticData);
		await call(`${sandboxes.esmLocal.url}/__admin/faults`, { method: 'DELETE' });
		expect(third.json('Search Resolved Issues').map((issue) => issue.key)).toEqual(['SD-7']);
		expect(third.json('Run Summary')[0]).toMatchObject({
			extracted: 1,
			loaded: 0,
			failed: 1,
			watermarkMoved: false,
			watermark: new Date(t0 + 10 * MINUTE).toISOString(),
		});
		expect(value((await incidents()).get('F')!, 'status')).toBe('02 - Solving');
		await writes();

		// Run 4 through "Run Task Now": the kept watermark reads SD-7 again; now its card is solved.
		const fourth = await run(t0 + 30 * MINUTE, third.staticData, 'integrated');
		expect(fourth.executedNodes).toContain('Run Task Now');
		expect(fourth.json('Run Summary')[0]).toMatchObject({
			extracted: 1,
			loaded: 1,
			failed: 0,
			watermarkMoved: true,
			watermark: new Date(t0 + 30 * MINUTE).toISOString(),
		});
		const f = (await incidents()).get('F')!;
		expect([value(f, 'status'), value(f, 'solution')]).toEqual(['05 - Solved', 'Resolved in Jira SD-7: Done']);
		expect(await writes()).toEqual({ jira: {}, esm: { [PATCH_CARD]: 1 } });
	});

	it('counts an ESM lookup failure as failed (not as not linked) and keeps the watermark', async () => {
		await call(`${sandboxes.esmLocal.url}/__admin/faults`, {
			method: 'POST',
			body: JSON.stringify({ fail5xx: { count: 1000, mode: 'beforeApply', status: 500, match: 'GET /dc/{templateCode}/data' } }),
		});
		const result = await run(t0);
		await call(`${sandboxes.esmLocal.url}/__admin/faults`, { method: 'DELETE' });
		expect(result.json('Run Summary')[0]).toMatchObject({ extracted: 7, loaded: 0, failed: 7, alreadyResolved: 0, notLinked: 0, watermarkMoved: false, watermark: '' });
		expect(await writes()).toEqual(NO_WRITES);
	});
});

/**
 * The ESM workflow, played by a listener on an ESM webhook rule (status = 05 - Solved): it turns
 * the emulator's card event into the template's body, as an ESM orchestration step would, calls the
 * template's webhook and answers with its answer (so the ESM emulator records the outcome).
 */
async function esmWorkflow(): Promise<{ url: string; answers: Answer[]; close(): Promise<void> }> {
	const answers: Answer[] = [];
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { dataCardId: string; card: { data: { solution?: string } } };
			void harness
				.runWorkflow({ workflow: template, mode: 'webhook', webhook: { headers: HEADERS, body: { dataCardId: event.dataCardId, solution: event.card.data.solution ?? '' } } })
				.then((result) => {
					const { statusCode, body } = result.webhookResponse as Answer;
					const answer = { statusCode, body };
					answers.push(answer);
					response.writeHead(answer.statusCode, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
				})
				.catch((error: Error) => response.writeHead(500).end(error.message));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/esm/resolution-to-jira`,
		answers,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

it('round trip: ESM solves → webhook resolves Jira; the scheduled read then writes nothing back for it, and its own writes echo nowhere', async () => {
	const workflow = await esmWorkflow();
	try {
		await call(`${sandboxes.esmLocal.url}/__admin/webhook-rules`, {
			method: 'POST',
			body: JSON.stringify({ template: 'incident', filter: "$status$ = '05 - Solved'", events: ['updated'], url: workflow.url }),
		});
		const deliveries = async () => (await call(`${sandboxes.esmLocal.url}/__admin/webhook-deliveries?wait=true`)) as Array<{ dataCardId: string; ok: boolean; attempts: number }>;

		// A service desk agent solves incident G in ESM (through the ESM API, as the ESM UI would).
		const g = await cardId('G');
		const login = await fetch(`${sandboxes.esmLocal.apiUrl}/users/login`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ login: sandboxes.esmLocal.credentials.username, password: sandboxes.esmLocal.credentials.password }).toString(),
		});
		const token = login.headers.get('authorization')!;
		const patched = await fetch(`${sandboxes.esmLocal.apiUrl}/dc/incident/data/${g}`, {
			method: 'PATCH',
			headers: { Authorization: token, 'Content-Type': 'application/json' },
			body: JSON.stringify({ dataCardId: g, data: { status: { values: [{ value: '05 - Solved' }] }, solution: { values: [{ value: 'Reseated the docking station.' }] } } }),
		});
		expect(patched.status).toBe(200);
		expect(await deliveries()).toEqual([expect.objectContaining({ dataCardId: g, ok: true, attempts: 1 })]);
		expect(workflow.answers).toEqual([{ statusCode: 200, body: { issueKey: 'SD-8', transitioned: true, status: 'Done', resolution: 'Done' } }]);
		const sd8 = (await issues()).get('SD-8')!;
		expect(sd8).toMatchObject({ statusId: STATUS.done, resolutionId: RESOLUTION.done });
		expect(adfText(sd8.comments.at(-1)!.body)).toMatch(/^\[ESM \S+\] Reseated the docking station\.$/);
		expect(await writes()).toEqual({ jira: { [TRANSITIONS]: 1 }, esm: { [PATCH_CARD]: 1 } }); // the agent's PATCH and our transition

		// The scheduled read: SD-8 is resolved in Jira now, but card G is already solved: not written.
		// B, C and H are solved; ESM's workflow fires for each and calls the webhook: Jira is already done.
		const scheduled = await run(t0 + 5 * MINUTE);
		expect(scheduled.json('Search Resolved Issues').map((issue) => issue.key)).toEqual([...RESOLVED_SD, 'SD-8']);
		expect(scheduled.json('Run Summary')[0]).toMatchObject({ extracted: 8, loaded: 3, failed: 0, alreadyResolved: 4, notLinked: 1 });
		expect(scheduled.json('Set Solved').map((item) => item.dataCardId).sort()).toEqual([await cardId('B'), await cardId('C'), await cardId('H')].sort());
		const all = await deliveries();
		expect(all).toHaveLength(4);
		expect(all.every((delivery) => delivery.ok && delivery.attempts === 1)).toBe(true);
		expect(workflow.answers.slice(1).map((answer) => [answer.statusCode, answer.body.issueKey, answer.body.transitioned, answer.body.reason]).sort()).toEqual([
			[200, 'SD-2', false, 'already resolved'],
			[200, 'SD-3', false, 'already resolved'],
			[200, 'SD-9', false, 'already resolved'],
		]);
		expect(await writes()).toEqual({ jira: {}, esm: { [PATCH_CARD]: 3 } });
		const gCard = (await incidents()).get('G')!;
		expect([value(gCard, 'status'), value(gCard, 'solution')]).toEqual(['05 - Solved', 'Reseated the docking station.']);

		// And the next scheduled run finds nothing new: no write anywhere, no ESM workflow call.
		const next = await run(t0 + 15 * MINUTE, scheduled.staticData);
		expect(next.json('Run Summary')[0]).toMatchObject({ extracted: 0, loaded: 0, failed: 0 });
		expect(await deliveries()).toHaveLength(4);
		expect(await writes()).toEqual(NO_WRITES);
	} finally {
		await workflow.close();
	}
});
