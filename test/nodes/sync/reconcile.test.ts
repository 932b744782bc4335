import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { captureRequests } from '../../helpers/openapi';
import { createWorkflowHarness, teardownHarness, type WorkflowJson } from '../../helpers/workflow-harness';
import { allowLogins, API, ESM, esmCredential } from '../esm/esm-kit';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
	teardownHarness();
});

const personTemplate = {
	name: 'Person',
	code: 'person',
	allowedFolders: [{ folderName: 'People', folderCode: 'people' }],
	attributes: {
		efecte_id: { name: 'Efecte ID', type: 'string', multiValue: false },
		datasourceid: { name: 'Task Id', type: 'string', multiValue: false },
		accountStatus: {
			name: 'Account status',
			type: 'static-value',
			multiValue: false,
			values: [
				{ code: 'active', value: 'Active' },
				{ code: 'disabled', value: 'Disabled' },
				{ code: 'deleted', value: 'Deleted' },
			],
		},
	},
};

function person(id: number, key: string, status: string, taskId = 'jira-users-full') {
	const attribute = (name: string, type: string, value: string) => ({ name, type, values: [{ value }] });
	return {
		dataCardId: String(id),
		name: key,
		templateCode: 'person',
		folderCode: 'people',
		deleted: false,
		data: {
			efecte_id: attribute('Efecte ID', 'string', key),
			accountStatus: attribute('Account status', 'static-value', status),
			datasourceid: attribute('Task Id', 'string', taskId),
		},
	};
}

type BulkItem = { dataCardId?: string; folderCode?: string; data: Record<string, unknown> };

/**
 * How the emulated ESM answers one card of a bulk PUT: by default the card sent, saved. A test can
 * answer another card ID, an attribute error, or a missing result for chosen cards.
 */
type BulkAnswer = (item: BulkItem, position: number) => Record<string, unknown> | undefined;
const saved: BulkAnswer = (item) => ({ dataCard: { dataCardId: item.dataCardId, name: `card ${item.dataCardId}` }, errors: [] });

/** ESM answering the task's listing with these cards, and bulk PUTs (as `answer` says). */
function esmWith(cards: ReturnType<typeof person>[], answer: BulkAnswer = saved) {
	allowLogins();
	nock(ESM).get(`${API}/dc/person`).optionally().times(5).reply(200, personTemplate);
	nock(ESM)
		.get(`${API}/dc/person/data`)
		.query((q) => q.filter === "$datasourceid$ = 'jira-users-full'" && q.dataCards === 'true' && q.selectedAttributes === 'efecte_id,accountStatus,datasourceid')
		.optionally()
		.times(5)
		.reply(200, (uri) => {
			// Keyset pages as ESM gives them: ids descending, below filterId, at most `limit`.
			const params = new URL(uri, ESM).searchParams;
			const below = [...cards]
				.sort((a, b) => Number(b.dataCardId) - Number(a.dataCardId))
				.filter((card) => !params.get('filterId') || Number(card.dataCardId) < Number(params.get('filterId')));
			return { meta: {}, data: below.slice(0, Number(params.get('limit'))) };
		});
	nock(ESM)
		.put(`${API}/dc/person/data`)
		.optionally()
		.times(100)
		.reply(200, (_uri, body) => {
			const batch = body as BulkItem[];
			const data = batch.map(answer).filter((result) => result !== undefined);
			return { meta: { importResult: { handledDataCards: batch.length, savedDataCards: data.length, notSavedDataCards: 0 } }, data };
		});
}

const reconcileParameters = {
	runType: 'full',
	kind: 'users',
	taskId: 'jira-users-full',
	template: { __rl: true, mode: 'code', value: 'person' },
	keyAttribute: 'efecte_id',
	key: '={{ $json.accountId }}',
	taskIdAttribute: 'datasourceid',
	statusAttribute: 'accountStatus',
	removedValue: 'Deleted',
};

