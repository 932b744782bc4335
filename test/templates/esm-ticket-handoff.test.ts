import type { IDataObject } from 'n8n-workflow';

import { teardownHarness } from '../helpers/workflow-harness';
import { decidedPair, deliverTo, handoffWrites, people, resetWorld, runCycles, startHandoffWorld, startRig, tickets, type HandoffScenario, type HandoffWorld, type Ticket } from './esm-handoff-kit';
import { call, loadTemplate } from './sandbox-kit';
import { withoutLoopGuard } from './sync-kit';

/**
 * CoreProIGA scenario 1 (connector-behaviour.md 8, issue 9): ESM1 hands Hardware incidents over to
 * ESM2 at once (webhook rule on ESM1), and reads each one back once ESM2 has solved it (every 10
 * minutes). Loop-free by the Task Cache Loop Guard, proven over 50 random cycles with both sides
 * firing, and shown to be caught by the same test when the guard is removed.
 */

const template = loadTemplate('esm-ticket-handoff.json');
const scenario: HandoffScenario = {
	template,
	path: 'esm/ticket-handoff',
	category: 'Hardware',
	otherCategory: 'Software',
	reported: ['05 - Solved', '07 - Closed'],
	decide: ['05 - Solved'],
	close: '07 - Closed',
	withSolution: true,
};
const POST = 'POST /dc/{templateCode}/data';
const PATCH = 'PATCH /dc/{templateCode}/data/{dataCardId}';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

let world: HandoffWorld;
beforeAll(async () => {
	world = await startHandoffWorld();
});
afterAll(async () => {
	jest.restoreAllMocks();
	await world.stop();
	teardownHarness();
});

const byId = (list: Ticket[], id: string) => list.find((ticket) => ticket.id === id)!;
const writes = () => handoffWrites(world);
const deliver = (body: unknown) => deliverTo(world, template, body);

it('hands a Hardware ticket over, updates it when ESM1 edits it, reads it back once ESM2 solved it; the echo writes nothing', async () => {
	await resetWorld(world);
	const rig = await startRig(world, scenario, template);
	const person = people(world);
	const both = [world.esm1.url, world.esm2.url];
	try {
		// A Hardware ticket is handed over at once; a Software one never reaches n8n (the rule's filter).
		const printer = await person.esm1.create('incident', 'incident_management', {
			subject: 'Printer on floor 2',
			description: 'Paper jam',
			priority: '3 - Medium',
			status: '01 - New',
			category: 'Hardware',
		});
		const licence = await person.esm1.create('incident', 'incident_management', { subject: 'Licence', status: '01 - New', category: 'Software' });
		expect(await rig.settle(both)).toMatchObject({ quiet: true });
		const [remote] = await tickets(world.esm2);
		expect(rig.calls).toEqual([{ path: 'esm/ticket-handoff', statusCode: 200, body: expect.objectContaining({ dataCardId: printer, remoteDataCardId: remote.id, action: 'created' }) }]);
		expect(await tickets(world.esm2)).toEqual([
			{
				id: remote.id,
				folder: 'incident_management',
				subject: 'Printer on floor 2',
				description: 'Paper jam',
				priority: '3 - Medium',
				category: 'Hardware',
				status: '01 - New',
				remote_id: printer,
				datasourceid: 'esm-ticket-handoff',
				sync_marker: expect.stringMatching(/^esm1:/),
			},
		]);
		expect(await writes()).toEqual({ esm1: { [POST]: 2 }, esm2: { [POST]: 1 } });

		// ESM1 edits the request: one update in ESM2; an emptied field is cleared there too.
		world.clock.now += MINUTE;
		await person.esm1.edit('incident', printer, { description: 'Paper jam, tray 3', priority: [] });
		await rig.settle(both);
		expect(rig.calls.at(-1)!.body).toMatchObject({ dataCardId: printer, remoteDataCardId: remote.id, action: 'updated' });
		const edited = byId(await tickets(world.esm2), remote.id);
		expect(edited).toMatchObject({ description: 'Paper jam, tray 3', status: '01 - New' });
		expect(edited.priority).toBeUndefined();
		expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: { [PATCH]: 1 } });

		// ESM2 works on it: nothing comes back before it is solved.
		world.clock.now += MINUTE;
		await person.esm2.edit('incident', remote.id, { status: '02 - Solving', solution: 'Ordering a roller' });
		world.clock.now += 10 * MINUTE;
		const working = await rig.runScheduled(template);
		expect(working.json('Run Summary')[0]).toMatchObject({ task: 'esm-ticket-handoff', status: 'no changes', extracted: 0, loaded: 0, failed: 0, firstRun: true });
		expect(await writes()).toEqual({ esm1: {}, esm2: { [PATCH]: 1 } });

		// ESM2 solves it: the next run writes status and solution to ESM1; ESM1's rule calls the webhook
		// for that write, and the workflow recognises its own write (no ESM2 write).
		world.clock.now += MINUTE;
		await person.esm2.edit('incident', remote.id, { status: '05 - Solved', solution: 'Replaced the roller' });
		world.clock.now += 10 * MINUTE;
		const solved = await rig.runScheduled(template);
		expect(await rig.settle(both)).toMatchObject({ quiet: true });
		expect(solved.json('Run Summary')[0]).toMatchObject({ status: 'completed', extracted: 1, loaded: 1, failed: 0, skippedEcho: 0, skippedInSync: 0, notLinked: 0, conflicts: [], firstRun: false });
		expect(byId(await tickets(world.esm1), printer)).toMatchObject({
			subject: 'Printer on floor 2',
			description: 'Paper jam, tray 3',
			status: '05 - Solved',
			solution: 'Replaced the roller',
			sync_marker: expect.stringMatching(/^esm2:/),
		});
		expect(rig.calls.at(-1)).toEqual({ path: 'esm/ticket-handoff', statusCode: 200, body: { dataCardId: printer, skipped: 'echo' } });
		expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: { [PATCH]: 1 } });

		// Run Task Now, nothing changed: the ticket written back is read again (overlap) and skipped.
		world.clock.now += 10 * MINUTE;
		const again = await rig.runScheduled(template, 'Run Task Now');
		expect(again.executedNodes).toContain('Run Task Now');
		expect(again.json('Run Summary')[0]).toMatchObject({ extracted: 0, loaded: 0, failed: 0 });
		expect(await rig.settle(both)).toMatchObject({ quiet: true });
		expect(await writes()).toEqual({ esm1: {}, esm2: {} });

		// The Software ticket, sent by an ESM workflow without the category filter: skipped.
		expect(await deliver({ dataCardId: licence, event: 'updated', template: 'incident' })).toEqual({
			statusCode: 200,
			body: { dataCardId: licence, skipped: 'category', category: 'Software', handedOver: 'Hardware' },
		});
		expect(await writes()).toEqual({ esm1: {}, esm2: {} });
	} finally {
		await rig.stop();
	}
});

