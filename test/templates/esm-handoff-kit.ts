import type { IDataObject } from 'n8n-workflow';

import { startEsm, type EsmSandbox } from '../../sandbox';
import { syncClock } from '../../nodes/Sync/clock';
import { retryClock } from '../../nodes/shared/retry';
import { createWorkflowHarness, type WorkflowHarness, type WorkflowJson } from '../helpers/workflow-harness';
import { call } from './sandbox-kit';
import { esmPerson, startSyncRig, takeWrites, WEBHOOK_HEADERS, writeCount, type SyncRig } from './sync-kit';

/**
 * The proof driver of the two ESM → ESM handoff templates (CoreProIGA scenarios 1 and 4, issue 9):
 * ESM1 hands tickets of one category over to ESM2 by webhook, ESM2's decision comes back on a
 * schedule. Both emulators run on one test clock (ESM's `updated` stamps and the Task Cache
 * watermark), so "the later edit wins" and the watermark are deterministic; people edit through the
 * ESM API, so ESM1's webhook rule fires for them and for the template's own writes alike.
 */

export interface HandoffScenario {
	/** The template JSON (loaded by the test with loadTemplate). */
	template: WorkflowJson;
	/** The webhook path of the template, e.g. esm/ticket-handoff. */
	path: string;
	/** The category handed over (the template's Settings) and one that is not. */
	category: string;
	otherCategory: string;
	/** The ESM2 statuses written back to ESM1 (the template's Settings). */
	reported: string[];
	/** Statuses an ESM2 person sets to decide an open ticket (each one is reported). */
	decide: string[];
	/** The status an ESM2 person closes a decided ticket with (reported). */
	close: string;
	/** Scenario 1 reads the solution back too; scenario 4 only the status. */
	withSolution: boolean;
}

