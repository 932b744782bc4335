import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowRunResult } from '../helpers/workflow-harness';
import { retryClock } from '../../nodes/shared/retry';
import { call, loadTemplate, startSandboxes, type Sandboxes } from './sandbox-kit';

let sandboxes: Sandboxes;
let harness: WorkflowHarness;
beforeAll(async () => {
	sandboxes = await startSandboxes();
	harness = createWorkflowHarness({ credentials: sandboxes.credentials });
});
afterAll(async () => {
	await sandboxes.stop();
	teardownHarness();
});

const template = loadTemplate('esm-identity-to-jira.json');
const HEADERS = { 'content-type': 'application/json', 'x-esm-webhook-token': 'sandbox-webhook-secret' };
const ACTIONS = 'createUser, deleteUser, createGroup, deleteGroup, addMember, removeMember';
/** The nodes that talk to Jira: none of them may run for a refused body. */
const JIRA_NODES = [
	'Create User',
	'Find Group By ID',
	'Find Group By Name',
	'Create Group',
	'Delete Group',
	'Find User By ID',
	'Find User By Email',
	'Delete User',
	'Add Member',
	'Remove Member',
];

interface JiraUser {
	accountId: string;
	email?: string;
	active: boolean;
	products: string[];
}
interface JiraGroup {
	groupId: string;
	name: string;
	members: string[];
}

async function jiraState(): Promise<{ users: JiraUser[]; groups: JiraGroup[] }> {
	return (await call(`${sandboxes.jira.url}/__admin/state?include=users,groups`)) as { users: JiraUser[]; groups: JiraGroup[] };
}
const userWithEmail = async (email: string) => (await jiraState()).users.find((user) => user.email === email);
const groupNamed = async (name: string) => (await jiraState()).groups.find((group) => group.name === name);

/** Jira write requests (POST / PUT / DELETE) since the last call, which resets the counts. */
async function jiraWrites(): Promise<Record<string, number>> {
	const counts = await call(`${sandboxes.jira.url}/__admin/requests`);
	await call(`${sandboxes.jira.url}/__admin/requests`, { method: 'DELETE' });
	return Object.fromEntries(Object.entries(counts.byRoute as Record<string, number>).filter(([route]) => /^(POST|PUT|PATCH|DELETE) /.test(route)));
}

async function deliver(body: unknown, on: WorkflowHarness = harness): Promise<WorkflowRunResult> {
	const result = await on.runWorkflow({ workflow: template, mode: 'webhook', webhook: { headers: HEADERS, body } });
	expect(result.error).toBeUndefined();
	expect(result.webhookResponse).toBeDefined();
	return result;
}

/** The status and JSON body the ESM workflow receives. */
function answer(result: WorkflowRunResult): { statusCode: number; body: Record<string, unknown> } {
	const { statusCode, body } = result.webhookResponse as { statusCode: number; body: Record<string, unknown> };
	return { statusCode, body };
}

/** Delivers a call twice (ESM retrying after a lost answer): the first writes once, the second writes nothing. */
async function deliverTwice(
	body: Record<string, unknown>,
	expectedWrite: string,
): Promise<{ first: Record<string, unknown>; again: Record<string, unknown> }> {
	await jiraWrites();
	const first = answer(await deliver(body));
	expect(first.statusCode).toBe(200);
	expect(first.body).toMatchObject({ action: body.action, changed: true });
	expect(await jiraWrites()).toEqual({ [expectedWrite]: 1 });

	const again = answer(await deliver(body));
	expect(again.statusCode).toBe(200);
	expect(again.body).toMatchObject({ action: body.action, changed: false });
	expect(await jiraWrites()).toEqual({});
	return { first: first.body, again: again.body };
}

