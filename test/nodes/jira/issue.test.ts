import { adfText, API_TOKEN, JIRA, jira, runJira, sent, setupNock } from './jira-kit';
import { createMetaPage, editMeta, issue } from './fixtures';
import { CREATE_REQUEST_PROPERTY } from '../../../nodes/Jira/JiraIssue/actions/issue/create.operation';
import { teardownHarness } from '../../helpers/workflow-harness';

setupNock();
afterAll(() => teardownHarness());

const project = { __rl: true, mode: 'list', value: 'ABC' };
const issueKey = (value: string) => ({ __rl: true, mode: 'id', value });

function createParameters(extra: Record<string, unknown> = {}) {
	return {
		resource: 'issue',
		operation: 'create',
		project,
		issueType: '10001',
		summary: '={{ $json.title }}',
		description: '={{ $json.text }}',
		fields: {
			mappingMode: 'defineBelow',
			value: {
				priority: 'Highest',
				labels: 'esm, incident',
				customfield_10016: '5',
				customfield_10050: 'Ops',
				assignee: '5b10ac8d82e05b22cc7d4ef5',
				duedate: '2026-12-01',
				customfield_10060: '',
			},
			matchingColumns: [],
			schema: [],
		},
		options: { richTextFormat: 'markdown', fieldsJson: '{"Customer Notes": "See **ticket**"}' },
		...extra,
	};
}

