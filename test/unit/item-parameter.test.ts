/**
 * nodes/shared/parameters.ts itemParameterReader: a key read from the item directly when the raw
 * parameter is a plain field path must give exactly what n8n's engine gives (getNodeParameter), for
 * every kind of value, and must not evaluate an expression for those items.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { itemParameterReader, plainJsonPath } from '../../nodes/shared/parameters';
import { createWorkflowHarness, registerNodeType, teardownHarness, type WorkflowJson } from '../helpers/workflow-harness';

afterAll(() => teardownHarness());

interface Reading {
	value?: unknown;
	error?: string;
}

const read = (get: () => unknown): Reading => {
	try {
		return { value: get() };
	} catch (error) {
		return { error: (error as Error).message };
	}
};

/** Outputs, per item, what the engine and the reader give for `key`, and how often the reader asked the engine. */
class Probe implements INodeType {
	description = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Key', name: 'key', type: 'string', default: '' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let engineCalls = 0;
		const counting = Object.create(this) as IExecuteFunctions;
		counting.getNodeParameter = ((...args: Parameters<IExecuteFunctions['getNodeParameter']>) => {
			engineCalls++;
			return (this.getNodeParameter as (...rest: unknown[]) => unknown)(...args);
		}) as IExecuteFunctions['getNodeParameter'];
		const reader = itemParameterReader.call(counting, 'key', '');
		return [
			this.getInputData().map((_item, index) => {
				const before = engineCalls;
				const fast = read(() => reader(index));
				const fastCalls = engineCalls - before;
				const engine = read(() => this.getNodeParameter('key', index, ''));
				// Kept as live values (not JSON) so that undefined, NaN and -0 compare exactly.
				return { json: { fastCalls } as IDataObject, readings: { fast, engine } } as unknown as INodeExecutionData;
			}),
		];
	}
}
registerNodeType('test.itemParameterProbe', new Probe());

const ITEMS: IDataObject[] = [
	{ a: 'x' },
	{ a: ' padded ' },
	{ a: '' },
	{ a: 5 },
	{ a: 0 },
	{ a: -1.5 },
	{ a: Number.NaN },
	{ a: true },
	{ a: false },
	{ a: null },
	{},
	{ a: { b: 'nested', c: 7 } },
	{ a: { b: null } },
	{ a: ['list'] },
	{ 'a b': { c: 'spaced' } },
	{ b: 'other' },
];

async function probe(key: string): Promise<Array<{ fastCalls: number; fast: Reading; engine: Reading }>> {
	const workflow: WorkflowJson = {
		name: 'probe',
		nodes: [
			{ id: 's', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'p', name: 'Probe', type: 'test.itemParameterProbe', typeVersion: 1, position: [200, 0], parameters: { key } },
		],
		connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
		pinData: { Start: ITEMS.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
	const result = await createWorkflowHarness().runWorkflow({ workflow });
	expect(result.error).toBeUndefined();
	return result.output('Probe').map((item) => {
		const { readings } = item as unknown as { readings: { fast: Reading; engine: Reading } };
		return { fastCalls: Number(item.json.fastCalls), ...readings };
	});
}

describe('plainJsonPath', () => {
	it.each([
		['={{ $json.accountId }}', ['accountId']],
		['={{$json.accountId}}', ['accountId']],
		['={{ $json.a.b }}', ['a', 'b']],
		['={{ $json["a b"] }}', ['a b']],
		["={{ $json['a b'].c }}", ['a b', 'c']],
		['={{ $json.$id_1 }}', ['$id_1']],
	])('%s is the path %j', (raw, path) => {
		expect(plainJsonPath(raw)).toEqual(path);
	});

	it.each([
		'{{ $json.a }}',
		'$json.a',
		'={{ $json }}',
		'={{ $json.a }} ',
		'={{ $json.a }}x',
		'={{ $json.a + "" }}',
		'={{ $json.a[0] }}',
		'={{ $json.a?.b }}',
		'={{ $json["a\\"b"] }}',
		"={{ $('Filter Changed').item.json.a }}",
		'={{ $json.a }}{{ $json.b }}',
		'={{ String($json.a) }}',
	])('%s is not a plain path', (raw) => {
		expect(plainJsonPath(raw)).toBeUndefined();
	});

	it('is not a path for values that are not strings', () => {
		expect(plainJsonPath(undefined)).toBeUndefined();
		expect(plainJsonPath(5)).toBeUndefined();
	});
});

describe('itemParameterReader gives what the engine gives', () => {
	it.each([
		'={{ $json.a }}',
		'={{$json.a}}',
		'={{ $json["a"] }}',
		"={{ $json['a'] }}",
		'={{ $json.a.b }}',
		'={{ $json.a.b.c }}',
		'={{ $json["a b"].c }}',
		'={{ $json.a.length }}',
		'={{ $json.constructor }}',
		'={{ $json.a + "!" }}',
		'fixed text',
	])('%s', async (key) => {
		const readings = await probe(key);
		expect(readings).toHaveLength(ITEMS.length);
		readings.forEach(({ fast, engine }, index) => {
			const item = JSON.stringify(ITEMS[index]);
			if (engine.error !== undefined) expect({ item, error: fast.error }).toEqual({ item, error: engine.error });
			else if (typeof engine.value === 'object' && engine.value !== null) expect({ item, value: fast.value }).toEqual({ item, value: engine.value });
			else expect({ item, same: Object.is(fast.value, engine.value), fast: fast.value }).toEqual({ item, same: true, fast: engine.value });
		});
	});

	it('evaluates no expression for a plain path whose value is a string, number, boolean, null or missing', async () => {
		const readings = await probe('={{ $json.a }}');
		const calls = readings.map(({ fastCalls }) => fastCalls);
		// Objects and arrays go to the engine (it post-processes them); everything else is read directly.
		expect(calls).toEqual(ITEMS.map((json) => (typeof json.a === 'object' && json.a !== null ? 1 : 0)));
		expect((await probe('={{ $json["a b"].c }}')).every(({ fastCalls }) => fastCalls === 0)).toBe(true);
		// Anything else is the engine's, item by item.
		expect((await probe('={{ $json.a + "!" }}')).every(({ fastCalls }) => fastCalls === 1)).toBe(true);
	});
});