it('provisions a user and a group, adds and removes the member, deletes both, and writes nothing on re-delivery', async () => {
	const email = 'nora.provisioned@example.com';
	const groupName = 'esm-provisioned-approvers';
	expect(await userWithEmail(email)).toBeUndefined();

	// createUser: the answer carries the accountId the ESM workflow stores in jira_account_id.
	const createdUser = await deliverTwice({ action: 'createUser', email, displayName: 'Nora Provisioned', products: ['jira-servicedesk'] }, 'POST /rest/api/3/user');
	const accountId = String(createdUser.first.accountId);
	expect(createdUser.first).toEqual({ action: 'createUser', accountId, email, displayName: expect.any(String), changed: true });
	expect(createdUser.again).toMatchObject({ accountId, email, changed: false });
	expect(await userWithEmail(email)).toMatchObject({ accountId, active: true, products: ['jira-servicedesk'] });

	// createGroup: the answer carries the groupId.
	const createdGroup = await deliverTwice({ action: 'createGroup', groupName }, 'POST /rest/api/3/group');
	const groupId = String(createdGroup.first.groupId);
	expect(createdGroup.first).toEqual({ action: 'createGroup', groupId, groupName, changed: true });
	expect(createdGroup.again).toEqual({ action: 'createGroup', groupId, groupName, changed: false, reason: `the Jira group "${groupName}" already exists` });
	expect(await groupNamed(groupName)).toEqual({ groupId, name: groupName, members: [] });

	// addMember by IDs.
	const added = await deliverTwice({ action: 'addMember', accountId, groupId }, 'POST /rest/api/3/group/user');
	expect(added.first).toEqual({ action: 'addMember', accountId, email, groupId, groupName, changed: true });
	expect(added.again).toEqual({ action: 'addMember', accountId, email, groupId, groupName, changed: false, reason: `already a member of "${groupName}"` });
	expect((await groupNamed(groupName))?.members).toEqual([accountId]);

	// removeMember by email and group name.
	const removed = await deliverTwice({ action: 'removeMember', email, groupName }, 'DELETE /rest/api/3/group/user');
	expect(removed.first).toEqual({ action: 'removeMember', accountId, email, groupId, groupName, changed: true });
	expect(removed.again).toMatchObject({ accountId, groupId, changed: false, reason: `not a member of "${groupName}"` });
	expect((await groupNamed(groupName))?.members).toEqual([]);

	// deleteGroup by ID.
	const deletedGroup = await deliverTwice({ action: 'deleteGroup', groupId }, 'DELETE /rest/api/3/group');
	expect(deletedGroup.first).toEqual({ action: 'deleteGroup', groupId, groupName, changed: true });
	expect(deletedGroup.again).toEqual({ action: 'deleteGroup', groupId, groupName: null, changed: false, reason: `no Jira group "${groupId}" exists` });
	expect(await groupNamed(groupName)).toBeUndefined();

	// deleteUser by account ID; re-delivered by email it is just as much a no-op.
	const deletedUser = await deliverTwice({ action: 'deleteUser', accountId }, 'DELETE /rest/api/3/user');
	expect(deletedUser.first).toEqual({ action: 'deleteUser', accountId, email, changed: true });
	expect(deletedUser.again).toEqual({ action: 'deleteUser', accountId, email: null, changed: false, reason: `no Jira user "${accountId}" exists` });
	const byEmail = answer(await deliver({ action: 'deleteUser', email }));
	expect(byEmail).toEqual({ statusCode: 200, body: { action: 'deleteUser', accountId: null, email, changed: false, reason: `no Jira user "${email}" exists` } });
	expect(await jiraWrites()).toEqual({});
	const state = await jiraState();
	expect(state.users.find((user) => user.accountId === accountId)).toBeUndefined();
	expect(state.groups.find((group) => group.groupId === groupId)).toBeUndefined();
});

it('treats removing from a group or deleting what does not exist as done, writing nothing', async () => {
	const { accountId } = (await jiraState()).users.find((user) => user.active && user.email)!;
	await jiraWrites();

	const noGroup = answer(await deliver({ action: 'removeMember', accountId, groupName: 'no-such-group' }));
	expect(noGroup).toEqual({
		statusCode: 200,
		body: { action: 'removeMember', accountId, email: null, groupId: null, groupName: 'no-such-group', changed: false, reason: 'no Jira group "no-such-group" exists' },
	});
	const noUser = answer(await deliver({ action: 'removeMember', accountId: 'no-such-account', groupId: (await jiraState()).groups[0].groupId }));
	expect(noUser.statusCode).toBe(200);
	expect(noUser.body).toMatchObject({ changed: false, reason: 'no Jira user "no-such-account" exists' });
	const deleteMissingGroup = answer(await deliver({ action: 'deleteGroup', groupName: 'no-such-group' }));
	expect(deleteMissingGroup.body).toEqual({ action: 'deleteGroup', groupId: null, groupName: 'no-such-group', changed: false, reason: 'no Jira group "no-such-group" exists' });
	expect(await jiraWrites()).toEqual({});
});

it('answers 400 naming the missing field and the action (or the valid actions), and writes nothing', async () => {
	const before = await jiraState();
	await jiraWrites();

	const cases: Array<[unknown, string | RegExp]> = [
		[{ action: 'createUser', displayName: 'No Mail' }, 'Missing required field for createUser: email'],
		[{ action: 'createUser', email: 'not-an-email' }, 'email "not-an-email" is not an email address (createUser)'],
		[{ action: 'createUser', email: 'x@example.com', products: [1] }, /^products must be a list of Jira product keys/],
		[{ action: 'deleteUser' }, 'Missing required field for deleteUser: accountId (or email)'],
		[{ action: 'deleteUser', accountId: 'a b" OR 1' }, 'accountId "a b\\" OR 1" is not an Atlassian account ID (deleteUser)'],
		[{ action: 'createGroup', groupId: 'abc' }, 'Missing required field for createGroup: groupName'],
		[{ action: 'deleteGroup', groupName: '  ' }, 'Missing required field for deleteGroup: groupId (or groupName)'],
		[{ action: 'addMember', email: 'x@example.com' }, 'Missing required field for addMember: groupId (or groupName)'],
		[{ action: 'removeMember' }, 'Missing required fields for removeMember: accountId (or email), groupId (or groupName)'],
		[{ action: 'addMember', accountId: { id: 1 }, groupId: 'g' }, 'accountId must be text (addMember)'],
		[{ action: 'disableUser', accountId: 'abc' }, `Unknown action "disableUser": use one of ${ACTIONS}`],
		[{ email: 'x@example.com' }, `Missing required field: action (one of ${ACTIONS})`],
		['createUser', `The body must be a JSON object with an action (one of ${ACTIONS})`],
		[[{ action: 'createUser', email: 'x@example.com' }], /^The body must be a JSON object/],
	];
	for (const [body, message] of cases) {
		const result = await deliver(body);
		expect(answer(result).statusCode).toBe(400);
		const error = String(answer(result).body.error);
		if (typeof message === 'string') expect(error).toBe(message);
		else expect(error).toMatch(message);
		expect(result.executedNodes.filter((node) => JIRA_NODES.includes(node))).toEqual([]);
	}
	expect(answer(await deliver({ action: 'deleteGroup' })).body).toEqual({
		action: 'deleteGroup',
		error: 'Missing required field for deleteGroup: groupId (or groupName)',
	});
	expect(await jiraWrites()).toEqual({});
	expect(await jiraState()).toEqual(before);
});