describe('Jira Issue: create', () => {
	it('creates the issue with converted fields, validated against the create screen', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query({ startAt: 0, maxResults: 200 }).reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').reply(201, { id: '10042', key: 'ABC-42', self: `${JIRA}/rest/api/3/issue/10042` });

		const run = await runJira(createParameters(), { items: [{ title: 'Printer on fire', text: 'Floor *2*, room 12' }] });

		expect(run.error).toBeUndefined();
		expect(run.items).toEqual([{ id: '10042', key: 'ABC-42', self: `${JIRA}/rest/api/3/issue/10042`, url: `${JIRA}/browse/ABC-42` }]);
		const body = sent(run, 'POST', '/rest/api/3/issue').body as { fields: Record<string, unknown>; properties: unknown[] };
		expect(body.fields).toEqual({
			project: { key: 'ABC' },
			issuetype: { id: '10001' },
			summary: 'Printer on fire',
			description: {
				type: 'doc',
				version: 1,
				content: [
					{
						type: 'paragraph',
						content: [
							{ type: 'text', text: 'Floor ' },
							{ type: 'text', text: '2', marks: [{ type: 'em' }] },
							{ type: 'text', text: ', room 12' },
						],
					},
				],
			},
			priority: { id: '1' },
			labels: ['esm', 'incident'],
			customfield_10016: 5,
			customfield_10050: { id: '100' },
			assignee: { accountId: '5b10ac8d82e05b22cc7d4ef5' },
			duedate: '2026-12-01',
			customfield_10060: {
				type: 'doc',
				version: 1,
				content: [{ type: 'paragraph', content: [{ type: 'text', text: 'See ' }, { type: 'text', text: 'ticket', marks: [{ type: 'strong' }] }] }],
			},
		});
		expect(body.properties).toEqual([{ key: CREATE_REQUEST_PROPERTY, value: { requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } }]);
	});

	it('maps the item’s own fields automatically when asked', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').reply(201, { id: '1', key: 'ABC-1', self: 'x' });
		const run = await runJira(
			createParameters({ description: '', options: {}, fields: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] } }),
			{ items: [{ title: 'Auto', Team: 'Dev', 'Story Points': 8, unrelated: 'x' }] },
		);
		expect(run.error).toBeUndefined();
		expect((sent(run, 'POST', '/rest/api/3/issue').body as { fields: unknown }).fields).toEqual({
			project: { key: 'ABC' },
			issuetype: { id: '10001' },
			summary: 'Auto',
			customfield_10050: { id: '101' },
			customfield_10016: 8,
		});
	});

	it('takes the issue type by name too, and names the available ones when it does not exist', async () => {
		jira()
			.get('/rest/api/3/issue/createmeta/ABC/issuetypes')
			.query({ startAt: 0, maxResults: 200 })
			.reply(200, { startAt: 0, maxResults: 200, total: 2, issueTypes: [{ id: '10001', name: 'Task' }, { id: '10002', name: 'Bug' }] });
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').reply(201, { id: '1', key: 'ABC-1', self: 'x' });
		const run = await runJira(createParameters({ issueType: '={{ $json.type }}' }), {
			items: [{ title: 'By name', type: 'task' }, { title: 'Unknown', type: 'Epic' }],
			continueOnFail: true,
		});
		expect((sent(run, 'POST', '/rest/api/3/issue').body as { fields: { issuetype: unknown } }).fields.issuetype).toEqual({ id: '10001' });
		expect(run.items[1].error).toBe('Issue type "Epic" does not exist in project ABC; available: Task, Bug');
	});

	it('creates a sub-task under its parent', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').reply(201, { id: '2', key: 'ABC-2', self: 'x' });
		const run = await runJira(createParameters({ options: { parentKey: 'ABC-1' } }), { items: [{ title: 'Child' }] });
		expect((sent(run, 'POST', '/rest/api/3/issue').body as { fields: Record<string, unknown> }).fields.parent).toEqual({ key: 'ABC-1' });
	});

	it('stores issue properties (the loop guard marker) with the new issue', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').reply(201, { id: '3', key: 'ABC-3', self: 'x' });
		const run = await runJira(createParameters({ options: { issueProperties: '={{ JSON.stringify({ "esm.sync": $json.marker }) }}' } }), {
			items: [{ title: 'Marked', marker: 'esm-local:abcdefghij' }],
		});
		const { properties } = sent(run, 'POST', '/rest/api/3/issue').body as { properties: Array<{ key: string; value: unknown }> };
		expect(properties[0]).toEqual({ key: 'esm.sync', value: 'esm-local:abcdefghij' });
		expect(properties.map((property) => property.key)).toHaveLength(2);
	});

	it('fetches the create screen once for many items', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).once().reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').times(3).reply(201, (_uri, body) => ({ id: '1', key: `ABC-${(body as { fields: { summary: string } }).fields.summary}`, self: 'x' }));
		const run = await runJira(createParameters(), { items: [{ title: '1' }, { title: '2' }, { title: '3' }] });
		expect(run.items.map((item) => item.key)).toEqual(['ABC-1', 'ABC-2', 'ABC-3']);
		expect(run.result.output('Jira').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it.each([
		['summary', { summary: '={{ $json.missing }}' }, /^Summary is required/],
		['issue type', { issueType: '={{ $json.missing }}' }, /^Issue Type is required/],
		['project', { project: { __rl: true, mode: 'id', value: '={{ $json.missing }}' } }, /^Project is required/],
	])('refuses a missing %s (an expression that came out empty) before any request', async (_name, override, message) => {
		const run = await runJira(createParameters(override), { items: [{ title: 'x' }] });
		expect(run.error?.message).toMatch(message);
		expect(run.capture.requests).toEqual([]);
	});

	it('names an unknown field and writes nothing', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		const run = await runJira(createParameters({ options: { fieldsJson: '{"Story Point": 3}' } }), { items: [{ title: 'x' }] });
		expect(run.error?.message).toMatch(/^Unknown Jira field "Story Point" in Fields \(JSON\): this screen offers .*Story Points \(customfield_10016\)/);
		expect(run.capture.requests.map((r) => r.method)).toEqual(['GET']);
	});

	it('names a value that the select field does not allow', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		const parameters = createParameters();
		(parameters.fields.value as Record<string, unknown>).customfield_10050 = 'Finance';
		const run = await runJira(parameters, { items: [{ title: 'x' }] });
		expect(run.error?.message).toBe('"Finance" is not an allowed value of the Jira field "Team" (customfield_10050); allowed: Ops, Dev');
	});

	it('lists missing required fields of the create screen', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		const parameters = createParameters();
		delete (parameters.fields.value as Record<string, unknown>).customfield_10050;
		const run = await runJira(parameters, { items: [{ title: 'x' }] });
		expect(run.error?.message).toBe('Missing required Jira field for project ABC: Team (customfield_10050)');
		expect(run.capture.requests.filter((r) => r.method === 'POST')).toEqual([]);
	});

	it('turns Jira field errors into a message that names the field', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').reply(400, { errorMessages: [], errors: { customfield_10016: 'Number value expected' } });
		const run = await runJira(createParameters(), { items: [{ title: 'x' }] });
		expect(run.error?.message).toBe('Jira rejected the field customfield_10016: Number value expected');
	});

	it('after a lost answer finds the created issue by its request id instead of creating it twice', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		let requestId = '';
		jira()
			.post('/rest/api/3/issue')
			.reply(502, (_uri, body) => {
				requestId = (body as { properties: Array<{ value: { requestId: string } }> }).properties[0].value.requestId;
				return 'Bad gateway';
			});
		jira()
			.post('/rest/api/3/search/jql')
			.reply(200, () => ({
				issues: [
					{ ...issue('ABC-7'), properties: { [CREATE_REQUEST_PROPERTY]: { requestId: 'someone-else' } } },
					{ ...issue('ABC-8'), properties: { [CREATE_REQUEST_PROPERTY]: { requestId } } },
				],
				isLast: true,
			}));
		const run = await runJira(createParameters(), { items: [{ title: 'x' }] });
		expect(run.error).toBeUndefined();
		expect(run.items[0]).toMatchObject({ key: 'ABC-8' });
		expect(run.capture.requests.filter((r) => r.method === 'POST' && r.pathname === '/rest/api/3/issue')).toHaveLength(1);
		const search = sent(run, 'POST', '/rest/api/3/search/jql').body as Record<string, unknown>;
		expect(search).toMatchObject({
			jql: 'project = "ABC" AND creator = currentUser() AND created >= -30m ORDER BY created DESC',
			properties: [CREATE_REQUEST_PROPERTY],
		});
	});

	it('sends the create again only when the lost write did not happen', async () => {
		jira().get('/rest/api/3/issue/createmeta/ABC/issuetypes/10001').query(true).reply(200, createMetaPage());
		jira().post('/rest/api/3/issue').reply(503, 'unavailable');
		jira().post('/rest/api/3/search/jql').reply(200, { issues: [], isLast: true });
		jira().post('/rest/api/3/issue').reply(201, { id: '10043', key: 'ABC-43', self: 'x' });
		const run = await runJira(createParameters(), { items: [{ title: 'x' }] });
		expect(run.items[0]).toMatchObject({ key: 'ABC-43' });
		expect(run.sleeps).toHaveLength(1);
	});
});

