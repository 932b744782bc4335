import { startEsm, type EsmSandbox } from '../../sandbox';
import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowJson } from '../helpers/workflow-harness';
import { call, loadTemplate } from './sandbox-kit';
import { esmPerson, startSyncRig, takeWrites, WEBHOOK_HEADERS, withoutLoopGuard, writeCount, type SyncRig } from './sync-kit';

/**
 * CoreProIGA scenario 3 (connector-behaviour.md 8, issue 9): ESM1 reads every application card of
 * ESM2, people change the copies in ESM1, and the changes go back to ESM2; people also keep editing
 * in ESM2. One workflow: the scheduled read ESM2 -> ESM1 and the webhook ESM1 -> ESM2, which the
 * ESM1 emulator's webhook rule calls after every change of an application card (also after our own
 * writes: that is how loops happen).
 *
 * The two ESM emulators get their own clocks, moved by the test, so that every `updated` stamp (the
 * modified time the conflict rule compares) is known; they start from the demo data (ESM2: five
 * applications RAPP-000001..5; ESM1: five applications of its own, APP-*, which are not synced).
 */
const SECOND = 1000;
let localClock = Math.floor(Date.now() / SECOND) * SECOND;
let remoteClock = localClock;
let esmLocal: EsmSandbox;
let esmRemote: EsmSandbox;
let harness: WorkflowHarness;

beforeAll(async () => {
	esmLocal = await startEsm({ port: 0, instance: 'local', now: () => localClock });
	esmRemote = await startEsm({ port: 0, instance: 'remote', now: () => remoteClock });
	const esmCredential = (id: string, name: string, sandbox: EsmSandbox) => ({
		id,
		name,
		type: 'coreProIgaApi',
		data: { ...sandbox.credentials, allowSelfSigned: false, sessionToken: '' },
	});
	harness = createWorkflowHarness({
		credentials: [
			esmCredential('esmLocal', 'ESM (local)', esmLocal),
			esmCredential('esmRemote', 'ESM (remote)', esmRemote),
			{ id: 'esmWebhookAuth', name: 'ESM webhook (header auth)', type: 'httpHeaderAuth', data: { name: 'X-ESM-Webhook-Token', value: 'sandbox-webhook-secret' } },
		],
	});
});
afterAll(async () => {
	await Promise.all([esmLocal.stop(), esmRemote.stop()]);
	teardownHarness();
});

const template = loadTemplate('esm-application-sync.json');
const TASK = 'esm-application-sync';
const WEBHOOK_PATH = 'esm/application-to-remote';
const PATCH = 'PATCH /dc/{templateCode}/data/{dataCardId}';
const POST = 'POST /dc/{templateCode}/data';
const PUT = 'PUT /dc/{templateCode}/data';
const SYNCED = ['app_name', 'description', 'status', 'url'] as const;

// ---------------------------------------------------------------------------------------------
// The two ESM as the test sees them

interface App {
	id: string;
	efecte_id: string;
	app_name: string | null;
	description: string | null;
	status: string | null;
	url: { name: string; location: string } | null;
	owner: string | null;
	datasourceid: string | null;
	sync_marker: string | null;
	updated: string;
}

async function applications(sandbox: EsmSandbox): Promise<App[]> {
	const state = await call(`${sandbox.url}/__admin/state?template=application`);
	const first = (card: any, code: string) => card.data[code]?.[0]?.value ?? null;
	return (state.cards as any[])
		.filter((card) => !card.deleted)
		.map((card) => ({
			id: String(card.id),
			efecte_id: first(card, 'efecte_id'),
			app_name: first(card, 'app_name'),
			description: first(card, 'description'),
			status: first(card, 'status'),
			url: card.data.url?.[0] ? { name: card.data.url[0].name, location: card.data.url[0].location } : null,
			owner: card.data.owner?.[0]?.dataCardId ?? null,
			datasourceid: first(card, 'datasourceid'),
			sync_marker: first(card, 'sync_marker'),
			updated: card.updated,
		}));
}
const synced = (app: App) => Object.fromEntries(SYNCED.map((field) => [field, app[field]]));
const copiesIn = async (sandbox: EsmSandbox) => (await applications(sandbox)).filter((app) => app.datasourceid === TASK);
const byKey = async (sandbox: EsmSandbox, efecteId: string) => (await applications(sandbox)).find((app) => app.efecte_id === efecteId)!;

