import { JIRA, jira, runJira, sent, setupNock } from './jira-kit';
import { teardownHarness } from '../../helpers/workflow-harness';

setupNock();
afterAll(() => teardownHarness());

const GROUP_NODE = { nodeType: 'n8n-nodes-esm-connectors.jiraGroup' };
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const byName = (value: string) => ({ __rl: true, mode: 'name', value });

function pageBean<T>(all: T[], uri: string, pageSize: number) {
	const params = new URL(uri, JIRA).searchParams;
	const startAt = Number(params.get('startAt') ?? 0);
	const maxResults = Math.min(Number(params.get('maxResults') ?? pageSize), pageSize);
	const values = all.slice(startAt, startAt + maxResults);
	return { startAt, maxResults, total: all.length, isLast: startAt + maxResults >= all.length, values };
}

const member = (n: number) => ({ accountId: `acc-${n}`, accountType: 'atlassian', active: true, displayName: `User ${n}`, emailAddress: `u${n}@acme.example` });

describe('Jira Group: groups', () => {
	it('exports all groups with member ids in the fewest requests (50 a page)', async () => {
		const groups = Array.from({ length: 120 }, (_, i) => ({ groupId: `g-${i}`, name: `group-${i}` }));
		const membersOf = (groupId: string) => (groupId === 'g-0' ? Array.from({ length: 120 }, (_, i) => member(i)) : groupId === 'g-1' ? [member(1)] : []);
		const requests: string[] = [];
		jira()
			.get('/rest/api/3/group/bulk')
			.query(true)
			.times(3)
			.reply(200, (uri) => {
				requests.push(uri);
				return pageBean(groups, uri, 50);
			});
		jira()
			.get('/rest/api/3/group/member')
			.query(true)
			.times(122)
			.reply(200, (uri) => {
				requests.push(uri);
				const params = new URL(uri, JIRA).searchParams;
				expect(params.get('includeInactiveUsers')).toBe('true');
				return pageBean(membersOf(String(params.get('groupId'))), uri, 50);
			});
		const run = await runJira(
			{ resource: 'group', operation: 'getAll', returnAll: true, options: { withMembers: true, includeInactive: true } },
			GROUP_NODE,
		);
		expect(run.items).toHaveLength(120);
		expect(run.items[0]).toEqual({ groupId: 'g-0', name: 'group-0', memberAccountIds: Array.from({ length: 120 }, (_, i) => `acc-${i}`), memberCount: 120 });
		expect(run.items[1]).toEqual({ groupId: 'g-1', name: 'group-1', memberAccountIds: ['acc-1'], memberCount: 1 });
		expect(run.items[2]).toMatchObject({ memberAccountIds: [], memberCount: 0 });
		// 3 group pages + 3 member pages for g-0 + 1 for each of the other 119 groups.
		expect(requests).toHaveLength(3 + 3 + 119);
	});

	it('lists the members of several groups at once (Parallel Requests) and keeps the groups in order', async () => {
		const groups = Array.from({ length: 6 }, (_, i) => ({ groupId: `g-${i}`, name: `group-${i}` }));
		jira().get('/rest/api/3/group/bulk').query(true).reply(200, { startAt: 0, maxResults: 50, total: 6, isLast: true, values: groups });
		let inFlight = 0;
		let most = 0;
		jira()
			.get('/rest/api/3/group/member')
			.query(true)
			.times(6)
			.reply(200, async (uri) => {
				inFlight++;
				most = Math.max(most, inFlight);
				const groupId = String(new URL(uri, JIRA).searchParams.get('groupId'));
				// Earlier groups answer later: the output must still follow the listing's order.
				await new Promise((resolve) => setImmediate(resolve));
				for (let i = 0; i < 6 - Number(groupId.slice(2)); i++) await new Promise((resolve) => setImmediate(resolve));
				inFlight--;
				return { startAt: 0, maxResults: 50, total: 1, isLast: true, values: [member(Number(groupId.slice(2)))] };
			});
		const run = await runJira(
			{ resource: 'group', operation: 'getAll', returnAll: true, options: { withMembers: true, concurrency: 3 } },
			GROUP_NODE,
		);
		expect(run.items.map((item) => item.groupId)).toEqual(groups.map((group) => group.groupId));
		expect(run.items.map((item) => item.memberAccountIds)).toEqual(groups.map((_, i) => [`acc-${i}`]));
		expect(most).toBe(3);
	});

	it('exports only members of the chosen account types', async () => {
		jira().get('/rest/api/3/group/bulk').query(true).reply(200, { startAt: 0, maxResults: 50, total: 1, isLast: true, values: [{ groupId: 'g-1', name: 'mixed' }] });
		jira()
			.get('/rest/api/3/group/member')
			.query(true)
			.reply(200, { startAt: 0, maxResults: 50, total: 3, isLast: true, values: [member(1), { ...member(2), accountType: 'app' }, { ...member(3), accountType: 'customer' }] });
		const run = await runJira(
			{ resource: 'group', operation: 'getAll', returnAll: true, options: { withMembers: true, memberAccountTypes: ['atlassian'] } },
			GROUP_NODE,
		);
		expect(run.items).toEqual([{ groupId: 'g-1', name: 'mixed', memberAccountIds: ['acc-1'], memberCount: 1 }]);
	});

	it('lists members of a group by name with paging', async () => {
		const members = Array.from({ length: 75 }, (_, i) => member(i));
		jira()
			.get('/rest/api/3/group/member')
			.query((q) => q.groupname === 'jira-users' && q.includeInactiveUsers === 'false')
			.times(2)
			.reply(200, (uri) => pageBean(members, uri, 50));
		const run = await runJira({ resource: 'group', operation: 'getMembers', group: byName('jira-users'), returnAll: true }, GROUP_NODE);
		expect(run.items).toHaveLength(75);
		expect(run.items[74]).toMatchObject({ group: 'jira-users', accountId: 'acc-74', email: 'u74@acme.example' });
	});

	it('gets a group by id', async () => {
		jira().get('/rest/api/3/group/bulk').query({ groupId: 'g-1', maxResults: 1 }).reply(200, { startAt: 0, maxResults: 1, total: 1, isLast: true, values: [{ groupId: 'g-1', name: 'admins' }] });
		const run = await runJira({ resource: 'group', operation: 'get', group: byId('g-1') }, GROUP_NODE);
		expect(run.items).toEqual([{ groupId: 'g-1', name: 'admins' }]);
	});

	it('says when no group has the name, with httpCode 404', async () => {
		jira().get('/rest/api/3/group/bulk').query({ groupName: 'nope', maxResults: 1 }).reply(200, { startAt: 0, maxResults: 1, total: 0, isLast: true, values: [] });
		const run = await runJira({ resource: 'group', operation: 'get', group: byName('nope') }, { ...GROUP_NODE, continueOnFail: true });
		expect(run.items).toEqual([{ error: 'No Jira group "nope" exists', httpCode: '404' }]);
	});

	it('creates a group, and an existing one gives created: false', async () => {
		jira().post('/rest/api/3/group', { name: 'esm-approvers' }).reply(201, { groupId: 'g-9', name: 'esm-approvers' });
		jira().post('/rest/api/3/group', { name: 'admins' }).reply(400, { errorMessages: ['A group with this name already exists.'], errors: {} });
		jira().get('/rest/api/3/group/bulk').query({ groupName: 'admins', maxResults: 1 }).reply(200, { startAt: 0, maxResults: 1, total: 1, isLast: true, values: [{ groupId: 'g-1', name: 'admins' }] });
		const run = await runJira({ resource: 'group', operation: 'create', name: '={{ $json.name }}' }, { ...GROUP_NODE, items: [{ name: 'esm-approvers' }, { name: 'admins' }] });
		expect(run.items).toEqual([
			{ groupId: 'g-9', name: 'esm-approvers', created: true },
			{ groupId: 'g-1', name: 'admins', created: false },
		]);
	});

	it('deletes with a swap group, and a missing group gives deleted: false', async () => {
		jira().delete('/rest/api/3/group').query({ groupId: 'g-1', swapGroupId: 'g-2' }).reply(200);
		jira().delete('/rest/api/3/group').query({ groupname: 'gone' }).reply(404, { errorMessages: ["Specified group does not exist."], errors: {} });
		const first = await runJira({ resource: 'group', operation: 'delete', group: byId('g-1'), options: { swapGroup: byId('g-2') } }, GROUP_NODE);
		const second = await runJira({ resource: 'group', operation: 'delete', group: byName('gone') }, GROUP_NODE);
		expect(first.items).toEqual([{ group: 'g-1', deleted: true }]);
		expect(second.items).toEqual([{ group: 'gone', deleted: false }]);
	});
});

