import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowRunResult } from '../helpers/workflow-harness';
import { recordEsmWrites, statusWrite, type BulkItem } from './esm-requests';
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

const usersTemplate = loadTemplate('jira-users-to-esm-full.json');
const groupsTemplate = loadTemplate('jira-groups-to-esm-full.json');
const TASK = 'jira-groups-full';

interface Card {
	id: number;
	folder: string;
	deleted: boolean;
	data: Record<string, Array<{ value?: string; dataCardId?: string }>>;
}
interface JiraUser {
	accountId: string;
	accountType: string;
	displayName: string;
}
interface JiraGroup {
	groupId: string;
	name: string;
	members: string[];
}
const value = (card: Card, code: string) => card.data[code]?.[0]?.value;
const references = (card: Card, code: string) => (card.data[code] ?? []).map((entry) => String(entry.dataCardId)).sort();

async function cards(template: 'person' | 'group'): Promise<Card[]> {
	const state = await call(`${sandboxes.esmLocal.url}/__admin/state?template=${template}`);
	return (state.cards as Card[]).filter((card) => !card.deleted);
}
const byGroup = (list: Card[], groupId: string) => list.filter((card) => value(card, 'jira_group_id') === groupId);

async function jiraState(): Promise<{ users: JiraUser[]; groups: JiraGroup[] }> {
	return await call(`${sandboxes.jira.url}/__admin/state?include=users,groups`);
}

/** ESM writes (PUT/PATCH/POST/DELETE on /dc) per route since the last call; the counts are cleared. */
async function esmWrites(): Promise<Record<string, number>> {
	const url = sandboxes.esmLocal.url;
	const counts = await call(`${url}/__admin/requests`);
	await call(`${url}/__admin/requests`, { method: 'DELETE' });
	const byRoute = (counts.byRoute ?? counts.routes ?? counts.counts ?? counts) as Record<string, number>;
	return Object.fromEntries(Object.entries(byRoute).filter(([route]) => /^(PUT|PATCH|POST|DELETE) \/dc/.test(route)));
}

async function runGroups(staticData?: WorkflowRunResult['staticData']): Promise<WorkflowRunResult> {
	const result = await harness.runWorkflow({ workflow: groupsTemplate, mode: 'trigger', startItems: [{ json: {} }], staticData });
	expect(result.error).toBeUndefined();
	return result;
}

/** The person card ids of the given accounts, through the cards the users task wrote. */
async function personIds(accountIds: string[]): Promise<string[]> {
	const persons = await cards('person');
	return accountIds
		.map((accountId) => {
			const matches = persons.filter((card) => value(card, 'jira_account_id') === accountId);
			expect(matches).toHaveLength(1);
			return String(matches[0].id);
		})
		.sort();
}