describe('Jira Issue: get, update, delete', () => {
	it('gets an issue with field selection and returns rich text as plain text', async () => {
		jira()
			.get('/rest/api/3/issue/ABC-1')
			.query({ fields: 'summary,description', expand: 'names,changelog', properties: 'esm.sync' })
			.reply(200, { ...issue('ABC-1', { summary: 'S', description: adfText('Hello') }), names: { summary: 'Summary' } });
		const run = await runJira({
			resource: 'issue',
			operation: 'get',
			issueKey: issueKey('ABC-1'),
			options: { fields: ['summary', 'description'], expand: ['names', 'changelog'], properties: 'esm.sync' },
		});
		expect(run.items[0]).toMatchObject({ key: 'ABC-1', fields: { summary: 'S', description: 'Hello' }, url: `${JIRA}/browse/ABC-1` });
	});

	it('keeps ADF when asked', async () => {
		jira().get('/rest/api/3/issue/ABC-1').query({ fields: '*all' }).reply(200, issue('ABC-1', { description: adfText('Hello') }));
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1'), options: { richTextFormat: 'adf' } });
		expect((run.items[0].fields as Record<string, unknown>).description).toEqual(adfText('Hello'));
	});

	it('takes the key from a browse URL', async () => {
		jira().get('/rest/api/3/issue/ABC-77').query(true).reply(200, issue('ABC-77'));
		const run = await runJira({
			resource: 'issue',
			operation: 'get',
			issueKey: { __rl: true, mode: 'url', value: `${JIRA}/browse/ABC-77?focusedCommentId=1` },
		});
		expect(run.items[0].key).toBe('ABC-77');
	});

	it('updates only the given fields, validated against the edit screen', async () => {
		jira().get('/rest/api/3/issue/ABC-1/editmeta').reply(200, editMeta);
		jira().put('/rest/api/3/issue/ABC-1').query({ notifyUsers: false }).reply(204);
		const run = await runJira({
			resource: 'issue',
			operation: 'update',
			issueKey: issueKey('ABC-1'),
			summary: 'New title',
			description: '',
			fields: { mappingMode: 'defineBelow', value: { priority: 'Medium', customfield_10016: null, labels: '' }, matchingColumns: [], schema: [] },
			options: { notifyUsers: false, fieldsJson: '{"duedate": null}' },
		});
		expect(run.items).toEqual([{ key: 'ABC-1', updated: true, updatedFields: ['priority', 'summary', 'duedate'], url: `${JIRA}/browse/ABC-1` }]);
		expect(sent(run, 'PUT', '/rest/api/3/issue/ABC-1').body).toEqual({ fields: { priority: { id: '3' }, summary: 'New title', duedate: null } });
	});

	it('takes an empty mapper (value null, as a hand-written template may have it) with Fields (JSON)', async () => {
		jira().get('/rest/api/3/issue/ABC-1/editmeta').reply(200, editMeta);
		jira().put('/rest/api/3/issue/ABC-1').reply(204);
		const run = await runJira({
			resource: 'issue',
			operation: 'update',
			issueKey: issueKey('ABC-1'),
			fields: { mappingMode: 'defineBelow', value: null, matchingColumns: [], schema: [] },
			options: { fieldsJson: '{"Story Points": 2}' },
		});
		expect(run.error).toBeUndefined();
		expect(sent(run, 'PUT', '/rest/api/3/issue/ABC-1').body).toEqual({ fields: { customfield_10016: 2 } });
	});

	it('updates issue properties in the same edit, alone or with fields', async () => {
		jira().get('/rest/api/3/issue/ABC-1/editmeta').reply(200, editMeta);
		jira().put('/rest/api/3/issue/ABC-1').reply(204);
		const run = await runJira({
			resource: 'issue',
			operation: 'update',
			issueKey: issueKey('ABC-1'),
			summary: '',
			description: '',
			options: { issueProperties: '{"esm.sync": {"origin": "esm-local", "fingerprint": "abc"}}' },
		});
		expect(run.items[0]).toMatchObject({ key: 'ABC-1', updatedFields: [], updatedProperties: ['esm.sync'] });
		expect(sent(run, 'PUT', '/rest/api/3/issue/ABC-1').body).toEqual({ fields: {}, properties: [{ key: 'esm.sync', value: { origin: 'esm-local', fingerprint: 'abc' } }] });
		const bad = await runJira({ resource: 'issue', operation: 'update', issueKey: issueKey('ABC-1'), summary: 'x', options: { issueProperties: '["not", "an object"]' } });
		expect(bad.error?.message).toMatch(/^Issue Properties \(JSON\) must be a JSON object/);
	});

	it('refuses an update with nothing to change', async () => {
		jira().get('/rest/api/3/issue/ABC-1/editmeta').reply(200, editMeta);
		const run = await runJira({ resource: 'issue', operation: 'update', issueKey: issueKey('ABC-1'), summary: '', description: '' });
		expect(run.error?.message).toMatch(/^Nothing to update/);
	});

	it('deletes with subtasks', async () => {
		jira().delete('/rest/api/3/issue/ABC-1').query({ deleteSubtasks: 'true' }).reply(204);
		const run = await runJira({ resource: 'issue', operation: 'delete', issueKey: issueKey('ABC-1'), deleteSubtasks: true });
		expect(run.items).toEqual([{ key: 'ABC-1', deleted: true }]);
	});
});

