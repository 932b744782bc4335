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

const template = loadTemplate('jira-users-to-esm-full.json');
const TASK = 'jira-users-full';

interface Card {
	id: number;
	folder: string;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}
interface JiraUser {
	accountId: string;
	accountType: string;
	active: boolean;
	displayName: string;
	email?: string;
	emailVisible: boolean;
}
interface JiraGroup {
	groupId: string;
	name: string;
	members: string[];
}
const value = (card: Card, code: string) => card.data[code]?.[0]?.value;

async function persons(): Promise<Card[]> {
	const state = await call(`${sandboxes.esmLocal.url}/__admin/state?template=person`);
	return (state.cards as Card[]).filter((card) => !card.deleted);
}
const byAccount = (cards: Card[], accountId: string) => cards.filter((card) => value(card, 'jira_account_id') === accountId);

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

/**
 * Deactivates a Jira user the way an admin would (Jira's REST API has no endpoint for it): the
 * emulator is seeded again with its own users and groups, that one user inactive. Account and group
 * IDs stay the same.
 */
async function deactivateInJira(accountId: string): Promise<void> {
	const { users, groups } = await jiraState();
	const integration = sandboxes.jira.credentials.email.toLowerCase();
	await call(`${sandboxes.jira.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			users: users
				.filter((user) => user.email?.toLowerCase() !== integration)
				.map((user) => (user.accountId === accountId ? { ...user, active: false } : user)),
			groups: groups.map((group) => ({ name: group.name, groupId: group.groupId, members: group.members })),
		}),
	});
}

async function run(staticData?: WorkflowRunResult['staticData']): Promise<WorkflowRunResult> {
	const result = await harness.runWorkflow({ workflow: template, mode: 'trigger', startItems: [{ json: {} }], staticData });
	expect(result.error).toBeUndefined();
	return result;
}

it('imports the Jira people as person cards, writes nothing on an unchanged re-run, disables a deactivated user and marks a deleted one Deleted', async () => {
	const { jira } = sandboxes;
	const auth = `${jira.credentials.email}:${jira.credentials.apiToken}`;
	const allUsers = (await jiraState()).users;
	const people = allUsers.filter((user) => user.accountType === 'atlassian');
	// The demo data covers every case the mapping handles.
	expect(people.some((user) => !user.active)).toBe(true);
	expect(people.some((user) => !user.emailVisible)).toBe(true);
	expect(allUsers.some((user) => user.accountType !== 'atlassian')).toBe(true);
	const before = await persons();
	expect(before.filter((card) => value(card, 'datasourceid') === TASK)).toHaveLength(0);
	await esmWrites();

	// Run 1: every person account is new: one person card each, stamped with the Task ID.
	const first = await run();
	expect(first.json('Run Summary')[0]).toMatchObject({
		task: TASK,
		extracted: people.length,
		loaded: people.length,
		failed: 0,
		skippedUnchanged: 0,
		removed: 0,
		failures: [],
	});
	const afterFirst = await persons();
	expect(afterFirst).toHaveLength(before.length + people.length);
	for (const user of people) {
		const cards = byAccount(afterFirst, user.accountId);
		expect(cards).toHaveLength(1);
		const [card] = cards;
		const [firstName, ...rest] = user.displayName.split(' ');
		expect(card.folder).toBe('personnel');
		expect(value(card, 'first_name')).toBe(firstName);
		expect(value(card, 'last_name')).toBe(rest.join(' '));
		expect(value(card, 'accountStatus')).toBe(user.active ? 'Active' : 'Disabled');
		expect(value(card, 'datasourceid')).toBe(TASK);
		// A hidden email is left out, not written as empty.
		expect(value(card, 'email')).toBe(user.emailVisible ? user.email : undefined);
	}
	for (const other of allUsers.filter((user) => user.accountType !== 'atlassian')) {
		expect(byAccount(afterFirst, other.accountId)).toHaveLength(0);
	}
	expect(Object.keys(await esmWrites())).toEqual(['PUT /dc/{templateCode}/data']);

	// Run 2: nothing changed in Jira: no card is written; Reconcile still checks the full set.
	const second = await run(first.staticData);
	expect(second.json('Run Summary')[0]).toMatchObject({ extracted: people.length, loaded: 0, failed: 0, skippedUnchanged: people.length, removed: 0 });
	expect(second.executedNodes).toContain('Reconcile Removed');
	expect(second.json('Reconcile Removed').at(-1)).toMatchObject({ kind: 'users', fetched: people.length, activeInEsm: people.length, kept: people.length });
	expect(await esmWrites()).toEqual({});

	// Run 3: one active user deactivated, another deleted in Jira.
	const [deactivated, deleted] = people.filter((user) => user.active && user.email !== jira.credentials.email);
	await deactivateInJira(deactivated.accountId);
	await call(`${jira.url}/rest/api/3/user?accountId=${deleted.accountId}`, { method: 'DELETE', auth });
	const untouched = (await persons()).filter((card) => ![deactivated.accountId, deleted.accountId].includes(String(value(card, 'jira_account_id'))));
	const deletedCard = byAccount(await persons(), deleted.accountId)[0];
	const deactivatedCard = byAccount(await persons(), deactivated.accountId)[0];
	const recording = recordEsmWrites(sandboxes.esmLocal);
	const third = await run(second.staticData);
	const written = recording.stop();
	expect(third.json('Run Summary')[0]).toMatchObject({
		extracted: people.length - 1,
		loaded: 1,
		failed: 0,
		skippedUnchanged: people.length - 2,
		removed: 1,
	});
	expect(third.json('Reconcile Removed')[0]).toMatchObject({ key: deleted.accountId, previousStatus: 'Active', newStatus: 'Deleted', action: 'removed' });
	// Exactly two bulk writes: the upsert of the deactivated user, then Reconcile Removed's status
	// change of the deleted one (a modify request with the status attribute only).
	expect(await esmWrites()).toEqual({ 'PUT /dc/{templateCode}/data': 2 });
	expect(written.map((write) => [write.method, write.path])).toEqual([
		['PUT', '/dc/person/data'],
		['PUT', '/dc/person/data'],
	]);
	const upsert = written[0].body as BulkItem[];
	expect(upsert.map((item) => [item.dataCardId, item.data.accountStatus.values[0].value])).toEqual([[String(deactivatedCard.id), 'Disabled']]);
	expect(written[1].body).toEqual([statusWrite(deletedCard.id, 'accountStatus', 'Deleted')]);
	const afterThird = await persons();
	expect(value(byAccount(afterThird, deactivated.accountId)[0], 'accountStatus')).toBe('Disabled');
	expect(value(byAccount(afterThird, deleted.accountId)[0], 'accountStatus')).toBe('Deleted');
	for (const card of untouched) expect(afterThird.find((candidate) => candidate.id === card.id)).toEqual(card);

	// Run 4: the deleted user stays Deleted and nothing is written again.
	const fourth = await run(third.staticData);
	expect(fourth.json('Run Summary')[0]).toMatchObject({ extracted: people.length - 1, loaded: 0, skippedUnchanged: people.length - 1, removed: 0 });
	expect(await esmWrites()).toEqual({});
});
