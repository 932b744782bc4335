import { startJira, type JiraSandbox } from '../../sandbox';
import { syncClock } from '../../nodes/Sync/clock';
import { retryClock } from '../../nodes/shared/retry';
import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowRunResult } from '../helpers/workflow-harness';
import { call, credentialsWithJira, expectRunOutcome, loadTemplate, type Sandboxes, startSandboxes } from './sandbox-kit';

/**
 * The incremental template needs two clocks moved together: the Task Cache's (runStartedAt, the
 * watermark) and the Jira emulator's (the `updated` stamp of an edit). sandbox-kit starts Jira with
 * the real clock, so this test starts its own Jira with `now` and points the jiraCloud credential at it.
 */
const T0 = Date.UTC(2026, 10, 9, 8, 0, 0); // a week after the demo data's newest update; runs stay within one UTC day (no auto-clear)
const MINUTE = 60_000;
let clock = T0;

let sandboxes: Sandboxes;
let jira: JiraSandbox;
let harness: WorkflowHarness;
beforeAll(async () => {
	sandboxes = await startSandboxes();
	jira = await startJira({ port: 0, now: () => clock });
	harness = createWorkflowHarness({ credentials: credentialsWithJira(sandboxes, jira) });
	jest.spyOn(syncClock, 'now').mockImplementation(() => new Date(clock));
	jest.spyOn(retryClock, 'sleep').mockResolvedValue(undefined);
});
afterAll(async () => {
	jest.restoreAllMocks();
	await Promise.all([sandboxes.stop(), jira.stop()]);
	teardownHarness();
});

const template = loadTemplate('jira-issues-to-esm-incr.json');
const TASK = 'jira-issues-incr';

interface Card {
	id: number;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}
const value = (card: Card, code: string) => card.data[code]?.[0]?.value;

async function incidents(): Promise<Card[]> {
	const state = await call(`${sandboxes.esmLocal.url}/__admin/state?template=incident`);
	return (state.cards as Card[]).filter((card) => !card.deleted);
}
const cardOf = (cards: Card[], key: string) => cards.filter((card) => value(card, 'jira_key') === key);

/** ESM writes (PUT/PATCH/POST/DELETE on /dc) since the last call; the counts are cleared. */
async function esmWrites(): Promise<Record<string, number>> {
	const counts = await call(`${sandboxes.esmLocal.url}/__admin/requests`);
	await call(`${sandboxes.esmLocal.url}/__admin/requests`, { method: 'DELETE' });
	const byRoute = (counts.byRoute ?? counts.routes ?? counts.counts ?? counts) as Record<string, number>;
	return Object.fromEntries(Object.entries(byRoute).filter(([route]) => /^(PUT|PATCH|POST|DELETE) \/dc/.test(route)));
}
const total = (writes: Record<string, number>) => Object.values(writes).reduce((sum, count) => sum + Number(count), 0);

const auth = () => `${jira.credentials.email}:${jira.credentials.apiToken}`;
async function editSummary(key: string, summary: string, at: number): Promise<void> {
	clock = at;
	await call(`${jira.url}/rest/api/3/issue/${key}`, { method: 'PUT', auth: auth(), body: JSON.stringify({ fields: { summary } }) });
}
async function run(at: number, staticData?: WorkflowRunResult['staticData']): Promise<WorkflowRunResult> {
	clock = at;
	const result = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }], staticData });
	expectRunOutcome(result);
	return result;
}

