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

const template = loadTemplate('coreproiga-write-task.json');
const HEADERS = { 'content-type': 'application/json', 'x-esm-webhook-token': 'sandbox-webhook-secret' };
const TASK = 'coreproiga-write';
const WRITE_NODES = ['Write Remote Card', 'Delete Remote Card'];

interface Card {
	id: number;
	folder: string;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}
type Answer = { statusCode: number; body: Record<string, unknown> };

const value = (card: Card, code: string) => card.data[code]?.[0]?.value;

/** Every incident card of the remote ESM with this efecte_id, trashed ones included. */
async function remoteCards(efecteId: string): Promise<Card[]> {
	const state = await call(`${sandboxes.esmRemote.url}/__admin/state?template=incident`);
	return (state.cards as Card[]).filter((card) => value(card, 'efecte_id') === efecteId);
}

/** Write requests (POST/PUT/PATCH/DELETE on /dc) each ESM answered since the last call; the counts are cleared. */
async function writes(): Promise<{ remote: Record<string, number>; local: Record<string, number> }> {
	const take = async (url: string) => {
		const counts = await call(`${url}/__admin/requests`);
		await call(`${url}/__admin/requests`, { method: 'DELETE' });
		return Object.fromEntries(Object.entries(counts.byRoute as Record<string, number>).filter(([route]) => /^(POST|PUT|PATCH|DELETE) \/dc/.test(route)));
	};
	return { remote: await take(sandboxes.esmRemote.url), local: await take(sandboxes.esmLocal.url) };
}

async function deliver(body: unknown, using: WorkflowHarness = harness): Promise<WorkflowRunResult & { answer: Answer }> {
	const result = await using.runWorkflow({ workflow: template, mode: 'webhook', webhook: { headers: HEADERS, body } });
	expect(result.error).toBeUndefined();
	expect(result.webhookResponse).toBeDefined();
	return Object.assign(result, { answer: result.webhookResponse as Answer });
}

let counter = 0;
const newKey = () => `RW-INC-${String(++counter).padStart(4, '0')}`;

