import { createWorkflowHarness, teardownHarness, type WorkflowHarness } from '../helpers/workflow-harness';
import { recordEsmWrites, statusWrite, type BulkItem } from './esm-requests';
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

const template = loadTemplate('jira-issues-to-esm-full.json');
const TASK = 'jira-issues-full';

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

async function writesSince(reset: boolean): Promise<number> {
	const counts = await call(`${sandboxes.esmLocal.url}/__admin/requests`);
	if (reset) await call(`${sandboxes.esmLocal.url}/__admin/requests`, { method: 'DELETE' });
	const byRoute = (counts.byRoute ?? counts.routes ?? counts.counts ?? counts) as Record<string, number>;
	return Object.entries(byRoute)
		.filter(([route]) => /^(PUT|PATCH|POST|DELETE) \/dc/.test(route))
		.reduce((sum, [, count]) => sum + Number(count), 0);
}

async function sdIssues(auth: string): Promise<Array<{ key: string; fields: { summary: string } }>> {
	const found = await call(`${sandboxes.jira.url}/rest/api/3/search/jql`, {
		method: 'POST',
		auth,
		body: JSON.stringify({ jql: 'project = SD ORDER BY key ASC', fields: ['summary'], maxResults: 100 }),
	});
	return found.issues;
}

it('imports SD issues as incidents, writes nothing on an unchanged re-run, updates an edited one and cancels the card of a deleted one', async () => {
	const { jira } = sandboxes;
	const auth = `${jira.credentials.email}:${jira.credentials.apiToken}`;
	const issues = await sdIssues(auth);
	const sdKeys = issues.map((issue) => issue.key);
	const before = await incidents();
	const staleTaskCards = before.filter((card) => value(card, 'datasourceid') === TASK && !sdKeys.includes(String(value(card, 'jira_key'))));
	await writesSince(true);

	// Run 1: every SD issue is new to the cache: written (cards with the same jira_key are updated, not duplicated).
	const first = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }] });
	expect(first.error).toBeUndefined();
	expect(first.json('Run Summary')[0]).toMatchObject({
		task: TASK,
		extracted: sdKeys.length,
		loaded: sdKeys.length,
		failed: 0,
		skippedUnchanged: 0,
		removed: staleTaskCards.length,
	});
	const afterFirst = await incidents();
	for (const issue of issues) {
		const cards = afterFirst.filter((card) => value(card, 'jira_key') === issue.key);
		expect(cards).toHaveLength(1);
		expect(value(cards[0], 'subject')).toBe(issue.fields.summary);
		expect(value(cards[0], 'datasourceid')).toBe(TASK);
	}
	for (const stale of staleTaskCards) {
		expect(value(afterFirst.find((card) => card.id === stale.id)!, 'status')).toBe('06 - Cancelled');
	}
	expect(await writesSince(true)).toBeGreaterThan(0);

	// Run 2: nothing changed in Jira: no card is written; Reconcile still lists the task's cards.
	const second = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }], staticData: first.staticData });
	expect(second.error).toBeUndefined();
	expect(second.json('Run Summary')[0]).toMatchObject({ extracted: sdKeys.length, loaded: 0, skippedUnchanged: sdKeys.length, removed: 0 });
	expect(second.executedNodes).toContain('Reconcile Removed');
	expect(await writesSince(true)).toBe(0);

	// Run 3: one issue edited, one deleted in Jira.
	const [edited, deleted] = [sdKeys[0], sdKeys[1]];
	await call(`${jira.url}/rest/api/3/issue/${edited}`, { method: 'PUT', auth, body: JSON.stringify({ fields: { summary: 'Edited in Jira' } }) });
	await call(`${jira.url}/rest/api/3/issue/${deleted}`, { method: 'DELETE', auth });
	const byKey = (cards: Card[], key: string) => cards.find((card) => value(card, 'jira_key') === key)!;
	const beforeThird = await incidents();
	const recording = recordEsmWrites(sandboxes.esmLocal);
	const third = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }], staticData: second.staticData });
	const written = recording.stop();
	expect(third.error).toBeUndefined();
	expect(third.json('Run Summary')[0]).toMatchObject({ extracted: sdKeys.length - 1, loaded: 1, skippedUnchanged: sdKeys.length - 2, removed: 1 });
	// One bulk upsert (the edited issue), then Reconcile Removed's bulk status change of the deleted one.
	expect(written.map((write) => [write.method, write.path])).toEqual([
		['PUT', '/dc/incident/data'],
		['PUT', '/dc/incident/data'],
	]);
	expect((written[0].body as BulkItem[]).map((item) => item.dataCardId)).toEqual([String(byKey(beforeThird, edited).id)]);
	expect(written[1].body).toEqual([statusWrite(byKey(beforeThird, deleted).id, 'status', '06 - Cancelled')]);
	expect(await writesSince(true)).toBe(2);
	const afterThird = await incidents();
	expect(value(afterThird.find((card) => value(card, 'jira_key') === edited)!, 'subject')).toBe('Edited in Jira');
	expect(value(afterThird.find((card) => value(card, 'jira_key') === deleted)!, 'status')).toBe('06 - Cancelled');
});
