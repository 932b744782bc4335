import type { IDataObject } from 'n8n-workflow';

import { teardownHarness } from '../helpers/workflow-harness';
import { decidedPair, deliverTo, handoffWrites, people, resetWorld, runCycles, startHandoffWorld, startRig, tickets, type HandoffScenario, type HandoffWorld, type Ticket } from './esm-handoff-kit';
import { loadTemplate } from './sandbox-kit';
import { withoutLoopGuard } from './sync-kit';

/**
 * CoreProIGA scenario 4 (connector-behaviour.md 8, issue 9): a manual access-right request made in
 * ESM1 (an incident with category Access in the sandbox) becomes a ticket in ESM2's
 * service_requests at once; the status ESM2's team sets (granted `05 - Solved`, the sandbox's
 * nearest value to the vendor's `07 - Resolved`; refused `06 - Cancelled`; `07 - Closed`) is
 * written back to the request. Loop-free by the Loop Guard, proven as in scenario 1.
 */

const template = loadTemplate('esm-access-request.json');
const scenario: HandoffScenario = {
	template,
	path: 'esm/access-request',
	category: 'Access',
	otherCategory: 'Network',
	reported: ['05 - Solved', '06 - Cancelled', '07 - Closed'],
	decide: ['05 - Solved', '06 - Cancelled'],
	close: '07 - Closed',
	withSolution: false,
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

it('turns an access request into an ESM2 ticket and writes the status ESM2 sets back to it; progress statuses stay in ESM2', async () => {
	await resetWorld(world);
	const rig = await startRig(world, scenario, template);
	const person = people(world);
	const both = [world.esm1.url, world.esm2.url];
	try {
		const request = await person.esm1.create('incident', 'service_requests', {
			subject: 'Access: finance share for J. Smith',
			description: 'Read access to \\\\fs01\\finance, approved by the CFO',
			priority: '3 - Medium',
			status: '01 - New',
			category: 'Access',
		});
		expect(await rig.settle(both)).toMatchObject({ quiet: true });
		const [remote] = await tickets(world.esm2);
		expect(rig.calls).toEqual([{ path: 'esm/access-request', statusCode: 200, body: expect.objectContaining({ dataCardId: request, remoteDataCardId: remote.id, action: 'created' }) }]);
		expect(remote).toEqual({
			id: remote.id,
			folder: 'service_requests',
			subject: 'Access: finance share for J. Smith',
			description: 'Read access to \\\\fs01\\finance, approved by the CFO',
			priority: '3 - Medium',
			category: 'Access',
			status: '01 - New',
			remote_id: request,
			datasourceid: 'esm-access-request',
			sync_marker: expect.stringMatching(/^esm1:/),
		});
		expect(await writes()).toEqual({ esm1: { [POST]: 1 }, esm2: { [POST]: 1 } });

		// ESM2 works on it: a progress status is not reported.
		world.clock.now += MINUTE;
		await person.esm2.edit('incident', remote.id, { status: '02 - Solving' });
		world.clock.now += 10 * MINUTE;
		const working = await rig.runScheduled(template);
		expect(working.json('Run Summary')[0]).toMatchObject({ task: 'esm-access-request', status: 'no changes', extracted: 0, loaded: 0 });
		expect(await writes()).toEqual({ esm1: {}, esm2: { [PATCH]: 1 } });

		// Refused, then granted after all, then closed: each status reaches the request once; each
		// write-back calls the webhook (ESM1's rule), which recognises it and writes nothing.
		for (const status of ['06 - Cancelled', '05 - Solved', '07 - Closed']) {
			world.clock.now += MINUTE;
			await person.esm2.edit('incident', remote.id, { status });
			world.clock.now += 10 * MINUTE;
			const run = await rig.runScheduled(template);
			expect(await rig.settle(both)).toMatchObject({ quiet: true });
			expect([status, run.json('Run Summary')[0]]).toEqual([status, expect.objectContaining({ status: 'completed', extracted: 1, loaded: 1, failed: 0, conflicts: [] })]);
			expect(byId(await tickets(world.esm1), request)).toMatchObject({ status, subject: 'Access: finance share for J. Smith', sync_marker: expect.stringMatching(/^esm2:/) });
			expect(byId(await tickets(world.esm1), request).solution).toBeUndefined();
			expect(rig.calls.at(-1)).toEqual({ path: 'esm/access-request', statusCode: 200, body: { dataCardId: request, skipped: 'echo' } });
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: { [PATCH]: 1 } });
		}

		// Run Task Now with nothing changed: nothing written anywhere.
		world.clock.now += 10 * MINUTE;
		const again = await rig.runScheduled(template, 'Run Task Now');
		expect(again.json('Run Summary')[0]).toMatchObject({ extracted: 0, loaded: 0, failed: 0 });
		expect(await rig.settle(both)).toMatchObject({ quiet: true });
		expect(await writes()).toEqual({ esm1: {}, esm2: {} });
	} finally {
		await rig.stop();
	}
});