/** A person editing ESM through its API (webhook rules fire): text and dropdowns by esmPerson, references and links as raw values. */
function personIn(sandbox: EsmSandbox, clock: () => void) {
	const person = esmPerson(sandbox);
	return {
		/** One request, so ESM calls its webhook once. */
		async edit(id: string, values: Record<string, string>, raw: Record<string, unknown> = {}) {
			clock();
			if (!Object.keys(raw).length) return person.edit('application', id, values);
			return editRaw(sandbox, id, { ...Object.fromEntries(Object.entries(values).map(([code, value]) => [code, { value }])), ...raw });
		},
		async create(values: Record<string, string>) {
			clock();
			return person.create('application', 'applications', values);
		},
	};
}
async function editRaw(sandbox: EsmSandbox, id: string, raw: Record<string, unknown>): Promise<void> {
	const login = await fetch(`${sandbox.apiUrl}/users/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ login: sandbox.credentials.username, password: sandbox.credentials.password }).toString(),
	});
	const answer = await fetch(`${sandbox.apiUrl}/dc/application/data/${id}`, {
		method: 'PATCH',
		headers: { Authorization: login.headers.get('authorization') ?? '', 'Content-Type': 'application/json' },
		body: JSON.stringify({ dataCardId: id, data: Object.fromEntries(Object.entries(raw).map(([code, value]) => [code, { values: [value] }])) }),
	});
	const body = (await answer.json()) as { meta?: { errors?: unknown[] } };
	if (!answer.ok || body.meta?.errors?.length) throw new Error(`raw edit of ${id} answered ${answer.status}: ${JSON.stringify(body)}`);
}

/** Both emulators back to their demo data, a rig for the workflow, ESM1's application workflow calling its webhook. */
async function startScenario(workflow: WorkflowJson): Promise<SyncRig> {
	await Promise.all([esmLocal, esmRemote].map((sandbox) => call(`${sandbox.url}/__admin/reset`, { method: 'POST' })));
	const rig = await startSyncRig(harness, [workflow]);
	await call(`${esmLocal.url}/__admin/webhook-rules`, {
		method: 'POST',
		body: JSON.stringify({ template: 'application', events: ['created', 'updated'], url: rig.webhookUrl(WEBHOOK_PATH) }),
	});
	return rig;
}
const settle = (rig: SyncRig) => rig.settle([esmLocal.url, esmRemote.url]);
const summaryOf = (run: Awaited<ReturnType<SyncRig['runScheduled']>>) => {
	expect(run.error).toBeUndefined();
	return run.json('Run Summary')[0] as Record<string, any>;
};

/** Mulberry32: the same changes on every run of the test. */
function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// ---------------------------------------------------------------------------------------------
// The proof driver

type Writes = Record<string, number>;
interface Cycle {
	cycle: number;
	changes: string[];
	/** Writes of the emulators' API in this cycle: the people's own requests and the workflow's. */
	expected: { esm1: Writes; esm2: Writes };
	observed: { esm1: Writes; esm2: Writes };
	/** The workflow's writes alone (observed minus the people's requests). */
	workflowWrites: { esm1: number; esm2: number };
	quiet: boolean;
	summary: Record<string, any>;
	/** Cards the scheduled run must write to ESM1: every change made in ESM2 this cycle. */
	expectedLoaded: number;
	/** ESM1's webhook calls of the cycle, answered: written, echo, not synced, … */
	answers: string[];
	expectedAnswers: string[];
}

const add = (writes: Writes, route: string, count = 1) => {
	if (count) writes[route] = (writes[route] ?? 0) + count;
};

/**
 * Runs the scenario: the first import, then `changing` cycles in which people make changes chosen
 * by a seeded PRNG (some cycles none), then `still` cycles without changes. Each cycle: the
 * people's changes, settle (ESM1's webhook calls are answered), the scheduled run, settle; then the
 * writes each ESM received are compared with the writes the changes require.
 */
async function drive(workflow: WorkflowJson, options: { seed: number; changing: number; still: number }) {
	const rig = await startScenario(workflow);
	try {
		const random = prng(options.seed);
		const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
		const esm1 = personIn(esmLocal, () => (localClock += SECOND));
		const esm2 = personIn(esmRemote, () => (remoteClock += SECOND));

		const first = summaryOf(await rig.runScheduled(workflow));
		const firstQuiet = (await settle(rig)).quiet;
		const firstWrites = { esm1: await takeWrites(esmLocal.url), esm2: await takeWrites(esmRemote.url) };
		const firstCalls = rig.calls.splice(0);

		const cycles: Cycle[] = [];
		let created = 0;
		for (let cycle = 1; cycle <= options.changing + options.still; cycle++) {
			localClock += 10 * SECOND;
			remoteClock += 10 * SECOND;
			const expected = { esm1: {} as Writes, esm2: {} as Writes };
			const people = { esm1: {} as Writes, esm2: {} as Writes };
			const changes: string[] = [];
			const expectedAnswers: string[] = [];
			let toEsm1 = 0;
			const touched = new Set<string>();
			const actions = cycle > options.changing || random() < 0.2 ? 0 : 1 + Math.floor(random() * 3);
			for (let action = 0; action < actions; action++) {
				const kind = random();
				const copies = (await copiesIn(esmLocal)).filter((app) => !touched.has(app.efecte_id));
				const remotes = (await applications(esmRemote)).filter((app) => !touched.has(app.efecte_id));
				if (kind < 0.35 && copies.length) {
					// A person changes a copy in ESM1: the workflow writes it to ESM2 (one PATCH).
					const app = pick(copies);
					touched.add(app.efecte_id);
					const values: Record<string, string> = { description: `${app.efecte_id} as ESM1 sees it, cycle ${cycle}` };
					if (random() < 0.3) values.status = app.status === 'Retired' ? 'In use' : 'Retired';
					if (random() < 0.2) values.app_name = `${app.efecte_id} (renamed in ESM1, cycle ${cycle})`;
					const raw = random() < 0.2 ? { url: { name: 'Login', location: `https://esm1.example/${app.efecte_id}/${cycle}` } } : {};
					await esm1.edit(app.id, values, raw);
					changes.push(`ESM1 edits ${app.efecte_id}: ${Object.keys({ ...values, ...raw }).join(', ')}`);
					add(people.esm1, PATCH);
					add(expected.esm2, PATCH);
					expectedAnswers.push('written');
				} else if (kind < 0.7 && remotes.length) {
					// A person changes an application in ESM2: the next scheduled run updates its copy.
					const app = pick(remotes);
					touched.add(app.efecte_id);
					const values: Record<string, string> = { description: `${app.efecte_id} as ESM2 sees it, cycle ${cycle}` };
					if (random() < 0.3) values.status = app.status === 'Retired' ? 'In use' : 'Retired';
					await esm2.edit(app.id, values);
					changes.push(`ESM2 edits ${app.efecte_id}: ${Object.keys(values).join(', ')}`);
					add(people.esm2, PATCH);
					toEsm1++;
					expectedAnswers.push('echo');
				} else if (kind < 0.8) {
					// A new application in ESM2: the next scheduled run creates its copy.
					const efecteId = `RAPP-9${String(++created).padStart(5, '0')}`;
					touched.add(efecteId);
					await esm2.create({ efecte_id: efecteId, app_name: `New application ${created}`, description: `Added in ESM2, cycle ${cycle}`, status: 'In use' });
					changes.push(`ESM2 creates ${efecteId}`);
					add(people.esm2, POST);
					toEsm1++;
					expectedAnswers.push('echo');
				} else if (kind < 0.9) {
					// ESM1's own application (not a copy): its webhook call is answered, nothing is synced.
					const own = (await applications(esmLocal)).filter((app) => !app.datasourceid);
					const app = pick(own);
					await esm1.edit(app.id, { description: `Local application, cycle ${cycle}` });
					changes.push(`ESM1 edits its own ${app.efecte_id}`);
					add(people.esm1, PATCH);
					expectedAnswers.push('not synced');
				} else if (remotes.length) {
					// An attribute that is not synced (owner) changes in ESM2: nothing to write.
					const app = pick(remotes);
					touched.add(app.efecte_id);
					const persons = ((await call(`${esmRemote.url}/__admin/state?template=person`)).cards as Array<{ id: number }>)
						.slice(0, 40)
						.filter((person) => String(person.id) !== app.owner);
					await esm2.edit(app.id, {}, { owner: { dataCardId: String(pick(persons).id) } });
					expect((await byKey(esmRemote, app.efecte_id)).updated).not.toBe(app.updated);
					changes.push(`ESM2 changes the owner of ${app.efecte_id}`);
					add(people.esm2, PATCH);
				}
			}
			const quietAfterPeople = (await settle(rig)).quiet;
			const run = await rig.runScheduled(workflow);
			const quiet = quietAfterPeople && (await settle(rig)).quiet;
			if (toEsm1) add(expected.esm1, PUT);
			for (const side of ['esm1', 'esm2'] as const) for (const [route, count] of Object.entries(people[side])) add(expected[side], route, count);
			const observed = { esm1: await takeWrites(esmLocal.url), esm2: await takeWrites(esmRemote.url) };
			cycles.push({
				cycle,
				changes,
				expected,
				observed,
				workflowWrites: {
					esm1: writeCount(observed.esm1) - writeCount(people.esm1),
					esm2: writeCount(observed.esm2) - writeCount(people.esm2),
				},
				quiet,
				summary: run.error ? { error: run.error.message } : run.json('Run Summary')[0],
				expectedLoaded: toEsm1,
				answers: rig.calls.splice(0).map((answer) => {
					const body = answer.body as Record<string, any>;
					return answer.statusCode !== 200 ? `HTTP ${answer.statusCode}` : body.written ? 'written' : String(body.skipped);
				}),
				expectedAnswers,
			});
		}
		return { first, firstQuiet, firstWrites, firstCalls, cycles };
	} finally {
		await rig.stop();
	}
}

