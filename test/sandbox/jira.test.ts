import { startJira, type JiraSandbox } from '../../sandbox';
import { adf, basicAuth, httpRequest, jiraClient } from './kit';

describe('Jira emulator behaviour', () => {
	let jira: JiraSandbox;
	let call: ReturnType<typeof jiraClient>;
	let me: { accountId: string };

	beforeAll(async () => {
		jira = await startJira({ port: 0 });
		call = jiraClient(jira);
		me = (await call('GET', '/rest/api/3/myself')).body;
	});
	afterAll(async () => {
		await jira.stop();
	});

	test('Basic auth is checked: 401 with Jira\'s body otherwise', async () => {
		for (const headers of [{}, { Authorization: basicAuth(jira.credentials.email, 'wrong-token') }, { Authorization: 'Bearer abc' }] as Array<Record<string, string>>) {
			const result = await httpRequest('GET', `${jira.url}/rest/api/3/myself`, { headers });
			expect(result.status).toBe(401);
			expect(result.body).toEqual({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
		}
		expect((await call('GET', '/rest/api/3/myself')).body).toMatchObject({ emailAddress: 'integration@sandbox.example', accountType: 'atlassian', active: true });
	});

	test('create checks the screen: required fields, allowed values, ADF, field types', async () => {
		const create = (fields: Record<string, unknown>) => call('POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { id: '10001' }, ...fields } });
		let result = await create({});
		expect(result.status).toBe(400);
		expect(result.body).toEqual({ errorMessages: [], errors: { summary: 'You must specify a summary of the issue.', customfield_10050: 'Team is required.' } });

		result = await create({
			summary: 'Bad values',
			customfield_10050: { value: 'Nobody' },
			customfield_10016: 'three',
			description: 'plain text is not ADF',
			priority: { name: 'Urgent' },
			resolution: { name: 'Done' },
			labels: ['two words'],
			assignee: { name: 'bob' },
		});
		expect(result.status).toBe(400);
		expect(result.body.errors).toEqual({
			customfield_10050: "Option value 'Nobody' is not valid",
			customfield_10016: 'Operation value must be a number',
			description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
			priority: 'The priority selected is invalid.',
			resolution: "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.",
			labels: "The label 'two words' contains spaces which is invalid.",
			assignee: "The 'name' and 'key' properties are no longer available: use accountId",
		});
		result = await create({ summary: 'Empty text node', customfield_10050: { id: '10100' }, description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] } });
		expect(result.body.errors).toEqual({ description: 'INVALID_INPUT' });
		expect((await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'NOPE' }, summary: 'x' } })).body.errors).toEqual({ project: 'valid project is required' });

		result = await create({ summary: 'Good', customfield_10050: { value: 'network' }, priority: { id: '2' }, description: adf('Body') });
		expect(result.status).toBe(201);
		expect(result.body).toEqual({ id: expect.stringMatching(/^\d+$/), key: expect.stringMatching(/^OPS-\d+$/), self: `${jira.url}/rest/api/3/issue/${result.body.id}` });
		const issue = (await call('GET', `/rest/api/3/issue/${result.body.key}`)).body;
		expect(issue.fields).toMatchObject({
			summary: 'Good',
			status: { name: 'To Do', statusCategory: { key: 'new' } },
			priority: { name: 'High' },
			customfield_10050: { value: 'Network', id: '10102' },
			reporter: { accountId: me.accountId },
			creator: { accountId: me.accountId },
			resolution: null,
			description: adf('Body'),
		});
		expect(issue.fields.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
	});

	test('every change moves `updated` and writes the changelog; a no-op edit does neither', async () => {
		const key = 'SD-2';
		const current = (await call('GET', `/rest/api/3/issue/${key}?fields=updated,priority`)).body.fields;
		const before = current.updated as string;
		const priority = current.priority.name === 'Highest' ? { id: '5', name: 'Lowest' } : { id: '1', name: 'Highest' };
		const historyBefore = (await call('GET', `/rest/api/3/issue/${key}/changelog`)).body.total as number;

		expect((await call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Cannot log in (SSO)', priority: { name: priority.name } }, update: { labels: [{ add: 'urgent' }, { remove: 'sso' }] } })).status).toBe(204);
		const afterEdit = (await call('GET', `/rest/api/3/issue/${key}?fields=updated,labels`)).body.fields;
		expect(Date.parse(afterEdit.updated)).toBeGreaterThan(Date.parse(before));
		expect(afterEdit.labels).toEqual(['urgent']);
		const changelog = (await call('GET', `/rest/api/3/issue/${key}/changelog`)).body;
		expect(changelog.total).toBe(historyBefore + 1);
		expect(changelog.values[changelog.values.length - 1]).toMatchObject({
			author: { accountId: me.accountId },
			items: [
				{ field: 'summary', fieldtype: 'jira', fromString: 'Cannot log in to the self-service portal', toString: 'Cannot log in (SSO)' },
				{ field: 'priority', to: priority.id, toString: priority.name },
				{ field: 'labels', fromString: 'sso', toString: 'urgent' },
			],
		});

		expect((await call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Cannot log in (SSO)' } })).status).toBe(204);
		expect((await call('GET', `/rest/api/3/issue/${key}?fields=updated`)).body.fields.updated).toBe(afterEdit.updated);
		expect((await call('GET', `/rest/api/3/issue/${key}/changelog`)).body.total).toBe(historyBefore + 1);

		const comment = await call('POST', `/rest/api/3/issue/${key}/comment`, { body: adf('Any news?') });
		expect(comment.status).toBe(201);
		const afterComment = (await call('GET', `/rest/api/3/issue/${key}?fields=updated`)).body.fields.updated;
		expect(Date.parse(afterComment)).toBeGreaterThan(Date.parse(afterEdit.updated));
		expect((await call('PUT', `/rest/api/3/issue/${key}`, { fields: { resolution: { name: 'Done' } } })).body.errors).toEqual({
			resolution: "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.",
		});
		expect((await call('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'x' }, update: { summary: [{ set: 'y' }] } })).status).toBe(400);
	});

	test('transitions: resolution only where the screen shows it; reopening clears it', async () => {
		const created = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'SD' }, issuetype: { name: 'Incident' }, summary: 'Transition me' } });
		const key = created.body.key as string;
		const list = (await call('GET', `/rest/api/3/issue/${key}/transitions?expand=transitions.fields`)).body.transitions;
		expect(list.map((t: { name: string }) => t.name)).toEqual(['Start Progress', 'Resolve', 'Close']);
		expect(list.find((t: { id: string }) => t.id === '31').fields.resolution).toMatchObject({ required: true, allowedValues: expect.arrayContaining([expect.objectContaining({ name: "Won't Do" })]) });
		expect(list.find((t: { id: string }) => t.id === '41').fields).toEqual({});

		let result = await call('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '41' }, fields: { resolution: { name: 'Done' } } });
		expect(result.body).toEqual({ errorMessages: [], errors: { resolution: "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown." } });
		result = await call('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '31' } });
		expect(result.body.errors).toEqual({ resolution: 'Resolution is required.' });
		result = await call('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '51' } });
		expect(result.body.errorMessages).toEqual(["Transition id '51' is not valid for this issue."]);
		expect((await call('POST', `/rest/api/3/issue/${key}/transitions`, {})).body.errorMessages).toEqual(["Missing 'transition' identifier"]);

		result = await call('POST', `/rest/api/3/issue/${key}/transitions`, {
			transition: { id: '31' },
			fields: { resolution: { name: "Won't Do" } },
			update: { comment: [{ add: { body: adf('Not reproducible') } }] },
			historyMetadata: { type: 'esm.sync', generator: { id: 'esm.sync' } },
		});
		expect(result.status).toBe(204);
		let issue = (await call('GET', `/rest/api/3/issue/${key}?fields=status,resolution,resolutiondate,comment`)).body.fields;
		expect(issue.status.name).toBe('Done');
		expect(issue.resolution.name).toBe("Won't Do");
		expect(issue.resolutiondate).toEqual(expect.any(String));
		expect(issue.comment.comments[0].body).toEqual(adf('Not reproducible'));
		const history = (await call('GET', `/rest/api/3/issue/${key}/changelog`)).body.values;
		expect(history[history.length - 1]).toMatchObject({
			historyMetadata: { type: 'esm.sync' },
			items: [{ field: 'status', fromString: 'To Do', toString: 'Done' }, { field: 'resolution', toString: "Won't Do" }],
		});

		expect((await call('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '51' } })).status).toBe(204);
		issue = (await call('GET', `/rest/api/3/issue/${key}?fields=status,resolution,resolutiondate`)).body.fields;
		expect(issue).toMatchObject({ status: { name: 'To Do' }, resolution: null, resolutiondate: null });
	});

	test('entity properties: on create, by endpoint, in search; they do not move `updated`', async () => {
		const created = await call('POST', '/rest/api/3/issue', {
			fields: { project: { key: 'SD' }, issuetype: { name: 'Incident' }, summary: 'Props' },
			properties: [{ key: 'esm.sync', value: { origin: 'esm', fingerprint: 'f1' } }],
		});
		const key = created.body.key as string;
		const updated = (await call('GET', `/rest/api/3/issue/${key}?fields=updated`)).body.fields.updated;
		expect((await call('PUT', `/rest/api/3/issue/${key}/properties/esm.sync`, { origin: 'esm', fingerprint: 'f2' })).status).toBe(200);
		expect((await call('GET', `/rest/api/3/issue/${key}/properties/esm.sync`)).body).toEqual({ key: 'esm.sync', value: { origin: 'esm', fingerprint: 'f2' } });
		expect((await call('GET', `/rest/api/3/issue/${key}?fields=updated&properties=esm.sync`)).body).toMatchObject({ fields: { updated }, properties: { 'esm.sync': { fingerprint: 'f2' } } });
		expect((await call('GET', `/rest/api/3/issue/${key}/properties/none`)).status).toBe(404);
	});

	test('issues: 404 for missing, comments 404, sub-tasks block delete unless deleteSubtasks', async () => {
		expect((await call('GET', '/rest/api/3/issue/SD-9999')).body).toEqual({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
		expect((await call('GET', '/rest/api/3/issue/SD-1/comment/1')).body.errorMessages).toEqual(['Can not find a comment for the id: 1.']);
		const parent = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'SD' }, issuetype: { name: 'Task' }, summary: 'Parent' } });
		const child = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'SD' }, issuetype: { name: 'Sub-task' }, summary: 'Child', parent: { key: parent.body.key } } });
		expect(child.status).toBe(201);
		expect((await call('GET', `/rest/api/3/issue/${parent.body.key}?fields=subtasks`)).body.fields.subtasks[0].key).toBe(child.body.key);
		expect((await call('DELETE', `/rest/api/3/issue/${parent.body.key}`)).status).toBe(400);
		expect((await call('DELETE', `/rest/api/3/issue/${parent.body.key}?deleteSubtasks=true`)).status).toBe(204);
		expect((await call('GET', `/rest/api/3/issue/${child.body.key}`)).status).toBe(404);
	});

	test('users: bare arrays, every kind of account, hidden emails; search finds active users only', async () => {
		const page = (await call('GET', '/rest/api/3/users/search?startAt=0&maxResults=1000')).body as Array<Record<string, unknown>>;
		expect(Array.isArray(page)).toBe(true);
		expect(page).toHaveLength(jira.store.users.size);
		expect(new Set(page.map((user) => user.accountType))).toEqual(new Set(['atlassian', 'app', 'customer']));
		expect(page.some((user) => user.active === false)).toBe(true);
		const hidden = page.filter((user) => user.accountType === 'atlassian' && !('emailAddress' in user));
		expect(hidden.length).toBeGreaterThan(0);
		expect((await call('GET', `/rest/api/3/users/search?startAt=${page.length}&maxResults=1000`)).body).toEqual([]);
		expect((await call('GET', '/rest/api/3/users/search?maxResults=5000')).body).toHaveLength(Math.min(1000, page.length));

		const hiddenUser = jira.store.users.get(String(hidden[0].accountId))!;
		const found = (await call('GET', `/rest/api/3/user/search?query=${encodeURIComponent(hiddenUser.email!)}`)).body;
		expect(found.map((user: { accountId: string }) => user.accountId)).toEqual([hiddenUser.accountId]);
		expect(found[0].emailAddress).toBeUndefined();
		const inactive = [...jira.store.users.values()].find((user) => !user.active && user.email)!;
		expect((await call('GET', `/rest/api/3/user/search?query=${encodeURIComponent(inactive.email!)}`)).body).toEqual([]);
		expect((await call('GET', '/rest/api/3/user/search')).status).toBe(400);
	});

	test('user create and delete answer as Jira does for repeats', async () => {
		expect((await call('POST', '/rest/api/3/user', { emailAddress: 'new.person@acme.example' })).body.errorMessages).toEqual(['You must specify the products that user can access.']);
		const created = await call('POST', '/rest/api/3/user', { emailAddress: 'new.person@acme.example', products: ['jira-software'], displayName: 'ignored' });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ emailAddress: 'new.person@acme.example', displayName: 'New Person', active: true, accountType: 'atlassian' });
		// The spec: an existing user with Jira access is a 201 (the same user), one without access a 400.
		const again = await call('POST', '/rest/api/3/user', { emailAddress: 'NEW.PERSON@acme.example', products: ['jira-software'] });
		expect(again.status).toBe(201);
		expect(again.body.accountId).toBe(created.body.accountId);
		const inactive = [...jira.store.users.values()].find((user) => !user.active && user.email)!;
		const refused = await call('POST', '/rest/api/3/user', { emailAddress: inactive.email, products: [] });
		expect(refused.status).toBe(400);
		expect(refused.body.errorMessages[0]).toMatch(/already exists/);

		expect((await call('DELETE', `/rest/api/3/user?accountId=${created.body.accountId}`)).status).toBe(204);
		expect((await call('DELETE', `/rest/api/3/user?accountId=${created.body.accountId}`)).status).toBe(404);
		expect((await call('DELETE', `/rest/api/3/user?accountId=${me.accountId}`)).status).toBe(400);
		expect((await call('GET', `/rest/api/3/user?accountId=${created.body.accountId}`)).status).toBe(404);
	});

	test('groups and members: the answers idempotent provisioning relies on', async () => {
		const group = await call('POST', '/rest/api/3/group', { name: 'sandbox-idempotency' });
		expect(group.status).toBe(201);
		expect(group.body).toMatchObject({ name: 'sandbox-idempotency', groupId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
		expect((await call('POST', '/rest/api/3/group', { name: 'SANDBOX-idempotency' })).body.errorMessages).toEqual(['A group with this name already exists.']);

		const member = [...jira.store.users.values()].find((user) => user.active && user.accountType === 'atlassian' && user.accountId !== me.accountId)!;
		const add = () => call('POST', `/rest/api/3/group/user?groupname=sandbox-idempotency`, { accountId: member.accountId });
		expect((await add()).status).toBe(201);
		expect((await add()).body).toEqual({ errorMessages: ["Cannot add user. User is already a member of 'sandbox-idempotency'"], errors: {} });
		expect((await call('GET', `/rest/api/3/user/groups?accountId=${member.accountId}`)).body.map((g: { name: string }) => g.name)).toContain('sandbox-idempotency');

		const remove = () => call('DELETE', `/rest/api/3/group/user?groupId=${group.body.groupId}&accountId=${member.accountId}`);
		expect((await remove()).status).toBe(200);
		const second = await remove();
		expect(second.status).toBe(400);
		expect(second.body.errorMessages[0]).toMatch(/not a member of 'sandbox-idempotency'/);
		expect((await call('POST', `/rest/api/3/group/user?groupId=${group.body.groupId}`, { accountId: 'nobody' })).status).toBe(404);
		expect((await call('GET', '/rest/api/3/group/member?groupId=x&groupname=y')).status).toBe(400);

		expect((await call('DELETE', `/rest/api/3/group?groupId=${group.body.groupId}`)).status).toBe(200);
		expect((await call('DELETE', `/rest/api/3/group?groupId=${group.body.groupId}`)).body).toEqual({ errorMessages: ['Specified group does not exist.'], errors: {} });
		expect((await call('GET', `/rest/api/3/group/bulk?groupId=${group.body.groupId}`)).body.values).toEqual([]);
	});

	test('group listings page like Jira: group/bulk and group/member cap at 50 with isLast', async () => {
		const bulk = (await call('GET', '/rest/api/3/group/bulk?maxResults=200')).body;
		expect(bulk).toMatchObject({ maxResults: 50, startAt: 0, total: jira.store.groups.size, isLast: true });
		const everyone = (await call('GET', '/rest/api/3/group/member?groupname=jira-software-users&maxResults=500&includeInactiveUsers=true')).body;
		expect(everyone).toMatchObject({ maxResults: 50, isLast: true });
		const activeOnly = (await call('GET', '/rest/api/3/group/member?groupname=jira-software-users&maxResults=10')).body;
		expect(activeOnly).toMatchObject({ maxResults: 10, isLast: false, nextPage: expect.stringContaining('startAt=10') });
		expect(activeOnly.total).toBeLessThan(everyone.total);
		expect(activeOnly.values.every((user: { active: boolean }) => user.active)).toBe(true);
	});

	test('project roles: user and group actors added and removed', async () => {
		const roles = (await call('GET', '/rest/api/3/project/OPS/role')).body as Record<string, string>;
		expect(Object.keys(roles)).toEqual(['Administrators', 'Developers', 'Service Desk Team']);
		expect(roles.Developers).toBe(`${jira.url}/rest/api/3/project/10001/role/10001`);
		const developers = (await call('GET', '/rest/api/3/project/OPS/role/10001')).body;
		expect(developers.actors).toEqual([
			expect.objectContaining({ type: 'atlassian-group-role-actor', actorGroup: expect.objectContaining({ name: 'it-operations', groupId: expect.any(String) }) }),
		]);
		const hr = jira.store.groupByName('hr-team')!;
		const added = await call('POST', '/rest/api/3/project/OPS/role/10001', { user: [me.accountId], groupId: [hr.groupId] });
		expect(added.status).toBe(200);
		expect(added.body.actors).toHaveLength(3);
		expect((await call('POST', '/rest/api/3/project/OPS/role/10001', { user: [me.accountId] })).status).toBe(400);
		expect((await call('DELETE', `/rest/api/3/project/OPS/role/10001?groupId=${hr.groupId}`)).status).toBe(204);
		expect((await call('DELETE', `/rest/api/3/project/OPS/role/10001?user=${me.accountId}`)).status).toBe(204);
		expect((await call('DELETE', `/rest/api/3/project/OPS/role/10001?user=${me.accountId}`)).status).toBe(404);
		expect((await call('GET', '/rest/api/3/project/OPS/role/10001')).body.actors).toHaveLength(1);
	});
});