it('answers a bad webhook body with 400 and a message, an unknown card with 422, and writes nothing', async () => {
	await resetWorld(world);
	const cases: Array<[unknown, RegExp]> = [
		[{}, /^Missing required field: dataCardId$/],
		[{ dataCardId: '  ' }, /^Missing required field: dataCardId$/],
		[{ dataCardId: 'INC-1' }, /^dataCardId must be the numeric ID of the ESM1 incident card, not "INC-1"$/],
		[{ dataCardId: '1', template: 'person' }, /^template must be incident, not "person"$/],
		[{ dataCardId: '1', event: 'deleted' }, /^Only created and updated events are handed over, not "deleted"$/],
		['not json', /^The body must be a JSON object with the dataCardId of the ESM1 incident/],
		[[{ dataCardId: '1' }], /^The body must be a JSON object/],
	];
	for (const [body, message] of cases) {
		const answer = await deliver(body);
		expect(answer.statusCode).toBe(400);
		expect(String(answer.body.error)).toMatch(message);
	}
	const unknown = await deliver({ dataCardId: '999999' });
	expect(unknown.statusCode).toBe(422);
	expect(String(unknown.body.error)).toMatch(/^ESM1 incident card 999999: /);
	expect(await writes()).toEqual({ esm1: {}, esm2: {} });
});