/** The cycles that break the property the guard must give: exactly the required writes, and quiet. */
const violations = (cycles: Cycle[]) =>
	cycles.filter(
		(cycle) =>
			!cycle.quiet ||
			JSON.stringify(sorted(cycle.observed.esm1)) !== JSON.stringify(sorted(cycle.expected.esm1)) ||
			JSON.stringify(sorted(cycle.observed.esm2)) !== JSON.stringify(sorted(cycle.expected.esm2)),
	);
const sorted = (writes: Writes) => Object.fromEntries(Object.entries(writes).sort(([a], [b]) => a.localeCompare(b)));

async function expectBothSidesAgree(): Promise<void> {
	const remote = await applications(esmRemote);
	const copies = await copiesIn(esmLocal);
	expect(copies.map((app) => app.efecte_id).sort()).toEqual(remote.map((app) => app.efecte_id).sort());
	for (const app of remote) {
		expect({ efecte_id: app.efecte_id, ...synced(copies.find((copy) => copy.efecte_id === app.efecte_id)!) }).toEqual({ efecte_id: app.efecte_id, ...synced(app) });
	}
}

// ---------------------------------------------------------------------------------------------

describe('50 cycles of people editing application cards on both sides', () => {
	let guarded: Awaited<ReturnType<typeof drive>>;
	let guardless: Awaited<ReturnType<typeof drive>>;

	it('with the loop guard: every cycle writes exactly what the changes require, and nothing once they stop', async () => {
		guarded = await drive(template, { seed: 9, changing: 50, still: 3 });

		// The first import: the five ESM2 applications created in ESM1 with one bulk request; ESM1's webhook calls are our echoes.
		expect(guarded.first).toMatchObject({ task: TASK, status: 'completed', extracted: 5, echoes: 0, inSync: 0, loaded: 5, created: 5, failed: 0, conflicts: 0 });
		expect(guarded.firstWrites).toEqual({ esm1: { [PUT]: 1 }, esm2: {} });
		expect(guarded.firstQuiet).toBe(true);
		expect(guarded.firstCalls.map((answer) => [answer.statusCode, (answer.body as { skipped?: string }).skipped])).toEqual(Array(5).fill([200, 'echo']));

		const { cycles } = guarded;
		const changing = cycles.slice(0, 50);
		// Every edit sets a description that never occurred before, so no card is ever set back to values
		// it held earlier (A -> B -> A): the loop guard misses that case today (see the known gaps below).
		// The PRNG's changes cover every kind, and some cycles have none.
		const changes = changing.flatMap((cycle) => cycle.changes);
		for (const kind of [/^ESM1 edits RAPP/, /^ESM2 edits/, /^ESM2 creates/, /^ESM1 edits its own/, /^ESM2 changes the owner/]) {
			expect(changes.some((change) => kind.test(change))).toBe(true);
		}
		expect(changing.filter((cycle) => cycle.changes.length === 0).length).toBeGreaterThan(3);

		for (const cycle of cycles) {
			expect({ cycle: cycle.cycle, changes: cycle.changes, quiet: cycle.quiet, esm1: sorted(cycle.observed.esm1), esm2: sorted(cycle.observed.esm2) }).toEqual({
				cycle: cycle.cycle,
				changes: cycle.changes,
				quiet: true,
				esm1: sorted(cycle.expected.esm1),
				esm2: sorted(cycle.expected.esm2),
			});
			// What the run did and what ESM1's webhook calls were answered, card by card.
			expect({ cycle: cycle.cycle, ...pickSummary(cycle.summary) }).toEqual({
				cycle: cycle.cycle,
				status: 'completed',
				loaded: cycle.expectedLoaded,
				failed: 0,
				conflicts: 0,
			});
			expect({ cycle: cycle.cycle, answers: [...cycle.answers].sort() }).toEqual({ cycle: cycle.cycle, answers: [...cycle.expectedAnswers].sort() });
		}
		expect(violations(cycles)).toEqual([]);
		// After the changes stop, nothing is written anywhere.
		for (const cycle of cycles.slice(50)) expect(cycle.observed).toEqual({ esm1: {}, esm2: {} });
		await expectBothSidesAgree();

		// The figures (the report quotes them): the workflow's own writes over the 50 cycles.
		const total = (side: 'esm1' | 'esm2') => changing.reduce((sum, cycle) => sum + cycle.workflowWrites[side], 0);
		const required = (side: 'esm1' | 'esm2', route: string) => changing.reduce((sum, cycle) => sum + (cycle.expected[side][route] ?? 0), 0);
		expect(total('esm2')).toBe(changes.filter((change) => /^ESM1 edits RAPP/.test(change)).length);
		expect(total('esm1')).toBe(required('esm1', PUT));
		expect(changing.reduce((sum, cycle) => sum + cycle.summary.loaded, 0)).toBe(changes.filter((change) => /^ESM2 (edits|creates)/.test(change)).length);
	});

	it('without the loop guard (test-only switch) the same driver detects the loop', async () => {
		guardless = await drive(withoutLoopGuard(template), { seed: 9, changing: 50, still: 3 });
		// The property the guarded run passes fails: echo writes in most cycles…
		const broken = violations(guardless.cycles).map((cycle) => cycle.cycle);
		expect(broken.length).toBeGreaterThan(guardless.cycles.length / 2);
		// …and writes go on after the changes stopped (every copy rewritten by every run).
		for (const cycle of guardless.cycles.slice(50)) {
			expect(broken).toContain(cycle.cycle);
			expect(cycle.workflowWrites.esm1 + cycle.workflowWrites.esm2 > 0 || !cycle.quiet).toBe(true);
		}
		// The same people's changes as the guarded run (same seed), many more writes.
		expect(guardless.cycles.map((cycle) => cycle.changes)).toEqual(guarded.cycles.map((cycle) => cycle.changes));
		const writes = (run: typeof guarded) => run.cycles.reduce((sum, cycle) => sum + cycle.workflowWrites.esm1 + cycle.workflowWrites.esm2, 0);
		expect(writes(guardless)).toBeGreaterThan(writes(guarded));
	});
});

