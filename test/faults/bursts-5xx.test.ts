/**
 * Fault case 2: bursts of 5xx answers, `beforeApply` (nothing happened) and `afterApply` (the write
 * happened, its answer was lost), on ESM's bulk PUTs (the upserts and Reconcile Removed's status
 * changes) and on Jira's listing requests, during
 * the full users and issues imports. Every burst is shorter than the transports' 5 retries: each run
 * must complete, and no record may be lost or written twice.
 */
import {
	ISSUES_TASK,
	USERS_TASK,
	checkIncidents,
	checkPersons,
	clearFaults,
	deleteJiraUsers,
	expectClean,
	jiraPeople,
	loadTemplate,
	pendingKeys,
	cacheEntries,
	personsById,
	renameJiraUsers,
	report,
	runTemplate,
	seedJira,
	setFaults,
	startRig,
	statusCount,
	sum,
	syncedKeys,
	takeCounts,
	value,
	writes,
	captureRequests,
	type Counts,
	type Rig,
} from './fault-kit';
import type { IDataObject } from 'n8n-workflow';
import type { FaultConfig } from '../../sandbox';

let rig: Rig;
beforeAll(async () => {
	rig = await startRig();
	await seedJira(rig.jira, { users: 600, issues: 1000 });
});
afterAll(async () => {
	await rig.stop();
});

const USERS = loadTemplate('jira-users-to-esm-full.json');
const ISSUES = loadTemplate('jira-issues-to-esm-full.json');
const BULK_PUT = 'PUT /dc/{templateCode}/data';
const PATCH = 'PATCH /dc/{templateCode}/data/{dataCardId}';
const deleted = { accountStatus: { values: [{ value: 'Deleted' }] } };

type Burst = NonNullable<FaultConfig['fail5xx']>;

async function start(esm?: Burst, jira?: Burst): Promise<void> {
	await takeCounts(rig.esm);
	await takeCounts(rig.jira);
	rig.takeSleeps();
	if (esm) await setFaults(rig.esm, { fail5xx: esm });
	if (jira) await setFaults(rig.jira, { fail5xx: jira });
}

interface Figures {
	esm: Counts;
	jira: Counts;
	esm5xx: number;
	jira5xx: number;
	retries: number;
	/** Bursts not used up: each injected failure must have been met. */
	leftEsm: number;
	leftJira: number;
}

async function finish(): Promise<Figures> {
	const left = async (url: string) => (((await (await fetch(`${url}/__admin/faults`)).json()) as { fail5xx?: { count: number } }).fail5xx?.count ?? 0);
	const leftEsm = await left(rig.esm.url);
	const leftJira = await left(rig.jira.url);
	await clearFaults(rig.esm, rig.jira);
	const esm = await takeCounts(rig.esm);
	const jira = await takeCounts(rig.jira);
	const fives = (counts: Counts) => Object.entries(counts.byStatus).filter(([status]) => /^5/.test(status)).reduce((total, [, count]) => total + count, 0);
	return { esm, jira, esm5xx: fives(esm), jira5xx: fives(jira), retries: rig.takeSleeps().length, leftEsm, leftJira };
}

let usersState: IDataObject = {};
let issuesState: IDataObject = {};

