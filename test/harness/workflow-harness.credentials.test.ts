import nock from 'nock';
import type {
	IConnections,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import {
	PACKAGE_NAME,
	createWorkflowHarness,
	findCredentialType,
	findNodeType,
	registerCredentialType,
	registerNodeType,
	teardownHarness,
	type HarnessCredential,
	type WorkflowJson,
} from '../helpers/workflow-harness';

// A credential with a generic `authenticate` (an expression on $credentials).
class HarnessTokenApi implements ICredentialType {
	name = 'harnessTokenApi';
	displayName = 'Harness Token API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://api.harness.test' },
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { 'X-Api-Token': '={{$credentials.token}}' }, qs: { tenant: '=t-{{$credentials.token}}' } },
	};
}

// A credential that logs in: expirable sessionToken + preAuthentication (as design.md wants for ESM).
class HarnessSessionApi implements ICredentialType {
	name = 'harnessSessionApi';
	displayName = 'Harness Session API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://esm.harness.test' },
		{ displayName: 'Login', name: 'login', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Session Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${credentials.baseUrl as string}/users/login`,
			body: { login: credentials.login, password: credentials.password },
			json: true,
		})) as { token: string };
		return { sessionToken: response.token };
	}

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
	};
}

/** GETs `<baseUrl><path>` once per input item with the node's credential; outputs the answers. */
function fetchNode(name: string, credentialType: string): INodeType {
	return new (class implements INodeType {
		description: INodeTypeDescription = {
			displayName: name,
			name,
			group: ['transform'],
			version: 1,
			description: 'Test node',
			defaults: { name },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType, required: true }],
			properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/whoami' }],
		};

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const credentials = await this.getCredentials(credentialType);
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < this.getInputData().length; i++) {
				const answer = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					method: 'GET',
					url: `${credentials.baseUrl as string}${this.getNodeParameter('path', i) as string}`,
					json: true,
				})) as IDataObject;
				out.push({ json: answer, pairedItem: { item: i } });
			}
			return [out];
		}
	})();
}

beforeAll(() => {
	registerCredentialType(new HarnessTokenApi());
	registerCredentialType(new HarnessSessionApi());
	registerNodeType('harness-test.tokenFetch', fetchNode('tokenFetch', 'harnessTokenApi'));
	registerNodeType('harness-test.sessionFetch', fetchNode('sessionFetch', 'harnessSessionApi'));
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
	nock.enableNetConnect();
	// Dispose nock's interceptor, or the next test file touches it after jest's globals cleanup.
	nock.restore();
	teardownHarness();
});

const manual = {
	id: 'manual',
	name: 'Manual',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

function chain(nodes: WorkflowJson['nodes'], pinData?: WorkflowJson['pinData']): WorkflowJson {
	const all = [manual, ...nodes].map((n, index) => ({ ...n, position: [index * 200, 0] as [number, number] }));
	const connections: IConnections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id: 'harnessCredentials', nodes: all, connections, pinData };
}

const fetchWith = (name: string, type: string, credentialType: string, reference: { id: string | null; name: string }) => ({
	id: name,
	name,
	type,
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: { path: '/whoami' },
	credentials: { [credentialType]: reference },
});

describe('credentials: resolution by id, name, type', () => {
	const local: HarnessCredential = { id: 'esmLocal', name: 'ESM (local)', type: 'harnessTokenApi', data: { token: 'local-token' } };
	const remote: HarnessCredential = {
		id: 'esmRemote',
		name: 'ESM (remote)',
		type: 'harnessTokenApi',
		data: { token: 'remote-token', baseUrl: 'https://remote.harness.test' },
	};

	/** Answers /whoami with the token header and tenant query it received. */
	function whoami(origin: string, times: number) {
		return nock(origin)
			.get('/whoami')
			.query(true)
			.times(times)
			.reply(function (uri) {
				const tenant = new URL(uri, origin).searchParams.get('tenant');
				return [200, { origin, token: this.req.headers['x-api-token'], tenant }];
			});
	}

	it('uses the id first, then the name, then the only credential of the type', async () => {
		whoami('https://api.harness.test', 1);
		whoami('https://remote.harness.test', 1);
		const harness = createWorkflowHarness({ credentials: [local, remote] });

		const result = await harness.runWorkflow({
			workflow: chain([
				// id wins over a stale name that points at the other credential
				fetchWith('By Id', 'harness-test.tokenFetch', 'harnessTokenApi', { id: 'esmLocal', name: 'ESM (remote)' }),
				// unknown id (e.g. imported elsewhere): the name decides
				fetchWith('By Name', 'harness-test.tokenFetch', 'harnessTokenApi', { id: 'x9', name: 'ESM (remote)' }),
			]),
		});

		expect(result.error).toBeUndefined();
		expect(result.json('By Id')).toEqual([
			{ origin: 'https://api.harness.test', token: 'local-token', tenant: 't-local-token' },
		]);
		expect(result.json('By Name')).toEqual([
			{ origin: 'https://remote.harness.test', token: 'remote-token', tenant: 't-remote-token' },
		]);

		whoami('https://remote.harness.test', 1);
		const byType = await createWorkflowHarness({ credentials: [remote] }).runWorkflow({
			workflow: chain([fetchWith('By Type', 'harness-test.tokenFetch', 'harnessTokenApi', { id: 'gone', name: 'Gone' })]),
		});
		expect(byType.json('By Type')).toEqual([
			{ origin: 'https://remote.harness.test', token: 'remote-token', tenant: 't-remote-token' },
		]);
		expect(nock.isDone()).toBe(true);
	});

	it('refuses to guess between two credentials of one type', async () => {
		const result = await createWorkflowHarness({ credentials: [local, remote] }).runWorkflow({
			workflow: chain([fetchWith('Which', 'harness-test.tokenFetch', 'harnessTokenApi', { id: 'gone', name: 'Gone' })]),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/ambiguous/);
	});
});

describe('credentials: preAuthentication', () => {
	const session: HarnessCredential = {
		id: 'esmLocal',
		name: 'ESM (local)',
		type: 'harnessSessionApi',
		data: { login: 'n8n', password: 'secret' },
	};
	const origin = 'https://esm.harness.test';
	const items = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { i } }));
	const fetchThings = {
		id: 'fetch',
		name: 'Fetch',
		type: 'harness-test.sessionFetch',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: { path: '=/things/{{ $json.i }}' },
		credentials: { harnessSessionApi: { id: 'esmLocal', name: 'ESM (local)' } },
	};

	it('logs in once, logs in again exactly once after a 401 and retries, then keeps the token', async () => {
		const logins: unknown[] = [];
		const api = nock(origin)
			.post('/users/login', (body: unknown) => (logins.push(body), true))
			.reply(200, { token: 't1' })
			.post('/users/login')
			.reply(200, { token: 't2' })
			.get('/things/0')
			.matchHeader('authorization', 'Bearer t1')
			.reply(200, { thing: 0 })
			.get('/things/1')
			.matchHeader('authorization', 'Bearer t1')
			.reply(401, { error: 'token expired' })
			.get('/things/1')
			.matchHeader('authorization', 'Bearer t2')
			.reply(200, { thing: 1 })
			.get('/things/2')
			.matchHeader('authorization', 'Bearer t2')
			.reply(200, { thing: 2 });
		const harness = createWorkflowHarness({ credentials: [session] });

		const result = await harness.runWorkflow({ workflow: chain([fetchThings], { Manual: items(3) }) });

		expect(result.error).toBeUndefined();
		expect(result.json('Fetch')).toEqual([{ thing: 0 }, { thing: 1 }, { thing: 2 }]);
		expect(harness.preAuthCount('esmLocal')).toBe(2);
		expect(logins[0]).toEqual({ login: 'n8n', password: 'secret' });
		expect(harness.credentialData('esmLocal')).toMatchObject({ sessionToken: 't2' });
		expect(api.isDone()).toBe(true);

		// A later run of the same test reuses the stored token: no login.
		nock(origin).get('/things/0').matchHeader('authorization', 'Bearer t2').reply(200, { thing: 'again' });
		const again = await harness.runWorkflow({ workflow: chain([fetchThings], { Manual: items(1) }) });
		expect(again.json('Fetch')).toEqual([{ thing: 'again' }]);
		expect(harness.preAuthCount('esmLocal')).toBe(2);
	});

	it('fails after one re-login when the retry is refused too', async () => {
		nock(origin)
			.post('/users/login')
			.times(2)
			.reply(200, { token: 'bad' })
			.get('/things/0')
			.times(2)
			.reply(401, { error: 'no' });
		const harness = createWorkflowHarness({ credentials: [session] });

		const result = await harness.runWorkflow({ workflow: chain([fetchThings], { Manual: items(1) }) });

		expect(result.status).toBe('error');
		expect(harness.preAuthCount('esmLocal')).toBe(2);
		expect(nock.isDone()).toBe(true);
	});
});

describe("n8n's own credential types and our package's", () => {
	it("authenticates n8n's HTTP Request node with n8n's Header Auth (key and value are expressions)", async () => {
		const hook = nock('https://hooks.harness.test')
			.post('/ping', { hello: 'esm' })
			.matchHeader('x-webhook-secret', 's3cret')
			.reply(200, { pong: true });
		const result = await createWorkflowHarness({
			credentials: [
				{
					id: 'esmWebhookAuth',
					name: 'ESM webhook (header auth)',
					type: 'httpHeaderAuth',
					data: { name: 'X-Webhook-Secret', value: 's3cret' },
				},
			],
		}).runWorkflow({
			workflow: chain([
				{
					id: 'http',
					name: 'Ping',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [0, 0],
					parameters: {
						method: 'POST',
						url: 'https://hooks.harness.test/ping',
						authentication: 'genericCredentialType',
						genericAuthType: 'httpHeaderAuth',
						sendBody: true,
						specifyBody: 'json',
						jsonBody: '{"hello": "esm"}',
						options: {},
					},
					credentials: { httpHeaderAuth: { id: 'esmWebhookAuth', name: 'ESM webhook (header auth)' } },
				},
			]),
		});
		expect(result.error).toBeUndefined();
		expect(result.json('Ping')).toEqual([{ pong: true }]);
		expect(hook.isDone()).toBe(true);
	});

	it('loads every node and credential that package.json lists, by its description name', () => {
		const pkg = require('../../package.json') as { n8n: { nodes: string[]; credentials: string[] } };
		const base = (file: string, suffix: string) =>
			file.split('/').pop()!.replace(suffix, '').replace(/^./, (c) => c.toLowerCase());
		for (const file of pkg.n8n.nodes) {
			const name = base(file, '.node.js');
			expect(findNodeType(`${PACKAGE_NAME}.${name}`)?.description.name).toBe(name);
		}
		for (const file of pkg.n8n.credentials) {
			const name = base(file, '.credentials.js');
			expect(findCredentialType(name)?.name).toBe(name);
		}
		expect(findNodeType(`${PACKAGE_NAME}.noSuchNode`)).toBeUndefined();
	});
});