describe('Jira Group: membership (idempotent)', () => {
	it('adds a member; one already in the group is changed: false', async () => {
		jira().post('/rest/api/3/group/user', { accountId: 'acc-1' }).query({ groupId: 'g-1' }).reply(201, { groupId: 'g-1', name: 'admins' });
		jira()
			.post('/rest/api/3/group/user', { accountId: 'acc-2' })
			.query({ groupId: 'g-1' })
			.reply(400, { errorMessages: ["Cannot add user. User is already a member of 'admins'"], errors: {} });
		const run = await runJira(
			{ resource: 'group', operation: 'addMember', group: byId('g-1'), accountId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ ...GROUP_NODE, items: [{ id: 'acc-1' }, { id: 'acc-2' }] },
		);
		expect(run.items).toEqual([
			{ group: 'g-1', accountId: 'acc-1', changed: true },
			{ group: 'g-1', accountId: 'acc-2', changed: false, reason: 'already a member' },
		]);
	});

	it('removes a member; one not in the group is changed: false; other errors stay errors', async () => {
		jira().delete('/rest/api/3/group/user').query({ groupId: 'g-1', accountId: 'acc-1' }).reply(200);
		jira().delete('/rest/api/3/group/user').query({ groupId: 'g-1', accountId: 'acc-2' }).reply(400, { errorMessages: ['User acc-2 is not a member of admins'], errors: {} });
		jira().delete('/rest/api/3/group/user').query({ groupId: 'g-1', accountId: 'acc-3' }).reply(403, { errorMessages: [], errors: {} });
		const run = await runJira(
			{ resource: 'group', operation: 'removeMember', group: byId('g-1'), accountId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ ...GROUP_NODE, items: [{ id: 'acc-1' }, { id: 'acc-2' }, { id: 'acc-3' }], continueOnFail: true },
		);
		expect(run.items[0]).toEqual({ group: 'g-1', accountId: 'acc-1', changed: true });
		expect(run.items[1]).toEqual({ group: 'g-1', accountId: 'acc-2', changed: false, reason: 'not a member' });
		expect(run.items[2].error).toMatch(/^The Jira account lacks site administration/);
	});
});