describe('Jira Issue: search', () => {
	function pages(total: number, pageSize: number) {
		const all = Array.from({ length: total }, (_, i) => issue(`ABC-${i + 1}`, { summary: `Issue ${i + 1}`, description: adfText(`Body ${i + 1}`) }));
		return (token: string | undefined) => {
			const start = token ? Number(token.replace('t', '')) : 0;
			const slice = all.slice(start, start + pageSize);
			const next = start + pageSize < total ? `t${start + pageSize}` : undefined;
			return { issues: slice, ...(next ? { nextPageToken: next } : {}), isLast: !next };
		};
	}

	it('follows nextPageToken across pages with the largest page size and binds JQL values safely', async () => {
		const page = pages(250, 100);
		const bodies: Array<Record<string, unknown>> = [];
		jira()
			.post('/rest/api/3/search/jql')
			.times(3)
			.reply(200, (_uri, body) => {
				bodies.push(body as Record<string, unknown>);
				return page((body as { nextPageToken?: string }).nextPageToken);
			});
		const run = await runJira({
			resource: 'issue',
			operation: 'search',
			jql: 'project = :project AND summary ~ :text ORDER BY key',
			jqlValues: { values: [{ name: 'project', value: 'ABC' }, { name: 'text', value: 'say "hi"' }] },
			returnAll: true,
			options: { fields: ['summary', 'description'], properties: 'esm.sync' },
		});
		expect(run.items).toHaveLength(250);
		expect(run.items[249]).toMatchObject({ key: 'ABC-250', fields: { summary: 'Issue 250', description: 'Body 250' } });
		expect(bodies.map((b) => [b.maxResults, b.nextPageToken])).toEqual([
			[100, undefined],
			[100, 't100'],
			[100, 't200'],
		]);
		expect(bodies[0]).toEqual({
			jql: 'project = "ABC" AND summary ~ "say \\"hi\\"" ORDER BY key',
			fields: ['summary', 'description'],
			properties: ['esm.sync'],
			maxResults: 100,
		});
	});

	it('stops at the limit and asks only for what is left', async () => {
		const page = pages(500, 100);
		const sizes: number[] = [];
		jira()
			.post('/rest/api/3/search/jql')
			.times(2)
			.reply(200, (_uri, body) => {
				const request = body as { nextPageToken?: string; maxResults: number };
				sizes.push(request.maxResults);
				return { ...page(request.nextPageToken), issues: page(request.nextPageToken).issues.slice(0, request.maxResults) };
			});
		const run = await runJira({ resource: 'issue', operation: 'search', jql: 'project = ABC', returnAll: false, limit: 130 });
		expect(run.items).toHaveLength(130);
		expect(sizes).toEqual([100, 30]);
	});

	it('uses pages of 5,000 when only keys are asked', async () => {
		jira().post('/rest/api/3/search/jql', (body) => body.maxResults === 5000 && body.fields.join() === 'key').reply(200, { issues: [issue('ABC-1')], isLast: true });
		const run = await runJira({ resource: 'issue', operation: 'search', jql: 'project = ABC', returnAll: true, options: { fields: '={{ "key" }}' } });
		expect(run.items).toHaveLength(1);
	});

	it('reports invalid JQL with Jira’s reason', async () => {
		jira().post('/rest/api/3/search/jql').reply(400, { errorMessages: ["Field 'sumary' does not exist or you do not have permission to view it."], errors: {} });
		const run = await runJira({ resource: 'issue', operation: 'search', jql: 'sumary ~ x', returnAll: true });
		expect(run.error?.message).toBe("The JQL is not valid: Field 'sumary' does not exist or you do not have permission to view it.");
	});

	it('refuses empty JQL and undefined placeholders before any request', async () => {
		const empty = await runJira({ resource: 'issue', operation: 'search', jql: '  ', returnAll: true });
		expect(empty.error?.message).toMatch(/^JQL is empty/);
		const undefinedValue = await runJira({ resource: 'issue', operation: 'search', jql: 'project = :p', returnAll: true });
		expect(undefinedValue.error?.message).toBe('The JQL uses :p, but no JQL value named "p" is defined');
		expect([...empty.capture.requests, ...undefinedValue.capture.requests]).toEqual([]);
	});
});

