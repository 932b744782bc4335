import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import {
	registerNodeType,
	runWorkflow,
	teardownHarness,
	type WorkflowJson,
} from '../helpers/workflow-harness';

afterAll(() => teardownHarness());

// v1 execution order runs sibling branches top to bottom: give nodes their place.
let nextX = 0;
const node = (
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
) => ({
	id: name.replace(/\W/g, '-'),
	name,
	type,
	typeVersion,
	position: [(nextX += 200), 0] as [number, number],
	parameters,
	...extra,
});

const main = (...targets: string[][]) => ({
	main: targets.map((branch) => branch.map((target) => ({ node: target, type: 'main' as const, index: 0 }))),
});

const setFields = (assignments: Array<{ name: string; value: unknown; type: string }>) => ({
	mode: 'manual',
	assignments: {
		assignments: assignments.map((assignment, index) => ({ id: `a${index}`, ...assignment })),
	},
	includeOtherFields: true,
	options: {},
});

describe('harness with n8n-nodes-base', () => {
	it('runs Manual Trigger -> Set -> If -> two branches with pinned trigger data', async () => {
		const workflow: WorkflowJson = {
			id: 'harnessSetIf',
			name: 'Harness: Set -> If',
			nodes: [
				node('Manual', 'n8n-nodes-base.manualTrigger', 1),
				node('Double', 'n8n-nodes-base.set', 3.4, setFields([{ name: 'double', value: '={{ $json.n * 2 }}', type: 'number' }])),
				node('Big?', 'n8n-nodes-base.if', 2.2, {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{ id: 'c1', leftValue: '={{ $json.double }}', rightValue: 4, operator: { type: 'number', operation: 'gt' } },
						],
						combinator: 'and',
					},
					options: {},
				}),
				node('Big', 'n8n-nodes-base.set', 3.4, setFields([{ name: 'size', value: 'big', type: 'string' }]), {
					position: [800, -100],
				}),
				node('Small', 'n8n-nodes-base.set', 3.4, setFields([{ name: 'size', value: '=small {{ $json.n }}', type: 'string' }]), {
					position: [800, 100],
				}),
			],
			connections: {
				Manual: main(['Double']),
				Double: main(['Big?']),
				'Big?': main(['Big'], ['Small']),
			},
			pinData: { Manual: [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }, { json: { n: 4 } }] },
		};

		const result = await runWorkflow({ workflow });

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executedNodes).toEqual(['Manual', 'Double', 'Big?', 'Big', 'Small']);
		expect(result.json('Double')).toEqual([
			{ n: 1, double: 2 },
			{ n: 2, double: 4 },
			{ n: 3, double: 6 },
			{ n: 4, double: 8 },
		]);
		expect(result.output('Big?', 0)).toEqual([
			{ json: { n: 3, double: 6 }, pairedItem: { item: 2 } },
			{ json: { n: 4, double: 8 }, pairedItem: { item: 3 } },
		]);
		expect(result.output('Big?', 1).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.output('Big')).toEqual([
			{ json: { n: 3, double: 6, size: 'big' }, pairedItem: { item: 0 } },
			{ json: { n: 4, double: 8, size: 'big' }, pairedItem: { item: 1 } },
		]);
		expect(result.json('Small')).toEqual([
			{ n: 1, double: 2, size: 'small 1' },
			{ n: 2, double: 4, size: 'small 2' },
		]);
		expect(() => result.output('Nope')).toThrow(/No node "Nope"/);
	});

	it('starts a Schedule Trigger workflow in trigger mode from given items', async () => {
		const workflow: WorkflowJson = {
			id: 'harnessSchedule',
			nodes: [
				node('Every Hour', 'n8n-nodes-base.scheduleTrigger', 1.2, { rule: { interval: [{ field: 'hours' }] } }),
				node('Stamp', 'n8n-nodes-base.set', 3.4, setFields([{ name: 'hour', value: '={{ $json.Hour }}', type: 'string' }])),
			],
			connections: { 'Every Hour': main(['Stamp']) },
		};
		const tick = { timestamp: '2026-11-23T10:00:00.000+00:00', Hour: '10', Timezone: 'UTC (UTC+00:00)' };

		const result = await runWorkflow({ workflow, mode: 'trigger', startItems: [{ json: tick }] });

		expect(result.status).toBe('success');
		expect(result.run.mode).toBe('trigger');
		expect(result.executedNodes).toEqual(['Every Hour', 'Stamp']);
		expect(result.json('Every Hour')).toEqual([tick]);
		expect(result.json('Stamp')).toEqual([{ ...tick, hour: '10' }]);
	});

	it('runs Webhook -> Respond to Webhook in webhook mode and captures the response', async () => {
		const workflow: WorkflowJson = {
			id: 'harnessWebhook',
			nodes: [
				node(
					'Incident In',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path: 'incident', responseMode: 'responseNode', options: {} },
					{ webhookId: 'b7c1e2f0-0000-4000-8000-000000000001' },
				),
				node('Answer', 'n8n-nodes-base.respondToWebhook', 1.1, {
					respondWith: 'json',
					responseBody: '={{ { "received": $json.body.incidentId, "from": $json.headers["x-source"] } }}',
					options: { responseCode: 201 },
				}),
			],
			connections: { 'Incident In': main(['Answer']) },
		};

		const result = await runWorkflow({
			workflow,
			mode: 'webhook',
			webhook: { headers: { 'x-source': 'esm' }, body: { incidentId: 'INC-42' } },
		});

		expect(result.status).toBe('success');
		expect(result.json('Incident In')[0]).toMatchObject({
			headers: { 'x-source': 'esm' },
			body: { incidentId: 'INC-42' },
			query: {},
			params: {},
		});
		expect(result.webhookResponse).toEqual(
			expect.objectContaining({ body: { received: 'INC-42', from: 'esm' }, statusCode: 201 }),
		);
	});

	it('names the node and type when a node type is unknown', async () => {
		const workflow: WorkflowJson = {
			nodes: [node('Manual', 'n8n-nodes-base.manualTrigger', 1), node('Mystery', 'n8n-nodes-base.doesNotExist', 1)],
			connections: { Manual: main(['Mystery']) },
		};
		await expect(runWorkflow({ workflow })).rejects.toThrow(
			'node "Mystery" has unknown type "n8n-nodes-base.doesNotExist"',
		);
		const versioned: WorkflowJson = {
			nodes: [node('Manual', 'n8n-nodes-base.manualTrigger', 1), node('Set', 'n8n-nodes-base.set', 99)],
			connections: { Manual: main(['Set']) },
		};
		await expect(runWorkflow({ workflow: versioned })).rejects.toThrow(/node "Set" .*typeVersion 99/);
	});

	it('names the nodes and parameters when the engine finds issues', async () => {
		const workflow: WorkflowJson = {
			name: 'Broken',
			nodes: [
				node('Manual', 'n8n-nodes-base.manualTrigger', 1),
				node('Reply', 'n8n-nodes-base.respondToWebhook', 1.1, { respondWith: 'json', responseBody: '' }),
				node('Ping', 'n8n-nodes-base.httpRequest', 4.2, { url: '' }),
			],
			connections: { Manual: main(['Ping']) },
		};
		await expect(runWorkflow({ workflow })).rejects.toThrow(
			/Workflow "Broken" has issues: node "Ping": .*"url":\["Parameter \\"URL\\" is required\."\]/,
		);
	});
});

