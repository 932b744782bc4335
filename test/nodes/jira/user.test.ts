import { JIRA, jira, runJira, sent, setupNock } from './jira-kit';
import { teardownHarness } from '../../helpers/workflow-harness';

setupNock();
afterAll(() => teardownHarness());

const USER_NODE = { nodeType: 'n8n-nodes-esm-connectors.jiraUser' };
const account = (value: string) => ({ __rl: true, mode: 'id', value });

function user(n: number, extra: Record<string, unknown> = {}) {
	return {
		accountId: `acc-${n}`,
		accountType: 'atlassian',
		active: true,
		displayName: `User ${n}`,
		emailAddress: `user${n}@acme.example`,
		self: `${JIRA}/rest/api/3/user?accountId=acc-${n}`,
		...extra,
	};
}

describe('Jira User: list all', () => {
	it('reads 1,000 a page, stops on the empty page, filters types and inactive accounts', async () => {
		const all = Array.from({ length: 2300 }, (_, i) =>
			user(i, {
				accountType: i % 100 === 0 ? 'customer' : i % 150 === 0 ? 'app' : 'atlassian',
				active: i % 7 !== 0,
				...(i % 10 === 0 ? { emailAddress: undefined } : {}),
			}),
		);
		const starts: number[] = [];
		jira()
			.get('/rest/api/3/users/search')
			.query(true)
			.times(4)
			.reply(200, (uri) => {
				const params = new URL(uri, JIRA).searchParams;
				const startAt = Number(params.get('startAt'));
				starts.push(startAt);
				expect(params.get('maxResults')).toBe('1000');
				return all.slice(startAt, startAt + 1000);
			});
		const run = await runJira(
			{ resource: 'user', operation: 'getAll', returnAll: true, filters: { accountTypes: ['atlassian'], activeOnly: true } },
			USER_NODE,
		);
		// 3 pages with users, then the empty page that ends a plain-array listing: the minimum.
		expect(starts).toEqual([0, 1000, 2000, 2300]);
		const expected = all.filter((u) => u.accountType === 'atlassian' && u.active);
		expect(run.items).toHaveLength(expected.length);
		expect(run.items[0]).toEqual({ accountId: 'acc-1', email: 'user1@acme.example', emailHidden: false, displayName: 'User 1', active: true, accountType: 'atlassian' });
		expect(run.items.find((u) => u.accountId === 'acc-10')).toMatchObject({ email: null, emailHidden: true });
	});

	it('keeps short pages going: privacy filtering can shorten a page', async () => {
		jira().get('/rest/api/3/users/search').query({ startAt: 0, maxResults: 1000 }).reply(200, [user(1), user(2)]);
		jira().get('/rest/api/3/users/search').query({ startAt: 2, maxResults: 1000 }).reply(200, [user(3)]);
		jira().get('/rest/api/3/users/search').query({ startAt: 3, maxResults: 1000 }).reply(200, []);
		const run = await runJira({ resource: 'user', operation: 'getAll', returnAll: true }, USER_NODE);
		expect(run.items.map((u) => u.accountId)).toEqual(['acc-1', 'acc-2', 'acc-3']);
	});

	it('says which permission is missing on 403', async () => {
		jira().get('/rest/api/3/users/search').query(true).reply(403, { errorMessages: ['You do not have permission'], errors: {} });
		const run = await runJira({ resource: 'user', operation: 'getAll', returnAll: true }, USER_NODE);
		expect(run.error?.message).toBe(
			'The Jira account lacks Browse users and groups (global permission), which this needs (403 Forbidden): You do not have permission',
		);
	});
});

