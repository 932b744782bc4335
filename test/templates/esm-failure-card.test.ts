import { createWorkflowHarness, teardownHarness, type WorkflowHarness } from '../helpers/workflow-harness';
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

const template = loadTemplate('esm-failure-card.json');

interface Card {
	id: number;
	folder: string;
	deleted: boolean;
	data: Record<string, Array<{ value?: string; name?: string; location?: string }>>;
}
const value = (card: Card, code: string) => card.data[code]?.[0]?.value;

async function failureCards(): Promise<Card[]> {
	const state = await call(`${sandboxes.esmLocal.url}/__admin/state?template=failure`);
	return (state.cards as Card[]).filter((card) => !card.deleted);
}

/** The card the run added (exactly one). */
async function newCard(before: Card[]): Promise<Card> {
	const known = new Set(before.map((card) => card.id));
	const added = (await failureCards()).filter((card) => !known.has(card.id));
	expect(added).toHaveLength(1);
	return added[0];
}

const SECRET = 'c2VjcmV0LXRva2VuLWRvLW5vdC1jb3B5';

it('writes a failure card with the workflow, the failed node, the error, the execution link and a short payload without credentials', async () => {
	const before = await failureCards();
	const startedAt = Date.now();
	// What n8n's Error Trigger outputs for a failed execution (the error carries the node, as n8n's errors do).
	const errorItem = {
		execution: {
			id: '231',
			url: 'http://localhost:5678/workflow/jiraIssuesToEsmFull/executions/231',
			retryOf: null,
			error: {
				name: 'NodeApiError',
				message: 'Jira rejected the credentials (401 Unauthorized)',
				description: 'Check Email and API Token of the Jira Cloud credential',
				httpCode: '401',
				timestamp: 1767225600000,
				stack: ['NodeApiError: Jira rejected the credentials (401 Unauthorized)', ...Array.from({ length: 20 }, (_, i) => `    at frame${i} (file.js:${i}:1)`)].join('\n'),
				node: {
					name: 'Search Issues',
					type: 'n8n-nodes-esm-connectors.jiraIssue',
					parameters: { jql: 'project = SD', headerParameters: { Authorization: `Basic ${SECRET}` } },
					credentials: { jiraCloudApi: { id: 'jiraCloud', name: 'Jira Cloud' } },
				},
			},
			lastNodeExecuted: 'Search Issues',
			mode: 'trigger',
		},
		workflow: { id: 'jiraIssuesToEsmFull', name: 'Jira issues → ESM incidents (full import)' },
	};

	const result = await harness.runWorkflow({ workflow: template, mode: 'error', startItems: [{ json: errorItem }] });
	expect(result.error).toBeUndefined();
	expect(result.json('Create Failure Card')[0]).toMatchObject({ templateCode: 'failure', folderCode: 'integration_failures', action: 'created' });

	const card = await newCard(before);
	expect(card.folder).toBe('integration_failures');
	expect(value(card, 'subject')).toBe('Jira issues → ESM incidents (full import) failed');
	expect(value(card, 'workflow_name')).toBe('Jira issues → ESM incidents (full import)');
	expect(value(card, 'node_name')).toBe('Search Issues');
	expect(value(card, 'error_message')).toBe('Jira rejected the credentials (401 Unauthorized)');
	expect(card.data.execution_url?.[0]?.location).toBe(errorItem.execution.url);
	expect(value(card, 'status')).toBe('01 - New');
	const occurred = Date.parse(String(value(card, 'occurred')));
	expect(occurred).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
	expect(occurred).toBeLessThanOrEqual(Date.now());

	const payloadText = String(value(card, 'payload'));
	expect(payloadText.length).toBeLessThan(4000);
	expect(JSON.parse(payloadText)).toMatchObject({
		workflowId: 'jiraIssuesToEsmFull',
		executionId: '231',
		mode: 'trigger',
		node: 'Search Issues',
		nodeType: 'n8n-nodes-esm-connectors.jiraIssue',
		error: { name: 'NodeApiError', message: errorItem.execution.error.message, httpCode: '401' },
	});
	expect(JSON.parse(payloadText).error.stack.split('\n')).toHaveLength(6);
	expect(payloadText).not.toContain(SECRET);
	expect(payloadText).not.toContain('"credentials"');
	expect(payloadText).not.toContain('"parameters"');
	expect(payloadText).not.toContain('"jiraCloud"');
});

it('also writes a card when a trigger failed (no execution: the node comes from the error, no link)', async () => {
	const before = await failureCards();
	const triggerItem = {
		trigger: {
			error: { name: 'WorkflowActivationError', message: 'There was a problem activating the workflow', node: { name: 'ESM Incident', type: 'n8n-nodes-base.webhook' } },
			mode: 'trigger',
		},
		workflow: { id: 'esmIncidentToJira', name: 'ESM incident → Jira issue' },
	};
	const result = await harness.runWorkflow({ workflow: template, mode: 'error', startItems: [{ json: triggerItem }] });
	expect(result.error).toBeUndefined();

	const card = await newCard(before);
	expect(value(card, 'subject')).toBe('ESM incident → Jira issue failed');
	expect(value(card, 'node_name')).toBe('ESM Incident');
	expect(value(card, 'error_message')).toBe('There was a problem activating the workflow');
	expect(card.data.execution_url ?? []).toHaveLength(0);
	expect(JSON.parse(String(value(card, 'payload')))).toMatchObject({ workflowId: 'esmIncidentToJira', mode: 'trigger', node: 'ESM Incident' });
});