const pickSummary = (summary: Record<string, any>) => ({ status: summary.status, loaded: summary.loaded, failed: summary.failed, conflicts: summary.conflicts });

/**
 * The first scheduled run, then one ESM1 edit of each given copy written back to ESM2, so that both
 * sides carry a marker; calls and writes so far are taken off.
 */
async function writtenBackOnce(rig: SyncRig, efecteIds: string[]): Promise<void> {
	await rig.runScheduled(template);
	await settle(rig);
	const esm1 = personIn(esmLocal, () => undefined);
	for (const efecteId of efecteIds) {
		localClock += SECOND;
		await esm1.edit((await byKey(esmLocal, efecteId)).id, { description: `${efecteId}: first change in ESM1` });
	}
	await settle(rig);
	summaryOf(await rig.runScheduled(template));
	await settle(rig);
	rig.calls.splice(0);
	await takeWrites(esmLocal.url);
	await takeWrites(esmRemote.url);
}

describe('a concurrent edit of one card on both sides', () => {
	it('is decided by the later modification and the other change is reported, in the webhook answer and the Run Summary', async () => {
		const rig = await startScenario(template);
		try {
			const esm1 = personIn(esmLocal, () => undefined);
			const esm2 = personIn(esmRemote, () => undefined);
			await writtenBackOnce(rig, ['RAPP-000002', 'RAPP-000003']);

			// RAPP-000002: ESM2's person saves at :01, ESM1's at :02 -> ESM1 (later) wins, ESM2's change is reported.
			// RAPP-000003: ESM1's person saves at :11, ESM2's at :12 (ESM1's call arrives after it) -> ESM2 (later) wins.
			const base = Math.max(localClock, remoteClock) + 60 * SECOND;
			remoteClock = base + 1 * SECOND;
			await esm2.edit((await byKey(esmRemote, 'RAPP-000002')).id, { description: 'ESM2: new licence model', status: 'In use' });
			localClock = base + 2 * SECOND;
			await esm1.edit((await byKey(esmLocal, 'RAPP-000002')).id, { description: 'ESM1: retired after migration', status: 'Retired' });
			remoteClock = base + 12 * SECOND;
			await esm2.edit((await byKey(esmRemote, 'RAPP-000003')).id, { description: 'ESM2: moved to the new tenant' });
			localClock = base + 11 * SECOND;
			await esm1.edit((await byKey(esmLocal, 'RAPP-000003')).id, { description: 'ESM1: owner team renamed' });
			expect((await settle(rig)).quiet).toBe(true);

			const answers = rig.calls
				.splice(0)
				.map((answer) => answer.body as Record<string, any>)
				.sort((a, b) => String(a.efecte_id).localeCompare(String(b.efecte_id)));
			expect(answers).toEqual([
				expect.objectContaining({
					written: true,
					efecte_id: 'RAPP-000002',
					conflict: expect.objectContaining({
						kept: 'ESM1',
						overwritten: expect.objectContaining({ description: 'ESM2: new licence model', status: 'In use' }),
						message: expect.stringMatching(/edited by people/),
					}),
				}),
				expect.objectContaining({
					written: false,
					skipped: 'conflict',
					efecte_id: 'RAPP-000003',
					conflict: expect.objectContaining({ kept: 'ESM2', notWritten: expect.objectContaining({ description: 'ESM1: owner team renamed' }) }),
				}),
			]);
			// ESM2 received ESM1's winning change only (besides its person's two edits).
			expect(await takeWrites(esmRemote.url)).toEqual({ [PATCH]: 3 });

			// The scheduled run carries ESM2's winning change to ESM1 and reports the ESM1 change it overwrote.
			const summary = summaryOf(await rig.runScheduled(template));
			expect((await settle(rig)).quiet).toBe(true);
			expect(summary).toMatchObject({ status: 'completed with conflicts', loaded: 1, updated: 1, conflicts: 1, failed: 0, echoes: 1 });
			expect(summary.conflictReports).toEqual([
				expect.objectContaining({
					efecte_id: 'RAPP-000003',
					kept: 'ESM2',
					esm2: expect.objectContaining({ description: 'ESM2: moved to the new tenant' }),
					esm1: expect.objectContaining({ description: 'ESM1: owner team renamed' }),
					message: expect.stringMatching(/edited by people/),
				}),
			]);
			expect(await takeWrites(esmLocal.url)).toEqual({ [PATCH]: 2, [PUT]: 1 });
			expect(rig.calls.splice(0).map((answer) => (answer.body as { skipped?: string }).skipped)).toEqual(['echo']);

			expect(synced(await byKey(esmRemote, 'RAPP-000002'))).toMatchObject({ description: 'ESM1: retired after migration', status: 'Retired' });
			expect(synced(await byKey(esmLocal, 'RAPP-000003'))).toMatchObject({ description: 'ESM2: moved to the new tenant' });
			await expectBothSidesAgree();

			// Settled: another run writes nothing.
			expect(summaryOf(await rig.runScheduled(template))).toMatchObject({ loaded: 0, conflicts: 0 });
			await settle(rig);
			expect({ esm1: await takeWrites(esmLocal.url), esm2: await takeWrites(esmRemote.url) }).toEqual({ esm1: {}, esm2: {} });
		} finally {
			await rig.stop();
		}
	});
});

