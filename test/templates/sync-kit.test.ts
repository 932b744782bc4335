import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowJson } from '../helpers/workflow-harness';
import { call, startSandboxes, type Sandboxes } from './sandbox-kit';
import { esmPerson, startSyncRig, takeWrites, writeCount } from './sync-kit';

// The rig the two-way sync proofs run on: an ESM webhook rule calls a workflow through it.

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

const echo: WorkflowJson = {
	id: 'rigEcho',
	name: 'rig echo',
	nodes: [
		{
			id: 'w',
			name: 'Card Changed',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '11111111-2222-4333-8444-555555555555',
			parameters: { httpMethod: 'POST', path: 'esm/rig-echo', authentication: 'headerAuth', responseMode: 'responseNode', options: {} },
			credentials: { httpHeaderAuth: { id: 'esmWebhookAuth', name: 'ESM webhook (header auth)' } },
		},
		{
			id: 'r',
			name: 'Answer',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			position: [200, 0],
			parameters: { respondWith: 'json', responseBody: '={{ { got: $json.body.dataCardId, subject: $json.body.card.data.subject } }}', options: {} },
		},
	],
	connections: { 'Card Changed': { main: [[{ node: 'Answer', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
} as unknown as WorkflowJson;

it('delivers ESM card events to the workflow and waits until all are answered', async () => {
	const rig = await startSyncRig(harness, [echo]);
	try {
		await call(`${sandboxes.esmLocal.url}/__admin/webhook-rules`, {
			method: 'POST',
			body: JSON.stringify({ template: 'incident', events: ['created', 'updated'], url: rig.webhookUrl('esm/rig-echo') }),
		});
		await takeWrites(sandboxes.esmLocal.url);
		const person = esmPerson(sandboxes.esmLocal);
		const id = await person.create('incident', 'incident_management', { subject: 'Rig test', status: '01 - New' });
		await person.edit('incident', id, { subject: 'Rig test, edited' });
		expect(await rig.settle([sandboxes.esmLocal.url])).toMatchObject({ quiet: true });
		expect(rig.calls).toEqual([
			{ path: 'esm/rig-echo', statusCode: 200, body: { got: id, subject: 'Rig test' } },
			{ path: 'esm/rig-echo', statusCode: 200, body: { got: id, subject: 'Rig test, edited' } },
		]);
		expect(writeCount(await takeWrites(sandboxes.esmLocal.url))).toBe(2);
	} finally {
		await rig.stop();
	}
});