describe('Jira User: get and groups', () => {
	it('gets by account id with groups and products', async () => {
		jira()
			.get('/rest/api/3/user')
			.query({ accountId: 'acc-1', expand: 'groups,applicationRoles' })
			.reply(200, user(1, { groups: { size: 1, items: [{ groupId: 'g-1', name: 'jira-users' }] }, applicationRoles: { size: 1, items: [{ key: 'jira-software' }] } }));
		const run = await runJira(
			{ resource: 'user', operation: 'get', findBy: 'accountId', accountId: account('acc-1'), options: { includeGroups: true, includeApplicationRoles: true } },
			USER_NODE,
		);
		expect(run.items[0]).toMatchObject({ accountId: 'acc-1', groups: [{ groupId: 'g-1', name: 'jira-users' }], applicationRoles: ['jira-software'] });
	});

	it('finds by exact email, not by prefix', async () => {
		jira()
			.get('/rest/api/3/user/search')
			.query({ query: 'user1@acme.example', maxResults: 50 })
			.reply(200, [user(10, { emailAddress: 'user10@acme.example' }), user(1)]);
		jira().get('/rest/api/3/user').query({ accountId: 'acc-1' }).reply(200, user(1));
		const run = await runJira({ resource: 'user', operation: 'get', findBy: 'email', email: 'User1@acme.example' }, USER_NODE);
		expect(run.items[0].accountId).toBe('acc-1');
	});

	it('says when no user has the email', async () => {
		jira().get('/rest/api/3/user/search').query(true).reply(200, []);
		const run = await runJira({ resource: 'user', operation: 'get', findBy: 'email', email: 'nobody@acme.example' }, USER_NODE);
		expect(run.error?.message).toBe('No Jira user has the email nobody@acme.example');
		expect((run.error as { httpCode?: string } | undefined)?.httpCode).toBe('404');
	});

	it("lists a user's groups", async () => {
		jira().get('/rest/api/3/user/groups').query({ accountId: 'acc-1' }).reply(200, [{ groupId: 'g-1', name: 'jira-users' }, { groupId: 'g-2', name: 'admins' }]);
		const run = await runJira({ resource: 'user', operation: 'getGroups', accountId: account('acc-1') }, USER_NODE);
		expect(run.items).toEqual([
			{ accountId: 'acc-1', groupId: 'g-1', name: 'jira-users' },
			{ accountId: 'acc-1', groupId: 'g-2', name: 'admins' },
		]);
	});
});

describe('Jira User: create and delete (idempotent)', () => {
	it('creates with email and products', async () => {
		jira().get('/rest/api/3/user/search').query({ query: 'new@acme.example', maxResults: 50 }).reply(200, []);
		jira().post('/rest/api/3/user').reply(201, user(5, { emailAddress: 'new@acme.example' }));
		const run = await runJira(
			{ resource: 'user', operation: 'create', email: 'new@acme.example', products: ['jira-software', 'jira-servicedesk'] },
			USER_NODE,
		);
		expect(sent(run, 'POST', '/rest/api/3/user').body).toEqual({ emailAddress: 'new@acme.example', products: ['jira-software', 'jira-servicedesk'] });
		expect(run.items[0]).toMatchObject({ accountId: 'acc-5', email: 'new@acme.example', created: true });
	});

	it('returns the existing user with created: false and writes nothing', async () => {
		jira().get('/rest/api/3/user/search').query(true).reply(200, [user(1)]);
		const run = await runJira({ resource: 'user', operation: 'create', email: 'user1@acme.example', products: [] }, USER_NODE);
		expect(run.items[0]).toMatchObject({ accountId: 'acc-1', created: false });
		expect(run.capture.requests.filter((r) => r.method === 'POST')).toEqual([]);
	});

	it('reads "already exists" from Jira as created: false', async () => {
		jira().get('/rest/api/3/user/search').query(true).reply(200, []);
		jira().post('/rest/api/3/user').reply(400, { errorMessages: ['The user already exists.'], errors: {} });
		jira().get('/rest/api/3/user/search').query(true).reply(200, [user(7, { emailAddress: 'late@acme.example' })]);
		const run = await runJira({ resource: 'user', operation: 'create', email: 'late@acme.example', products: ['jira-software'] }, USER_NODE);
		expect(run.items[0]).toMatchObject({ accountId: 'acc-7', created: false });
	});

	it('refuses an email that is not one, before writing', async () => {
		const run = await runJira({ resource: 'user', operation: 'create', email: 'not-an-email', products: [] }, USER_NODE);
		expect(run.error?.message).toBe('Email "not-an-email" is not an email address');
		expect(run.capture.requests).toEqual([]);
	});

	it('deletes, and a user already gone gives deleted: false', async () => {
		jira().delete('/rest/api/3/user').query({ accountId: 'acc-1' }).reply(204);
		jira().delete('/rest/api/3/user').query({ accountId: 'acc-2' }).reply(404, { errorMessages: ['The user with account ID acc-2 does not exist'], errors: {} });
		const run = await runJira(
			{ resource: 'user', operation: 'delete', accountId: account('={{ $json.id }}') },
			{ ...USER_NODE, items: [{ id: 'acc-1' }, { id: 'acc-2' }] },
		);
		expect(run.items).toEqual([
			{ accountId: 'acc-1', deleted: true },
			{ accountId: 'acc-2', deleted: false },
		]);
	});

	it('names the site-admin permission when deleting is forbidden', async () => {
		jira().delete('/rest/api/3/user').query(true).reply(403, { errorMessages: [], errors: {} });
		const run = await runJira({ resource: 'user', operation: 'delete', accountId: account('acc-1') }, USER_NODE);
		expect(run.error?.message).toMatch(/^The Jira account lacks site administration \(member of the site-admin group\)/);
	});
});
