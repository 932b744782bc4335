import type { IDataObject, INodeParameters } from 'n8n-workflow';
import nock from 'nock';

import { retryClock } from '../../../nodes/shared/retry';
import { captureRequests, type RequestCapture } from '../../helpers/openapi';
import { createWorkflowHarness, type WorkflowHarness, type WorkflowJson, type WorkflowRunResult } from '../../helpers/workflow-harness';

/** What every CoreProIGA node test shares: a host, a credential that logs in, a workflow, capture. */

export const ESM = 'https://esm.acme.example';
export const API = '/rest-api/itsm/v1';
export const PASSWORD = 'pw-SECRET-4711';

/** An unsigned JWT with the given expiry (seconds from now); the node only reads `exp`. */
export function jwt(expiresInSec: number, subject = 'webapi'): string {
	const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: subject, exp: Math.floor(Date.now() / 1000) + expiresInSec })}.c2ln`;
}

export function esmCredential(data: IDataObject = {}) {
	return {
		id: 'esmLocal',
		name: 'ESM (local)',
		type: 'coreProIgaApi',
		data: { hostUrl: ESM, username: 'webapi', password: PASSWORD, sessionToken: '', ...data },
	};
}

/** The login endpoint, answering each login with a fresh token; returns the tokens handed out. */
export function expectLogins(count: number, expiresInSec = 900): string[] {
	const tokens: string[] = [];
	nock(ESM)
		.post(`${API}/users/login`, (body) => body.login === 'webapi' && body.password === PASSWORD)
		.times(count)
		.reply(() => {
			const token = jwt(expiresInSec, `login-${tokens.length + 1}`);
			tokens.push(token);
			return [200, { code: 200, message: 'ok', token: `Bearer ${token}` }, { Authorization: `Bearer ${token}` }];
		});
	return tokens;
}

/** Logins answered whenever they come (for tests about other things than the login). */
export function allowLogins(): void {
	nock(ESM)
		.post(`${API}/users/login`)
		.optionally()
		.times(Number.MAX_SAFE_INTEGER)
		.reply(200, () => ({ code: 200, message: 'ok', token: `Bearer ${jwt(900)}` }));
}

export function esm(token?: () => string) {
	const scope = nock(ESM);
	return token ? scope.matchHeader('authorization', (value) => value === `Bearer ${token()}`) : scope;
}

export interface RunOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
	credential?: IDataObject;
	harness?: WorkflowHarness;
	binary?: Record<string, { data: string; mimeType: string; fileName: string }>;
}

export function esmWorkflow(parameters: INodeParameters, options: RunOptions = {}): WorkflowJson {
	return {
		name: 'esm node test',
		nodes: [
			{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'e',
				name: 'ESM',
				type: 'n8n-nodes-esm-connectors.coreProIgaDataCard',
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials: { coreProIgaApi: { id: 'esmLocal', name: 'ESM (local)' } },
				...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			},
		],
		connections: { Start: { main: [[{ node: 'ESM', type: 'main', index: 0 }]] } },
		pinData: {
			Start: (options.items ?? [{}]).map((json) => ({ json, ...(options.binary ? { binary: options.binary } : {}) })),
		},
		settings: { executionOrder: 'v1' },
	};
}

export interface EsmRun {
	result: WorkflowRunResult;
	items: IDataObject[];
	error?: Error;
	sleeps: number[];
	capture: RequestCapture;
	harness: WorkflowHarness;
}

export async function runEsm(parameters: INodeParameters, options: RunOptions = {}): Promise<EsmRun> {
	const sleeps: number[] = [];
	const sleep = jest.spyOn(retryClock, 'sleep').mockImplementation(async (ms) => {
		sleeps.push(ms);
	});
	const capture = captureRequests();
	try {
		const harness = options.harness ?? createWorkflowHarness({ credentials: [esmCredential(options.credential)] });
		const result = await harness.runWorkflow({ workflow: esmWorkflow(parameters, options) });
		capture.stop();
		capture.expectAllValid('esm', { filter: (request) => request.origin === ESM });
		return { result, items: result.json('ESM'), error: result.error as Error | undefined, sleeps, capture, harness };
	} finally {
		capture.stop();
		sleep.mockRestore();
	}
}

export function requests(run: EsmRun, method: string, path: string) {
	return run.capture.requests.filter((request) => request.method === method && request.pathname === `${API}${path}`);
}

export const incidentTemplate = {
	name: 'Incident',
	code: 'incident',
	allowedFolders: [
		{ folderName: 'Incident management', folderCode: 'incident_management' },
		{ folderName: 'Archive', folderCode: 'archive' },
	],
	attributes: {
		subject: { name: 'Subject', type: 'string', multiValue: false },
		description: { name: 'Description', type: 'string', multiValue: false },
		status: {
			name: 'Status',
			type: 'static-value',
			multiValue: false,
			values: [
				{ code: 'new', value: '01 - New' },
				{ code: 'solving', value: '02 - Solving' },
				{ code: 'closed', value: '07 - Closed' },
			],
		},
		efecte_id: { name: 'Efecte ID', type: 'string', multiValue: false },
		datasourceid: { name: 'Task Id', type: 'string', multiValue: false },
		jira_key: { name: 'Jira Key', type: 'string', multiValue: false },
		customer: { name: 'Customer', type: 'reference', multiValue: false, target: ['person'] },
		due_date: { name: 'Due date', type: 'date', multiValue: false },
		tags: { name: 'Tags', type: 'string', multiValue: true },
		attachment: { name: 'Attachment', type: 'external-reference', multiValue: true, file: true },
		worklog: { name: 'Worklog', type: 'worklog', multiValue: true },
	},
};

export function card(id: number, data: IDataObject = {}) {
	const attributes: IDataObject = {};
	for (const [code, value] of Object.entries(data)) {
		const meta = (incidentTemplate.attributes as Record<string, { name: string; type: string }>)[code];
		attributes[code] = { name: meta?.name ?? code, type: meta?.type ?? 'string', values: Array.isArray(value) ? value : [{ value }] };
	}
	return {
		name: `Card ${id}`,
		dataCardId: String(id),
		templateName: 'Incident',
		templateCode: 'incident',
		templateId: '100',
		folderName: 'Incident management',
		folderCode: 'incident_management',
		deleted: false,
		hidden: false,
		data: attributes,
	};
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
