import nock from 'nock';
import { Workflow, type ILoadOptionsFunctions, type INodeType } from 'n8n-workflow';

import { CoreProIgaApi } from '../../../credentials/CoreProIgaApi.credentials';
import { createWorkflowHarness, findNodeType, teardownHarness } from '../../helpers/workflow-harness';
import { allowLogins, API, ESM, esmCredential, incidentTemplate, setupNock } from './esm-kit';

setupNock();
afterAll(() => teardownHarness());

const node = findNodeType('n8n-nodes-esm-connectors.coreProIgaDataCard') as INodeType;

function context(parameters: Record<string, unknown>): ILoadOptionsFunctions {
	return createWorkflowHarness({ credentials: [esmCredential()] }).loadOptionsContext({
		name: 'ESM',
		type: 'n8n-nodes-esm-connectors.coreProIgaDataCard',
		typeVersion: 1,
		parameters,
		credentials: { coreProIgaApi: { id: 'esmLocal', name: 'ESM (local)' } },
	});
}

const withTemplate = { resource: 'dataCard', operation: 'create', template: { __rl: true, mode: 'list', value: 'incident' } };

beforeEach(() => allowLogins());

describe('CoreProIGA pickers', () => {
	it('searches templates by name or code', async () => {
		nock(ESM)
			.get(`${API}/dc`)
			.reply(200, [
				{ name: 'Incident', templateCode: 'incident', url: '/dc/incident' },
				{ name: 'Person', templateCode: 'person', url: '/dc/person' },
			]);
		const result = await node.methods!.listSearch!.searchTemplates.call(context({}), 'pers');
		expect(result.results).toEqual([{ name: 'Person (person)', value: 'person' }]);
	});

	it('lists folders, attributes, key attributes and file attributes of the chosen template (fetched once)', async () => {
		nock(ESM).get(`${API}/dc/incident`).once().reply(200, incidentTemplate);
		const ctx = context(withTemplate);
		expect(await node.methods!.loadOptions!.getFolders.call(ctx)).toEqual([
			{ name: 'Incident management (incident_management)', value: 'incident_management' },
			{ name: 'Archive (archive)', value: 'archive' },
		]);
		const attributes = await node.methods!.loadOptions!.getAttributes.call(ctx);
		expect(attributes.map((a) => a.value)).toContain('worklog');
		const keys = await node.methods!.loadOptions!.getKeyAttributes.call(ctx);
		expect(keys.map((a) => a.value).sort()).toEqual(['datasourceid', 'description', 'efecte_id', 'jira_key', 'subject']);
		expect((await node.methods!.loadOptions!.getFileAttributes.call(ctx)).map((a) => a.value)).toEqual(['attachment']);
	});

	it('asks for a template first', async () => {
		await expect(node.methods!.loadOptions!.getFolders.call(context({ resource: 'dataCard', operation: 'create' }))).rejects.toThrow(
			'Choose a Template first',
		);
	});

	it('feeds the attribute mapper with types, dropdown values and match candidates (files left out)', async () => {
		nock(ESM).get(`${API}/dc/incident`).reply(200, incidentTemplate);
		const { fields } = await node.methods!.resourceMapping!.getAttributeFields.call(context(withTemplate));
		expect(fields.map((f) => f.id)).not.toContain('attachment');
		expect(fields.find((f) => f.id === 'status')).toEqual({
			id: 'status',
			displayName: 'Status (status)',
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'options',
			options: [
				{ name: '01 - New', value: '01 - New' },
				{ name: '02 - Solving', value: '02 - Solving' },
				{ name: '07 - Closed', value: '07 - Closed' },
			],
		});
		expect(fields.find((f) => f.id === 'efecte_id')).toMatchObject({ defaultMatch: true, canBeUsedToMatch: true, type: 'string' });
		expect(fields.find((f) => f.id === 'due_date')?.type).toBe('dateTime');
		expect(fields.find((f) => f.id === 'tags')).toMatchObject({ type: 'array', canBeUsedToMatch: false });
	});
});

describe('CoreProIGA credential', () => {
	const credential = new CoreProIgaApi();

	it('tests with a login and GET /echo/jwt on host + API path', () => {
		const workflow = new Workflow({
			nodes: [],
			connections: {},
			active: false,
			nodeTypes: { getByName: () => ({}), getByNameAndVersion: () => ({}), getKnownTypes: () => ({}) } as never,
		});
		const evaluate = (data: object) =>
			workflow.expression.getSimpleParameterValue(
				{ id: 'c', name: 'Credential test', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} },
				String(credential.test.request.baseURL),
				'internal',
				{ $credentials: data } as never,
			);
		expect(credential.test.request.url).toBe('/echo/jwt');
		expect(evaluate({ hostUrl: 'https://esm.acme.example/itsm/EfecteFrameset.do', apiPath: '' })).toBe('https://esm.acme.example/rest-api/itsm/v1');
		expect(evaluate({ hostUrl: 'esm.acme.example', apiPath: '/itsm/api/v1/' })).toBe('https://esm.acme.example/itsm/api/v1');
	});

	it('has an expirable session token filled by preAuthentication and sent as Bearer', () => {
		const token = credential.properties.find((p) => p.name === 'sessionToken');
		expect(token?.typeOptions?.expirable).toBe(true);
		expect(typeof credential.preAuthentication).toBe('function');
		expect(credential.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } } });
	});

	it('logs in with the form fields, honouring self-signed certificates, and returns the token without "Bearer"', async () => {
		const calls: Array<Record<string, unknown>> = [];
		const helpers = {
			helpers: {
				httpRequest: async (options: Record<string, unknown>) => {
					calls.push(options);
					return { statusCode: 200, headers: { authorization: 'Bearer header.jwt.x' }, body: '{"token":"Bearer body.jwt.y"}' };
				},
			},
		};
		const result = await credential.preAuthentication.call(helpers as never, {
			hostUrl: 'https://esm.acme.example',
			apiPath: '',
			username: 'webapi',
			password: 'p&w=1',
			allowSelfSigned: true,
		});
		expect(result).toEqual({ sessionToken: 'body.jwt.y' });
		expect(calls[0]).toMatchObject({
			method: 'POST',
			url: 'https://esm.acme.example/rest-api/itsm/v1/users/login',
			body: 'login=webapi&password=p%26w%3D1',
			skipSslCertificateValidation: true,
		});
	});
});

describe('Reconcile Removed pickers', () => {
	it('lists the dropdown values of the chosen status attribute', async () => {
		nock(ESM).get(`${API}/dc/incident`).reply(200, incidentTemplate);
		const reconcile = findNodeType('n8n-nodes-esm-connectors.reconcileRemoved') as INodeType;
		const ctx = createWorkflowHarness({ credentials: [esmCredential()] }).loadOptionsContext({
			name: 'Reconcile',
			type: 'n8n-nodes-esm-connectors.reconcileRemoved',
			typeVersion: 1,
			parameters: { template: { __rl: true, mode: 'list', value: 'incident' }, statusAttribute: 'status' },
			credentials: { coreProIgaApi: { id: 'esmLocal', name: 'ESM (local)' } },
		});
		expect(await reconcile.methods!.loadOptions!.getStatusValues.call(ctx)).toEqual([
			{ name: '01 - New', value: '01 - New' },
			{ name: '02 - Solving', value: '02 - Solving' },
			{ name: '07 - Closed', value: '07 - Closed' },
		]);
	});
});