describe('Jira Group: projects and project roles', () => {
	it('lists all projects', async () => {
		const projects = Array.from({ length: 130 }, (_, i) => ({ id: String(i), key: `P${i}`, name: `Project ${i}`, projectTypeKey: 'software', lead: { accountId: 'lead-1' } }));
		jira().get('/rest/api/3/project/search').query(true).times(2).reply(200, (uri) => pageBean(projects, uri, 100));
		const run = await runJira({ resource: 'project', operation: 'getAll', returnAll: true }, GROUP_NODE);
		expect(run.items).toHaveLength(130);
		expect(run.items[0]).toEqual({ id: '0', key: 'P0', name: 'Project 0', projectTypeKey: 'software', leadAccountId: 'lead-1', archived: false });
	});

	const roles = { Administrators: `${JIRA}/rest/api/3/project/ABC/role/10002`, Developers: `${JIRA}/rest/api/3/project/ABC/role/10001` };
	const developers = {
		id: 10001,
		name: 'Developers',
		actors: [
			{ id: 1, displayName: 'User 1', type: 'atlassian-user-role-actor', actorUser: { accountId: 'acc-1' } },
			{ id: 2, displayName: 'devs', type: 'atlassian-group-role-actor', name: 'devs', actorGroup: { groupId: 'g-7', name: 'devs', displayName: 'devs' } },
		],
	};

	it('lists roles with their actors', async () => {
		jira().get('/rest/api/3/project/ABC/role').reply(200, roles);
		jira().get('/rest/api/3/project/ABC/role/10002').reply(200, { id: 10002, name: 'Administrators', actors: [] });
		jira().get('/rest/api/3/project/ABC/role/10001').reply(200, developers);
		const run = await runJira({ resource: 'projectRole', operation: 'getAll', project: byId('ABC') }, GROUP_NODE);
		expect(run.items).toEqual([
			{ project: 'ABC', roleId: '10002', name: 'Administrators', actors: [] },
			{
				project: 'ABC',
				roleId: '10001',
				name: 'Developers',
				actors: [
					{ type: 'user', accountId: 'acc-1', displayName: 'User 1' },
					{ type: 'group', groupId: 'g-7', name: 'devs' },
				],
			},
		]);
	});

	it('adds a user to a role; an actor already there is changed: false without a write', async () => {
		jira().get('/rest/api/3/project/ABC/role/10001').times(2).reply(200, developers);
		jira().post('/rest/api/3/project/ABC/role/10001', { user: ['acc-9'] }).reply(200, developers);
		const run = await runJira(
			{ resource: 'projectRole', operation: 'addActor', project: byId('ABC'), roleId: '10001', actorType: 'user', accountId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ ...GROUP_NODE, items: [{ id: 'acc-9' }, { id: 'acc-1' }] },
		);
		expect(run.items).toEqual([
			{ project: 'ABC', roleId: '10001', actorType: 'user', actorId: 'acc-9', changed: true },
			{ project: 'ABC', roleId: '10001', actorType: 'user', actorId: 'acc-1', changed: false, reason: 'already in the role' },
		]);
		expect(sent(run, 'POST', '/rest/api/3/project/ABC/role/10001').body).toEqual({ user: ['acc-9'] });
	});

	it('removes a group (given by name, sent by id) from a role', async () => {
		jira().get('/rest/api/3/group/bulk').query({ groupName: 'devs', maxResults: 1 }).reply(200, { startAt: 0, maxResults: 1, total: 1, isLast: true, values: [{ groupId: 'g-7', name: 'devs' }] });
		jira().get('/rest/api/3/project/ABC/role/10001').reply(200, developers);
		jira().delete('/rest/api/3/project/ABC/role/10001').query({ groupId: 'g-7' }).reply(204);
		const run = await runJira(
			{ resource: 'projectRole', operation: 'removeActor', project: byId('ABC'), roleId: '10001', actorType: 'group', group: byName('devs') },
			GROUP_NODE,
		);
		expect(run.items).toEqual([{ project: 'ABC', roleId: '10001', actorType: 'group', actorId: 'g-7', changed: true }]);
	});
});
