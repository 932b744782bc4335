import { jqlAnd, jqlDateTime, jqlString, jqlUpdatedSince } from '../../nodes/Jira/jql';
import { startJira, type JiraSandbox } from '../../sandbox';
import { JqlError, parseJql } from '../../sandbox/jira/jql';
import { admin, jiraClient } from './kit';

describe('JQL parser', () => {
	test('AND binds tighter than OR; parentheses, NOT, lists, functions and ORDER BY', () => {
		const query = parseJql('project = SD AND (status IN ("To Do", Done) OR assignee = currentUser()) AND NOT labels IS EMPTY ORDER BY created DESC, key');
		expect(query.orderBy).toEqual([
			{ field: 'created', direction: 'DESC', position: expect.any(Number) },
			{ field: 'key', direction: 'ASC', position: expect.any(Number) },
		]);
		expect(query.where).toMatchObject({
			kind: 'and',
			items: [
				{ kind: 'clause', field: 'project', operator: '=', value: { kind: 'string', value: 'SD' } },
				{
					kind: 'or',
					items: [
						{ kind: 'clause', operator: 'IN', value: { kind: 'list', items: [{ value: 'To Do', quoted: true }, { value: 'Done', quoted: false }] } },
						{ kind: 'clause', field: 'assignee', value: { kind: 'function', name: 'currentUser', args: [] } },
					],
				},
				{ kind: 'not', expression: { kind: 'clause', field: 'labels', operator: 'IS', value: { kind: 'empty' } } },
			],
		});
		expect(parseJql('a = 1 OR b = 2 AND c = 3').where).toMatchObject({ kind: 'or', items: [{ field: 'a' }, { kind: 'and' }] });
		expect(parseJql('status NOT IN (Done) AND resolution IS NOT EMPTY AND summary !~ "x"').where).toMatchObject({
			items: [{ operator: 'NOT IN' }, { operator: 'IS NOT' }, { operator: '!~' }],
		});
		expect(parseJql('"Story Points" >= 3 && cf[10050] = Platform || priority != High').where).toMatchObject({
			kind: 'or',
			items: [{ kind: 'and', items: [{ field: 'Story Points', operator: '>=' }, { field: 'cf[10050]' }] }, { operator: '!=' }],
		});
	});

	test("Jira's string escapes: \\\" \\' \\\\ \\n \\t and \\uXXXX", () => {
		const clause = (text: string) => (parseJql(`summary ~ ${text}`).where as { value: { value: string } }).value.value;
		expect(clause(String.raw`"say \"hi\" \\ now"`)).toBe('say "hi" \\ now');
		expect(clause(String.raw`'it\'s'`)).toBe("it's");
		expect(clause(String.raw`"a\nb\tc\u00e4"`)).toBe('a\nb\tcä');
		expect(clause(jqlString('quote " and back\\slash'))).toBe('quote " and back\\slash');
	});

	test.each([
		['summary ~ "open', /quoted string 'open' has not been completed/],
		[String.raw`summary ~ "bad \q"`, /escape sequence '\\q'/],
		['project SD', /Expecting operator but got 'SD'/],
		['project = SD AND', /Expecting a field name but got end of query/],
		['project = SD extra', /Expecting either 'OR' or 'AND' but got 'extra'/],
		['status IN Done', /Expecting '\(' but got 'Done'/],
		['status WAS Done', /'WAS' \(history search\) is not supported/],
		['assignee IS someone', /Expecting 'EMPTY' or 'NULL'/],
		['(project = SD', /Expecting '\)' but got end of query/],
	])('refuses %s', (jql, message) => {
		expect(() => parseJql(jql)).toThrow(JqlError);
		expect(() => parseJql(jql)).toThrow(message);
	});
});