it('skips incidents of other categories, answers a bad body with 400 and an unknown card with 422, and writes nothing', async () => {
	await resetWorld(world);
	const network = await people(world).esm1.create('incident', 'incident_management', { subject: 'VPN', status: '01 - New', category: 'Network' });
	await writes();
	expect(await deliver({ dataCardId: network, event: 'created', template: 'incident' })).toEqual({
		statusCode: 200,
		body: { dataCardId: network, skipped: 'category', category: 'Network', handedOver: 'Access' },
	});
	for (const [body, message] of [
		[{ event: 'created' }, /^Missing required field: dataCardId$/],
		[{ dataCardId: 12.5 }, /^dataCardId must be the numeric ID of the ESM1 incident card, not 12.5$/],
		['access please', /^The body must be a JSON object with the dataCardId of the ESM1 incident/],
	] as Array<[unknown, RegExp]>) {
		const answer = await deliver(body);
		expect(answer.statusCode).toBe(400);
		expect(String(answer.body.error)).toMatch(message);
	}
	const unknown = await deliver({ dataCardId: '424242' });
	expect(unknown.statusCode).toBe(422);
	expect(String(unknown.body.error)).toMatch(/^ESM1 incident card 424242: /);
	expect(await writes()).toEqual({ esm1: {}, esm2: {} });
});

describe('proof (issue 9): 50 cycles with both sides firing', () => {
	it('writes exactly what the genuine changes require, settles every cycle, writes nothing once they stop, and both sides agree', async () => {
		const result = await runCycles(world, scenario, template, { cycles: 50, quietCycles: 3, seed: 4 });
		expect(result.violations).toEqual([]);
		expect(result.cycles).toHaveLength(53);
		expect(result.writesAfterChangesStopped).toBe(0);
		expect(result.disagreements).toEqual([]);
		expect(result.rig.calls.every((answer) => answer.statusCode === 200)).toBe(true);
		const echoes = result.rig.calls.filter((answer) => (answer.body as IDataObject).skipped === 'echo').length;
		expect({ ...result.totals, echoes, cyclesWithoutChanges: result.cycles.slice(0, 50).filter((cycle) => !cycle.actions.length).length }).toEqual({
			expected: { esm1: 35, esm2: 36 },
			actual: { esm1: 35, esm2: 36 },
			actions: { create: 30, edit: 18, esm1Status: 12, progress: 5, decide: 20, solution: 0, close: 15 },
			echoes: 35,
			cyclesWithoutChanges: 6,
		});
	}, 60_000);

	/** The same driver and seed with the guard switched off (see the scenario 1 test for why each echo ends after a round trip here). */
	it('fails without the loop guard: echo writes on both sides, writes in cycles without changes and after the changes stopped', async () => {
		const result = await runCycles(world, scenario, withoutLoopGuard(template), { cycles: 50, quietCycles: 3, seed: 4 });
		expect(result.violations.length).toBeGreaterThan(0);
		expect(result.violations.every((cycle) => cycle.actual.esm1 >= cycle.expected.esm1 && cycle.actual.esm2 >= cycle.expected.esm2)).toBe(true);
		expect(result.totals.actual.esm1).toBeGreaterThan(result.totals.expected.esm1);
		expect(result.totals.actual.esm2).toBeGreaterThan(result.totals.expected.esm2);
		expect(result.totals.expected).toEqual({ esm1: 35, esm2: 36 });
		expect(result.writesInCyclesWithoutChanges).toBeGreaterThan(0);
		expect(result.writesAfterChangesStopped).toBeGreaterThan(0);
	}, 60_000);
});

