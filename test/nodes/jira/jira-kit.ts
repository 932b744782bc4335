import type { IDataObject, INodeParameters } from 'n8n-workflow';
import nock from 'nock';

import { retryClock } from '../../../nodes/shared/retry';
import { captureRequests, type RequestCapture } from '../../helpers/openapi';
import { createWorkflowHarness, type WorkflowJson, type WorkflowRunResult } from '../../helpers/workflow-harness';

/** What every Jira node test shares: a site, a credential, a workflow around one node, request capture. */

export const JIRA = 'https://acme.atlassian.net';
export const API_TOKEN = 'tok-SECRET-9f8e7d';
export const EMAIL = 'integration@acme.example';
export const BASIC_AUTH = `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`;

export function jiraCredential(data: IDataObject = {}) {
	return {
		id: 'jiraCloud',
		name: 'Jira Cloud',
		type: 'jiraCloudApi',
		data: { siteUrl: JIRA, email: EMAIL, apiToken: API_TOKEN, ...data },
	};
}

export interface RunOptions {
	items?: IDataObject[];
	continueOnFail?: boolean | 'errorOutput';
	credential?: IDataObject;
	nodeType?: string;
}

export function jiraWorkflow(parameters: INodeParameters, options: RunOptions = {}): WorkflowJson {
	return {
		name: 'jira node test',
		nodes: [
			{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'j',
				name: 'Jira',
				type: options.nodeType ?? 'n8n-nodes-esm-connectors.jiraIssue',
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials: { jiraCloudApi: { id: 'jiraCloud', name: 'Jira Cloud' } },
				...(options.continueOnFail ? { onError: options.continueOnFail === 'errorOutput' ? 'continueErrorOutput' : 'continueRegularOutput' } : {}),
			},
		],
		connections: { Start: { main: [[{ node: 'Jira', type: 'main', index: 0 }]] } },
		pinData: { Start: (options.items ?? [{}]).map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

export interface JiraRun {
	result: WorkflowRunResult;
	items: IDataObject[];
	error?: Error;
	sleeps: number[];
	capture: RequestCapture;
}

/**
 * Runs Start -> Jira node through the real engine. Retry waits are recorded, not slept. Every
 * captured request to the Jira site is checked against Atlassian's OpenAPI description.
 */
export async function runJira(parameters: INodeParameters, options: RunOptions = {}): Promise<JiraRun> {
	const sleeps: number[] = [];
	const sleep = jest.spyOn(retryClock, 'sleep').mockImplementation(async (ms) => {
		sleeps.push(ms);
	});
	const capture = captureRequests();
	try {
		const harness = createWorkflowHarness({ credentials: [jiraCredential(options.credential)] });
		const result = await harness.runWorkflow({ workflow: jiraWorkflow(parameters, options) });
		capture.stop();
		capture.expectAllValid('jira', { filter: (request) => request.origin === JIRA });
		return { result, items: result.json('Jira'), error: result.error as Error | undefined, sleeps, capture };
	} finally {
		capture.stop();
		sleep.mockRestore();
	}
}

/** The body of the one captured request with this method and path prefix. */
export function sent(run: JiraRun, method: string, pathPrefix: string) {
	const matches = run.capture.requests.filter((request) => request.method === method && request.pathname.startsWith(pathPrefix));
	if (matches.length !== 1) {
		throw new Error(`expected one ${method} ${pathPrefix}, got ${matches.length}: ${run.capture.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
	}
	return matches[0];
}

export function jira() {
	return nock(JIRA).matchHeader('authorization', BASIC_AUTH);
}

export function adfText(text: string) {
	return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

export function setupNock() {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => {
		const pending = nock.pendingMocks();
		nock.cleanAll();
		expect(pending).toEqual([]);
	});
	afterAll(() => {
		nock.enableNetConnect();
		nock.restore();
	});
}