describe('full issues import', () => {
	it('Jira search pages answer 503 after being served (afterApply) and ESM loses the answers of 3 bulk creates: no duplicate, nothing lost', async () => {
		await start(
			{ count: 3, mode: 'afterApply', status: 503, match: BULK_PUT },
			{ count: 3, mode: 'afterApply', status: 502, match: 'POST /rest/api/3/search/jql' },
		);
		const run = await runTemplate(rig, ISSUES);
		const figures = await finish();
		expect(run.error).toBeUndefined();
		const incidents = await checkIncidents(rig, ISSUES_TASK);
		expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', extracted: incidents.keys.length, loaded: incidents.keys.length, failed: 0 });
		expect([figures.esm5xx, figures.jira5xx, figures.leftEsm, figures.leftJira]).toEqual([3, 3, 0, 0]);
		// Each lost bulk answer was followed by a look-up and one resend (as updates): 5 batches + 3.
		expect(figures.esm.byRoute[BULK_PUT]).toBe(Math.ceil(incidents.keys.length / 100) + 3);
		expect(figures.retries).toBe(6);
		expectClean(incidents);
		expect(syncedKeys(run.staticData, ISSUES_TASK, incidents.keys)).toHaveLength(incidents.keys.length);
		issuesState = run.staticData;
		report('5xx afterApply: Jira search + ESM bulk create (issues full)', {
			records: incidents.keys.length,
			faulted: figures.esm5xx + figures.jira5xx,
			retries: figures.retries,
			bulkPuts: figures.esm.byRoute[BULK_PUT],
			lost: incidents.ledger.lost.length,
			duplicates: incidents.ledger.duplicated.length,
		});
	});

	it('Jira search pages answer 503 before being served (beforeApply): the re-run completes and writes nothing', async () => {
		await start(undefined, { count: 4, mode: 'beforeApply', status: 503, match: 'POST /rest/api/3/search/jql' });
		const run = await runTemplate(rig, ISSUES, issuesState);
		const figures = await finish();
		expect(run.error).toBeUndefined();
		const incidents = await checkIncidents(rig, ISSUES_TASK);
		expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', extracted: incidents.keys.length, loaded: 0, skippedUnchanged: incidents.keys.length, removed: 0 });
		expect([figures.jira5xx, figures.leftJira, figures.retries]).toEqual([4, 0, 4]);
		expect(sum(writes(figures.esm))).toBe(0);
		expectClean(incidents);
		report('5xx beforeApply: Jira search (issues re-run)', { faulted: figures.jira5xx, retries: figures.retries, lost: incidents.ledger.lost.length, duplicates: incidents.ledger.duplicated.length });
	});
});

