import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { syncClock } from '../../../nodes/Sync/clock';
import { fingerprint } from '../../../nodes/Sync/fingerprint';
import { entryKey, withPending } from '../../../nodes/Sync/state/taskState';
import { createWorkflowHarness, registerNodeType, teardownHarness, type WorkflowJson } from '../../helpers/workflow-harness';

afterAll(() => teardownHarness());

/** A stand-in for a write node with continueOnFail: records with `fail` come back with json.error. */
class FakeWrite implements INodeType {
	description = {
		displayName: 'Fake Write',
		name: 'fakeWrite',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Fake Write' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData().map((item, index) => ({ json: item.json.fail ? { error: 'write failed' } : { written: item.json.key }, pairedItem: { item: index } }))];
	}
}
registerNodeType('test.fakeWrite', new FakeWrite());

const TASK = { taskId: 'jira-issues-full' };

function cacheNode(name: string, parameters: Record<string, unknown>, position = 200) {
	return { id: name, name, type: 'n8n-nodes-esm-connectors.taskCache', typeVersion: 1, position: [position, 0] as [number, number], parameters: { ...TASK, ...parameters } };
}

/** Start -> Filter Changed -> (changed) Fake Write -> Mark Synced; unchanged -> Skipped. */
function syncWorkflow(records: IDataObject[], filter: Record<string, unknown> = {}): WorkflowJson {
	return {
		name: 'cache test',
		nodes: [
			{ id: 's', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			cacheNode('Filter Changed', { operation: 'filterChanged', key: '={{ $json.key }}', ...filter }),
			{ id: 'w', name: 'Write', type: 'test.fakeWrite', typeVersion: 1, position: [400, 0], parameters: {} },
			cacheNode('Mark Synced', { operation: 'markSynced', key: "={{ $('Filter Changed').item.json.key }}" }, 600),
			{ id: 'n', name: 'Skipped', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 200], parameters: {} },
		],
		connections: {
			Start: { main: [[{ node: 'Filter Changed', type: 'main', index: 0 }]] },
			'Filter Changed': { main: [[{ node: 'Write', type: 'main', index: 0 }], [{ node: 'Skipped', type: 'main', index: 0 }]] },
			Write: { main: [[{ node: 'Mark Synced', type: 'main', index: 0 }]] },
		},
		pinData: { Start: records.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

function singleOp(parameters: Record<string, unknown>, items: IDataObject[] = [{}]): WorkflowJson {
	return {
		name: 'cache op',
		nodes: [
			{ id: 's', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			cacheNode('Cache', parameters),
		],
		connections: { Start: { main: [[{ node: 'Cache', type: 'main', index: 0 }]] } },
		pinData: { Start: items.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

/** Runs workflows one after the other with static data carried over, like an active workflow's runs. */
function task() {
	const harness = createWorkflowHarness();
	let staticData: IDataObject = {};
	return {
		async run(workflow: WorkflowJson) {
			const result = await harness.runWorkflow({ workflow, staticData });
			staticData = result.staticData;
			return result;
		},
		get staticData() {
			return staticData;
		},
	};
}

const keys = (items: IDataObject[]) => items.map((item) => item.key);
let now = new Date('2026-11-23T10:00:00Z');
beforeEach(() => {
	now = new Date('2026-11-23T10:00:00Z');
	jest.spyOn(syncClock, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

const records = [
	{ key: 'A-1', summary: 'one' },
	{ key: 'A-2', summary: 'two' },
	{ key: 'A-3', summary: 'three' },
];

describe('Task Cache: Filter Changed and Mark Synced', () => {
	it('writes new records, skips unchanged ones, and retries a failed write', async () => {
		const t = task();
		const first = await t.run(syncWorkflow([records[0], { ...records[1], fail: true }, records[2]]));
		expect(keys(first.json('Filter Changed', 0))).toEqual(['A-1', 'A-2', 'A-3']);
		expect(first.json('Filter Changed', 1)).toEqual([]);
		expect(first.json('Mark Synced')).toEqual([{ written: 'A-1' }, { error: 'write failed' }, { written: 'A-3' }]);

		const second = await t.run(syncWorkflow(records));
		expect(keys(second.json('Filter Changed', 0))).toEqual(['A-2']);
		expect(keys(second.json('Filter Changed', 1))).toEqual(['A-1', 'A-3']);

		const third = await t.run(syncWorkflow([{ key: 'A-1', summary: 'one, edited' }, records[1], records[2]]));
		expect(keys(third.json('Filter Changed', 0))).toEqual(['A-1']);
		expect(third.output('Filter Changed', 0)[0].pairedItem).toEqual({ item: 0 });
	});

	it('does not mark a record whose write never ran (the run stopped before Mark Synced)', async () => {
		const t = task();
		const onlyFilter = syncWorkflow(records);
		onlyFilter.connections = { Start: (onlyFilter.connections as Record<string, unknown>).Start } as WorkflowJson['connections'];
		await t.run(onlyFilter);
		const next = await t.run(syncWorkflow(records));
		expect(keys(next.json('Filter Changed', 0))).toEqual(['A-1', 'A-2', 'A-3']);
	});

	it('treats a duplicate of this run (an incremental overlap) as unchanged', async () => {
		const t = task();
		const run = await t.run(syncWorkflow([records[0], records[0]]));
		expect(keys(run.json('Filter Changed', 0))).toEqual(['A-1']);
		expect(keys(run.json('Filter Changed', 1))).toEqual(['A-1']);
	});

	it('compares only the selected fields when asked', async () => {
		const t = task();
		await t.run(syncWorkflow([{ key: 'A-1', summary: 'x', fetchedAt: '1' }], { fingerprintFields: 'selected', fields: 'summary' }));
		const run = await t.run(syncWorkflow([{ key: 'A-1', summary: 'x', fetchedAt: '2' }], { fingerprintFields: 'selected', fields: 'summary' }));
		expect(run.json('Filter Changed', 1)).toHaveLength(1);
	});

	it('clears when the Mapping Version changes', async () => {
		const t = task();
		await t.run(syncWorkflow(records, { mappingVersion: '1' }));
		expect((await t.run(syncWorkflow(records, { mappingVersion: '1' }))).json('Filter Changed', 0)).toEqual([]);
		expect((await t.run(syncWorkflow(records, { mappingVersion: '2' }))).json('Filter Changed', 0)).toHaveLength(3);
	});

	it('names the item whose key is empty', async () => {
		const t = task();
		const run = await t.run(syncWorkflow([{ summary: 'no key' }]));
		expect(run.error?.message).toBe('Key is empty for this item: the Key expression must give the record’s stable key');
	});

	it('says that manual runs do not keep the cache', async () => {
		const t = task();
		const run = await t.run(syncWorkflow(records));
		const hints = run.run.data.resultData.runData['Filter Changed'][0].hints ?? [];
		expect(hints[0]?.message).toMatch(/does not save workflow static data for manual runs/);
	});
});

describe('Task Cache: automatic clear at UTC hours', () => {
	it('clears once the configured hour has passed, also across midnight and after a missed hour', async () => {
		const t = task();
		const changed = async () => keys((await t.run(syncWorkflow(records, { clearHours: '0' }))).json('Filter Changed', 0)).length;
		now = new Date('2026-11-23T10:00:00Z');
		expect(await changed()).toBe(3);
		now = new Date('2026-11-23T23:59:00Z');
		expect(await changed()).toBe(0);
		now = new Date('2026-11-24T00:01:00Z');
		expect(await changed()).toBe(3);
		now = new Date('2026-11-24T09:00:00Z');
		expect(await changed()).toBe(0);
		// Nothing ran on the 25th: the next run (27th, 08:00) still clears.
		now = new Date('2026-11-27T08:00:00Z');
		expect(await changed()).toBe(3);
	});

	it('takes several hours', async () => {
		const t = task();
		const changed = async () => keys((await t.run(syncWorkflow(records, { clearHours: '6, 12' }))).json('Filter Changed', 0)).length;
		now = new Date('2026-11-23T05:00:00Z');
		expect(await changed()).toBe(3);
		now = new Date('2026-11-23T05:59:00Z');
		expect(await changed()).toBe(0);
		now = new Date('2026-11-23T06:00:00Z');
		expect(await changed()).toBe(3);
		now = new Date('2026-11-23T11:00:00Z');
		expect(await changed()).toBe(0);
		now = new Date('2026-11-23T12:30:00Z');
		expect(await changed()).toBe(3);
	});

	it.each(['25', '6;12', 'noon', '-1'])('refuses %p with a message that says how to write it', async (hours) => {
		const run = await task().run(syncWorkflow(records, { clearHours: hours }));
		expect(run.error?.message).toMatch(/^Clear At Hours \(UTC\) ".*" is not a list of hours: use numbers from 0 to 23 separated by commas/);
	});
});

describe('Task Cache: watermark, Clear and Inspect', () => {
	it('returns an empty watermark on a first run, then the stored one minus the overlap', async () => {
		const t = task();
		const first = await t.run(singleOp({ operation: 'getWatermark' }));
		expect(first.json('Cache')).toEqual([{ taskId: 'jira-issues-full', watermark: '', firstRun: true, runStartedAt: '2026-11-23T10:00:00.000Z', since: '', sinceJql: '' }]);
		const set = await t.run(singleOp({ operation: 'setWatermark', watermark: '2026-11-23T10:00:00.000Z' }));
		expect(set.json('Cache')[0]).toMatchObject({ updated: true, watermark: '2026-11-23T10:00:00.000Z', previous: '' });
		now = new Date('2026-11-23T10:15:00Z');
		const next = await t.run(singleOp({ operation: 'getWatermark', overlapMinutes: 2, timeZone: 'Europe/Helsinki' }));
		expect(next.json('Cache')[0]).toMatchObject({
			watermark: '2026-11-23T10:00:00.000Z',
			firstRun: false,
			runStartedAt: '2026-11-23T10:15:00.000Z',
			since: '2026-11-23T09:58:00.000Z',
			sinceJql: '2026-11-23 11:58',
		});
	});

	it('never moves the watermark backwards and keeps it when an item failed', async () => {
		const t = task();
		await t.run(singleOp({ operation: 'setWatermark', watermark: '2026-11-23T10:00:00Z' }));
		const older = await t.run(singleOp({ operation: 'setWatermark', watermark: '2026-11-23T09:00:00Z' }));
		expect(older.json('Cache')[0]).toMatchObject({ updated: false, watermark: '2026-11-23T10:00:00.000Z' });
		expect(older.json('Cache')[0].reason).toMatch(/never moves backwards/);
		const failed = await t.run(singleOp({ operation: 'setWatermark', watermark: '2026-11-23T11:00:00Z' }, [{ ok: 1 }, { error: 'boom' }]));
		expect(failed.json('Cache')[0]).toMatchObject({ updated: false, watermark: '2026-11-23T10:00:00.000Z' });
		const bad = await t.run(singleOp({ operation: 'setWatermark', watermark: 'yesterday' }));
		expect(bad.error?.message).toMatch(/^Watermark "yesterday" is not an ISO date-time/);
	});

	it('Clear empties the cache but keeps the watermark; Inspect tells size, pending, last clear and version', async () => {
		const t = task();
		await t.run(syncWorkflow(records, { mappingVersion: 'v7' }));
		await t.run(singleOp({ operation: 'setWatermark', watermark: '2026-11-23T10:00:00Z' }));
		const inspect = await t.run(singleOp({ operation: 'inspect' }));
		expect(inspect.json('Cache')[0]).toMatchObject({ size: 3, pending: 0, watermark: '2026-11-23T10:00:00.000Z', mappingVersion: 'v7', lastClear: '2026-11-23T10:00:00.000Z' });
		now = new Date('2026-11-23T11:00:00Z');
		const clear = await t.run(singleOp({ operation: 'clear' }));
		expect(clear.json('Cache')[0]).toEqual({ taskId: 'jira-issues-full', cleared: 3, watermark: '2026-11-23T10:00:00.000Z' });
		const after = await t.run(singleOp({ operation: 'inspect' }));
		expect(after.json('Cache')[0]).toMatchObject({ size: 0, watermark: '2026-11-23T10:00:00.000Z', lastClear: '2026-11-23T11:00:00.000Z' });
		expect((await t.run(syncWorkflow(records, { mappingVersion: 'v7' }))).json('Filter Changed', 0)).toHaveLength(3);
	});

	it('keeps tasks apart by Task ID', async () => {
		const t = task();
		await t.run(syncWorkflow(records));
		const other = syncWorkflow(records);
		other.nodes.forEach((node) => {
			if (node.type.endsWith('taskCache')) (node.parameters as IDataObject).taskId = 'another-task';
		});
		expect((await t.run(other)).json('Filter Changed', 0)).toHaveLength(3);
	});
});

describe('Task Cache: size', () => {
	it('keeps 50,000 records under 2 MB of static data, even with long account ids all pending', () => {
		const entries: Record<string, string> = {};
		for (let i = 0; i < 50_000; i++) {
			const accountId = `712020:${String(i).padStart(8, '0')}-4b2c-4d6e-8f10-123456789abc`;
			entries[entryKey(accountId)] = withPending(fingerprint({ i }), fingerprint({ i, changed: true }));
		}
		const bytes = JSON.stringify({ v: 1, mappingVersion: '1', lastClear: new Date().toISOString(), entries }).length;
		expect(Object.keys(entries)).toHaveLength(50_000);
		expect(bytes).toBeLessThan(2 * 1024 * 1024);
	});

	it('fingerprints independently of key order', () => {
		expect(fingerprint({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(fingerprint({ b: { d: 'x', c: [1, 2] }, a: 1 }));
		expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
		expect(fingerprint({ a: 1, b: 2 }, ['a'])).toBe(fingerprint({ a: 1, b: 3 }, ['a']));
	});
});
