import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowRunResult } from '../helpers/workflow-harness';
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

const template = loadTemplate('coreproiga-read-task.json');
const TASK = 'coreproiga-read';
const COPIED = ['subject', 'description', 'status', 'priority', 'category'];

interface Card {
	id: number;
	folder: string;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}
const value = (card: Card, code: string) => card.data[code]?.[0]?.value;

async function cards(url: string): Promise<Card[]> {
	const state = await call(`${url}/__admin/state?template=incident`);
	return (state.cards as Card[]).filter((card) => !card.deleted);
}
/** The remote cards the template's EQL filter selects. */
const remoteSelected = async () => (await cards(sandboxes.esmRemote.url)).filter((card) => card.folder === 'incident_management');
const localByKey = (list: Card[], efecteId: string) => list.filter((card) => value(card, 'efecte_id') === efecteId);

/** Local ESM writes (PUT/PATCH/POST/DELETE on /dc) since the last call; the counts are cleared. */
async function localWrites(): Promise<Record<string, number>> {
	const url = sandboxes.esmLocal.url;
	const counts = await call(`${url}/__admin/requests`);
	await call(`${url}/__admin/requests`, { method: 'DELETE' });
	const byRoute = (counts.byRoute ?? counts.routes ?? counts.counts ?? counts) as Record<string, number>;
	return Object.fromEntries(Object.entries(byRoute).filter(([route]) => /^(PUT|PATCH|POST|DELETE) \/dc/.test(route)));
}

/** A call to the remote ESM's REST API, as a remote user would edit cards. */
async function remoteApi(method: string, path: string, body?: unknown): Promise<void> {
	const { apiUrl, credentials } = sandboxes.esmRemote;
	const login = await fetch(`${apiUrl}/users/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ login: credentials.username, password: credentials.password }).toString(),
	});
	const { token } = (await login.json()) as { token: string };
	const response = await fetch(`${apiUrl}${path}`, {
		method,
		headers: { Authorization: token, 'Content-Type': 'application/json' },
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
	});
	if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
}

async function run(staticData?: WorkflowRunResult['staticData']): Promise<WorkflowRunResult> {
	const result = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }], staticData });
	expect(result.error).toBeUndefined();
	return result;
}

it('copies the remote cards with efecte_id and datasourceid, writes nothing on an unchanged re-run, updates an edited card and marks a trashed one removed', async () => {
	const remote = await remoteSelected();
	expect(remote.length).toBeGreaterThan(10);
	const localBefore = await cards(sandboxes.esmLocal.url);
	for (const card of remote) expect(localByKey(localBefore, String(value(card, 'efecte_id')))).toHaveLength(0);
	await localWrites();

	// Run 1: every selected remote card is copied into the local incident template.
	const first = await run();
	expect(first.json('Run Summary')[0]).toMatchObject({ task: TASK, extracted: remote.length, loaded: remote.length, failed: 0, skippedUnchanged: 0, removed: 0 });
	const afterFirst = await cards(sandboxes.esmLocal.url);
	expect(afterFirst).toHaveLength(localBefore.length + remote.length);
	for (const source of remote) {
		const copies = localByKey(afterFirst, String(value(source, 'efecte_id')));
		expect(copies).toHaveLength(1);
		expect(copies[0].folder).toBe('incident_management');
		expect(value(copies[0], 'datasourceid')).toBe(TASK);
		for (const code of COPIED) expect(value(copies[0], code)).toBe(value(source, code));
	}
	// The remote cards outside the filter (another folder) are not copied.
	const outside = (await cards(sandboxes.esmRemote.url)).filter((card) => card.folder !== 'incident_management');
	expect(outside.length).toBeGreaterThan(0);
	for (const card of outside) expect(localByKey(afterFirst, String(value(card, 'efecte_id')))).toHaveLength(0);
	expect(await localWrites()).toEqual({ 'PUT /dc/{templateCode}/data': 1 });

	// Run 2: nothing changed remotely: nothing is written, Reconcile still checks the full set.
	const second = await run(first.staticData);
	expect(second.json('Run Summary')[0]).toMatchObject({ extracted: remote.length, loaded: 0, failed: 0, skippedUnchanged: remote.length, removed: 0 });
	expect(second.executedNodes).toContain('Reconcile Removed');
	expect(await localWrites()).toEqual({});

	// Run 3: one remote card edited, one moved to the trash.
	const edited = remote[0];
	const trashed = remote.find((card) => card !== edited && value(card, 'status') !== '06 - Cancelled')!;
	await remoteApi('PATCH', `/dc/incident/data/${edited.id}`, { dataCardId: String(edited.id), data: { subject: { values: [{ value: 'Edited in the remote ESM' }] } } });
	await remoteApi('DELETE', `/dc/incident/data/${trashed.id}`);
	const recording = recordEsmWrites(sandboxes.esmLocal);
	const third = await run(second.staticData);
	const written = recording.stop();
	expect(third.json('Run Summary')[0]).toMatchObject({ extracted: remote.length - 1, loaded: 1, failed: 0, skippedUnchanged: remote.length - 2, removed: 1 });
	expect(third.json('Load Local Cards')).toEqual([expect.objectContaining({ action: 'updated', efecte_id: value(edited, 'efecte_id') })]);
	// One bulk upsert (the edited card), then Reconcile Removed's bulk status change of the trashed one's copy.
	expect(await localWrites()).toEqual({ 'PUT /dc/{templateCode}/data': 2 });
	const copyOf = (source: Card) => localByKey(afterFirst, String(value(source, 'efecte_id')))[0];
	expect(written.map((write) => [write.method, write.path])).toEqual([
		['PUT', '/dc/incident/data'],
		['PUT', '/dc/incident/data'],
	]);
	expect((written[0].body as BulkItem[]).map((item) => item.dataCardId)).toEqual([String(copyOf(edited).id)]);
	expect(written[1].body).toEqual([statusWrite(copyOf(trashed).id, 'status', '06 - Cancelled')]);
	const afterThird = await cards(sandboxes.esmLocal.url);
	expect(afterThird).toHaveLength(afterFirst.length);
	expect(value(localByKey(afterThird, String(value(edited, 'efecte_id')))[0], 'subject')).toBe('Edited in the remote ESM');
	const removed = localByKey(afterThird, String(value(trashed, 'efecte_id')))[0];
	expect(value(removed, 'status')).toBe('06 - Cancelled');
	expect(value(removed, 'subject')).toBe(value(trashed, 'subject'));
	// Every other copy is untouched.
	for (const source of remote.filter((card) => card !== edited && card !== trashed)) {
		const copy = localByKey(afterThird, String(value(source, 'efecte_id')))[0];
		for (const code of COPIED) expect(value(copy, code)).toBe(value(source, code));
	}
});
