/**
 * Fault case 3: the ESM session token stops working in the middle of a run: it expires (ESM's clock
 * passes its `exp` while requests are on their way), it is revoked between two listing pages, or
 * its lifetime is short enough to run out several times per run. The transport must log in again
 * (once, shared by the parallel requests) and go on: nothing lost, nothing twice.
 */
import {
	USERS_TASK,
	cacheEntries,
	checkPersons,
	clearFaults,
	expectClean,
	jiraPeople,
	loadTemplate,
	onEachRequest,
	onNthRequest,
	pendingKeys,
	renameJiraUsers,
	report,
	runTemplate,
	seedJira,
	setFaults,
	startRig,
	statusCount,
	sum,
	takeCounts,
	writes,
	type Rig,
} from './fault-kit';
import type { IDataObject } from 'n8n-workflow';

let rig: Rig;
beforeAll(async () => {
	// ESM's own lifetime: 15 minutes.
	rig = await startRig({ tokenTtlSec: 900 });
	await seedJira(rig.jira, { users: 600 });
});
afterAll(async () => {
	await rig.stop();
});

const USERS = loadTemplate('jira-users-to-esm-full.json');
const MINUTE = 60_000;
let state: IDataObject = {};

async function begin(): Promise<number> {
	await takeCounts(rig.esm);
	rig.takeSleeps();
	return rig.harness.preAuthCount('esmLocal');
}

it('the token expires while bulk writes are in flight: one new login, the run completes, every person once', async () => {
	const loginsBefore = await begin();
	// When the 3rd bulk PUT arrives, ESM's clock is 16 minutes on: the token it carries has expired.
	const expiry = onNthRequest(rig.esm, 'PUT /dc/{templateCode}/data', 3, () => rig.clock.jump(16 * MINUTE));
	const run = await runTemplate(rig, USERS);
	const counts = await takeCounts(rig.esm);
	expect(expiry.fired()).toBe(true);
	expect(run.error).toBeUndefined();
	const persons = await checkPersons(rig);
	expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: persons.keys.length, failed: 0 });
	const refused = statusCount(counts, '401');
	expect(refused).toBeGreaterThanOrEqual(1);
	// The first login of the rig, and exactly one more for the expired token (parallel requests share it).
	const logins = rig.harness.preAuthCount('esmLocal') - loginsBefore;
	expect(logins).toBe(2);
	expect(counts.byRoute['POST /users/login']).toBe(2);
	expectClean(persons);
	expect(pendingKeys(cacheEntries(run.staticData, USERS_TASK))).toEqual([]);
	state = run.staticData;
	report('token expired mid-run (bulk PUT)', { records: persons.keys.length, refused401: refused, logins, retries: refused, lost: persons.ledger.lost.length, duplicates: persons.ledger.duplicated.length });
});

it('every token is revoked between two look-up pages: one new login, the changed records are written once', async () => {
	const people = await jiraPeople(rig.jira);
	const renamed = people.slice(0, 120).map((user) => user.accountId);
	renameJiraUsers(rig.jira, renamed, 'Revoked');
	const loginsBefore = await begin();
	// Revocation goes through the admin API, so it lands a moment after the 2nd look-up page arrives.
	let revoked: Promise<unknown> = Promise.resolve();
	const hook = onNthRequest(rig.esm, 'GET /dc/{templateCode}/data', 2, () => {
		revoked = setFaults(rig.esm, { revokeTokens: true, merge: true });
	});
	const run = await runTemplate(rig, USERS, state);
	await revoked;
	const counts = await takeCounts(rig.esm);
	expect(hook.fired()).toBe(true);
	expect(run.error).toBeUndefined();
	expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: renamed.length, failed: 0, removed: 0 });
	const refused = statusCount(counts, '401');
	expect(refused).toBeGreaterThanOrEqual(1);
	expect(rig.harness.preAuthCount('esmLocal') - loginsBefore).toBe(1);
	const persons = await checkPersons(rig);
	expectClean(persons);
	state = run.staticData;
	report('tokens revoked between look-up pages', { records: renamed.length, refused401: refused, logins: 1, lost: persons.ledger.lost.length, duplicates: persons.ledger.duplicated.length });
});

it('a 90 s token lifetime runs out several times in one run: renewed before it expires, no request refused', async () => {
	const people = await jiraPeople(rig.jira);
	const renamed = people.slice(200, 500).map((user) => user.accountId);
	renameJiraUsers(rig.jira, renamed, 'Short');
	await setFaults(rig.esm, { tokenTtlSec: 90 });
	// The stored token is a 15-minute one: from the first request on, it is replaced by 90 s ones.
	rig.clock.jump(15 * MINUTE);
	const loginsBefore = await begin();
	// Each look-up page takes 40 s of ESM's time: a 90 s token (renewed 22.5 s early) lasts two of them.
	const stop = onEachRequest(rig.esm, 'GET /dc/{templateCode}/data', () => rig.clock.jump(40_000));
	const run = await runTemplate(rig, USERS, state);
	stop();
	await clearFaults(rig.esm);
	const counts = await takeCounts(rig.esm);
	expect(run.error).toBeUndefined();
	expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: renamed.length, failed: 0 });
	const logins = rig.harness.preAuthCount('esmLocal') - loginsBefore;
	const pages = counts.byRoute['GET /dc/{templateCode}/data'];
	// Renewed before it runs out (a quarter of its lifetime early), never refused: more than the first
	// login, at most one per 40 s page (a busy machine adds real seconds to the emulator's clock), far
	// from one per request.
	expect(logins).toBeGreaterThanOrEqual(2);
	expect(logins).toBeLessThanOrEqual(pages);
	expect(logins).toBeLessThan(counts.total / 2);
	expect(statusCount(counts, '401')).toBe(0);
	const persons = await checkPersons(rig);
	expectClean(persons);
	state = run.staticData;
	report('token lifetime 90 s, renewed in the run', { records: renamed.length, logins, lookUpPages: pages, esmRequests: counts.total, esmWrites: sum(writes(counts)), refused401: 0, lost: persons.ledger.lost.length, duplicates: persons.ledger.duplicated.length });
});

it('a token lifetime (30 s) below the 60 s renewal margin is renewed a quarter of its lifetime early: no refused request, no login per request', async () => {
	const people = await jiraPeople(rig.jira);
	const renamed = people.slice(0, 100).map((user) => user.accountId);
	renameJiraUsers(rig.jira, renamed, 'Tiny');
	await setFaults(rig.esm, { tokenTtlSec: 30 });
	rig.clock.jump(2 * MINUTE);
	const loginsBefore = await begin();
	const run = await runTemplate(rig, USERS, state);
	await clearFaults(rig.esm);
	const counts = await takeCounts(rig.esm);
	expect(run.error).toBeUndefined();
	expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', loaded: renamed.length, failed: 0 });
	expect(statusCount(counts, '401')).toBe(0);
	const persons = await checkPersons(rig);
	expectClean(persons);
	const logins = rig.harness.preAuthCount('esmLocal') - loginsBefore;
	// With a fixed 60 s margin a 30 s token was renewed before every request (8 logins for 8 requests).
	expect(logins).toBeLessThan((counts.total - counts.byRoute['POST /users/login']) / 2);
	report('token lifetime 30 s (below the renewal margin)', { records: renamed.length, logins, esmRequests: counts.total - counts.byRoute['POST /users/login'], lost: persons.ledger.lost.length, duplicates: persons.ledger.duplicated.length });
});