it('loads everything first, then only issues updated since the watermark, and keeps the watermark when a write fails', async () => {
	const found = await call(`${jira.url}/rest/api/3/search/jql`, {
		method: 'POST',
		auth: auth(),
		body: JSON.stringify({ jql: 'project = SD ORDER BY key ASC', fields: ['summary'], maxResults: 100 }),
	});
	const sdKeys = (found.issues as Array<{ key: string }>).map((issue) => issue.key);
	expect(sdKeys.length).toBeGreaterThan(5);
	const [overlapKey, editedKey, failingKey] = [sdKeys[2], sdKeys[3], sdKeys[4]];
	await esmWrites();

	// Run 1 at T0, first run: no watermark, the JQL has no updated clause: every SD issue is loaded.
	// One issue was edited 30 s before the run: it falls into the next run's overlap.
	await editSummary(overlapKey, 'Edited just before the first run', T0 - 30_000);
	const first = await run(T0);
	expect(first.json('Get Watermark')[0]).toMatchObject({ firstRun: true, watermark: '', sinceJql: '' });
	expect(first.json('Run Summary')[0]).toMatchObject({
		task: TASK,
		extracted: sdKeys.length,
		loaded: sdKeys.length,
		failed: 0,
		skippedUnchanged: 0,
		removed: 0,
		firstRun: true,
		watermarkMoved: true,
		watermark: new Date(T0).toISOString(),
	});
	const afterFirst = await incidents();
	for (const key of sdKeys) {
		const cards = cardOf(afterFirst, key);
		expect(cards).toHaveLength(1);
		expect(value(cards[0], 'datasourceid')).toBe(TASK);
	}
	expect(value(cardOf(afterFirst, overlapKey)[0], 'subject')).toBe('Edited just before the first run');
	expect(total(await esmWrites())).toBeGreaterThan(0);

	// Run 2, nothing changed: updated >= watermark - 1 min returns only the overlap issue, which the cache skips.
	const second = await run(T0 + 10 * MINUTE, first.staticData);
	expect(second.json('Get Watermark')[0]).toMatchObject({ firstRun: false, watermark: new Date(T0).toISOString(), sinceJql: '2026-11-09 07:59' });
	expect(second.json('Search Issues').map((issue) => issue.key)).toEqual([overlapKey]);
	expect(second.json('Run Summary')[0]).toMatchObject({ extracted: 1, loaded: 0, failed: 0, skippedUnchanged: 1, watermarkMoved: true });
	expect(second.executedNodes).not.toContain('Load Incidents');
	expect(total(await esmWrites())).toBe(0);

	// Run 3: one issue edited after the watermark: exactly that card is written, the watermark moves.
	await editSummary(editedKey, 'Edited in Jira after the watermark', T0 + 12 * MINUTE);
	const third = await run(T0 + 20 * MINUTE, second.staticData);
	expect(third.json('Get Watermark')[0]).toMatchObject({ sinceJql: '2026-11-09 08:09' });
	expect(third.json('Search Issues').map((issue) => issue.key)).toEqual([editedKey]);
	expect(third.json('Run Summary')[0]).toMatchObject({
		extracted: 1,
		loaded: 1,
		failed: 0,
		skippedUnchanged: 0,
		watermarkMoved: true,
		watermark: new Date(T0 + 20 * MINUTE).toISOString(),
	});
	expect(await esmWrites()).toEqual({ 'PUT /dc/{templateCode}/data': 1 });
	const afterThird = await incidents();
	expect(value(cardOf(afterThird, editedKey)[0], 'subject')).toBe('Edited in Jira after the watermark');
	expect(afterThird).toHaveLength(afterFirst.length);

	// Run 4: the bulk write of an edited issue fails: the card is not written and the watermark stays.
	await editSummary(failingKey, 'Edited while ESM fails', T0 + 22 * MINUTE);
	await call(`${sandboxes.esmLocal.url}/__admin/faults`, {
		method: 'POST',
		body: JSON.stringify({ fail5xx: { count: 100, mode: 'beforeApply', status: 500, match: 'PUT /dc/{templateCode}/data' } }),
	});
	const fourth = await run(T0 + 30 * MINUTE, third.staticData);
	await call(`${sandboxes.esmLocal.url}/__admin/faults`, { method: 'DELETE' });
	expect(fourth.json('Search Issues').map((issue) => issue.key)).toEqual([failingKey]);
	expect(fourth.json('Run Summary')[0]).toMatchObject({
		extracted: 1,
		loaded: 0,
		failed: 1,
		watermarkMoved: false,
		watermark: new Date(T0 + 20 * MINUTE).toISOString(),
	});
	expect(fourth.json('Load Incidents')[0].error).toMatch(/500/);
	expect(fourth.json('Set Watermark')[0]).toMatchObject({ updated: false, reason: expect.stringMatching(/1 item\(s\) failed/) });
	expect(value(cardOf(await incidents(), failingKey)[0], 'subject')).not.toBe('Edited while ESM fails');
	await esmWrites();

	// Run 5, ESM healthy again: the kept watermark reads the failed issue again; it is written, the watermark moves.
	const fifth = await run(T0 + 40 * MINUTE, fourth.staticData);
	expect(fifth.json('Get Watermark')[0]).toMatchObject({ watermark: new Date(T0 + 20 * MINUTE).toISOString(), sinceJql: '2026-11-09 08:19' });
	expect(fifth.json('Search Issues').map((issue) => issue.key)).toEqual([failingKey]);
	expect(fifth.json('Run Summary')[0]).toMatchObject({ extracted: 1, loaded: 1, failed: 0, watermarkMoved: true, watermark: new Date(T0 + 40 * MINUTE).toISOString() });
	expect(await esmWrites()).toEqual({ 'PUT /dc/{templateCode}/data': 1 });
	expect(value(cardOf(await incidents(), failingKey)[0], 'subject')).toBe('Edited while ESM fails');
});