describe('concurrent edit of one request on both sides within one cycle', () => {
	/** A request granted in ESM2 and read back: both sides in sync. */
	const grantedPair = () =>
		decidedPair(world, scenario, { subject: 'Access: CRM for A. Lee', description: 'Sales role', priority: '3 - Medium' }, { status: '05 - Solved' });

	it('the later edit wins (here ESM2’s): ESM1’s change is reported in the webhook answer and the Run Summary, then replaced', async () => {
		const { rig, person, both, local, remote } = await grantedPair();
		try {
			// ESM2 has no webhook, so its edit is made first; the clocks say ESM1 saved at :10, ESM2 at :20.
			const base = world.clock.now + MINUTE;
			world.clock.now = base + 20 * SECOND;
			await person.esm2.edit('incident', remote, { priority: '1 - Critical', status: '07 - Closed' });
			world.clock.now = base + 10 * SECOND;
			await person.esm1.edit('incident', local, { priority: '4 - Low' });
			await rig.settle(both);
			expect(rig.calls.at(-1)!.body).toMatchObject({
				dataCardId: local,
				remoteDataCardId: remote,
				action: 'none',
				conflict: { kept: 'ESM2', esm2: expect.objectContaining({ priority: '1 - Critical' }), notWritten: expect.objectContaining({ priority: '4 - Low' }) },
			});
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: { [PATCH]: 1 } }); // the two people only

			world.clock.now = base + 10 * MINUTE;
			const run = await rig.runScheduled(template);
			expect(await rig.settle(both)).toMatchObject({ quiet: true });
			expect(run.json('Run Summary')[0]).toMatchObject({
				loaded: 1,
				conflicts: [
					expect.objectContaining({
						esm2Ticket: remote,
						esm1Ticket: local,
						kept: 'ESM2',
						esm2: expect.objectContaining({ priority: '1 - Critical', decisionStatus: '07 - Closed' }),
						esm1: expect.objectContaining({ priority: '4 - Low', decisionStatus: '05 - Solved' }),
					}),
				],
			});
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: {} });
			for (const side of [world.esm1, world.esm2]) expect((await tickets(side))[0]).toMatchObject({ priority: '1 - Critical', status: '07 - Closed' });
		} finally {
			await rig.stop();
		}
	});

	it('the later edit wins (here ESM1’s): written over ESM2’s edit and reported; ESM2’s status still comes back', async () => {
		const { rig, person, both, local, remote } = await grantedPair();
		try {
			const base = world.clock.now + MINUTE;
			world.clock.now = base + 10 * SECOND;
			await person.esm2.edit('incident', remote, { priority: '1 - Critical', status: '07 - Closed' });
			world.clock.now = base + 20 * SECOND;
			await person.esm1.edit('incident', local, { priority: '4 - Low' });
			await rig.settle(both);
			expect(rig.calls.at(-1)!.body).toMatchObject({
				action: 'updated',
				conflict: { kept: 'ESM1', esm2Before: expect.objectContaining({ priority: '1 - Critical' }) },
			});
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: { [PATCH]: 2 } });

			// ESM2's status change (a field ESM1 never writes) is no casualty of the rule: it comes back.
			world.clock.now = base + 10 * MINUTE;
			const run = await rig.runScheduled(template);
			expect(await rig.settle(both)).toMatchObject({ quiet: true });
			expect(run.json('Run Summary')[0]).toMatchObject({ loaded: 1, conflicts: [] });
			expect(await writes()).toEqual({ esm1: { [PATCH]: 1 }, esm2: {} });
			for (const side of [world.esm1, world.esm2]) expect((await tickets(side))[0]).toMatchObject({ priority: '4 - Low', status: '07 - Closed' });
		} finally {
			await rig.stop();
		}
	});
});
