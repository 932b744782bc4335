import { Workflow, type ILoadOptionsFunctions, type INodeType } from 'n8n-workflow';

import { JiraCloudApi } from '../../../credentials/JiraCloudApi.credentials';
import { captureRequests } from '../../helpers/openapi';
import { createWorkflowHarness, findNodeType, teardownHarness } from '../../helpers/workflow-harness';
import { createMetaPage } from './fixtures';
import { API_TOKEN, BASIC_AUTH, EMAIL, JIRA, jira, jiraCredential, setupNock } from './jira-kit';

setupNock();
afterAll(() => teardownHarness());

const node = findNodeType('n8n-nodes-esm-connectors.jiraIssue') as INodeType;

const groupNode = findNodeType('n8n-nodes-esm-connectors.jiraGroup') as INodeType;

function context(parameters: Record<string, unknown>, type = 'n8n-nodes-esm-connectors.jiraIssue'): ILoadOptionsFunctions {
	return createWorkflowHarness({ credentials: [jiraCredential()] }).loadOptionsContext({
		name: 'Jira',
		type,
		typeVersion: 1,
		parameters,
		credentials: { jiraCloudApi: { id: 'jiraCloud', name: 'Jira Cloud' } },
	});
}

let capture: ReturnType<typeof captureRequests>;
beforeEach(() => {
	capture = captureRequests();
});
afterEach(() => {
	capture.stop();
	capture.expectAllValid('jira');
});

describe('list searches', () => {
	it('pages through all projects as the list scrolls', async () => {
		const projects = Array.from({ length: 230 }, (_, i) => ({ id: String(i), key: `P${i}`, name: `Project ${i}` }));
		jira()
			.get('/rest/api/3/project/search')
			.query(true)
			.times(3)
			.reply(200, (uri) => {
				const params = new URL(uri, JIRA).searchParams;
				const startAt = Number(params.get('startAt'));
				expect(params.get('maxResults')).toBe('100');
				const values = projects.slice(startAt, startAt + 100);
				return { startAt, maxResults: 100, total: 230, isLast: startAt + 100 >= 230, values };
			});
		const ctx = context({ resource: 'issue', operation: 'create' });
		const seen: string[] = [];
		let token: unknown;
		do {
			const page = await node.methods!.listSearch!.searchProjects.call(ctx, undefined, token as string | undefined);
			seen.push(...page.results.map((r) => String(r.value)));
			token = page.paginationToken;
		} while (token !== undefined);
		expect(seen).toHaveLength(230);
		expect(seen[229]).toBe('P229');
	});

	it('filters projects by the typed text', async () => {
		jira()
			.get('/rest/api/3/project/search')
			.query({ startAt: 0, maxResults: 100, orderBy: 'key', query: 'serv' })
			.reply(200, { startAt: 0, maxResults: 100, total: 1, isLast: true, values: [{ id: '1', key: 'SD', name: 'Service Desk' }] });
		const page = await node.methods!.listSearch!.searchProjects.call(context({}), 'serv');
		expect(page.results).toEqual([{ name: 'Service Desk (SD)', value: 'SD', url: `${JIRA}/browse/SD` }]);
		expect(page.paginationToken).toBeUndefined();
	});

	it('finds issues through the issue picker', async () => {
		jira()
			.get('/rest/api/3/issue/picker')
			.query({ query: 'print', showSubTasks: 'true' })
			.reply(200, {
				sections: [
					{ id: 'hs', issues: [{ key: 'ABC-1', summaryText: 'Printer' }] },
					{ id: 'cs', issues: [{ key: 'ABC-1', summaryText: 'Printer' }, { key: 'ABC-2', summaryText: 'Print queue' }] },
				],
			});
		const page = await node.methods!.listSearch!.searchIssues.call(context({}), 'print');
		expect(page.results.map((r) => r.value)).toEqual(['ABC-1', 'ABC-2']);
	});
});