describe('concurrent edits of different fields of one card', () => {
	it('are merged: each side keeps its own change and receives the other, with no conflict reported', async () => {
		const rig = await startScenario(template);
		try {
			const esm1 = personIn(esmLocal, () => undefined);
			const esm2 = personIn(esmRemote, () => undefined);
			await writtenBackOnce(rig, ['RAPP-000005']);

			// Within one cycle: ESM2's person sets the status at :01, ESM1's person the description at :02.
			const base = Math.max(localClock, remoteClock) + 60 * SECOND;
			remoteClock = base + 1 * SECOND;
			await esm2.edit((await byKey(esmRemote, 'RAPP-000005')).id, { status: 'Retired' });
			localClock = base + 2 * SECOND;
			await esm1.edit((await byKey(esmLocal, 'RAPP-000005')).id, { description: 'RAPP-000005: owner team renamed' });
			expect((await settle(rig)).quiet).toBe(true);
			expect(rig.calls.splice(0).map((answer) => answer.body)).toEqual([
				expect.objectContaining({ written: true, efecte_id: 'RAPP-000005', conflict: null }),
			]);
			// ESM2 took the description and kept its person's status.
			expect(synced(await byKey(esmRemote, 'RAPP-000005'))).toMatchObject({ description: 'RAPP-000005: owner team renamed', status: 'Retired' });
			expect(await takeWrites(esmRemote.url)).toEqual({ [PATCH]: 2 });

			// The scheduled run carries ESM2's status to ESM1; ESM1's rule then calls with our own write: an echo.
			const summary = summaryOf(await rig.runScheduled(template));
			expect((await settle(rig)).quiet).toBe(true);
			expect(summary).toMatchObject({ status: 'completed', loaded: 1, updated: 1, conflicts: 0, failed: 0 });
			expect(rig.calls.splice(0).map((answer) => (answer.body as { skipped?: string }).skipped)).toEqual(['echo']);
			expect(synced(await byKey(esmLocal, 'RAPP-000005'))).toMatchObject({ description: 'RAPP-000005: owner team renamed', status: 'Retired' });
			await expectBothSidesAgree();

			// ESM1: its person's edit and the one bulk write of the status.
			expect(await takeWrites(esmLocal.url)).toEqual({ [PATCH]: 1, [PUT]: 1 });

			// Settled: another run writes nothing.
			expect(summaryOf(await rig.runScheduled(template))).toMatchObject({ loaded: 0, conflicts: 0 });
			await settle(rig);
			expect({ esm1: await takeWrites(esmLocal.url), esm2: await takeWrites(esmRemote.url) }).toEqual({ esm1: {}, esm2: {} });
		} finally {
			await rig.stop();
		}
	});
});

