import nock from 'nock';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { createWorkflowHarness, registerNodeType, teardownHarness, type WorkflowJson } from '../../helpers/workflow-harness';
import { allowLogins, API, ESM, esmCredential } from '../esm/esm-kit';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
	teardownHarness();
});

/** Stands in for the load step (e.g. a Data Card bulk upsert): echoes the key, counts what it wrote. */
let written: string[] = [];
class FakeLoad implements INodeType {
	description = {
		displayName: 'Fake Load',
		name: 'fakeLoad',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Fake Load' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, index) => {
				written.push(String(item.json.accountId));
				return { json: { efecte_id: item.json.accountId, action: 'updated' }, pairedItem: { item: index } };
			}),
		];
	}
}
registerNodeType('test.fakeLoad', new FakeLoad());

const personTemplate = {
	name: 'Person',
	code: 'person',
	allowedFolders: [{ folderName: 'People', folderCode: 'people' }],
	attributes: {
		efecte_id: { name: 'Efecte ID', type: 'string', multiValue: false },
		datasourceid: { name: 'Task Id', type: 'string', multiValue: false },
		accountStatus: { name: 'Account status', type: 'static-value', multiValue: false, values: [{ value: 'Active' }, { value: 'Deleted' }] },
	},
};
const person = (id: number, key: string, status: string) => ({
	dataCardId: String(id),
	templateCode: 'person',
	data: {
		efecte_id: { type: 'string', values: [{ value: key }] },
		accountStatus: { type: 'static-value', values: [{ value: status }] },
		datasourceid: { type: 'string', values: [{ value: 'jira-users-full' }] },
	},
});

const TASK = 'jira-users-full';

/**
 * The wiring of the full-import templates (design.md): every fetched record goes straight to a Merge
 * as well as through Filter Changed -> load -> Mark Synced; the Merge (append) runs after the load
 * and hands Reconcile Removed the full fetched set, also when nothing changed and the load branch
 * is empty.
 */