describe('user, group and role pickers', () => {
	it('searches users as you type, and pages through everyone with nothing typed', async () => {
		jira().get('/rest/api/3/user/search').query({ query: 'ann', startAt: 0, maxResults: 50 }).reply(200, [{ accountId: 'a-1', displayName: 'Ann', emailAddress: 'ann@acme.example' }]);
		jira().get('/rest/api/3/users/search').query({ startAt: 0, maxResults: 50 }).reply(200, [{ accountId: 'a-2', displayName: 'Bob' }]);
		const ctx = context({}, 'n8n-nodes-esm-connectors.jiraGroup');
		const typed = await groupNode.methods!.listSearch!.searchUsers.call(ctx, 'ann');
		expect(typed.results).toEqual([{ name: 'Ann <ann@acme.example>', value: 'a-1' }]);
		const all = await groupNode.methods!.listSearch!.searchUsers.call(ctx);
		expect(all).toEqual({ results: [{ name: 'Bob', value: 'a-2' }], paginationToken: 1 });
	});

	it('searches groups and offers their ids', async () => {
		jira()
			.get('/rest/api/3/groups/picker')
			.query({ query: 'dev', maxResults: 100, caseInsensitive: 'true' })
			.reply(200, { header: '', total: 1, groups: [{ name: 'devs', groupId: 'g-7', html: 'devs' }] });
		const page = await groupNode.methods!.listSearch!.searchGroups.call(context({}, 'n8n-nodes-esm-connectors.jiraGroup'), 'dev');
		expect(page.results).toEqual([{ name: 'devs', value: 'g-7' }]);
	});

	it("lists the chosen project's roles", async () => {
		jira()
			.get('/rest/api/3/project/ABC/role')
			.reply(200, { Developers: `${JIRA}/rest/api/3/project/ABC/role/10001`, Administrators: `${JIRA}/rest/api/3/project/ABC/role/10002` });
		const options = await groupNode.methods!.loadOptions!.getProjectRoles.call(
			context({ resource: 'projectRole', operation: 'addActor', project: { __rl: true, mode: 'id', value: 'ABC' } }, 'n8n-nodes-esm-connectors.jiraGroup'),
		);
		expect(options).toEqual([
			{ name: 'Administrators', value: '10002' },
			{ name: 'Developers', value: '10001' },
		]);
	});
});

describe('load options', () => {
	it('lists the issue types of the chosen project, all pages', async () => {
		jira()
			.get('/rest/api/3/issue/createmeta/ABC/issuetypes')
			.query({ startAt: 0, maxResults: 200 })
			.reply(200, { startAt: 0, maxResults: 200, total: 2, issueTypes: [{ id: '10001', name: 'Task' }, { id: '10002', name: 'Bug' }] });
		const options = await node.methods!.loadOptions!.getIssueTypes.call(
			context({ resource: 'issue', operation: 'create', project: { __rl: true, mode: 'list', value: 'ABC' } }),
		);
		expect(options.map((o) => [o.name, o.value])).toEqual([
			['Bug', '10002'],
			['Task', '10001'],
		]);
	});

	it('asks for a project first', async () => {
		await expect(
			node.methods!.loadOptions!.getIssueTypes.call(context({ resource: 'issue', operation: 'create', project: { __rl: true, mode: 'list', value: '' } })),
		).rejects.toThrow('Choose a Project first');
	});

	it('lists resolutions and fields', async () => {
		jira().get('/rest/api/3/resolution/search').query({ startAt: 0, maxResults: 100 }).reply(200, { startAt: 0, maxResults: 100, total: 1, isLast: true, values: [{ id: '10000', name: 'Fixed' }] });
		jira().get('/rest/api/3/field').reply(200, [
			{ id: 'summary', name: 'Summary', orderable: true, schema: { type: 'string' } },
			{ id: 'customfield_10016', name: 'Story Points', custom: true, orderable: true, schema: { type: 'number' } },
		]);
		const ctx = context({});
		expect((await node.methods!.loadOptions!.getResolutions.call(ctx)).map((o) => o.value)).toEqual(['Fixed']);
		expect(await node.methods!.loadOptions!.getFields.call(ctx)).toEqual([
			{ name: 'All Fields', value: '*all' },
			{ name: 'Navigable Fields', value: '*navigable' },
			{ name: 'Story Points (customfield_10016)', value: 'customfield_10016' },
			{ name: 'Summary (summary)', value: 'summary' },
		]);
	});

	it('lists the transitions of the chosen issue', async () => {
		jira()
			.get('/rest/api/3/issue/ABC-1/transitions')
			.reply(200, { transitions: [{ id: '31', name: 'Resolve', to: { id: '5', name: 'Done' } }] });
		const options = await node.methods!.loadOptions!.getTransitions.call(
			context({ resource: 'transition', operation: 'do', issueKey: { __rl: true, mode: 'id', value: 'ABC-1' } }),
		);
		expect(options).toEqual([{ name: 'Resolve → Done', value: '31' }]);
	});
});