describe('Jira Issue: changelog', () => {
	it('reads every page (startAt / isLast)', async () => {
		const histories = Array.from({ length: 230 }, (_, i) => ({ id: String(i), created: '2026-01-01T00:00:00.000+0000', items: [] }));
		const starts: number[] = [];
		jira()
			.get('/rest/api/3/issue/ABC-1/changelog')
			.query(true)
			.times(3)
			.reply(200, (uri) => {
				const url = new URL(uri, JIRA);
				const startAt = Number(url.searchParams.get('startAt'));
				starts.push(startAt);
				const values = histories.slice(startAt, startAt + 100);
				return { values, startAt, maxResults: 100, total: 230, isLast: startAt + 100 >= 230 };
			});
		const run = await runJira({ resource: 'issue', operation: 'changelog', issueKey: issueKey('ABC-1'), returnAll: true });
		expect(run.items).toHaveLength(230);
		expect(run.items[0]).toMatchObject({ issueKey: 'ABC-1', id: '0' });
		expect(starts).toEqual([0, 100, 200]);
	});
});

describe('Jira Issue: reliability and errors', () => {
	it('waits as long as Retry-After says on 429, then succeeds', async () => {
		jira().get('/rest/api/3/issue/ABC-1').query(true).reply(429, { errorMessages: ['Rate limit exceeded'] }, { 'Retry-After': '7' });
		jira().get('/rest/api/3/issue/ABC-1').query(true).reply(200, issue('ABC-1'));
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') });
		expect(run.items[0].key).toBe('ABC-1');
		expect(run.sleeps).toHaveLength(1);
		expect(run.sleeps[0]).toBeGreaterThanOrEqual(7000);
		expect(run.sleeps[0]).toBeLessThanOrEqual(7700);
	});

	it('waits until X-RateLimit-Reset when a 429 has no Retry-After', async () => {
		const reset = new Date(Date.now() + 30_000).toISOString();
		jira().get('/rest/api/3/issue/ABC-1').query(true).reply(429, { errorMessages: ['Rate limit exceeded'] }, { 'X-RateLimit-Reset': reset });
		jira().get('/rest/api/3/issue/ABC-1').query(true).reply(200, issue('ABC-1'));
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') });
		expect(run.items[0].key).toBe('ABC-1');
		expect(run.sleeps[0]).toBeGreaterThan(25_000);
		expect(run.sleeps[0]).toBeLessThanOrEqual(33_000);
	});

	it('fails at once, saying so, when Jira asks to wait longer than five minutes', async () => {
		jira().get('/rest/api/3/issue/ABC-1').query(true).reply(429, { errorMessages: ['Hourly quota used up'] }, { 'Retry-After': '3600' });
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') });
		expect(run.error?.message).toBe('Jira is rate-limiting the requests (429 Too Many Requests)');
		expect(run.sleeps).toEqual([]);
	});

	it('gives up on a 5xx after 5 retries with backoff, naming the status', async () => {
		jira().get('/rest/api/3/issue/ABC-1').query(true).times(6).reply(500, { errorMessages: ['boom'] });
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') });
		expect(run.error?.message).toBe('Jira failed to answer (500): boom');
		expect(run.sleeps).toHaveLength(5);
		expect(run.capture.requests).toHaveLength(6);
	});

	it('does not repeat a delete after a 5xx? it does: DELETE is idempotent', async () => {
		jira().delete('/rest/api/3/issue/ABC-1').query(true).reply(503, '');
		jira().delete('/rest/api/3/issue/ABC-1').query(true).reply(204);
		const run = await runJira({ resource: 'issue', operation: 'delete', issueKey: issueKey('ABC-1') });
		expect(run.items).toEqual([{ key: 'ABC-1', deleted: true }]);
	});

	it('continues on fail with the error on the item and keeps pairing', async () => {
		jira().get('/rest/api/3/issue/ABC-404').query(true).reply(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
		jira().get('/rest/api/3/issue/ABC-2').query(true).reply(200, issue('ABC-2'));
		const run = await runJira(
			{ resource: 'issue', operation: 'get', issueKey: { __rl: true, mode: 'id', value: '={{ $json.key }}' } },
			{ items: [{ key: 'ABC-404' }, { key: 'ABC-2' }], continueOnFail: true },
		);
		expect(run.error).toBeUndefined();
		expect(run.items[0]).toEqual({
			error: 'Not found in Jira (404): Issue does not exist or you do not have permission to see it.',
			errorDescription: 'Jira answers 404 both when the object does not exist and when the account may not see it.',
			httpCode: '404',
		});
		expect(run.items[1].key).toBe('ABC-2');
		expect(run.result.output('Jira').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('sends a failed item to the error output under "Continue (using error output)"', async () => {
		jira().get('/rest/api/3/issue/ABC-404').query(true).reply(404, { errorMessages: ['Issue does not exist'], errors: {} });
		jira().get('/rest/api/3/issue/ABC-2').query(true).reply(200, issue('ABC-2'));
		const run = await runJira(
			{ resource: 'issue', operation: 'get', issueKey: { __rl: true, mode: 'id', value: '={{ $json.key }}' } },
			{ items: [{ key: 'ABC-404' }, { key: 'ABC-2' }], continueOnFail: 'errorOutput' },
		);
		expect(run.error).toBeUndefined();
		expect(run.result.json('Jira', 0).map((item) => item.key)).toEqual(['ABC-2']);
		expect(run.result.json('Jira', 1)).toEqual([expect.objectContaining({ error: 'Not found in Jira (404): Issue does not exist' })]);
	});

	it('reads a 401 as bad credentials and never shows the token', async () => {
		jira().get('/rest/api/3/issue/ABC-1').query(true).reply(401, 'Client must be authenticated to access this resource.');
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') });
		expect(run.error?.message).toBe('Jira rejected the credentials (401 Unauthorized)');
		expect(JSON.stringify(run.result.run)).not.toContain(API_TOKEN);
		expect(JSON.stringify(run.error, Object.getOwnPropertyNames(run.error ?? {}))).not.toContain(API_TOKEN);
	});

	it('says which credential field is wrong when the site cannot be used', async () => {
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') }, { credential: { siteUrl: 'http://acme.atlassian.net' } });
		expect(run.error?.message).toBe('Site URL "http://acme.atlassian.net" must start with https:// (http:// is only accepted for localhost / 127.0.0.1)');
		expect(run.capture.requests).toEqual([]);
	});

	it('fails clearly after the recorded token expiry, before any request', async () => {
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') }, { credential: { expiresOn: '2020-01-31' } });
		expect(run.error?.message).toMatch(/^The Jira API token expired on 2020-01-31/);
		expect(run.capture.requests).toEqual([]);
	});

	it('warns in the output when the token expires within 14 days', async () => {
		const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
		jira().get('/rest/api/3/issue/ABC-1').query(true).reply(200, issue('ABC-1'));
		const run = await runJira({ resource: 'issue', operation: 'get', issueKey: issueKey('ABC-1') }, { credential: { expiresOn: soon } });
		expect(run.items[0].key).toBe('ABC-1');
		const hints = run.result.run.data.resultData.runData.Jira[0].hints ?? [];
		expect(hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringMatching(/^The Jira API token expires in [45] days/) })]);
	});
});
