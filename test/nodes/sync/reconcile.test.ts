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

/** ESM answering the task's listing with these cards; every PATCH is recorded. */
function esmWith(cards: ReturnType<typeof person>[]) {
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
	nock(ESM).patch(/\/rest-api\/itsm\/v1\/dc\/person\/data\/\d+/).optionally().times(100).reply(200, (uri) => ({ meta: {}, dataCard: { dataCardId: uri.split('/').pop() } }));
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

function workflow(fetched: IDataObject[], parameters: IDataObject = {}): WorkflowJson {
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
	const patches = capture.requests.filter((request) => request.method === 'PATCH');
	const writes = capture.requests.filter((request) => ['PATCH', 'PUT', 'POST', 'DELETE'].includes(request.method) && !request.pathname.endsWith('/users/login'));
	return { result, items: result.json('Reconcile'), error: result.error, patches, writes };
}

const fetched = (...ids: string[]) => ids.map((accountId) => ({ accountId }));

describe('Reconcile Removed', () => {
	it('sets the removed status on active cards whose record is gone, leaves the rest', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Active'), person(4, 'u-4', 'Deleted')]);
		const { items, patches } = await run(workflow(fetched('u-1', 'u-2')));
		expect(patches.map((p) => [p.pathname, p.body])).toEqual([
			[`${API}/dc/person/data/3`, { dataCardId: '3', data: { accountStatus: { values: [{ value: 'Deleted' }] } } }],
		]);
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
		expect(forgot.patches).toHaveLength(1);
		expect((forgot.result.staticData.global as IDataObject)['esmTask:jira-users-full']).toMatchObject({ entries: { 'u-1': 'aaaaaaaaaa' } });
		expect(JSON.stringify(forgot.result.staticData)).not.toContain('u-3');

		cards();
		const kept = await run(workflow(fetched('u-1'), { options: { forgetInTaskCache: false } }), cached());
		expect(kept.patches).toHaveLength(1);
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
		const { items, patches } = await run(workflow(fetched('u-1')));
		expect(patches).toEqual([]);
		expect(items.at(-1)).toMatchObject({ removed: 0, skippedForeign: 1 });
	});

	it('refuses removing half of a small task whatever the limits, and goes on when overridden', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Active'), person(4, 'u-4', 'Active')]);
		const refused = await run(workflow(fetched('u-1', 'u-2')));
		expect(refused.error?.message).toBe('Refusing to mark 2 of 4 active users cards of task jira-users-full removed (50 %): at least 50 % of them');
		expect(refused.writes).toEqual([]);
		const allowed = await run(workflow(fetched('u-1', 'u-2'), { options: { allowMassRemoval: true } }));
		expect(allowed.patches).toHaveLength(2);
	});

	it('one card of two gone is no mass removal', async () => {
		esmWith([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active')]);
		expect((await run(workflow(fetched('u-1')))).patches).toHaveLength(1);
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
		expect(allowed.patches).toHaveLength(15);
		expect(allowed.items.at(-1)).toMatchObject({ removed: 15, failed: 0 });
	});

	it('allows many removals when they are a small share (both limits must be exceeded)', async () => {
		const cards = Array.from({ length: 200 }, (_, i) => person(i + 1, `u-${i + 1}`, 'Active'));
		esmWith(cards);
		const { patches } = await run(workflow(fetched(...Array.from({ length: 185 }, (_, i) => `u-${i + 1}`))));
		expect(patches).toHaveLength(15);
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
		const { patches, items, result } = await run(workflow(fetched('u-1', 'u-4'), { options: { reEnable: true, activeValue: 'active' } }));
		expect(patches.map((p) => p.body)).toEqual([{ dataCardId: '4', data: { accountStatus: { values: [{ value: 'Active' }] } } }]);
		expect(items[0]).toMatchObject({ action: 'reEnabled', key: 'u-4' });
		expect(result.output('Reconcile')[0].pairedItem).toEqual({ item: 1 });
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