it('ESM2 unreachable: the webhook answers 502 and creates nothing, a re-delivery creates the ticket once; a failed write-back keeps the watermark and is retried', async () => {
	await resetWorld(world);
	const person = people(world);
	/** Sets (or with no body clears) the faults of an emulator. */
	const faults = (url: string, body?: unknown) => call(`${url}/__admin/faults`, body ? { method: 'POST', body: JSON.stringify(body) } : { method: 'DELETE' });
	const local = await person.esm1.create('incident', 'incident_management', { subject: 'Laptop', description: 'Fan noise', status: '01 - New', category: 'Hardware' });
	await faults(world.esm2.url, { fail5xx: { count: 100, mode: 'beforeApply', status: 503, match: 'POST /dc/{templateCode}/data' } });
	const down = await deliver({ dataCardId: local, event: 'created' });
	await faults(world.esm2.url);
	expect(down.statusCode).toBe(502);
	expect(String(down.body.error)).toMatch(new RegExp(`^ESM2 ticket of ESM1 card ${local}: `));
	expect(await tickets(world.esm2)).toEqual([]);
	expect(await deliver({ dataCardId: local, event: 'created' })).toMatchObject({ statusCode: 200, body: { action: 'created' } });
	expect(await deliver({ dataCardId: local, event: 'created' })).toMatchObject({ statusCode: 200, body: { action: 'none', reason: 'ESM2 already holds these values' } });
	const [remote] = await tickets(world.esm2);
	expect(await tickets(world.esm2)).toHaveLength(1);

	// ESM2 solves it; ESM1 refuses the write-back once: counted failed, the watermark stays, and the
	// next run (ESM1 back) writes it.
	const rig = await startRig(world, scenario, template);
	try {
		world.clock.now += MINUTE;
		await person.esm2.edit('incident', remote.id, { status: '05 - Solved', solution: 'New fan' });
		world.clock.now += 10 * MINUTE;
		await rig.runScheduled(template); // first run: sets the watermark
		world.clock.now += MINUTE;
		await person.esm2.edit('incident', remote.id, { solution: 'New fan, cleaned the vents' });
		await faults(world.esm1.url, { fail5xx: { count: 100, mode: 'beforeApply', status: 500, match: 'PATCH /dc/{templateCode}/data/{dataCardId}' } });
		world.clock.now += 10 * MINUTE;
		const failed = await rig.runScheduled(template);
		await faults(world.esm1.url);
		expect(failed.json('Run Summary')[0]).toMatchObject({ status: 'completed with failures', extracted: 1, loaded: 0, failed: 1, watermarkMoved: false });
		expect(byId(await tickets(world.esm1), local).solution).toBe('New fan');
		world.clock.now += 10 * MINUTE;
		const retried = await rig.runScheduled(template);
		expect(await rig.settle([world.esm1.url, world.esm2.url])).toMatchObject({ quiet: true });
		expect(retried.json('Run Summary')[0]).toMatchObject({ status: 'completed', extracted: 1, loaded: 1, failed: 0, watermarkMoved: true });
		expect(byId(await tickets(world.esm1), local)).toMatchObject({ status: '05 - Solved', solution: 'New fan, cleaned the vents' });
	} finally {
		await rig.stop();
	}
});

describe('proof (issue 9): 50 cycles with both sides firing', () => {
	it('writes exactly what the genuine changes require, settles every cycle, writes nothing once they stop, and both sides agree', async () => {
		const result = await runCycles(world, scenario, template, { cycles: 50, quietCycles: 3, seed: 9 });
		expect(result.violations).toEqual([]);
		expect(result.cycles).toHaveLength(53);
		expect(result.writesAfterChangesStopped).toBe(0);
		expect(result.disagreements).toEqual([]);
		// Every webhook call was answered 200 (handed over, in sync, or the echo skipped).
		expect(result.rig.calls.every((answer) => answer.statusCode === 200)).toBe(true);
		const echoes = result.rig.calls.filter((answer) => (answer.body as IDataObject).skipped === 'echo').length;
		// The figures of this seed (the data the PRNG chose), so that a change in the driver shows.
		expect({ ...result.totals, echoes, cyclesWithoutChanges: result.cycles.slice(0, 50).filter((cycle) => !cycle.actions.length).length }).toEqual({
			expected: { esm1: 27, esm2: 25 },
			actual: { esm1: 27, esm2: 25 },
			actions: { create: 18, edit: 21, esm1Status: 3, progress: 7, decide: 11, solution: 6, close: 10 },
			echoes: 27,
			cyclesWithoutChanges: 12,
		});
	}, 60_000);

	/**
	 * The same driver, seed and assertions' inputs with the guard switched off: every write-back to
	 * ESM1 comes back to ESM2 through ESM1's webhook, and every ESM2 write is read and written to
	 * ESM1 again by the next run, also in cycles in which nobody changed anything and after the
	 * changes stopped. (The emulator leaves a card alone when a write changes nothing, so each echo
	 * dies after a round trip here; an ESM that runs its workflow on every save would keep it going.)
	 */
	it('fails without the loop guard: echo writes on both sides, writes in cycles without changes and after the changes stopped', async () => {
		const result = await runCycles(world, scenario, withoutLoopGuard(template), { cycles: 50, quietCycles: 3, seed: 9 });
		expect(result.violations.length).toBeGreaterThan(0);
		expect(result.violations.every((cycle) => cycle.actual.esm1 >= cycle.expected.esm1 && cycle.actual.esm2 >= cycle.expected.esm2)).toBe(true);
		expect(result.totals.expected).toEqual({ esm1: 27, esm2: 25 });
		expect(result.totals.actual.esm1).toBeGreaterThan(result.totals.expected.esm1);
		expect(result.totals.actual.esm2).toBeGreaterThan(result.totals.expected.esm2);
		expect(result.writesInCyclesWithoutChanges).toBeGreaterThan(0);
		expect(result.writesAfterChangesStopped).toBeGreaterThan(0);
	}, 60_000);
});