export interface HandoffWorld {
	esm1: EsmSandbox;
	esm2: EsmSandbox;
	harness: WorkflowHarness;
	clock: { now: number };
	stop(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

export async function startHandoffWorld(): Promise<HandoffWorld> {
	const clock = { now: T0 };
	const options = { port: 0, seed: 'empty' as const, now: () => clock.now, tokenTtlSec: 7 * 86_400 };
	const esm1 = await startEsm({ ...options, instance: 'local' });
	const esm2 = await startEsm({ ...options, instance: 'remote' });
	const credential = (id: string, name: string, sandbox: EsmSandbox) => ({
		id,
		name,
		type: 'coreProIgaApi',
		data: { ...sandbox.credentials, allowSelfSigned: false, sessionToken: '' },
	});
	const harness = createWorkflowHarness({
		credentials: [
			credential('esmLocal', 'ESM (local)', esm1),
			credential('esmRemote', 'ESM (remote)', esm2),
			{ id: 'esmWebhookAuth', name: 'ESM webhook (header auth)', type: 'httpHeaderAuth', data: { name: 'X-ESM-Webhook-Token', value: 'sandbox-webhook-secret' } },
		],
	});
	jest.spyOn(syncClock, 'now').mockImplementation(() => new Date(clock.now));
	jest.spyOn(retryClock, 'sleep').mockResolvedValue(undefined);
	return {
		esm1,
		esm2,
		harness,
		clock,
		async stop() {
			await Promise.all([esm1.stop(), esm2.stop()]);
		},
	};
}

/** A ticket as the test compares it: the synced attributes of one ESM incident card. */
export interface Ticket {
	id: string;
	subject?: string;
	description?: string;
	priority?: string;
	category?: string;
	status?: string;
	solution?: string;
	remote_id?: string;
	sync_marker?: string;
	datasourceid?: string;
	folder: string;
}

interface StateCard {
	id: number;
	folder: string;
	deleted: boolean;
	data: Record<string, Array<{ value?: string }>>;
}

export async function tickets(esm: EsmSandbox): Promise<Ticket[]> {
	const state = await call(`${esm.url}/__admin/state?template=incident`);
	return (state.cards as StateCard[])
		.filter((card) => !card.deleted)
		.map((card) => {
			const ticket: Ticket = { id: String(card.id), folder: card.folder };
			for (const [code, values] of Object.entries(card.data)) {
				const value = values?.[0]?.value;
				if (value !== undefined && value !== null && value !== '') (ticket as unknown as IDataObject)[code] = value;
			}
			return ticket;
		})
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/** The ESM2 ticket handed over for each ESM1 card (by remote_id); fails on duplicates. */
export async function pairs(world: HandoffWorld): Promise<{ esm1: Ticket[]; byRemote: Map<string, Ticket> }> {
	const esm1 = await tickets(world.esm1);
	const byRemote = new Map<string, Ticket>();
	for (const ticket of await tickets(world.esm2)) {
		if (!ticket.remote_id) continue;
		if (byRemote.has(ticket.remote_id)) throw new Error(`Two ESM2 tickets for ESM1 card ${ticket.remote_id}`);
		byRemote.set(ticket.remote_id, ticket);
	}
	return { esm1, byRemote };
}

/**
 * Where the two sides disagree on the synced fields: every ESM1 ticket of the category has exactly
 * one ESM2 ticket with the same subject, description and priority; a reported ESM2 status (and in
 * scenario 1 the solution) is on the ESM1 ticket too; other categories were never handed over.
 */
export async function disagreements(world: HandoffWorld, scenario: HandoffScenario): Promise<string[]> {
	const { esm1, byRemote } = await pairs(world);
	const problems: string[] = [];
	for (const ticket of esm1) {
		const remote = byRemote.get(ticket.id);
		if (ticket.category !== scenario.category) {
			if (remote) problems.push(`ESM1 ${ticket.id} (${String(ticket.category)}) was handed over`);
			continue;
		}
		if (!remote) {
			problems.push(`ESM1 ${ticket.id} has no ESM2 ticket`);
			continue;
		}
		for (const field of ['subject', 'description', 'priority'] as const) {
			if (ticket[field] !== remote[field]) problems.push(`${field} of ESM1 ${ticket.id}: ${String(ticket[field])} / ESM2 ${remote.id}: ${String(remote[field])}`);
		}
		if (remote.status && scenario.reported.includes(remote.status)) {
			if (ticket.status !== remote.status) problems.push(`status of ESM1 ${ticket.id}: ${String(ticket.status)} / ESM2 ${remote.id}: ${remote.status}`);
			if (scenario.withSolution && ticket.solution !== remote.solution) {
				problems.push(`solution of ESM1 ${ticket.id}: ${String(ticket.solution)} / ESM2 ${remote.id}: ${String(remote.solution)}`);
			}
		}
	}
	const esm1Ids = new Set(esm1.map((ticket) => ticket.id));
	for (const [remoteId, remote] of byRemote) if (!esm1Ids.has(remoteId)) problems.push(`ESM2 ${remote.id} points to no ESM1 card (${remoteId})`);
	return problems;
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const PRIORITIES = ['1 - Critical', '2 - High', '3 - Medium', '4 - Low'];
const PROGRESS = ['02 - Solving', '03 - Waiting for customer', '04 - Waiting for 3rd party'];

export type ActionKind = 'create' | 'edit' | 'esm1Status' | 'progress' | 'decide' | 'solution' | 'close';

export interface CycleRecord {
	cycle: number;
	actions: string[];
	/** Writes the genuine changes require, per side (the people's own requests not counted). */
	expected: { esm1: number; esm2: number };
	/** Writes the sync made, per side (every write request minus the people's). */
	actual: { esm1: number; esm2: number };
	quiet: boolean;
	summary: IDataObject;
}

export interface DriverResult {
	cycles: CycleRecord[];
	/** Cycles whose writes differ from the genuine changes' or that did not settle. */
	violations: CycleRecord[];
	totals: { expected: { esm1: number; esm2: number }; actual: { esm1: number; esm2: number }; actions: Record<ActionKind, number> };
	/** Writes in the cycles after the changes stopped. */
	writesAfterChangesStopped: number;
	/** Writes in cycles in which nobody changed anything (the quiet tail included). */
	writesInCyclesWithoutChanges: number;
	disagreements: string[];
	rig: SyncRig;
}

/** Both ESMs' write requests per route since the last call (the counts are reset). */
export async function handoffWrites(world: HandoffWorld): Promise<{ esm1: Record<string, number>; esm2: Record<string, number> }> {
	return { esm1: await takeWrites(world.esm1.url), esm2: await takeWrites(world.esm2.url) };
}

/** Runs the template from its webhook with `body`, as ESM1's workflow calls it, and gives its answer. */
export async function deliverTo(world: HandoffWorld, workflow: WorkflowJson, body: unknown): Promise<{ statusCode: number; body: IDataObject }> {
	const result = await world.harness.runWorkflow({ workflow, mode: 'webhook', webhook: { headers: { ...WEBHOOK_HEADERS }, body } });
	expect(result.error).toBeUndefined();
	const { statusCode, body: answer } = result.webhookResponse as unknown as { statusCode: number; body: IDataObject };
	return { statusCode, body: answer };
}

export async function resetWorld(world: HandoffWorld): Promise<void> {
	world.clock.now += 86_400_000;
	for (const esm of [world.esm1, world.esm2]) {
		await call(`${esm.url}/__admin/reset`, { method: 'POST' });
		await call(`${esm.url}/__admin/webhook-deliveries?wait=true`);
	}
}

/** Starts the rig for the workflow and registers ESM1's webhook rule (the "ESM1 workflow" of the set-up note). */
export async function startRig(world: HandoffWorld, scenario: HandoffScenario, workflow: WorkflowJson): Promise<SyncRig> {
	const rig = await startSyncRig(world.harness, [workflow]);
	await call(`${world.esm1.url}/__admin/webhook-rules`, {
		method: 'POST',
		body: JSON.stringify({ template: 'incident', filter: `$category$ = '${scenario.category}'`, events: ['created', 'updated'], url: rig.webhookUrl(scenario.path) }),
	});
	await takeWrites(world.esm1.url);
	await takeWrites(world.esm2.url);
	return rig;
}

export function people(world: HandoffWorld) {
	return { esm1: esmPerson(world.esm1), esm2: esmPerson(world.esm2) };
}

/**
 * Runs the scenario: each cycle makes 0-3 genuine changes chosen by the PRNG (on distinct tickets),
 * lets ESM1's webhook calls finish, moves the clock to the next schedule slot (10 minutes), runs the
 * scheduled direction once and settles; then `quietCycles` cycles without changes. Every cycle
 * records the writes per side against those the changes require:
 * - ESM1 creates a ticket: one ESM2 create if it is of the category, else none;
 * - ESM1 edits subject, description or priority: one ESM2 update if the ticket is of the category;
 * - ESM1 sets its own working status on an open ticket, ESM2 sets a progress status: none;
 * - ESM2 decides an open ticket (status, solution), changes the solution of a decided one or closes
 *   it: one ESM1 update.
 */
export async function runCycles(
	world: HandoffWorld,
	scenario: HandoffScenario,
	workflow: WorkflowJson,
	options: { cycles: number; quietCycles: number; seed: number },
): Promise<DriverResult> {
	await resetWorld(world);
	const rig = await startRig(world, scenario, workflow);
	const random = prng(options.seed);
	const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
	const person = people(world);
	const records: CycleRecord[] = [];
	const counts: Record<ActionKind, number> = { create: 0, edit: 0, esm1Status: 0, progress: 0, decide: 0, solution: 0, close: 0 };
	const done = (kind: ActionKind, text: string, actions: string[]) => {
		counts[kind]++;
		actions.push(text);
	};
	let created = 0;
	const esm = [world.esm1.url, world.esm2.url];
	try {
		for (let cycle = 0; cycle < options.cycles + options.quietCycles; cycle++) {
			const cycleStart = world.clock.now;
			const expected = { esm1: 0, esm2: 0 };
			const own = { esm1: 0, esm2: 0 };
			const actions: string[] = [];
			if (cycle < options.cycles) {
				const { esm1, byRemote } = await pairs(world);
				const used = new Set<string>();
				const wanted = Math.floor(random() * 4);
				// When in the 10 minutes each change happens (the last minute is read again by the next run: overlap).
				const offsets = Array.from({ length: wanted }, () => 1 + Math.floor(random() * 590)).sort((a, b) => a - b);
				/** One change of a random kind on a ticket not touched yet in this cycle; false when that kind has no candidate. */
				const act = async (): Promise<boolean> => {
					const free = esm1.filter((ticket) => !used.has(ticket.id));
					const remoteOf = (ticket: Ticket) => byRemote.get(ticket.id);
					const open = free.filter((ticket) => remoteOf(ticket) && !scenario.reported.includes(String(remoteOf(ticket)!.status)));
					const decided = free.filter((ticket) => scenario.reported.includes(String(remoteOf(ticket)?.status)));
					const kinds: ActionKind[] = ['create', 'create', 'edit', 'edit', 'esm1Status', 'progress', 'decide', 'decide', 'decide', 'close', ...(scenario.withSolution ? ['solution' as const] : [])];
					const kind: ActionKind = esm1.length < 3 ? 'create' : pick(kinds);
					if (kind === 'create') {
						const ours = random() < 0.75;
						created++;
						const id = await person.esm1.create('incident', 'incident_management', {
							subject: `Ticket ${created}`,
							description: `Opened in cycle ${cycle}`,
							priority: pick(PRIORITIES),
							status: '01 - New',
							category: ours ? scenario.category : scenario.otherCategory,
						});
						used.add(id);
						own.esm1++;
						if (ours) expected.esm2++;
						done(kind, `ESM1 creates ${id}${ours ? '' : ` (${scenario.otherCategory})`}`, actions);
						return true;
					}
					if (kind === 'edit') {
						if (!free.length) return false;
						const ticket = pick(free);
						const field = pick(['subject', 'description', 'description', 'priority'] as const);
						const value = field === 'priority' ? pick(PRIORITIES.filter((priority) => priority !== ticket.priority)) : `${field} ${cycle}.${actions.length}`;
						await person.esm1.edit('incident', ticket.id, { [field]: value });
						used.add(ticket.id);
						own.esm1++;
						if (ticket.category === scenario.category) expected.esm2++;
						done(kind, `ESM1 edits ${field} of ${ticket.id}`, actions);
						return true;
					}
					if (kind === 'esm1Status') {
						const candidates = free.filter((ticket) => ticket.status !== '02 - Solving' && !scenario.reported.includes(String(ticket.status)));
						if (!candidates.length) return false;
						const ticket = pick(candidates);
						await person.esm1.edit('incident', ticket.id, { status: '02 - Solving' });
						used.add(ticket.id);
						own.esm1++;
						done(kind, `ESM1 sets 02 - Solving on ${ticket.id}`, actions);
						return true;
					}
					const candidates = kind === 'progress' || kind === 'decide' ? open : kind === 'solution' ? decided : decided.filter((ticket) => remoteOf(ticket)!.status !== scenario.close);
					if (!candidates.length) return false;
					const ticket = pick(candidates);
					const remote = remoteOf(ticket)!;
					used.add(ticket.id);
					own.esm2++;
					if (kind === 'progress') {
						await person.esm2.edit('incident', remote.id, { status: pick(PROGRESS.filter((status) => status !== remote.status)) });
						done(kind, `ESM2 sets progress on ${remote.id}`, actions);
						return true;
					}
					expected.esm1++;
					if (kind === 'decide') {
						const status = pick(scenario.decide);
						await person.esm2.edit('incident', remote.id, { status, ...(scenario.withSolution ? { solution: `Solved in cycle ${cycle}` } : {}) });
						done(kind, `ESM2 sets ${status} on ${remote.id}`, actions);
					} else if (kind === 'solution') {
						await person.esm2.edit('incident', remote.id, { solution: `Solution rewritten in cycle ${cycle}` });
						done(kind, `ESM2 rewrites the solution of ${remote.id}`, actions);
					} else {
						await person.esm2.edit('incident', remote.id, { status: scenario.close });
						done(kind, `ESM2 closes ${remote.id}`, actions);
					}
					return true;
				};
				for (const offset of offsets) {
					world.clock.now = Math.max(world.clock.now + SECOND, cycleStart + offset * SECOND);
					for (let attempt = 0; attempt < 10 && !(await act()); attempt++);
				}
			}
			// ESM1's webhook calls (the people's changes) are answered; then the next schedule slot.
			const first = await rig.settle(esm);
			world.clock.now = cycleStart + 10 * MINUTE;
			const run = await rig.runScheduled(workflow);
			if (run.error) throw new Error(`cycle ${cycle}: the scheduled run failed: ${run.error.message}`);
			const second = await rig.settle(esm);
			const actual = {
				esm1: writeCount(await takeWrites(world.esm1.url)) - own.esm1,
				esm2: writeCount(await takeWrites(world.esm2.url)) - own.esm2,
			};
			records.push({ cycle, actions, expected, actual, quiet: first.quiet && second.quiet, summary: run.json('Run Summary')[0] ?? {} });
		}
	} finally {
		await rig.stop();
	}
	const sum = (list: CycleRecord[], key: 'expected' | 'actual', side: 'esm1' | 'esm2') => list.reduce((total, record) => total + record[key][side], 0);
	const changing = records.slice(0, options.cycles);
	return {
		cycles: records,
		violations: records.filter((record) => !record.quiet || record.actual.esm1 !== record.expected.esm1 || record.actual.esm2 !== record.expected.esm2),
		totals: {
			expected: { esm1: sum(changing, 'expected', 'esm1'), esm2: sum(changing, 'expected', 'esm2') },
			actual: { esm1: sum(changing, 'actual', 'esm1'), esm2: sum(changing, 'actual', 'esm2') },
			actions: counts,
		},
		writesAfterChangesStopped: records.slice(options.cycles).reduce((total, record) => total + record.actual.esm1 + record.actual.esm2, 0),
		writesInCyclesWithoutChanges: records.filter((record) => !record.actions.length).reduce((total, record) => total + record.actual.esm1 + record.actual.esm2, 0),
		disagreements: await disagreements(world, scenario),
		rig,
	};
}

/**
 * A handed-over ticket that ESM2 has decided (`decision`, with a solution in scenario 1) and that
 * was read back: both sides in sync, ESM1's card carrying the marker of the write-back. The write
 * counts are reset.
 */
export async function decidedPair(
	world: HandoffWorld,
	scenario: HandoffScenario,
	values: Record<string, string>,
	decision: Record<string, string>,
): Promise<{ rig: SyncRig; person: ReturnType<typeof people>; both: string[]; local: string; remote: string }> {
	await resetWorld(world);
	const rig = await startRig(world, scenario, scenario.template);
	const person = people(world);
	const both = [world.esm1.url, world.esm2.url];
	const local = await person.esm1.create('incident', 'incident_management', { status: '01 - New', ...values, category: scenario.category });
	await rig.settle(both);
	const remote = (await pairs(world)).byRemote.get(local)!.id;
	world.clock.now += MINUTE;
	await person.esm2.edit('incident', remote, decision);
	world.clock.now += 10 * MINUTE;
	await rig.runScheduled(scenario.template);
	await rig.settle(both);
	const [esm1] = await tickets(world.esm1);
	if (esm1.status !== decision.status) throw new Error(`the decision did not reach ESM1: ${JSON.stringify(esm1)}`);
	await takeWrites(world.esm1.url);
	await takeWrites(world.esm2.url);
	return { rig, person, both, local, remote };
}
