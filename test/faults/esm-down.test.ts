/**
 * Fault case 4: ESM goes down (every connection is reset) for 30 seconds in the middle of the load
 * step of a full users import. With the fault-kit clock (50x real time) the outage lasts 0.6 real
 * seconds, and the transports' backoff waits pass at the same pace.
 */
import {
	USERS_TASK,
	checkPersons,
	clearFaults,
	expectCacheTruthful,
	expectClean,
	expectClearMessage,
	expectNoSecret,
	everythingOf,
	loadTemplate,
	onNthRequest,
	report,
	runTemplate,
	seedJira,
	startRig,
	statusCount,
	syncedKeys,
	takeCounts,
	value,
	writeFailureCard,
	type Rig,
} from './fault-kit';

let rig: Rig;
beforeAll(async () => {
	rig = await startRig({ random: 0.5 });
	await seedJira(rig.jira, { users: 600 });
});
afterAll(async () => {
	await rig.stop();
});
afterEach(async () => {
	await clearFaults(rig.esm, rig.jira);
});

const USERS = loadTemplate('jira-users-to-esm-full.json');
const ESM_UNREACHABLE = /ESM .*(failed|reach|closed|offline)|connection/i;

async function wipeEsm(): Promise<void> {
	await fetch(`${rig.esm.url}/__admin/seed`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
	await takeCounts(rig.esm);
	rig.takeSleeps();
}

it('ESM down for 30 s from the 3rd bulk write: the run ends clearly, caches no failed write, and the next run completes with every person once', async () => {
	await wipeEsm();
	const outage = onNthRequest(rig.esm, 'PUT /dc/{templateCode}/data', 3, () => rig.esm.faults.configure({ downForMs: 30_000 }));
	const startedAt = rig.clock.now();
	const run = await runTemplate(rig, USERS);
	const elapsed = rig.clock.now() - startedAt;
	const counts = await takeCounts(rig.esm);
	const sleeps = rig.takeSleeps();
	expect(outage.fired()).toBe(true);
	const resets = statusCount(counts, 'reset');
	expect(resets).toBeGreaterThan(0);
	expectNoSecret(everythingOf(run), 'the run during the outage');

	// The run never ends quietly with records missing: it fails, in the node that met the outage, or at
	// Fail the Run when the write node reported failed items (the Run Summary counts them); n8n then
	// runs the failure-card workflow (ESM is back by then).
	let outcome: string;
	let failedItems = 0;
	if (run.error) {
		const lastNode = run.run.data.resultData.lastNodeExecuted;
		outcome = `failed in ${lastNode}`;
		if (lastNode === 'Fail the Run') {
			const [summary] = run.json('Run Summary');
			failedItems = Number(summary.failed);
			expect(summary.status).toBe('completed with failures');
			expect(failedItems).toBeGreaterThan(0);
			expect(run.error.message).toContain(`jira-users-full: ${failedItems} record(s) could not be synced in this run`);
			for (const failure of summary.failures as Array<{ error: string }>) expectClearMessage(failure.error, ESM_UNREACHABLE);
		} else {
			expectClearMessage(run.error.message, ESM_UNREACHABLE);
		}
		await clearFaults(rig.esm);
		const card = await writeFailureCard(rig, run, USERS);
		expect(value(card, 'error_message')).toBe(run.error.message);
		expect(value(card, 'node_name')).toBe(lastNode);
		expectNoSecret(JSON.stringify(card), 'the failure card');
	} else {
		const [summary] = run.json('Run Summary');
		outcome = String(summary.status);
		expect(summary).toMatchObject({ status: 'completed', failed: 0 });
	}
	// Whatever got through is in ESM once; whatever did not is not cached as synced.
	const during = await checkPersons(rig);
	expect(during.ledger.duplicated).toEqual([]);
	const synced = expectCacheTruthful(run.staticData, USERS_TASK, during);
	report('ESM down 30 s from the 3rd bulk PUT, run 1', {
		outcome,
		virtualSeconds: Math.round(elapsed / 1000),
		requestsReset: resets,
		retries: sleeps.length,
		failedItems,
		written: during.keys.length - during.ledger.lost.length,
		notWrittenYet: during.ledger.lost.length,
		cachedAsSynced: synced.length,
		duplicates: during.ledger.duplicated.length,
	});

	// ESM is up again: the next run writes what is missing, nothing twice.
	await clearFaults(rig.esm);
	const next = await runTemplate(rig, USERS, run.staticData);
	expect(next.error).toBeUndefined();
	expect(next.json('Run Summary')[0]).toMatchObject({ status: 'completed', failed: 0, loaded: during.keys.length - synced.length });
	const after = await checkPersons(rig);
	expectClean(after);
	expect(syncedKeys(next.staticData, USERS_TASK, after.keys)).toHaveLength(after.keys.length);
	report('ESM down 30 s, run 2', { loaded: next.json('Run Summary')[0].loaded, lost: after.ledger.lost.length, duplicates: after.ledger.duplicated.length });
});

// Regression test (fault suite, issue 10): was broken until nodes/shared/retry.ts networkErrorCode() reads the code n8n puts on its NodeApiError
// (httpCode 'ECONNRESET'; its `cause` is undefined): today no broken connection is ever retried.
it('a 2 s ESM outage during the bulk writes is waited out: no failed item', async () => {
	await wipeEsm();
	const outage = onNthRequest(rig.esm, 'PUT /dc/{templateCode}/data', 2, () => rig.esm.faults.configure({ downForMs: 2_000 }));
	const run = await runTemplate(rig, USERS);
	const counts = await takeCounts(rig.esm);
	expect(outage.fired()).toBe(true);
	expect(statusCount(counts, 'reset')).toBeGreaterThan(0);
	expect(rig.takeSleeps().length).toBeGreaterThan(0);
	expect(run.error).toBeUndefined();
	expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', failed: 0 });
	expectClean(await checkPersons(rig));
});

// Regression test (fault suite, issue 10): was broken for the same reason: the Jira transport gives up on the first reset connection.
it('a 2 s Jira outage on the users listing is waited out: the run completes', async () => {
	await takeCounts(rig.jira);
	const outage = onNthRequest(rig.jira, 'GET /rest/api/3/users/search', 1, () => rig.jira.faults.configure({ downForMs: 2_000 }));
	const run = await runTemplate(rig, USERS);
	expect(outage.fired()).toBe(true);
	expect(statusCount(await takeCounts(rig.jira), 'reset')).toBeGreaterThan(0);
	expect(run.error).toBeUndefined();
	expect(run.json('Run Summary')[0]).toMatchObject({ status: 'completed', failed: 0 });
});

// Regression test (fault suite, issue 10): was broken until nodes/shared/router.ts turns a failure of a whole batch operation (here the template
// look-up of the bulk upsert) into failed items under "Continue": today n8n passes the INPUT items
// on unchanged, Mark Synced caches every record as written, and the next run skips them all.
it('ESM down for 30 s as the load step starts: no record is cached as written, the next run writes them all', async () => {
	await wipeEsm();
	const outage = onNthRequest(rig.esm, 'GET /dc/{templateCode}', 1, () => rig.esm.faults.configure({ downForMs: 30_000 }));
	const run = await runTemplate(rig, USERS);
	expect(outage.fired()).toBe(true);
	// Whatever the load step managed (today: nothing), the cache may only claim what ESM holds.
	const during = await checkPersons(rig);
	expectCacheTruthful(run.staticData, USERS_TASK, during);

	await clearFaults(rig.esm);
	const next = await runTemplate(rig, USERS, run.staticData);
	expect(next.error).toBeUndefined();
	expectClean(await checkPersons(rig));
});