describe('full users import', () => {
	it('ESM loses the answers of 4 bulk creates (afterApply) while the Jira listing fails twice: every person exactly once', async () => {
		await start({ count: 4, mode: 'afterApply', status: 500, match: BULK_PUT }, { count: 2, mode: 'beforeApply', status: 503, match: 'GET /rest/api/3/users/search' });
		const run = await runTemplate(rig, USERS);
		const figures = await finish();
		expect(run.error).toBeUndefined();
		const persons = await checkPersons(rig);
		expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: persons.keys.length, failed: 0 });
		expect([figures.esm5xx, figures.jira5xx, figures.leftEsm, figures.leftJira]).toEqual([4, 2, 0, 0]);
		expect(figures.esm.byRoute[BULK_PUT]).toBe(Math.ceil(persons.keys.length / 100) + 4);
		expectClean(persons);
		expect(pendingKeys(cacheEntries(run.staticData, USERS_TASK))).toEqual([]);
		usersState = run.staticData;
		report('5xx afterApply ESM bulk create + beforeApply Jira users listing (users full)', {
			records: persons.keys.length,
			faulted: figures.esm5xx + figures.jira5xx,
			retries: figures.retries,
			bulkPuts: figures.esm.byRoute[BULK_PUT],
			lost: persons.ledger.lost.length,
			duplicates: persons.ledger.duplicated.length,
		});
	});

	it('bulk updates failing before (beforeApply) and after (afterApply) being applied end with the new values, once', async () => {
		const people = await jiraPeople(rig.jira);
		const renamed = people.slice(1, 151).map((user) => user.accountId);
		renameJiraUsers(rig.jira, renamed, 'Renamed');
		await start({ count: 2, mode: 'beforeApply', status: 503, match: BULK_PUT });
		const run = await runTemplate(rig, USERS, usersState);
		let figures = await finish();
		expect(run.error).toBeUndefined();
		expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: renamed.length, failed: 0, skippedUnchanged: people.length - renamed.length });
		expect([figures.esm5xx, figures.leftEsm]).toEqual([2, 0]);
		const first = figures;

		renameJiraUsers(rig.jira, renamed, 'Again');
		await start({ count: 2, mode: 'afterApply', status: 504, match: BULK_PUT });
		const again = await runTemplate(rig, USERS, run.staticData);
		figures = await finish();
		expect(again.error).toBeUndefined();
		expect(again.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: renamed.length, failed: 0 });
		expect([figures.esm5xx, figures.leftEsm]).toEqual([2, 0]);
		const persons = await checkPersons(rig);
		expectClean(persons);
		const byId = await personsById(rig.esm);
		for (const id of renamed) expect(value(byId.get(id)![0], 'last_name')).toMatch(/ Renamed Again$/);
		expect(pendingKeys(cacheEntries(again.staticData, USERS_TASK))).toEqual([]);
		usersState = again.staticData;
		report('5xx beforeApply + afterApply ESM bulk update (users full)', {
			records: renamed.length * 2,
			faulted: first.esm5xx + figures.esm5xx,
			retries: first.retries + figures.retries,
			lost: persons.ledger.lost.length,
			duplicates: persons.ledger.duplicated.length,
		});
	});

	it.each([
		['afterApply', 500],
		['beforeApply', 503],
	] as const)('Reconcile Removed status bulk PUT failing %s: sent again as it was, exactly the deleted users end Deleted', async (mode, status) => {
		const people = await jiraPeople(rig.jira);
		const gone = people.slice(-3).map((user) => user.accountId);
		await deleteJiraUsers(rig.jira, gone);
		const cardOf = await personsById(rig.esm);
		await start({ count: 2, mode, status, match: BULK_PUT });
		const seen = captureRequests(rig.esm);
		const run = await runTemplate(rig, USERS, usersState);
		seen.stop();
		const figures = await finish();
		expect(run.error).toBeUndefined();
		expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: 0, removed: 3 });
		expect(run.json('Reconcile Removed').at(-1)).toMatchObject({ removed: 3, failed: 0 });
		// Nothing to load: the only writes are the one status batch, failed twice and sent a third time
		// (a PUT of modify requests is idempotent, also after an applied write whose answer was lost).
		expect([figures.esm5xx, figures.leftEsm, figures.esm.byRoute[BULK_PUT], figures.esm.byRoute[PATCH]]).toEqual([2, 0, 3, undefined]);
		const puts = seen.requests.filter((request) => request.method === 'PUT').map((request) => [request.url, JSON.parse(request.body) as unknown]);
		const batch = people
			.slice(-3)
			.map((user) => cardOf.get(user.accountId)![0].id)
			.sort((a, b) => b - a)
			.map((id) => ({ dataCardId: String(id), data: deleted }));
		expect(puts).toEqual(Array.from({ length: 3 }, () => [`${rig.esm.basePath}/dc/person/data`, batch]));
		const byId = await personsById(rig.esm);
		for (const id of gone) {
			expect(byId.get(id)).toHaveLength(1);
			expect(value(byId.get(id)![0], 'accountStatus')).toBe('Deleted');
		}
		const remaining = await checkPersons(rig);
		const stillActive = remaining.ledger.strays.filter((id) => value(byId.get(id)![0], 'accountStatus') !== 'Deleted');
		expect({ ...remaining.ledger, strays: stillActive, wrong: remaining.ledger.wrong.length }).toEqual({ lost: [], duplicated: [], wrong: 0, strays: [] });
		expect(statusCount(figures.esm, String(status))).toBe(2);
		usersState = run.staticData;
		report(`5xx ${mode} ESM bulk PUT (Reconcile Removed)`, { removed: gone.length, faulted: figures.esm5xx, retries: figures.retries, lost: remaining.ledger.lost.length, duplicates: remaining.ledger.duplicated.length });
	});
});