it("answers Jira's refusals as 422 with the message: unknown group or user for addMember, a product Jira does not know", async () => {
	const [user] = (await jiraState()).users.filter((candidate) => candidate.active && candidate.email);
	const [group] = (await jiraState()).groups;
	await jiraWrites();

	const noGroup = answer(await deliver({ action: 'addMember', accountId: user.accountId, groupName: 'no-such-group' }));
	expect(noGroup).toEqual({ statusCode: 422, body: { action: 'addMember', error: 'No Jira group "no-such-group" exists: addMember needs an existing group' } });

	const noUser = answer(await deliver({ action: 'addMember', email: 'nobody@example.com', groupId: group.groupId }));
	expect(noUser).toEqual({ statusCode: 422, body: { action: 'addMember', error: 'No Jira user "nobody@example.com" exists: addMember needs an existing user' } });
	expect(await jiraWrites()).toEqual({});

	const badProduct = answer(await deliver({ action: 'createUser', email: 'new.person@example.com', products: ['jira-everything'] }));
	expect(badProduct.statusCode).toBe(422);
	expect(badProduct.body).toMatchObject({ action: 'createUser', error: expect.stringMatching(/^Jira rejected the request: The product 'jira-everything' is not valid/) });
	expect(await userWithEmail('new.person@example.com')).toBeUndefined();
});

it('answers 502 when Jira fails (5xx after the retries) or refuses the credentials, and creates nothing', async () => {
	const { sleep } = retryClock;
	retryClock.sleep = async () => undefined; // the transport's backoff between retries, skipped
	await call(`${sandboxes.jira.url}/__admin/faults`, {
		method: 'POST',
		body: JSON.stringify({ fail5xx: { count: 50, mode: 'beforeApply', status: 503, match: 'POST /rest/api/3/group' } }),
	});
	try {
		const failed = answer(await deliver({ action: 'createGroup', groupName: 'esm-during-outage' }));
		expect(failed.statusCode).toBe(502);
		expect(failed.body).toMatchObject({ action: 'createGroup', error: expect.stringMatching(/^Jira failed to answer \(503\)/), description: expect.any(String) });
		expect(await groupNamed('esm-during-outage')).toBeUndefined();
	} finally {
		retryClock.sleep = sleep;
		await call(`${sandboxes.jira.url}/__admin/faults`, { method: 'DELETE' });
	}

	const revoked = createWorkflowHarness({
		credentials: sandboxes.credentials.map((credential) =>
			credential.id === 'jiraCloud' ? { ...credential, data: { ...credential.data, apiToken: 'revoked-token' } } : credential,
		),
	});
	const refused = answer(await deliver({ action: 'createUser', email: 'while.revoked@example.com' }, revoked));
	expect(refused.statusCode).toBe(502);
	expect(refused.body).toMatchObject({ action: 'createUser', error: 'Jira rejected the credentials (401 Unauthorized)' });
	expect(await userWithEmail('while.revoked@example.com')).toBeUndefined();
});

it('answers the new group once when Jira created it but the answer was lost', async () => {
	const { sleep } = retryClock;
	retryClock.sleep = async () => undefined;
	await call(`${sandboxes.jira.url}/__admin/faults`, {
		method: 'POST',
		body: JSON.stringify({ fail5xx: { count: 1, mode: 'afterApply', status: 502, match: 'POST /rest/api/3/group' } }),
	});
	try {
		const result = answer(await deliver({ action: 'createGroup', groupName: 'esm-lost-answer' }));
		const group = await groupNamed('esm-lost-answer');
		expect(result).toEqual({ statusCode: 200, body: { action: 'createGroup', groupId: group?.groupId, groupName: 'esm-lost-answer', changed: true } });
		expect((await jiraState()).groups.filter((candidate) => candidate.name === 'esm-lost-answer')).toHaveLength(1);
	} finally {
		retryClock.sleep = sleep;
		await call(`${sandboxes.jira.url}/__admin/faults`, { method: 'DELETE' });
	}
});