describe('harness static data', () => {
	class Counter implements INodeType {
		description: INodeTypeDescription = {
			displayName: 'Counter',
			name: 'counter',
			group: ['transform'],
			version: 1,
			description: 'Counts runs in global static data',
			defaults: { name: 'Counter' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [{ displayName: 'Step', name: 'step', type: 'number', default: 1 }],
		};

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const staticData = this.getWorkflowStaticData('global');
			const step = this.getNodeParameter('step', 0) as number;
			staticData.count = ((staticData.count as number | undefined) ?? 0) + step;
			return [[{ json: { count: staticData.count }, pairedItem: { item: 0 } }]];
		}
	}

	beforeAll(() => registerNodeType('harness-test.counter', new Counter()));

	const workflow: WorkflowJson = {
		id: 'harnessCounter',
		nodes: [
			node('Start', 'n8n-nodes-base.executeWorkflowTrigger', 1.1, { inputSource: 'passthrough' }),
			node('Count', 'harness-test.counter', 1, { step: 2 }),
		],
		connections: { Start: main(['Count']) },
	};

	it('carries static data from one run into the next', async () => {
		const first = await runWorkflow({ workflow, mode: 'integrated', startItems: [{ json: {} }] });
		expect(first.status).toBe('success');
		expect(first.json('Count')).toEqual([{ count: 2 }]);
		// n8n keeps getWorkflowStaticData('global') under `global` (and 'node' under `node:<name>`).
		expect(first.staticData).toEqual({ global: { count: 2 } });

		const second = await runWorkflow({ workflow, mode: 'integrated', staticData: first.staticData });
		expect(second.json('Count')).toEqual([{ count: 4 }]);
		expect(second.staticData).toEqual({ global: { count: 4 } });
		// The input is copied, not mutated.
		expect(first.staticData).toEqual({ global: { count: 2 } });
	});

	it('returns the static data carried in when the run does not change it', async () => {
		const unchanged: WorkflowJson = {
			id: 'harnessNoCounter',
			nodes: [node('Manual', 'n8n-nodes-base.manualTrigger', 1)],
			connections: {},
		};
		const result = await runWorkflow({ workflow: unchanged, staticData: { cursor: 'abc' } });
		expect(result.staticData).toEqual({ cursor: 'abc' });
	});
});