it('is a webhook event task on esm/coreproiga-write whose three ESM nodes target the same remote template', () => {
	const webhook = template.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!;
	expect(template.id).toBe('coreProIgaWriteTask');
	expect(webhook.parameters).toMatchObject({ path: 'esm/coreproiga-write', authentication: 'headerAuth', responseMode: 'responseNode' });
	expect(webhook.webhookId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
	const esmNodes = template.nodes.filter((node) => node.type === 'n8n-nodes-esm-connectors.coreProIgaDataCard');
	expect(esmNodes.map((node) => node.name).sort()).toEqual(['Delete Remote Card', 'Find Remote Card', 'Write Remote Card']);
	for (const node of esmNodes) {
		expect((node.parameters as { template: { value: string } }).template.value).toBe('incident');
		expect(node.credentials).toEqual({ coreProIgaApi: { id: 'esmRemote', name: 'ESM (remote)' } });
	}
});

it('creates one card with the attributes and the Task ID, never a second one on re-delivery, updates only the given attributes, deletes it once', async () => {
	const efecte_id = newKey();
	await writes();

	// create
	const attributes = { subject: 'VPN drops every 10 minutes', description: 'Since this morning.', priority: '2 - High', status: 'new', category: 'Network' };
	const created = await deliver({ action: 'create', efecte_id, attributes });
	expect(created.answer.statusCode).toBe(200);
	expect(created.answer.body).toEqual({ action: 'create', dataCardId: expect.stringMatching(/^\d+$/), efecte_id, created: true });
	const dataCardId = created.answer.body.dataCardId as string;
	let cards = await remoteCards(efecte_id);
	expect(cards).toHaveLength(1);
	const card = cards[0];
	expect(String(card.id)).toBe(dataCardId);
	expect(card.deleted).toBe(false);
	expect(card.folder).toBe('incident_management');
	expect(value(card, 'subject')).toBe('VPN drops every 10 minutes');
	expect(value(card, 'description')).toBe('Since this morning.');
	expect(value(card, 'priority')).toBe('2 - High');
	expect(value(card, 'status')).toBe('01 - New'); // a dropdown given by its code is stored as its display text
	expect(value(card, 'category')).toBe('Network');
	expect(value(card, 'datasourceid')).toBe(TASK);
	expect(await writes()).toEqual({ remote: { 'POST /dc/{templateCode}/data': 1 }, local: {} });

	// The same create again (ESM retried after a lost answer): the card is found, not duplicated.
	const again = await deliver({ action: 'create', efecte_id, attributes });
	expect(again.answer.statusCode).toBe(200);
	expect(again.answer.body).toEqual({ action: 'create', dataCardId, efecte_id, created: false, updated: true });
	expect(await remoteCards(efecte_id)).toHaveLength(1);
	expect(await writes()).toEqual({ remote: { 'PATCH /dc/{templateCode}/data/{dataCardId}': 1 }, local: {} });

	// update: only the given attributes change; null clears one.
	const before = (await remoteCards(efecte_id))[0];
	const updated = await deliver({ action: 'update', efecte_id, attributes: { status: '05 - Solved', solution: 'Replaced the VPN client.', description: null } });
	expect(updated.answer.statusCode).toBe(200);
	expect(updated.answer.body).toEqual({ action: 'update', dataCardId, efecte_id, updated: true });
	cards = await remoteCards(efecte_id);
	expect(cards).toHaveLength(1);
	const after = cards[0];
	expect(value(after, 'status')).toBe('05 - Solved');
	expect(value(after, 'solution')).toBe('Replaced the VPN client.');
	expect(value(after, 'description')).toBeUndefined();
	const untouched = Object.keys(before.data).filter((code) => !['status', 'solution', 'description', 'updated'].includes(code));
	expect(untouched).toEqual(expect.arrayContaining(['subject', 'priority', 'category', 'efecte_id', 'datasourceid']));
	for (const code of untouched) expect(after.data[code]).toEqual(before.data[code]);
	expect(await writes()).toEqual({ remote: { 'PATCH /dc/{templateCode}/data/{dataCardId}': 1 }, local: {} });

	// delete: to the trash.
	const deleted = await deliver({ action: 'delete', efecte_id });
	expect(deleted.answer.statusCode).toBe(200);
	expect(deleted.answer.body).toEqual({ action: 'delete', dataCardId, efecte_id, deleted: true });
	cards = await remoteCards(efecte_id);
	expect(cards).toHaveLength(1);
	expect(cards[0].deleted).toBe(true);
	expect(await writes()).toEqual({ remote: { 'DELETE /dc/{templateCode}/data/{dataCardId}': 1 }, local: {} });

	// delete again: nothing to delete, nothing written.
	const deletedAgain = await deliver({ action: 'delete', efecte_id });
	expect(deletedAgain.answer.statusCode).toBe(200);
	expect(deletedAgain.answer.body).toEqual({ action: 'delete', dataCardId: null, efecte_id, deleted: false });
	expect(deletedAgain.executedNodes).not.toContain('Delete Remote Card');
	expect(await writes()).toEqual({ remote: {}, local: {} });
	expect((await remoteCards(efecte_id))[0].deleted).toBe(true);

	// A create after the delete makes a new card (the trashed one stays in the trash).
	const recreated = await deliver({ action: 'create', efecte_id, attributes: { subject: 'VPN drops again' } });
	expect(recreated.answer.statusCode).toBe(200);
	expect(recreated.answer.body).toMatchObject({ action: 'create', efecte_id, created: true });
	expect(recreated.answer.body.dataCardId).not.toBe(dataCardId);
	cards = await remoteCards(efecte_id);
	expect(cards.map((candidate) => [String(candidate.id), candidate.deleted]).sort()).toEqual(
		[[dataCardId, true], [recreated.answer.body.dataCardId, false]].sort(),
	);
	expect(await writes()).toEqual({ remote: { 'POST /dc/{templateCode}/data': 1 }, local: {} });
});

it('answers 422 and writes nothing when efecte_id is not unique in the remote ESM', async () => {
	const efecte_id = newKey();
	await call(`${sandboxes.esmRemote.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			append: true,
			cards: [1, 2].map((n) => ({ template: 'incident', folder: 'incident_management', data: { efecte_id, subject: `Twin ${n}` } })),
		}),
	});
	const twins = await remoteCards(efecte_id);
	expect(twins).toHaveLength(2);
	await writes();
	for (const body of [
		{ action: 'create', efecte_id, attributes: { subject: 'Which one?' } },
		{ action: 'update', efecte_id, attributes: { subject: 'Which one?' } },
		{ action: 'delete', efecte_id },
	]) {
		const result = await deliver(body);
		expect(result.answer.statusCode).toBe(422);
		expect(String(result.answer.body.error)).toMatch(new RegExp(`^Several (incident )?cards (in the remote ESM )?have efecte_id (= )?"${efecte_id}" \\(IDs \\d+, \\d+\\): the (attribute|key) is not unique`));
	}
	expect(await remoteCards(efecte_id)).toEqual(twins);
	expect(await writes()).toEqual({ remote: {}, local: {} });
});

it('answers an update of a card that does not exist (or was deleted) with 422 and creates nothing', async () => {
	const efecte_id = newKey();
	await writes();
	const result = await deliver({ action: 'update', efecte_id, attributes: { status: '02 - Solving' } });
	expect(result.answer.statusCode).toBe(422);
	expect(result.answer.body).toMatchObject({ action: 'update', efecte_id });
	expect(String(result.answer.body.error)).toBe(`No card in the remote ESM has efecte_id "${efecte_id}": nothing was updated (send action create to make it)`);
	expect(result.executedNodes).not.toContain('Write Remote Card');
	expect(await remoteCards(efecte_id)).toHaveLength(0);
	expect(await writes()).toEqual({ remote: {}, local: {} });
});

it('answers 400 naming the field for a bad body, and writes nothing', async () => {
	const efecte_id = newKey();
	await writes();
	const cases: Array<[unknown, string | RegExp]> = [
		[{ efecte_id, attributes: { subject: 'x' } }, 'Missing required field: action'],
		[{ action: 'create', attributes: { subject: 'x' } }, 'Missing required field: efecte_id'],
		[{ action: ' ', efecte_id: '' }, 'Missing required fields: action, efecte_id'],
		[{ action: 'upsert', efecte_id, attributes: { subject: 'x' } }, 'action must be create, update or delete, not "upsert"'],
		[{ action: 'create', efecte_id: { id: 1 }, attributes: { subject: 'x' } }, /^efecte_id must be text or a number/],
		[{ action: 'create', efecte_id }, /^Missing required field: attributes/],
		[{ action: 'create', efecte_id, attributes: 'subject=x' }, 'attributes must be a JSON object of attribute codes and values, not "subject=x"'],
		[{ action: 'update', efecte_id, attributes: [{ subject: 'x' }] }, 'attributes must be a JSON object of attribute codes and values, not a list'],
		[{ action: 'update', efecte_id, attributes: {} }, 'attributes is empty: an update needs at least one attribute to change'],
		[{ action: 'create', efecte_id, attributes: { efecte_id: 'OTHER-1', subject: 'x' } }, /^attributes\.efecte_id \("OTHER-1"\) differs from efecte_id/],
		['not json', /^The body must be a JSON object/],
		[[{ action: 'create', efecte_id }], /^The body must be a JSON object/],
	];
	for (const [body, message] of cases) {
		const result = await deliver(body);
		expect(result.answer.statusCode).toBe(400);
		expect(Object.keys(result.answer.body)).toEqual(['error']);
		if (typeof message === 'string') expect(result.answer.body.error).toBe(message);
		else expect(String(result.answer.body.error)).toMatch(message);
		expect(result.executedNodes).not.toContain('Find Remote Card');
		for (const node of WRITE_NODES) expect(result.executedNodes).not.toContain(node);
	}
	expect(await remoteCards(efecte_id)).toHaveLength(0);
	expect(await writes()).toEqual({ remote: {}, local: {} });
});

it('answers 422 naming the attribute for an unknown attribute code or a bad dropdown value, writing nothing', async () => {
	const efecte_id = newKey();
	await writes();

	const unknown = await deliver({ action: 'create', efecte_id, attributes: { subject: 'Printer jams', colour: 'red' } });
	expect(unknown.answer.statusCode).toBe(422);
	expect(unknown.answer.body).toMatchObject({ action: 'create', efecte_id });
	expect(String(unknown.answer.body.error)).toMatch(/^Unknown attribute "colour": the template has efecte_id, subject/);

	const badDropdown = await deliver({ action: 'create', efecte_id, attributes: { subject: 'Printer jams', priority: 'Urgent' } });
	expect(badDropdown.answer.statusCode).toBe(422);
	expect(String(badDropdown.answer.body.error)).toBe("'Urgent' is not a value of dropdown priority (Priority); allowed: 1 - Critical, 2 - High, 3 - Medium, 4 - Low");
	expect(await remoteCards(efecte_id)).toHaveLength(0);

	// The same on an update of an existing card: the card keeps its values.
	await deliver({ action: 'create', efecte_id, attributes: { subject: 'Printer jams', priority: '3 - Medium' } });
	const card = (await remoteCards(efecte_id))[0];
	await writes();
	const badUpdate = await deliver({ action: 'update', efecte_id, attributes: { priority: 'Whenever', subject: 'Printer fixed' } });
	expect(badUpdate.answer.statusCode).toBe(422);
	expect(String(badUpdate.answer.body.error)).toMatch(/^'Whenever' is not a value of dropdown priority \(Priority\)/);
	const unknownUpdate = await deliver({ action: 'update', efecte_id, attributes: { colour: 'red' } });
	expect(unknownUpdate.answer.statusCode).toBe(422);
	expect(String(unknownUpdate.answer.body.error)).toMatch(/^Unknown attribute "colour"/);
	expect((await remoteCards(efecte_id))[0].data).toEqual(card.data);
	expect(await writes()).toEqual({ remote: {}, local: {} });
});

it('answers 502 when the remote ESM fails (5xx after the retries) or refuses the login, writing nothing', async () => {
	const efecte_id = newKey();
	await writes();
	const { sleep } = retryClock;
	retryClock.sleep = async () => undefined; // the transport's backoff between retries, skipped
	await call(`${sandboxes.esmRemote.url}/__admin/faults`, {
		method: 'POST',
		body: JSON.stringify({ fail5xx: { count: 50, mode: 'beforeApply', status: 503, match: 'GET /dc/{templateCode}/data' } }),
	});
	try {
		const down = await deliver({ action: 'delete', efecte_id });
		expect(down.answer.statusCode).toBe(502);
		expect(String(down.answer.body.error)).toMatch(/^ESM failed to answer \(503\)/);
		expect(down.executedNodes).not.toContain('Delete Remote Card');
	} finally {
		retryClock.sleep = sleep;
		await call(`${sandboxes.esmRemote.url}/__admin/faults`, { method: 'DELETE' });
	}

	const broken = createWorkflowHarness({
		credentials: sandboxes.credentials.map((credential) =>
			credential.id === 'esmRemote' ? { ...credential, data: { ...credential.data, password: 'wrong-password' } } : credential,
		),
	});
	const refused = await deliver({ action: 'create', efecte_id, attributes: { subject: 'Badge reader offline' } }, broken);
	expect(refused.answer.statusCode).toBe(502);
	expect(refused.answer.body).toMatchObject({ action: 'create', efecte_id });
	expect(String(refused.answer.body.error)).toMatch(/ESM rejected the login of "integration" \(401\)/);
	expect(await remoteCards(efecte_id)).toHaveLength(0);
	expect(await writes()).toEqual({ remote: {}, local: {} });
});