describe('resource mapper', () => {
	it('offers the create screen fields with types, required flags and allowed values', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		const { fields } = await node.methods!.resourceMapping!.getCreateFields.call(
			context({ resource: 'issue', operation: 'create', project: { __rl: true, mode: 'list', value: 'ABC' }, issueType: '10001' }),
		);
		expect(fields.map((f) => f.id)).toEqual(['priority', 'labels', 'assignee', 'duedate', 'customfield_10016', 'customfield_10050', 'customfield_10060']);
		expect(fields.find((f) => f.id === 'customfield_10050')).toEqual({
			id: 'customfield_10050',
			displayName: 'Team (customfield_10050)',
			required: true,
			defaultMatch: false,
			display: true,
			type: 'options',
			options: [
				{ name: 'Ops', value: '100' },
				{ name: 'Dev', value: '101' },
			],
		});
		expect(fields.find((f) => f.id === 'duedate')?.type).toBe('dateTime');
		expect(fields.find((f) => f.id === 'customfield_10016')?.type).toBe('number');
		expect(fields.find((f) => f.id === 'priority')?.required).toBe(false);
	});

	it('explains that project and issue type come first', async () => {
		const result = await node.methods!.resourceMapping!.getCreateFields.call(context({ resource: 'issue', operation: 'create' }));
		expect(result).toEqual({ fields: [], emptyFieldsNotice: expect.stringMatching(/^Choose a Project and an Issue Type first/) });
	});
});

describe('credential', () => {
	const credential = new JiraCloudApi();
	const authenticate = credential.authenticate as unknown as (credentials: object, request: object) => Promise<Record<string, unknown>>;

	it('authenticates with Basic email:token', async () => {
		const options = await authenticate(
			{ siteUrl: JIRA, email: ` ${EMAIL} `, apiToken: API_TOKEN },
			{ url: `${JIRA}/rest/api/3/myself` },
		);
		expect(options.auth).toEqual({ username: EMAIL, password: API_TOKEN });
		expect(`Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`).toBe(BASIC_AUTH);
	});

	it('refuses an expired token with the fix, in the credential test and in the HTTP Request node alike', async () => {
		await expect(
			authenticate(
				{ siteUrl: JIRA, email: EMAIL, apiToken: API_TOKEN, expiresOn: '2020-01-01' },
				{ url: `${JIRA}/rest/api/3/myself` },
			),
		).rejects.toThrow(/expired on 2020-01-01.*create a new token/);
	});

	it('tests against /rest/api/3/myself on the site and maps 401 / 403 / 404 to clear messages', () => {
		expect(credential.test.request).toMatchObject({ url: '/rest/api/3/myself', method: 'GET' });
		expect(credential.test.rules?.map((rule) => (rule.properties as { value: number }).value)).toEqual([401, 403, 404]);
		// Evaluated by n8n's own expression engine, with the credential in $credentials, as the test request is.
		const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes: { getByName: () => ({}), getByNameAndVersion: () => ({}), getKnownTypes: () => ({}) } as never });
		const evaluate = (data: object) =>
			workflow.expression.getSimpleParameterValue(
				{ id: 'c', name: 'Credential test', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} },
				String(credential.test.request.baseURL),
				'internal',
				{ $credentials: data } as never,
			);
		expect(evaluate({ siteUrl: ' https://acme.atlassian.net/// ' })).toBe('https://acme.atlassian.net');
		expect(evaluate({ siteUrl: 'https://acme.atlassian.net/jira/software/projects/ABC' })).toBe('https://acme.atlassian.net');
		expect(evaluate({ siteUrl: 'acme.atlassian.net' })).toBe('https://acme.atlassian.net');
		expect(evaluate({ siteUrl: 'http://127.0.0.1:8401/' })).toBe('http://127.0.0.1:8401');
	});
});