describe('the webhook', () => {
	const deliver = async (body: unknown) => {
		const result = await harness.runWorkflow({ workflow: template, mode: 'webhook', startNode: 'ESM1 Application Changed', webhook: { headers: { ...WEBHOOK_HEADERS }, body } });
		expect(result.error).toBeUndefined();
		return result.webhookResponse as { statusCode: number; body: Record<string, any> };
	};

	it('answers a bad body with 400 and a message, and writes nothing', async () => {
		await Promise.all([esmLocal, esmRemote].map((sandbox) => call(`${sandbox.url}/__admin/reset`, { method: 'POST' })));
		for (const [body, message] of [
			[{}, /dataCardId is required/],
			[{ dataCardId: 'APP-000001' }, /dataCardId is required/],
			[[{ dataCardId: '100001' }], /JSON object/],
			['dataCardId=100001', /JSON object/],
			[{ dataCardId: '100001', template: 'person' }, /template must be application/],
		] as Array<[unknown, RegExp]>) {
			const answer = await deliver(body);
			expect(answer.statusCode).toBe(400);
			expect(answer.body.error).toMatch(message);
		}
		expect(writeCount(await takeWrites(esmLocal.url)) + writeCount(await takeWrites(esmRemote.url))).toBe(0);
	});

	it('with no application in ESM2 the run writes nothing and says so; a copy whose ESM2 card is gone is answered 404', async () => {
		await Promise.all([esmLocal, esmRemote].map((sandbox) => call(`${sandbox.url}/__admin/reset`, { method: 'POST' })));
		const schedule = () => harness.runWorkflow({ workflow: template, mode: 'trigger', startNode: 'Every 30 Minutes', startItems: [{ json: {} }] });
		expect(summaryOf(await schedule())).toMatchObject({ extracted: 5, loaded: 5, created: 5 });
		await call(`${esmRemote.url}/__admin/seed`, { method: 'POST', body: JSON.stringify({}) });
		expect(await applications(esmRemote)).toEqual([]);
		await takeWrites(esmLocal.url);
		await takeWrites(esmRemote.url);

		expect(summaryOf(await schedule())).toMatchObject({
			status: 'nothing read',
			extracted: 0,
			loaded: 0,
			failed: 0,
			message: expect.stringMatching(/ESM2 listed no application card: nothing was written/),
		});
		const copy = (await copiesIn(esmLocal))[0];
		await editRaw(esmLocal, copy.id, { description: { value: 'Edited after ESM2 lost it' } });
		const answer = await deliver({ dataCardId: copy.id });
		expect(answer.statusCode).toBe(404);
		expect(answer.body.error).toMatch(new RegExp(`ESM2 application ${copy.efecte_id}: .*efecte_id`));
		expect({ esm1: await takeWrites(esmLocal.url), esm2: await takeWrites(esmRemote.url) }).toEqual({ esm1: { [PATCH]: 1 }, esm2: {} });
	});

	it('answers 404 for a card that does not exist, and skips cards that are not copies of this task', async () => {
		await Promise.all([esmLocal, esmRemote].map((sandbox) => call(`${sandbox.url}/__admin/reset`, { method: 'POST' })));
		const missing = await deliver({ dataCardId: '999999' });
		expect(missing.statusCode).toBe(404);
		expect(missing.body.error).toMatch(/999999/);
		const own = (await applications(esmLocal))[0];
		expect(await deliver({ event: 'updated', template: 'application', dataCardId: own.id })).toMatchObject({
			statusCode: 200,
			body: expect.objectContaining({ written: false, skipped: 'not synced', dataCardId: own.id }),
		});
		expect(writeCount(await takeWrites(esmLocal.url)) + writeCount(await takeWrites(esmRemote.url))).toBe(0);
	});
});