it('overlapping runs of the task (unsupported, as with the vendor) lose and duplicate nothing: the kept older watermark makes the next run re-read the overlap', async () => {
	const base = await run(T0 + 300 * MINUTE); // a new cache: the first run reads everything
	await esmWrites();

	// Two runs start from the same saved state (two workers, or a run started before the other ended).
	await editSummary('SD-2', 'Overlap: first edit', T0 + 301 * MINUTE);
	const first = await run(T0 + 302 * MINUTE, base.staticData);
	await editSummary('SD-3', 'Overlap: second edit', T0 + 303 * MINUTE);
	const second = await run(T0 + 304 * MINUTE, base.staticData);
	expect(first.json('Run Summary')[0]).toMatchObject({ loaded: 1, failed: 0 });
	expect(second.json('Run Summary')[0]).toMatchObject({ loaded: 2, failed: 0 }); // SD-2 again: a repeated update, no new card

	// n8n keeps the static data of the run that finishes last; say the older one: its watermark is older.
	const next = await run(T0 + 314 * MINUTE, first.staticData);
	expect(next.json('Get Watermark')[0]).toMatchObject({ watermark: new Date(T0 + 302 * MINUTE).toISOString() });
	// SD-3 is read again and written once more (the older cache never saw it synced); SD-2 is skipped.
	expect(next.json('Run Summary')[0]).toMatchObject({ loaded: 1, failed: 0, skippedUnchanged: 1 });
	const after = await run(T0 + 324 * MINUTE, next.staticData);
	expect(after.json('Run Summary')[0]).toMatchObject({ loaded: 0, failed: 0 });

	// Nothing lost, nothing duplicated: every SD issue has exactly one card with Jira's summary.
	const found = await call(`${jira.url}/rest/api/3/search/jql`, {
		method: 'POST',
		auth: auth(),
		body: JSON.stringify({ jql: 'project = SD ORDER BY key ASC', fields: ['summary'], maxResults: 100 }),
	});
	const cards = await incidents();
	for (const issue of found.issues as Array<{ key: string; fields: { summary: string } }>) {
		const matching = cardOf(cards, issue.key);
		expect({ key: issue.key, cards: matching.length, subject: value(matching[0], 'subject') }).toEqual({ key: issue.key, cards: 1, subject: issue.fields.summary });
	}
});