describe('concurrent edit of one ticket on both sides within one cycle', () => {
	/** A handed-over Hardware ticket, solved in ESM2 and read back: both sides in sync. */
	const solvedPair = () =>
		decidedPair(world, scenario, { subject: 'Dock', description: 'No video', priority: '3 - Medium' }, { status: '05 - Solved', solution: 'Firmware update' });

	it('the later edit wins (here ESM2’s): ESM1’s change is reported in the webhook answer and the Run Summary, then replaced', async () => {
		const { rig, person, both, local, remote } = await solvedPair();
		try {
			// Both agents save the description before the sync sees either. ESM2 has no webhook, so its
			// edit is made first; the clocks say ESM1 saved at :10 and ESM2 at :20 (the later one).
			const base = world.clock.now + MINUTE;
			world.clock.now = base + 20 * SECOND;
			await person.esm2.edit('incident', remote, { description: 'No video: the USB-C cable is broken' });
			world.clock.now = base + 10 * SECOND;
			await person.esm1.edit('incident', local, { description: 'No video on the left screen' });
			await rig.settle(both);
			expect(rig.calls.at(-1)!.body).toEqual({
				dataCardId: local,
				remoteDataCardId: remote,
				action: 'none',
				conflict: {
					kept: 'ESM2',
					fields: [{ field: 'description', kept: 'target', value: 'No video on the left screen', targetValue: 'No video: the USB-C cable is broken' }],
					message: 'Both records were edited by people since the last sync: the target’s edit was kept and this change was not written',
					esm2: expect.objectContaining({ description: 'No video: the USB-C cable is broken' }),
					notWritten: { subject: 'Dock', description: 'No video on the left screen', priority: '3 - Medium' },
				},
			});
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: { [PATCH]: 1 } }); // the two people only

			world.clock.now = base + 10 * MINUTE;
			const run = await rig.runScheduled(template);
			expect(await rig.settle(both)).toMatchObject({ quiet: true });
			expect(run.json('Run Summary')[0]).toMatchObject({
				extracted: 1,
				loaded: 1,
				conflicts: [
					{
						esm2Ticket: remote,
						esm1Ticket: local,
						kept: 'ESM2',
						message: 'Both records were edited by people since the last sync: this change was written over the target’s edit',
						esm2: expect.objectContaining({ description: 'No video: the USB-C cable is broken' }),
						esm1: expect.objectContaining({ description: 'No video on the left screen' }),
					},
				],
			});
			expect(rig.calls.at(-1)!.body).toEqual({ dataCardId: local, skipped: 'echo' });
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: {} });
			expect(byId(await tickets(world.esm1), local).description).toBe('No video: the USB-C cable is broken');
			expect(byId(await tickets(world.esm2), remote).description).toBe('No video: the USB-C cable is broken');
		} finally {
			await rig.stop();
		}
	});

	it('the later edit wins (here ESM1’s): written over ESM2’s edit, reported in the webhook answer; the read-back is an echo', async () => {
		const { rig, person, both, local, remote } = await solvedPair();
		try {
			const base = world.clock.now + MINUTE;
			world.clock.now = base + 10 * SECOND;
			await person.esm2.edit('incident', remote, { description: 'No video: the USB-C cable is broken' });
			world.clock.now = base + 20 * SECOND;
			await person.esm1.edit('incident', local, { description: 'No video on the left screen' });
			await rig.settle(both);
			expect(rig.calls.at(-1)!.body).toEqual({
				dataCardId: local,
				remoteDataCardId: remote,
				action: 'updated',
				marker: expect.stringMatching(/^esm1:/),
				conflict: {
					kept: 'ESM1',
					fields: [{ field: 'description', kept: 'this write', value: 'No video on the left screen', targetValue: 'No video: the USB-C cable is broken' }],
					message: 'Both records were edited by people since the last sync: this change was written over the target’s edit',
					esm2Before: expect.objectContaining({ description: 'No video: the USB-C cable is broken' }),
				},
			});
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: { [PATCH]: 2 } }); // the two people and the winning write

			world.clock.now = base + 10 * MINUTE;
			const run = await rig.runScheduled(template);
			expect(await rig.settle(both)).toMatchObject({ quiet: true });
			expect(run.json('Run Summary')[0]).toMatchObject({ extracted: 1, loaded: 0, skippedEcho: 1, conflicts: [] });
			expect(await writes()).toEqual({ esm1: {}, esm2: {} });
			for (const side of [world.esm1, world.esm2]) {
				expect((await tickets(side))[0]).toMatchObject({ description: 'No video on the left screen', status: '05 - Solved', solution: 'Firmware update' });
			}
		} finally {
			await rig.stop();
		}
	});
});