function workflow(fetched: IDataObject[], parameters: IDataObject = {}, settings: { onError?: string } = {}): WorkflowJson {
	return {
		name: 'reconcile',
		nodes: [
			{ id: 's', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'r',
				name: 'Reconcile',
				type: 'n8n-nodes-esm-connectors.reconcileRemoved',
				typeVersion: 1,
				position: [200, 0],
				parameters: { ...reconcileParameters, ...parameters },
				credentials: { coreProIgaApi: { id: 'esmLocal', name: 'ESM (local)' } },
				...settings,
			},
		],
		connections: { Start: { main: [[{ node: 'Reconcile', type: 'main', index: 0 }]] } },
		pinData: { Start: fetched.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

async function run(wf: WorkflowJson, staticData?: IDataObject) {
	const capture = captureRequests();
	const result = await createWorkflowHarness({ credentials: [esmCredential()] }).runWorkflow({ workflow: wf, staticData });
	capture.stop();
	capture.expectAllValid('esm', { filter: (request) => request.origin === ESM });
	const writes = capture.requests.filter((request) => ['PATCH', 'PUT', 'POST', 'DELETE'].includes(request.method) && !request.pathname.endsWith('/users/login'));
	// Every write is a bulk PUT of the template (no per-card PATCH); `cards` lists what they carried.
	for (const write of writes) expect([write.method, write.pathname]).toEqual(['PUT', `${API}/dc/person/data`]);
	const puts = writes.map((write) => write.body as BulkItem[]);
	return { result, items: result.json('Reconcile'), error: result.error, puts, cards: puts.flat(), writes };
}

const fetched = (...ids: string[]) => ids.map((accountId) => ({ accountId }));

describe('Reconcile Removed', () => {
	it('sets the removed status on active cards whose record is gone, leaves the rest', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Active'), person(4, 'u-4', 'Deleted')]);
		const { items, puts } = await run(workflow(fetched('u-1', 'u-2')));
		// One bulk PUT holding one modify request: the card's ID and its status attribute only.
		expect(puts).toEqual([[{ dataCardId: '3', data: { accountStatus: { values: [{ value: 'Deleted' }] } } }]]);
		expect(items).toEqual([
			{ key: 'u-3', dataCardId: '3', previousStatus: 'Active', newStatus: 'Deleted', action: 'removed', dryRun: false },
			{
				summary: true,
				fetched: 2,
				activeInEsm: 3,
				removed: 1,
				reEnabled: 0,
				kept: 2,
				alreadyRemoved: 1,
				skippedForeign: 0,
				kind: 'users',
				taskId: 'jira-users-full',
				dryRun: false,
				failed: 0,
			},
		]);
	});

	it('forgets removed keys in the Task Cache; leaves static data alone when told to or when nothing was cached', async () => {
		const cards = () => esmWith([person(1, 'u-1', 'Active'), person(3, 'u-3', 'Active')]);
		const cached = () => ({ global: { 'esmTask:jira-users-full': { v: 1, mappingVersion: '1', entries: { 'u-1': 'aaaaaaaaaa', 'u-3': 'bbbbbbbbbb' } } } });
		cards();
		const forgot = await run(workflow(fetched('u-1')), cached());
		expect(forgot.cards.map((card) => card.dataCardId)).toEqual(['3']);
		expect((forgot.result.staticData.global as IDataObject)['esmTask:jira-users-full']).toMatchObject({ entries: { 'u-1': 'aaaaaaaaaa' } });
		expect(JSON.stringify(forgot.result.staticData)).not.toContain('u-3');

		cards();
		const kept = await run(workflow(fetched('u-1'), { options: { forgetInTaskCache: false } }), cached());
		expect(kept.cards.map((card) => card.dataCardId)).toEqual(['3']);
		expect(kept.result.staticData).toEqual(cached());

		// A workflow without a Task Cache (e.g. the stateless template) gets no empty cache entry.
		cards();
		const stateless = await run(workflow(fetched('u-1'), { options: { forgetInTaskCache: false } }), {});
		expect(stateless.result.staticData).toEqual({});
		cards();
		const nothingCached = await run(workflow(fetched('u-1')), { global: {} });
		expect(nothingCached.result.staticData).toEqual({ global: {} });
	});

	it('never touches a card that another Task ID owns', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(9, 'u-9', 'Active', 'jira-users-other')]);
		const { items, writes } = await run(workflow(fetched('u-1')));
		expect(writes).toEqual([]);
		expect(items.at(-1)).toMatchObject({ removed: 0, skippedForeign: 1 });
	});

	it('refuses removing half of a small task whatever the limits, and goes on when overridden', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Active'), person(4, 'u-4', 'Active')]);
		const refused = await run(workflow(fetched('u-1', 'u-2')));
		expect(refused.error?.message).toBe('Refusing to mark 2 of 4 active users cards of task jira-users-full removed (50 %): at least 50 % of them');
		expect(refused.writes).toEqual([]);
		const allowed = await run(workflow(fetched('u-1', 'u-2'), { options: { allowMassRemoval: true } }));
		expect(allowed.puts.map((put) => put.map((card) => card.dataCardId))).toEqual([['4', '3']]);
	});

	it('one card of two gone is no mass removal', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active')]);
		expect((await run(workflow(fetched('u-1')))).cards.map((card) => card.dataCardId)).toEqual(['2']);
	});

	it('refuses an empty fetched set before asking ESM anything', async () => {
		esmWith([person(1, 'u-1', 'Active')]);
		const { error, writes } = await run(workflow([{ other: 'no key' }]));
		expect(error?.message).toBe('Refusing to reconcile users: the source returned no records, which would mark every card of task jira-users-full removed');
		expect(writes).toEqual([]);
	});

	it('refuses mass removal with the numbers, and goes on when overridden', async () => {
		const cards = Array.from({ length: 20 }, (_, i) => person(i + 1, `u-${i + 1}`, 'Active'));
		esmWith(cards);
		const refused = await run(workflow(fetched('u-1', 'u-2', 'u-3', 'u-4', 'u-5')));
		expect(refused.error?.message).toBe(
			'Refusing to mark 15 of 20 active users cards of task jira-users-full removed (75 %): more than 10 cards and more than 10 %',
		);
		expect(refused.writes).toEqual([]);
		esmWith(cards);
		const allowed = await run(workflow(fetched('u-1', 'u-2', 'u-3', 'u-4', 'u-5'), { options: { allowMassRemoval: true, concurrency: 3 } }));
		// Fifteen status changes in one bulk PUT (batch size 100 by default).
		expect(allowed.puts.map((put) => put.length)).toEqual([15]);
		expect(allowed.items.at(-1)).toMatchObject({ removed: 15, failed: 0 });
	});

	it('allows many removals when they are a small share (both limits must be exceeded)', async () => {
		const cards = Array.from({ length: 200 }, (_, i) => person(i + 1, `u-${i + 1}`, 'Active'));
		esmWith(cards);
		const { cards: sent } = await run(workflow(fetched(...Array.from({ length: 185 }, (_, i) => `u-${i + 1}`))));
		expect(sent).toHaveLength(15);
	});

	it('sends the status changes as bulk PUTs of the batch size, removals and re-enables together, each card once', async () => {
		const cards = [
			...Array.from({ length: 12 }, (_, i) => person(i + 1, `u-${i + 1}`, 'Active')),
			person(50, 'u-50', 'Deleted'),
			...Array.from({ length: 40 }, (_, i) => person(100 + i, `k-${i}`, 'Active')),
		];
		esmWith(cards);
		const { puts, items } = await run(
			workflow(fetched('u-50', ...Array.from({ length: 40 }, (_, i) => `k-${i}`)), {
				options: { batchSize: 5, concurrency: 2, reEnable: true, activeValue: 'Active', allowMassRemoval: true },
			}),
		);
		expect(puts.map((put) => put.length)).toEqual([5, 5, 3]);
		const deleted = { accountStatus: { values: [{ value: 'Deleted' }] } };
		expect(puts.flat()).toEqual([
			...Array.from({ length: 12 }, (_, i) => ({ dataCardId: String(12 - i), data: deleted })),
			{ dataCardId: '50', data: { accountStatus: { values: [{ value: 'Active' }] } } },
		]);
		expect(items.at(-1)).toMatchObject({ removed: 12, reEnabled: 1, failed: 0 });
		expect(items.filter((item) => item.error)).toEqual([]);
	});

	it('sends at most 100 cards a request, whatever the Batch Size says', async () => {
		esmWith(Array.from({ length: 160 }, (_, i) => person(i + 1, `u-${i + 1}`, 'Active')));
		const { puts, items } = await run(workflow(fetched('u-1'), { options: { batchSize: 1000, allowMassRemoval: true } }));
		expect(puts.map((put) => put.length)).toEqual([100, 59]);
		expect(items.at(-1)).toMatchObject({ removed: 159, failed: 0 });
	});

	it('matches the answers by position and card ID: a card ESM did not save, or answered as another card, is failed, not removed, and stays in the cache', async () => {
		const cards = Array.from({ length: 6 }, (_, i) => person(i + 1, `u-${i + 1}`, 'Active'));
		const entries = Object.fromEntries(cards.map((card) => [card.data.efecte_id.values[0].value, 'aaaaaaaaaa']));
		const cached = { global: { 'esmTask:jira-users-full': { v: 1, mappingVersion: '1', entries } } };
		esmWith(cards, (item, position) => {
			if (item.dataCardId === '5') return { dataCard: { dataCardId: '5' }, errors: [{ attributeCode: 'accountStatus', message: 'Couldn\'t find static-value', error: 'Bad Request' }] };
			if (item.dataCardId === '4') return { dataCard: { dataCardId: '9' }, errors: [] };
			return saved(item, position);
		});
		const { items, puts, result, error } = await run(
			workflow(fetched('u-1', 'u-2', 'u-3'), { options: { allowMassRemoval: true } }, { onError: 'continueRegularOutput' }),
			cached,
		);
		expect(error).toBeUndefined();
		expect(puts.map((put) => put.map((card) => card.dataCardId))).toEqual([['6', '5', '4']]);
		expect(items.slice(0, 3)).toEqual([
			{ key: 'u-6', dataCardId: '6', previousStatus: 'Active', newStatus: 'Deleted', action: 'removed', dryRun: false },
			{
				key: 'u-5',
				dataCardId: '5',
				previousStatus: 'Active',
				newStatus: 'Deleted',
				action: 'removed',
				dryRun: false,
				error: "ESM did not save Attribute accountStatus: Couldn't find static-value (Bad Request)",
			},
			{
				key: 'u-4',
				dataCardId: '4',
				previousStatus: 'Active',
				newStatus: 'Deleted',
				action: 'removed',
				dryRun: false,
				error: "ESM's result at position 2 names card 9, not the card sent (4)",
			},
		]);
		expect(items.at(-1)).toMatchObject({ removed: 1, failed: 2 });
		// Only the card really removed is forgotten: the failed ones are written again only if they change.
		const after = (result.staticData.global as IDataObject)['esmTask:jira-users-full'] as { entries: Record<string, string> };
		expect(Object.keys(after.entries).sort()).toEqual(['u-1', 'u-2', 'u-3', 'u-4', 'u-5']);
	});

	it('an answer that cannot be matched (a result missing) fails every card of that batch only', async () => {
		esmWith(
			Array.from({ length: 14 }, (_, i) => person(i + 1, `u-${i + 1}`, 'Active')),
			(item, position) => (item.dataCardId === '12' ? undefined : saved(item, position)),
		);
		const { items, puts } = await run(
			workflow(fetched('u-1', 'u-2', 'u-3', 'u-4'), { options: { allowMassRemoval: true, batchSize: 4, concurrency: 1 } }, { onError: 'continueRegularOutput' }),
		);
		expect(puts.map((put) => put.map((card) => card.dataCardId))).toEqual([['14', '13', '12', '11'], ['10', '9', '8', '7'], ['6', '5']]);
		const failed = items.filter((item) => item.error);
		expect(failed.map((item) => item.dataCardId)).toEqual(['14', '13', '12', '11']);
		expect(new Set(failed.map((item) => item.error))).toEqual(new Set(['ESM answered 3 results for a batch of 4 cards: the results cannot be matched to the items']));
		expect(items.at(-1)).toMatchObject({ removed: 6, failed: 4 });
	});

	it('without Continue On Fail a card ESM did not save stops the node with its message; the cards saved are still forgotten', async () => {
		const cards = [person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Active')];
		const cached = { global: { 'esmTask:jira-users-full': { v: 1, mappingVersion: '1', entries: { 'u-1': 'aaaaaaaaaa', 'u-2': 'bbbbbbbbbb', 'u-3': 'cccccccccc' } } } };
		esmWith(cards, (item, position) =>
			item.dataCardId === '2' ? { dataCard: { dataCardId: '2' }, errors: [{ attributeCode: 'accountStatus', message: 'read only', error: 'Bad Request' }] } : saved(item, position),
		);
		const { error, result } = await run(workflow(fetched('u-1'), { options: { allowMassRemoval: true } }), cached);
		expect(error?.message).toBe('ESM did not save Attribute accountStatus: read only (Bad Request)');
		const after = (result.staticData.global as IDataObject)['esmTask:jira-users-full'] as { entries: Record<string, string> };
		expect(Object.keys(after.entries).sort()).toEqual(['u-1', 'u-2']);
	});

	it('dry run sends no write at all and outputs what would change', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(4, 'u-4', 'Deleted')]);
		const { items, writes } = await run(workflow(fetched('u-1', 'u-4'), { options: { dryRun: true, reEnable: true, activeValue: 'Active' } }));
		expect(writes).toEqual([]);
		expect(items.slice(0, 2)).toEqual([
			{ key: 'u-2', dataCardId: '2', previousStatus: 'Active', newStatus: 'Deleted', action: 'removed', dryRun: true },
			{ key: 'u-4', dataCardId: '4', previousStatus: 'Deleted', newStatus: 'Active', action: 'reEnabled', dryRun: true },
		]);
	});

	it('re-enables a removed card whose record reappears, when asked', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(4, 'u-4', 'Deleted')]);
		const { puts, items, result } = await run(workflow(fetched('u-1', 'u-4'), { options: { reEnable: true, activeValue: 'active' } }));
		expect(puts).toEqual([[{ dataCardId: '4', data: { accountStatus: { values: [{ value: 'Active' }] } } }]]);
		expect(items[0]).toMatchObject({ action: 'reEnabled', key: 'u-4' });
		expect(result.output('Reconcile')[0].pairedItem).toEqual({ item: 1 });
	});

	it('with Use Stream Endpoint lists the task’s cards in one streamed request, with the same filter and attributes', async () => {
		const cards = Array.from({ length: 450 }, (_card, index) => person(index + 1, `u-${index + 1}`, 'Active'));
		allowLogins();
		nock(ESM).get(`${API}/dc/person`).optionally().times(5).reply(200, personTemplate);
		nock(ESM)
			.get(`${API}/dc/person/data/stream`)
			.query((q) => q.filter === "$datasourceid$ = 'jira-users-full'" && q.dataCards === 'true' && q.selectedAttributes === 'efecte_id,accountStatus,datasourceid')
			.reply(200, { meta: {}, data: [...cards].reverse() });
		nock(ESM)
			.put(`${API}/dc/person/data`)
			.reply(200, (_uri, body) => ({ data: (body as BulkItem[]).map((item) => saved(item, 0)) }));
		const keys = cards.map((card) => card.name).filter((key) => key !== 'u-7');
		const capture = captureRequests();
		const { items, puts } = await run(workflow(fetched(...keys), { options: { stream: true } }));
		capture.stop();
		const listings = capture.requests.filter((request) => request.method === 'GET' && request.pathname.startsWith(`${API}/dc/person/data`));
		expect(listings.map((request) => request.pathname)).toEqual([`${API}/dc/person/data/stream`]);
		expect(puts).toEqual([[{ dataCardId: '7', data: { accountStatus: { values: [{ value: 'Deleted' }] } } }]]);
		expect(items.at(-1)).toMatchObject({ fetched: 449, activeInEsm: 450, removed: 1 });
	});

	it('reads page by page when the ESM has no stream endpoint (404 for a template that exists)', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Active')]);
		nock(ESM).get(`${API}/dc/person/data/stream`).query(true).reply(404, { code: 404, message: 'Not Found' });
		const capture = captureRequests();
		const { items, puts } = await run(workflow(fetched('u-1', 'u-2'), { options: { stream: true } }));
		capture.stop();
		expect(capture.requests.filter((request) => request.method === 'GET' && request.pathname.includes('/data')).map((request) => request.pathname)).toEqual([
			`${API}/dc/person/data/stream`,
			`${API}/dc/person/data`,
		]);
		expect(puts).toEqual([[{ dataCardId: '3', data: { accountStatus: { values: [{ value: 'Deleted' }] } } }]]);
		expect(items.at(-1)).toMatchObject({ removed: 1, activeInEsm: 3 });
	});

	it('refuses an incremental run', async () => {
		const { error } = await run(workflow(fetched('u-1'), { runType: 'incremental' }));
		expect(error?.message).toBe('Reconcile Removed runs after a full import only: an incremental run does not list every record');
	});

	it('checks the removed value against the dropdown before writing', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active')]);
		const { error, writes } = await run(workflow(fetched('u-1'), { removedValue: 'Gone' }));
		expect(error?.message).toMatch(/["']Gone["'] is not a value of .*accountStatus.*Active, Disabled, Deleted/);
		expect(writes).toEqual([]);
	});
});