/**
 * The cases that made the loop guard compare with the counterpart: a record set back to values it
 * held before (A -> B -> A) on either side, a concurrent edit of a card that holds no marker, and a
 * source with nothing new (Filter Echoes takes the counterpart; Stamp decides these cases).
 */
describe('set-back records, counterparts without a marker, sources with nothing new', () => {
	const synchronised = async () => {
		const rig = await startScenario(template);
		await rig.runScheduled(template);
		await settle(rig);
		rig.calls.splice(0);
		return rig;
	};
	const cycle = async (rig: SyncRig) => {
		await settle(rig);
		const summary = summaryOf(await rig.runScheduled(template));
		await settle(rig);
		return summary;
	};
	const later = () => {
		localClock += 5 * SECOND;
		remoteClock += 5 * SECOND;
	};
	const esm1 = () => personIn(esmLocal, () => (localClock += SECOND));
	const esm2 = () => personIn(esmRemote, () => (remoteClock += SECOND));

	it('a person in ESM1 sets a copy back to the values last synced (A -> B -> A): ESM2 follows', async () => {
		const rig = await synchronised();
		try {
			const copy = await byKey(esmLocal, 'RAPP-000001');
			later();
			await esm1().edit(copy.id, { status: 'Retired' });
			await cycle(rig);
			later();
			// The copy holds its marker's values again: Filter ESM1 Echoes takes it for our own write.
			await esm1().edit(copy.id, { status: 'In use' });
			await cycle(rig);
			expect((await byKey(esmRemote, 'RAPP-000001')).status).toBe('In use');
		} finally {
			await rig.stop();
		}
	});

	it('a person in ESM2 sets a card back to the values last synced from ESM1: the copy follows', async () => {
		const rig = await synchronised();
		try {
			later();
			await esm1().edit((await byKey(esmLocal, 'RAPP-000001')).id, { description: 'Written back from ESM1' });
			await cycle(rig);
			const card = await byKey(esmRemote, 'RAPP-000001');
			later();
			await esm2().edit(card.id, { status: 'Retired' });
			await cycle(rig);
			later();
			await esm2().edit(card.id, { status: 'In use' });
			await cycle(rig);
			expect((await byKey(esmLocal, 'RAPP-000001')).status).toBe('In use');
		} finally {
			await rig.stop();
		}
	});

	it('a concurrent edit of a card ESM2 holds without a marker (never written back) is reported', async () => {
		const rig = await synchronised();
		try {
			later();
			await esm2().edit((await byKey(esmRemote, 'RAPP-000002')).id, { description: 'ESM2: edited first' });
			localClock = remoteClock + SECOND;
			await esm1().edit((await byKey(esmLocal, 'RAPP-000002')).id, { description: 'ESM1: edited later' });
			await settle(rig);
			// Today: written over ESM2's edit with `conflict: null` (Stamp needs the target's own marker to see an edit).
			expect(rig.calls.map((answer) => answer.body)).toEqual([
				expect.objectContaining({ written: true, conflict: expect.objectContaining({ kept: 'ESM1', overwritten: expect.objectContaining({ description: 'ESM2: edited first' }) }) }),
			]);
		} finally {
			await rig.stop();
		}
	});

	it('ESM2 with nothing new never overwrites a copy edited in ESM1 whose call is still pending', async () => {
		const rig = await synchronised();
		try {
			// ESM1's call is held back (n8n was down; ESM retries later): the rule is removed for the moment.
			for (const rule of (await call(`${esmLocal.url}/__admin/webhook-rules`)) as Array<{ id: string }>) {
				await call(`${esmLocal.url}/__admin/webhook-rules/${rule.id}`, { method: 'DELETE' });
			}
			later();
			const copy = await byKey(esmLocal, 'RAPP-000004');
			await esm1().edit(copy.id, { description: 'ESM1: call not delivered yet' });
			// Later, a person changes an attribute that is not synced in ESM2: its `updated` moves past ESM1's.
			const persons = (await call(`${esmRemote.url}/__admin/state?template=person`)).cards as Array<{ id: number }>;
			remoteClock = localClock + 5 * SECOND;
			await esm2().edit((await byKey(esmRemote, 'RAPP-000004')).id, {}, { owner: { dataCardId: String(persons[10].id) } });
			// Today: the run writes ESM2's unchanged values over the ESM1 edit (reported as a conflict ESM2 won).
			const summary = summaryOf(await rig.runScheduled(template));
			expect(summary).toMatchObject({ loaded: 0, conflicts: 0 });
			expect((await byKey(esmLocal, 'RAPP-000004')).description).toBe('ESM1: call not delivered yet');
		} finally {
			await rig.stop();
		}
	});
});