function fullImport(records: IDataObject[]): WorkflowJson {
	const cache = (name: string, parameters: IDataObject, x: number) => ({
		id: name,
		name,
		type: 'n8n-nodes-esm-connectors.taskCache',
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters: { taskId: TASK, ...parameters },
	});
	return {
		name: 'full import shape',
		nodes: [
			{ id: 's', name: 'Schedule', type: 'n8n-nodes-base.scheduleTrigger', typeVersion: 1.2, position: [0, 0], parameters: { rule: { interval: [{ field: 'minutes', minutesInterval: 30 }] } } },
			{ id: 'l', name: 'List Users', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
			cache('Filter Changed', { operation: 'filterChanged', key: '={{ $json.accountId }}' }, 400),
			{ id: 'w', name: 'Load', type: 'test.fakeLoad', typeVersion: 1, position: [600, 0], parameters: {} },
			cache('Mark Synced', { operation: 'markSynced', key: "={{ $('Filter Changed').item.json.accountId }}" }, 800),
			{ id: 'm', name: 'After Load', type: 'n8n-nodes-base.merge', typeVersion: 3, position: [1000, 100], parameters: { mode: 'append' } },
			{
				id: 'r',
				name: 'Reconcile Removed',
				type: 'n8n-nodes-esm-connectors.reconcileRemoved',
				typeVersion: 1,
				position: [1200, 100],
				parameters: {
					runType: 'full',
					kind: 'users',
					taskId: TASK,
					template: { __rl: true, mode: 'code', value: 'person' },
					keyAttribute: 'efecte_id',
					key: '={{ $json.accountId }}',
					statusAttribute: 'accountStatus',
					removedValue: 'Deleted',
				},
				credentials: { coreProIgaApi: { id: 'esmLocal', name: 'ESM (local)' } },
			},
		],
		connections: {
			Schedule: { main: [[{ node: 'List Users', type: 'main', index: 0 }]] },
			'List Users': {
				main: [
					[
						{ node: 'Filter Changed', type: 'main', index: 0 },
						{ node: 'After Load', type: 'main', index: 1 },
					],
				],
			},
			'Filter Changed': { main: [[{ node: 'Load', type: 'main', index: 0 }], []] },
			Load: { main: [[{ node: 'Mark Synced', type: 'main', index: 0 }]] },
			'Mark Synced': { main: [[{ node: 'After Load', type: 'main', index: 0 }]] },
			'After Load': { main: [[{ node: 'Reconcile Removed', type: 'main', index: 0 }]] },
		},
		pinData: { 'List Users': records.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

/** ESM listing these cards; the status writes (bulk PUTs of modify requests) are recorded as `dataCardId=status`. */
function esm(cards: ReturnType<typeof person>[], written: string[]) {
	allowLogins();
	nock(ESM).get(`${API}/dc/person`).optionally().times(5).reply(200, personTemplate);
	nock(ESM).get(`${API}/dc/person/data`).query(true).optionally().times(5).reply(200, { meta: {}, data: cards });
	nock(ESM)
		.put(`${API}/dc/person/data`)
		.optionally()
		.times(10)
		.reply(200, (_uri, body) => {
			const batch = body as Array<{ dataCardId: string; data: { accountStatus: { values: Array<{ value: string }> } } }>;
			for (const entry of batch) {
				expect(Object.keys(entry).sort()).toEqual(['data', 'dataCardId']);
				expect(Object.keys(entry.data)).toEqual(['accountStatus']);
				written.push(`${entry.dataCardId}=${entry.data.accountStatus.values[0].value}`);
			}
			return { meta: {}, data: batch.map((entry) => ({ dataCard: { dataCardId: entry.dataCardId }, errors: [] })) };
		});
}

it('reconciles on the full fetched set, also on an unchanged re-run where the load branch is empty', async () => {
	const harness = createWorkflowHarness({ credentials: [esmCredential()] });
	const users = [{ accountId: 'u-1' }, { accountId: 'u-2' }];
	const cards = [person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Active')];

	written = [];
	const firstPatched: string[] = [];
	esm(cards, firstPatched);
	const first = await harness.runWorkflow({ workflow: fullImport(users), mode: 'trigger', startItems: [{ json: {} }] });
	expect(first.error).toBeUndefined();
	expect(written).toEqual(['u-1', 'u-2']);
	expect(firstPatched).toEqual(['3=Deleted']);
	expect(first.json('Reconcile Removed').at(-1)).toMatchObject({ summary: true, fetched: 2, removed: 1 });

	nock.cleanAll();
	written = [];
	const secondPatched: string[] = [];
	esm([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active'), person(3, 'u-3', 'Deleted'), person(4, 'u-4', 'Active')], secondPatched);
	const second = await harness.runWorkflow({ workflow: fullImport(users), mode: 'trigger', startItems: [{ json: {} }], staticData: first.staticData });
	expect(second.error).toBeUndefined();
	expect(written).toEqual([]);
	expect(second.executedNodes).not.toContain('Load');
	expect(secondPatched).toEqual(['4=Deleted']);
	expect(second.json('Reconcile Removed').at(-1)).toMatchObject({ summary: true, fetched: 2, removed: 1, alreadyRemoved: 1 });

	// u-2 disappears from Jira (its card is removed), then comes back: it is written again, not skipped.
	nock.cleanAll();
	written = [];
	esm([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Active')], []);
	const third = await harness.runWorkflow({ workflow: fullImport([users[0]]), mode: 'trigger', startItems: [{ json: {} }], staticData: second.staticData });
	expect(third.json('Reconcile Removed').at(-1)).toMatchObject({ removed: 1 });
	nock.cleanAll();
	written = [];
	esm([person(1, 'u-1', 'Active'), person(2, 'u-2', 'Deleted')], []);
	const fourth = await harness.runWorkflow({ workflow: fullImport(users), mode: 'trigger', startItems: [{ json: {} }], staticData: third.staticData });
	expect(fourth.error).toBeUndefined();
	expect(written).toEqual(['u-2']);
});