it('imports the Jira groups as entitlement cards whose members reference the person cards, writes nothing on an unchanged re-run, and applies member changes and deleted groups exactly', async () => {
	const { jira } = sandboxes;
	const auth = `${jira.credentials.email}:${jira.credentials.apiToken}`;

	// The person cards come first: the users task, on the same emulators.
	const users = await harness.runWorkflow({ workflow: usersTemplate, mode: 'trigger', startItems: [{ json: {} }] });
	expect(users.error).toBeUndefined();
	expect(users.json('Run Summary')[0]).toMatchObject({ failed: 0 });

	const { groups, users: jiraUsers } = await jiraState();
	const groupIds = groups.map((group) => group.groupId);
	const before = await cards('group');
	const stale = before.filter((card) => value(card, 'datasourceid') === TASK && value(card, 'status') !== '5 - Removed' && !groupIds.includes(String(value(card, 'jira_group_id'))));
	await esmWrites();

	// Run 1: every group is new: one entitlement card each, members resolved to the person cards
	// (inactive members too: the users task keeps their cards, Disabled).
	const first = await runGroups();
	expect(first.json('Run Summary')[0]).toMatchObject({
		task: TASK,
		extracted: groups.length,
		loaded: groups.length,
		failed: 0,
		skippedUnchanged: 0,
		removed: stale.length,
		failures: [],
	});
	const afterFirst = await cards('group');
	for (const group of groups) {
		const found = byGroup(afterFirst, group.groupId);
		expect(found).toHaveLength(1);
		const [card] = found;
		expect(card.folder).toBe('iga_entitlements');
		expect(value(card, 'group_name')).toBe(group.name);
		expect(value(card, 'status')).toBe('1 - Active');
		expect(value(card, 'datasourceid')).toBe(TASK);
		expect(references(card, 'members')).toEqual(await personIds(group.members));
	}
	for (const card of stale) expect(value(afterFirst.find((candidate) => candidate.id === card.id)!, 'status')).toBe('5 - Removed');
	await esmWrites();

	// Run 2: nothing changed in Jira: no card is written.
	const second = await runGroups(first.staticData);
	expect(second.json('Run Summary')[0]).toMatchObject({ extracted: groups.length, loaded: 0, failed: 0, skippedUnchanged: groups.length, removed: 0 });
	expect(second.executedNodes).toContain('Reconcile Removed');
	expect(await esmWrites()).toEqual({});

	// Run 3: a member added to one group, another group deleted, and an app account added to a third
	// group: the template exports people only (Member Account Types = atlassian, as the users task
	// imports), so the third group is unchanged and nothing fails.
	const [grown, deleted, withApp] = groups.filter((group) => group.members.length > 0 && group.members.length < 20);
	const newcomer = jiraUsers.find((user) => user.accountType === 'atlassian' && !grown.members.includes(user.accountId))!;
	const app = jiraUsers.find((user) => user.accountType === 'app')!;
	await call(`${jira.url}/rest/api/3/group/user?groupId=${grown.groupId}`, { method: 'POST', auth, body: JSON.stringify({ accountId: newcomer.accountId }) });
	await call(`${jira.url}/rest/api/3/group?groupId=${deleted.groupId}`, { method: 'DELETE', auth });
	await call(`${jira.url}/rest/api/3/group/user?groupId=${withApp.groupId}`, { method: 'POST', auth, body: JSON.stringify({ accountId: app.accountId }) });
	const beforeThird = await cards('group');
	const recording = recordEsmWrites(sandboxes.esmLocal);
	const third = await runGroups(second.staticData);
	const written = recording.stop();
	const summary = third.json('Run Summary')[0];
	expect(summary).toMatchObject({
		extracted: groups.length - 1,
		loaded: 1,
		failed: 0,
		skippedUnchanged: groups.length - 2,
		removed: 1,
	});
	expect(summary.failures).toEqual([]);
	// Two bulk writes: the upsert of the grown group, then Reconcile Removed's status change of the
	// deleted group's card (its ID and the status attribute only).
	expect(await esmWrites()).toEqual({ 'PUT /dc/{templateCode}/data': 2 });
	expect(written.map((write) => [write.method, write.path])).toEqual([
		['PUT', '/dc/group/data'],
		['PUT', '/dc/group/data'],
	]);
	expect((written[0].body as BulkItem[]).map((item) => item.dataCardId)).toEqual([String(byGroup(beforeThird, grown.groupId)[0].id)]);
	expect(written[1].body).toEqual([statusWrite(byGroup(beforeThird, deleted.groupId)[0].id, 'status', '5 - Removed')]);
	const afterThird = await cards('group');
	expect(references(byGroup(afterThird, grown.groupId)[0], 'members')).toEqual(await personIds([...grown.members, newcomer.accountId]));
	expect(value(byGroup(afterThird, deleted.groupId)[0], 'status')).toBe('5 - Removed');
	for (const card of beforeThird.filter((candidate) => ![grown.groupId, deleted.groupId].includes(String(value(candidate, 'jira_group_id'))))) {
		expect(afterThird.find((candidate) => candidate.id === card.id)).toEqual(card);
	}

	// Run 4: nothing changed: nothing is written.
	const fourth = await runGroups(third.staticData);
	expect(fourth.json('Run Summary')[0]).toMatchObject({ extracted: groups.length - 1, loaded: 0, failed: 0, skippedUnchanged: groups.length - 1, removed: 0 });
	expect(await esmWrites()).toEqual({});

	// Run 5: the app account leaves the group again: still nothing to write.
	await call(`${jira.url}/rest/api/3/group/user?groupId=${withApp.groupId}&accountId=${app.accountId}`, { method: 'DELETE', auth });
	const fifth = await runGroups(fourth.staticData);
	expect(fifth.json('Run Summary')[0]).toMatchObject({ extracted: groups.length - 1, loaded: 0, failed: 0, skippedUnchanged: groups.length - 1, removed: 0 });
	expect(await esmWrites()).toEqual({});
});