describe('JQL search in the Jira emulator', () => {
	let jira: JiraSandbox;
	let call: ReturnType<typeof jiraClient>;
	const search = async (jql: string, extra: Record<string, unknown> = {}) => call('POST', '/rest/api/3/search/jql', { jql, fields: ['summary', 'labels'], maxResults: 100, ...extra });
	const keys = async (jql: string) => {
		const result = await search(jql);
		expect(result.status).toBe(200);
		return (result.body.issues as Array<{ key: string }>).map((issue) => issue.key);
	};

	beforeAll(async () => {
		jira = await startJira({ port: 0 });
		call = jiraClient(jira);
	});
	afterAll(async () => {
		await jira.stop();
	});

	test('text, equality, lists, empties, functions and ordering select what Jira would', async () => {
		expect(await keys('summary ~ "VPN" ORDER BY key ASC')).toEqual(['OPS-13', 'SD-1']);
		expect(await keys('summary ~ "vpn connection drops"')).toEqual(['SD-1']);
		expect(await keys('summary ~ "conn*" AND project = SD ORDER BY key')).toEqual(['SD-1', 'SD-22']);
		expect(await keys('text ~ "screenshot" AND project = SD').then((found) => found.length)).toBeGreaterThan(0);
		expect((await keys('key IN (SD-1, SD-2, "OPS-3") ORDER BY key ASC'))).toEqual(['OPS-3', 'SD-1', 'SD-2']);
		const all = jira.store.issues.size;
		const done = [...jira.store.issues.values()].filter((issue) => issue.statusId === '10002').length;
		expect((await keys('project IN (SD, OPS) AND status = Done')).length).toBe(done);
		expect((await keys('project IN (SD, OPS) AND status != Done')).length).toBe(all - done);
		const unassigned = [...jira.store.issues.values()].filter((issue) => issue.assigneeId === null).length;
		expect((await keys('project IN (SD, OPS) AND assignee IS EMPTY')).length).toBe(unassigned);
		expect((await keys('project IN (SD, OPS) AND assignee IS NOT EMPTY')).length).toBe(all - unassigned);
		expect((await keys('project IN (SD, OPS) AND resolution = Unresolved')).length).toBe(
			[...jira.store.issues.values()].filter((issue) => issue.resolutionId === null).length,
		);
		expect(await keys('project = OPS AND cf[10050] = "Identity & Access" AND statusCategory = "To Do"')).toEqual(
			[...jira.store.issues.values()]
				.filter((issue) => issue.custom.customfield_10050 === '10103' && issue.statusId === '10000')
				.sort((a, b) => b.created - a.created)
				.map((issue) => issue.key),
		);
		const sorted = await keys('project = SD ORDER BY priority DESC, key ASC');
		expect(sorted).toHaveLength(24);
	});

	test('dates: "yyyy-MM-dd HH:mm", relative periods and functions, as the nodes write them', async () => {
		const issues = [...jira.store.issues.values()];
		const cut = Date.UTC(2026, 9, 15, 12, 30);
		const literal = jqlDateTime(new Date(cut).toISOString());
		expect(literal).toBe('2026-10-15 12:30');
		expect((await keys(`project IN (SD, OPS) AND created >= ${jqlString(literal)}`)).length).toBe(issues.filter((issue) => issue.created >= cut).length);
		expect((await keys(`project IN (SD, OPS) AND created < "2026/10/15 12:30"`)).length).toBe(issues.filter((issue) => issue.created < cut).length);
		expect((await keys('project IN (SD, OPS) AND updated >= -1d')).length).toBe(0);

		const edited = await call('PUT', '/rest/api/3/issue/SD-3', { fields: { summary: 'Printer on floor 3 reports a paper jam (again)' } });
		expect(edited.status).toBe(204);
		expect(await keys('project = SD AND updated >= -30m')).toEqual(['SD-3']);
		expect(await keys('project = SD AND updated >= startOfDay()')).toEqual(['SD-3']);
	});

	test("the nodes' own queries: the lost-answer check after create, watermark clauses", async () => {
		const created = await call('POST', '/rest/api/3/issue', {
			fields: { project: { key: 'SD' }, issuetype: { name: 'Incident' }, summary: 'Lost answer check' },
			properties: [{ key: 'n8n-esm-connectors.createRequest', value: { requestId: 'r-1' } }],
		});
		const check = await call('POST', '/rest/api/3/search/jql', {
			jql: `project = ${jqlString('SD')} AND creator = currentUser() AND created >= -30m ORDER BY created DESC`,
			fields: ['summary'],
			properties: ['n8n-esm-connectors.createRequest'],
			maxResults: 50,
		});
		expect(check.status).toBe(200);
		expect(check.body.issues[0]).toMatchObject({ key: created.body.key, properties: { 'n8n-esm-connectors.createRequest': { requestId: 'r-1' } } });

		const since = jqlUpdatedSince(new Date(Date.now() - 60_000).toISOString(), 5);
		expect(since).toMatch(/^updated >= "\d{4}-\d{2}-\d{2} \d{2}:\d{2}"$/);
		expect(await keys(jqlAnd('project = SD OR project = OPS ORDER BY updated ASC', since))).toContain(created.body.key);
	});

	test("values quoted by the nodes' jqlString come back unchanged", async () => {
		const label = 'it\'s-"quoted"\\back';
		const created = await call('POST', '/rest/api/3/issue', {
			fields: { project: { key: 'SD' }, issuetype: { name: 'Incident' }, summary: 'Quoting check', labels: [label] },
		});
		expect(created.status).toBe(201);
		expect(await keys(`labels = ${jqlString(label)}`)).toEqual([created.body.key]);
		expect(await keys(`labels = ${jqlString("it's")}`)).toEqual([]);
	});

	test.each([
		['foo = bar', "Field 'foo' does not exist or you do not have permission to view it."],
		['status ~ Done', "The operator '~' is not supported by the 'status' field."],
		['summary = "x"', "The operator '=' is not supported by the 'summary' field."],
		['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
		['status = Doing', "The value 'Doing' does not exist for the field 'status'."],
		['key = SD-99999', "An issue with key 'SD-99999' does not exist for field 'key'."],
		['key = XX-1', "The issue key 'XX-1' for field 'key' is invalid."],
		['created > "yesterday"', "Date value 'yesterday' for field 'created' is invalid."],
		['assignee = someoneElse()', "Unable to find JQL function 'someoneElse()'."],
		['summary ~ "*tail"', 'is not allowed to start with wildcard'],
		['project = SD ORDER BY rank', "Not able to sort using field 'rank'."],
		['ORDER BY created DESC', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
		['', 'Unbounded JQL queries are not allowed here.'],
		['customfield_10050 = Platform', "Field 'customfield_10050' does not exist"],
		['project = SD AND', 'Error in the JQL Query: Expecting a field name but got end of query.'],
	])('answers 400 with Jira\'s error shape for %s', async (jql, message) => {
		const result = await search(jql);
		expect(result.status).toBe(400);
		expect(result.body.errors).toEqual({});
		expect(result.body.errorMessages).toHaveLength(1);
		expect(result.body.errorMessages[0]).toContain(message);
	});

	test('nextPageToken pages without duplicates; isLast on the last page; caps 100 with fields, 5000 ids only', async () => {
		expect((await admin(jira.url).post('/seed', { append: true, generate: { issues: 300, seed: 7 } })).status).toBe(200);
		const total = jira.store.issues.size;
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await search('project IN (SD, OPS) ORDER BY key ASC', { maxResults: 70, ...(token ? { nextPageToken: token } : {}) });
			expect(page.status).toBe(200);
			pages++;
			seen.push(...page.body.issues.map((issue: { key: string }) => issue.key));
			token = page.body.nextPageToken;
			expect(page.body.isLast).toBe(token === undefined);
		} while (token);
		expect(pages).toBe(Math.ceil(total / 70));
		expect(new Set(seen).size).toBe(total);

		const withFields = await search('project IN (SD, OPS)', { maxResults: 500 });
		expect(withFields.body.issues).toHaveLength(100);
		expect(withFields.body.isLast).toBe(false);
		const idsOnly = await call('POST', '/rest/api/3/search/jql', { jql: 'project IN (SD, OPS)', fields: ['id'], maxResults: 5000 });
		expect(idsOnly.body.issues).toHaveLength(total);
		expect(idsOnly.body.issues[0]).toEqual({ id: expect.any(String) });
		expect(idsOnly.body.isLast).toBe(true);
		const byDefault = await call('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('project = SD')}&maxResults=2`);
		expect(byDefault.body.issues[0]).toEqual({ id: expect.any(String) });

		expect((await search('project = SD', { nextPageToken: 'not-a-token' })).status).toBe(400);
		const unknownKey = await call('POST', '/rest/api/3/search/jql', { jql: 'project = SD', startAt: 10 });
		expect(unknownKey.status).toBe(400);
		expect(unknownKey.body.errorMessages[0]).toContain('Unrecognized field "startAt"');
		const arrayExpand = await call('POST', '/rest/api/3/search/jql', { jql: 'project = SD', expand: ['names'] });
		expect(arrayExpand.status).toBe(400);
	});

	test('entity properties asked for in search come back per issue', async () => {
		const result = await search('project = SD AND "ESM Reference" IS NOT EMPTY ORDER BY key ASC', { properties: ['esm.sync'] });
		expect(result.body.issues.length).toBe(8);
		for (const issue of result.body.issues) expect(issue.properties['esm.sync']).toMatchObject({ origin: 'esm', efecteId: expect.stringMatching(/^INC-/) });
	});
});
