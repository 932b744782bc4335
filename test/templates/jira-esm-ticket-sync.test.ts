import * as http from 'http';
import type { AddressInfo } from 'net';

import { startEsm, startJira, type EsmSandbox, type JiraSandbox } from '../../sandbox';
import { SANDBOX_ESM_USER, SANDBOX_JIRA_USER } from '../../sandbox/credentials';
import { adfToText } from '../../nodes/Jira/adf';
import { syncClock } from '../../nodes/Sync/clock';
import { retryClock } from '../../nodes/shared/retry';
import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowJson, type WorkflowRunResult } from '../helpers/workflow-harness';
import { call, loadTemplate } from './sandbox-kit';
import { esmPerson, startSyncRig, takeWrites, WEBHOOK_HEADERS, withoutLoopGuard, writeCount, type SyncRig } from './sync-kit';

/**
 * Issue 9, scenario 5: ESM incident ⇄ Jira issue, fields, comments and resolution both ways, loop-free.
 * The fields are this template's job (webhook ESM → Jira, schedule Jira → ESM, loop guard markers on
 * the records); comments and resolution are the jobs of jira-esm-comments and jira-esm-resolution,
 * and new issues of esm-incident-to-jira. The proof runs all four together on the sync rig: ESM
 * webhook rules call the event workflows (the "ESM workflows"), the test runs the scheduled rows, and
 * people edit both sides: an ESM user through ESM's API, a Jira agent through Jira's REST API.
 *
 * Time: Jira's `updated` stamps, ESM's `updated` stamps and the Task Cache's clock (watermarks) are
 * moved by the test. ESM and Jira have clocks of their own so that the concurrent-edit test can make
 * the later modification the one that reaches the sync first.
 */
const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
let jiraClock = T0 - 3 * DAY;
let esmClock = T0 - 3 * DAY;
const at = (time: number) => {
	jiraClock = time;
	esmClock = time;
};

const AGENT = { email: 'aino.agent@sandbox.example', apiToken: 'agent-token', displayName: 'Aino Agent' };
const PERSON = { login: 'maija', password: 'maija-password', displayName: 'Maija Meikäläinen' };

let jira: JiraSandbox;
let esm: EsmSandbox;
let harness: WorkflowHarness;
beforeAll(async () => {
	jira = await startJira({ port: 0, now: () => jiraClock, seed: 'empty', users: [SANDBOX_JIRA_USER, AGENT] });
	// No delivery retries: every call must be answered 2xx the first time (the test checks it).
	esm = await startEsm({ port: 0, instance: 'local', now: () => esmClock, seed: 'empty', users: [SANDBOX_ESM_USER, PERSON], webhookRetryDelaysMs: [] });
	harness = createWorkflowHarness({
		credentials: [
			{ id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi', data: { ...jira.credentials } },
			{ id: 'esmLocal', name: 'ESM (local)', type: 'coreProIgaApi', data: { ...esm.credentials, allowSelfSigned: false, sessionToken: '' } },
			{ id: 'esmWebhookAuth', name: 'ESM webhook (header auth)', type: 'httpHeaderAuth', data: { name: 'X-ESM-Webhook-Token', value: 'sandbox-webhook-secret' } },
		],
	});
	// The watermarks follow Jira's clock (they are compared with Jira's `updated`).
	jest.spyOn(syncClock, 'now').mockImplementation(() => new Date(jiraClock));
	jest.spyOn(retryClock, 'sleep').mockResolvedValue(undefined);
});
afterAll(async () => {
	jest.restoreAllMocks();
	await relay?.stop();
	await Promise.all([jira.stop(), esm.stop()]);
	teardownHarness();
});

const ticketSync = loadTemplate('jira-esm-ticket-sync.json');
const comments = loadTemplate('jira-esm-comments.json');
const resolution = loadTemplate('jira-esm-resolution.json');
const incidentToJira = loadTemplate('esm-incident-to-jira.json');

const FIELDS_PATH = 'esm/ticket-fields-to-jira';
const FOLDER = 'incident_management';
const SOLVED = ['05 - Solved', '06 - Cancelled', '07 - Closed'];
/** The mapping the template states: ESM priority ⇄ Jira priority (Jira's Lowest reads as Low). */
const ESM_TO_JIRA: Record<string, string> = { '1 - Critical': 'Highest', '2 - High': 'High', '3 - Medium': 'Medium', '4 - Low': 'Low' };
const JIRA_PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
const ESM_PRIORITIES = Object.keys(ESM_TO_JIRA);
const JIRA_PRIORITY_NAMES: Record<string, string> = { '1': 'Highest', '2': 'High', '3': 'Medium', '4': 'Low', '5': 'Lowest' };

// Write routes as the emulators count them.
const JIRA_EDIT = 'PUT /rest/api/3/issue/{issueIdOrKey}';
const JIRA_COMMENT = 'POST /rest/api/3/issue/{issueIdOrKey}/comment';
const JIRA_TRANSITION = 'POST /rest/api/3/issue/{issueIdOrKey}/transitions';
const JIRA_CREATE = 'POST /rest/api/3/issue';
const ESM_PATCH = 'PATCH /dc/{templateCode}/data/{dataCardId}';
const ESM_ADD = 'POST /dc/{templateCode}/data/{dataCardId}/{attributeCode}';
const ESM_CREATE = 'POST /dc/{templateCode}/data';

type Counts = Record<string, number>;
const add = (counts: Counts, route: string, by = 1) => {
	counts[route] = (counts[route] ?? 0) + by;
};
const minus = (observed: Counts, own: Counts): Counts => {
	const out: Counts = {};
	for (const [route, count] of Object.entries(observed)) if (count - (own[route] ?? 0) !== 0) out[route] = count - (own[route] ?? 0);
	for (const [route, count] of Object.entries(own)) if (!(route in observed)) out[route] = -count;
	return out;
};
const nonZero = (counts: Counts): Counts => Object.fromEntries(Object.entries(counts).filter(([, count]) => count !== 0));

/**
 * Writes since the last call, per side. Jira's issue search is a POST (`/rest/api/3/search/jql`) but
 * reads: sync-kit's takeWrites counts it, so it is left out here.
 */
async function writes(): Promise<{ jira: Counts; esm: Counts }> {
	const jiraWrites = await takeWrites(jira.url);
	return {
		jira: Object.fromEntries(Object.entries(jiraWrites).filter(([route]) => !/\/search(\/jql)?$|\/issue\/bulkfetch$/.test(route))),
		esm: await takeWrites(esm.url),
	};
}

// --------------------------------------------------------------------------------------------------
// The ESM workflows. ESM webhook rules post the card payload ({event, dataCardId, changedAttributes,
// card, …}). The fields webhook of this template takes that payload as it is; the comment, resolution
// and incident webhooks of the older templates take a body of their own ({dataCardId, comment} …),
// which an ESM workflow builds in its HTTP step. The sandbox's rules cannot shape a body, so this
// relay plays that step: it builds the body from the rule's payload and calls the workflow.
// --------------------------------------------------------------------------------------------------
interface Relay {
	url: string;
	rig?: SyncRig;
	stop(): Promise<void>;
}
let relay: Relay | undefined;

interface RulePayload {
	event: string;
	dataCardId: string;
	changedAttributes: string[];
	card: { data: Record<string, unknown> };
}

function relayBody(route: string, payload: RulePayload): { path: string; body: Record<string, unknown> } | undefined {
	const data = payload.card.data;
	if (route === '/comments' && payload.event === 'updated' && payload.changedAttributes.includes('worklog')) {
		// ESM lists the newest entry first; the payload was taken right after the change.
		const [entry] = data.worklog as Array<{ author: string; value: string }>;
		return { path: 'esm/comment-to-jira', body: { dataCardId: payload.dataCardId, comment: entry.value, author: entry.author } };
	}
	if (route === '/resolution' && payload.event === 'updated' && payload.changedAttributes.includes('status') && SOLVED.includes(String(data.status))) {
		return { path: 'esm/resolution-to-jira', body: { dataCardId: payload.dataCardId, solution: String(data.solution ?? '') || 'Solved in ESM' } };
	}
	if (route === '/create' && payload.event === 'created') {
		return {
			path: 'esm/incident-to-jira',
			body: { dataCardId: payload.dataCardId, subject: data.subject, description: data.description ?? '', priority: data.priority ?? '', project: 'SD', issueType: '10003' },
		};
	}
	return undefined;
}

async function startRelay(): Promise<Relay> {
	const state: Relay = { url: '', stop: async () => undefined };
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RulePayload;
			const forward = relayBody(request.url ?? '', payload);
			if (!forward || !state.rig) {
				response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"relayed":false}');
				return;
			}
			void fetch(state.rig.webhookUrl(forward.path), { method: 'POST', headers: WEBHOOK_HEADERS, body: JSON.stringify(forward.body) })
				.then(async (answer) => response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(await answer.text()))
				.catch((error: Error) => response.writeHead(502).end(error.message));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
	return state;
}

// --------------------------------------------------------------------------------------------------
// The two sides as the test sees them
// --------------------------------------------------------------------------------------------------
interface Card {
	id: number;
	deleted: boolean;
	data: Record<string, Array<{ value?: string; author?: string }>>;
}
interface Issue {
	key: string;
	summary: string;
	description: unknown;
	statusId: string;
	priorityId: string | null;
	comments: Array<{ id: number; body: unknown }>;
	properties: Record<string, unknown>;
}
const value = (card: Card, code: string) => card.data[code]?.[0]?.value ?? '';
const text = (doc: unknown) => (doc === null || doc === undefined ? '' : typeof doc === 'string' ? doc : adfToText(doc)).trim();

async function cards(): Promise<Card[]> {
	return ((await call(`${esm.url}/__admin/state?template=incident`)).cards as Card[]).filter((card) => !card.deleted);
}
async function issues(): Promise<Map<string, Issue>> {
	return new Map(((await call(`${jira.url}/__admin/state?include=issues`)).issues as Issue[]).map((issue) => [issue.key, issue]));
}

/** The synced view of a pair on each side: fields in the common form, comment texts without the sync markers, resolved or not. */
interface SideView {
	summary: string;
	description: string;
	priority: string;
	comments: string[];
	resolved: boolean;
}
function esmView(card: Card): SideView {
	return {
		summary: value(card, 'subject'),
		description: value(card, 'description').trim(),
		priority: ESM_TO_JIRA[value(card, 'priority')] ?? '',
		// A solution given in ESM reaches Jira as the resolution comment ([ESM …], not copied back).
		comments: [
			...(card.data.worklog ?? []).map((entry) => String(entry.value).replace(/^\[Jira [^\]]*\] /, '')),
			...(value(card, 'solution') && !value(card, 'solution').startsWith('Resolved in Jira ') ? [value(card, 'solution')] : []),
		].sort(),
		resolved: SOLVED.includes(value(card, 'status')),
	};
}
function jiraView(issue: Issue): SideView {
	const priority = JIRA_PRIORITY_NAMES[issue.priorityId ?? ''] ?? '';
	return {
		summary: issue.summary,
		description: text(issue.description),
		priority: priority === 'Lowest' ? 'Low' : priority,
		comments: issue.comments.map((comment) => text(comment.body).replace(/^\[ESM [^\]]*\] /, '')).sort(),
		resolved: ['10002', '6'].includes(issue.statusId),
	};
}

// --------------------------------------------------------------------------------------------------
// People
// --------------------------------------------------------------------------------------------------
const esmUser = () => esmPerson({ apiUrl: esm.apiUrl, credentials: { username: PERSON.login, password: PERSON.password } });
const agentAuth = `${AGENT.email}:${AGENT.apiToken}`;
const jiraAgent = {
	edit: (key: string, fields: Record<string, unknown>) => call(`${jira.url}/rest/api/3/issue/${key}`, { method: 'PUT', auth: agentAuth, body: JSON.stringify({ fields }) }),
	comment: (key: string, body: string) => call(`${jira.url}/rest/api/3/issue/${key}/comment`, { method: 'POST', auth: agentAuth, body: JSON.stringify({ body: adfOf(body) }) }),
	resolve: (key: string) =>
		call(`${jira.url}/rest/api/3/issue/${key}/transitions`, {
			method: 'POST',
			auth: agentAuth,
			body: JSON.stringify({ transition: { id: '31' }, fields: { resolution: { name: 'Done' } } }),
		}),
};

// --------------------------------------------------------------------------------------------------
// The scenario: linked pairs seeded equal, the four workflows on one rig, the rules registered.
// --------------------------------------------------------------------------------------------------
interface Pair {
	cardId: string;
	key: string;
}
interface World {
	rig: SyncRig;
	pairs: Pair[];
	/** Ticket sync as run (the guardless variant in the loop test). */
	workflow: WorkflowJson;
	/** What the first runs wrote (the seeded pairs are equal: nothing, with the guard). */
	firstRuns: { jira: Counts; esm: Counts; quiet: boolean };
}

const PAIRS = 8;

async function setUp(workflow: WorkflowJson, start: number): Promise<World> {
	at(start - 2 * DAY);
	await call(`${jira.url}/__admin/reset`, { method: 'POST' });
	await call(`${esm.url}/__admin/reset`, { method: 'POST' });
	const seeded = new Date(start - 2 * DAY).toISOString();
	const subjects = ['Printer on floor 3 jams', 'VPN drops every 10 minutes', 'Laptop battery swells', 'Shared mailbox missing', 'Teams calls echo', 'Badge reader at door B', 'Monitor flickers', 'Password reset loop'];
	const base = Array.from({ length: PAIRS }, (_, index) => ({
		key: `SD-${index + 1}`,
		summary: subjects[index],
		description: index % 3 === 0 ? '' : `Reported by the service desk.\nAffects ${index + 2} people.`,
		esmPriority: ESM_PRIORITIES[index % 4],
	}));
	await call(`${jira.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			issues: base.map((pair) => ({
				key: pair.key,
				project: 'SD',
				issueType: 'Incident',
				summary: pair.summary,
				...(pair.description ? { description: adfOf(pair.description) } : {}),
				priority: ESM_TO_JIRA[pair.esmPriority],
				created: seeded,
				updated: seeded,
			})),
		}),
	});
	await call(`${esm.url}/__admin/seed`, {
		method: 'POST',
		body: JSON.stringify({
			cards: base.map((pair, index) => ({
				template: 'incident',
				folder: FOLDER,
				created: seeded,
				updated: seeded,
				data: {
					efecte_id: `INC-TS-${String(index + 1).padStart(3, '0')}`,
					subject: pair.summary,
					...(pair.description ? { description: pair.description } : {}),
					priority: pair.esmPriority,
					status: '02 - Solving',
					jira_key: pair.key,
				},
			})),
		}),
	});
	const byKey = new Map((await cards()).map((card) => [value(card, 'jira_key'), String(card.id)]));
	const pairs = base.map((pair) => ({ key: pair.key, cardId: byKey.get(pair.key)! }));

	const rig = await startSyncRig(harness, [workflow, comments, resolution, incidentToJira]);
	relay!.rig = rig;
	const rule = (body: Record<string, unknown>) => call(`${esm.url}/__admin/webhook-rules`, { method: 'POST', body: JSON.stringify({ template: 'incident', ...body }) });
	// This template's ESM workflow: every update of a linked incident.
	await rule({ events: ['updated'], filter: '$jira_key$ IS NOT NULL', url: rig.webhookUrl(FIELDS_PATH) });
	// The older templates' ESM workflows (through the relay, which builds their bodies).
	await rule({ events: ['updated'], filter: '$jira_key$ IS NOT NULL', url: `${relay!.url}/comments` });
	await rule({ events: ['updated'], filter: '$jira_key$ IS NOT NULL', url: `${relay!.url}/resolution` });
	await rule({ events: ['created'], url: `${relay!.url}/create` });

	// First runs: every SD issue is read once; the pairs are equal.
	at(start);
	await writes();
	for (const scheduled of [workflow, comments, resolution]) await runScheduled(rig, scheduled);
	const { quiet } = await rig.settle([esm.url]);
	return { rig, pairs, workflow, firstRuns: { ...(await writes()), quiet } };
}

function adfOf(body: string) {
	return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: body.split('\n').flatMap((line, index) => [...(index ? [{ type: 'hardBreak' }] : []), { type: 'text', text: line }]) }] };
}

async function runScheduled(rig: SyncRig, workflow: WorkflowJson): Promise<WorkflowRunResult> {
	const result = await rig.runScheduled(workflow);
	expect(result.error).toBeUndefined();
	expect(result.json('Run Summary')[0]).toMatchObject({ failed: 0 });
	return result;
}

/** A seeded PRNG (mulberry32): the same cycles on every run. */
function prng(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(list: T[]): T => list[Math.floor(next() * list.length)] };
}

type ActionKind = 'esmEdit' | 'jiraEdit' | 'esmComment' | 'jiraComment' | 'esmResolve' | 'jiraResolve' | 'esmCreate';
const KINDS: ActionKind[] = ['esmEdit', 'esmEdit', 'jiraEdit', 'jiraEdit', 'esmComment', 'jiraComment', 'esmResolve', 'jiraResolve', 'esmCreate'];

interface CycleLog {
	cycle: number;
	actions: string[];
	/** Writes the genuine changes require, per side and route. */
	expected: { jira: Counts; esm: Counts };
	/** Writes the workflows made (the people's own requests taken off). */
	observed: { jira: Counts; esm: Counts };
	quiet: boolean;
	conflicts: number;
	webhookErrors: Array<{ path: string; statusCode: number; body: unknown }>;
}

const CYCLE = 10 * MINUTE;

/**
 * One cycle: people make the changes the PRNG chose (ESM changes fire the ESM workflows at once),
 * then the three scheduled rows run, each followed by settle. Counts what the changes require and
 * what was written.
 */
async function cycle(world: World, random: ReturnType<typeof prng>, index: number, start: number, active: boolean): Promise<CycleLog> {
	const { rig, pairs } = world;
	const tc = start + index * CYCLE;
	const actions: string[] = [];
	const expected = { jira: {} as Counts, esm: {} as Counts };
	const own = { jira: {} as Counts, esm: {} as Counts };
	const callsBefore = rig.calls.length;
	const person = esmUser();
	const state = { cards: new Map((await cards()).map((card) => [String(card.id), card])), issues: await issues() };
	const fieldEdited = new Map<string, 'esm' | 'jira'>();
	const resolvedNow = new Set<string>();
	let created = 0;
	let quiet = true;
	// ESM calls its workflows right after a change: the next person's change comes after they answered
	// (without this wait, which change a workflow sees first would be left to timing).
	const esmWorkflowsDone = async () => {
		quiet = (await rig.settle([esm.url])).quiet && quiet;
	};
	const count = active ? (random.next() < 0.2 ? 0 : 1 + random.int(3)) : 0;
	for (let step = 0; step < count; step++) {
		at(tc + MINUTE + step * 10 * SECOND);
		const kind = random.pick(KINDS);
		const pair = random.pick(pairs);
		const card = state.cards.get(pair.cardId)!;
		const issue = state.issues.get(pair.key)!;
		const resolved = SOLVED.includes(value(card, 'status')) || ['10002', '6'].includes(issue.statusId) || resolvedNow.has(pair.key);
		const tag = `c${index}.${step}`;
		if (kind === 'esmEdit' || kind === 'jiraEdit') {
			const side = kind === 'esmEdit' ? 'esm' : 'jira';
			// An ESM edit after a Jira edit that the schedule has not brought over yet is a concurrent edit:
			// the concurrent-edit test's case, not this one. (A Jira edit after an ESM edit is not: the ESM
			// workflow has already sent the ESM edit.)
			if (side === 'esm' && fieldEdited.get(pair.key) === 'jira') continue;
			fieldEdited.set(pair.key, side);
			// Every edit gives the summary or the description a new text: a record set back to exactly the
			// values the sync last wrote on it reads as an echo (a limit of Loop Guard: Filter Echoes, which
			// sees only the record; the template's set-up note says so).
			const which = random.int(3);
			const summary = which !== 1 ? `${value(card, 'subject').replace(/ \(.*\)$/, '')} (${side} ${tag})` : undefined;
			const description = which !== 0 ? `Edited in ${side === 'esm' ? 'ESM' : 'Jira'} (${tag}).${random.next() < 0.5 ? '\nSee the attached log.' : ''}` : undefined;
			const withPriority = random.next() < 0.5;
			if (side === 'esm') {
				const priority = withPriority ? random.pick(ESM_PRIORITIES.filter((entry) => entry !== value(card, 'priority'))) : undefined;
				await person.edit('incident', pair.cardId, { ...(summary ? { subject: summary } : {}), ...(description ? { description } : {}), ...(priority ? { priority } : {}) });
				await esmWorkflowsDone();
				add(own.esm, ESM_PATCH);
				add(expected.jira, JIRA_EDIT);
			} else {
				const current = JIRA_PRIORITY_NAMES[issue.priorityId ?? ''];
				// Lowest reads as Low: ESM gets 4 - Low either way (the summary or description changes anyway).
				const priority = withPriority ? random.pick(JIRA_PRIORITIES.filter((entry) => entry !== current)) : undefined;
				await jiraAgent.edit(pair.key, { ...(summary ? { summary } : {}), ...(description ? { description: adfOf(description) } : {}), ...(priority ? { priority: { name: priority } } : {}) });
				add(own.jira, JIRA_EDIT);
				// One ESM write per edited issue, however often it was edited before the schedule ran (added below).
			}
			actions.push(`${kind} ${pair.key}${summary ? ' summary' : ''}${description ? ' description' : ''}${withPriority ? ' priority' : ''}`);
		} else if (kind === 'esmComment') {
			await person.edit('incident', pair.cardId, { worklog: `Called the user back (${tag}).` });
			await esmWorkflowsDone();
			add(own.esm, ESM_PATCH);
			add(expected.jira, JIRA_COMMENT);
			actions.push(`${kind} ${pair.key}`);
		} else if (kind === 'jiraComment') {
			await jiraAgent.comment(pair.key, `Checked the logs (${tag}).`);
			add(own.jira, JIRA_COMMENT);
			add(expected.esm, ESM_ADD);
			actions.push(`${kind} ${pair.key}`);
		} else if (kind === 'esmResolve' || kind === 'jiraResolve') {
			if (resolved) continue;
			resolvedNow.add(pair.key);
			if (kind === 'esmResolve') {
				await person.edit('incident', pair.cardId, { status: '05 - Solved', solution: `Fixed in ESM (${tag}).` });
				await esmWorkflowsDone();
				add(own.esm, ESM_PATCH);
				add(expected.jira, JIRA_TRANSITION);
				// The solution reaches Jira as an [ESM …] comment: the comments template does not copy it back.
			} else {
				await jiraAgent.resolve(pair.key);
				add(own.jira, JIRA_TRANSITION);
				add(expected.esm, ESM_PATCH);
			}
			actions.push(`${kind} ${pair.key}`);
		} else {
			if (pairs.length >= PAIRS + 4) continue;
			const priority = random.pick(ESM_PRIORITIES);
			await person.create('incident', FOLDER, { subject: `New ticket ${tag}`, description: `Raised in ESM (${tag}).`, priority, status: '01 - New' });
			await esmWorkflowsDone();
			add(own.esm, ESM_CREATE);
			add(expected.jira, JIRA_CREATE);
			add(expected.esm, ESM_PATCH); // the issue key written back by esm-incident-to-jira
			created++;
			actions.push(`${kind} ${priority}`);
		}
	}
	for (const side of fieldEdited.values()) if (side === 'jira') add(expected.esm, ESM_PATCH);
	quiet = (await rig.settle([esm.url])).quiet && quiet;
	at(tc + 5 * MINUTE);
	let conflicts = 0;
	for (const scheduled of [world.workflow, comments, resolution]) {
		const result = await runScheduled(rig, scheduled);
		if (scheduled === world.workflow) conflicts += Number(result.json('Run Summary')[0].conflicts);
		quiet = (await rig.settle([esm.url])).quiet && quiet;
	}
	if (created) {
		// The new incidents are linked now: they join the pairs.
		const known = new Set(pairs.map((pair) => pair.cardId));
		for (const card of await cards()) if (!known.has(String(card.id)) && value(card, 'jira_key')) pairs.push({ cardId: String(card.id), key: value(card, 'jira_key') });
	}
	const observed = await writes();
	const calls = rig.calls.slice(callsBefore);
	for (const answer of calls) {
		const body = answer.body as { conflict?: unknown };
		if (body?.conflict) conflicts++;
	}
	return {
		cycle: index,
		actions,
		expected: { jira: nonZero(expected.jira), esm: nonZero(expected.esm) },
		observed: { jira: minus(observed.jira, own.jira), esm: minus(observed.esm, own.esm) },
		quiet,
		conflicts,
		webhookErrors: calls.filter((answer) => answer.statusCode !== 200),
	};
}

/** Both sides hold the same fields, comments and resolution for every pair. */
async function sidesAgree(pairs: Pair[]): Promise<Array<{ key: string; esm: SideView; jira: SideView }>> {
	const byId = new Map((await cards()).map((card) => [String(card.id), card]));
	const byKey = await issues();
	return pairs
		.map((pair) => ({ key: pair.key, esm: esmView(byId.get(pair.cardId)!), jira: jiraView(byKey.get(pair.key)!) }))
		.filter((pair) => JSON.stringify(pair.esm) !== JSON.stringify(pair.jira));
}

const ACTIVE_CYCLES = 50;
const QUIET_CYCLES = 3;
const GUARDLESS_ACTIVE = 12;

/** The proof's property for one cycle: exactly the required writes, settled, no conflict, every call answered 200. */
const sameWrites = (a: { jira: Counts; esm: Counts }, b: { jira: Counts; esm: Counts }) =>
	(['jira', 'esm'] as const).every((side) => Object.keys(minus(a[side], b[side])).length === 0);
const holds = (log: CycleLog) => sameWrites(log.observed, log.expected) && log.quiet && log.conflicts === 0 && log.webhookErrors.length === 0;

beforeAll(async () => {
	relay = await startRelay();
});

describe('the ticket sync, change by change', () => {
	let world: World;
	beforeAll(async () => {
		world = await setUp(ticketSync, T0 - 20 * DAY);
		expect(world.firstRuns).toEqual({ jira: {}, esm: {}, quiet: true });
	});
	afterAll(async () => world.rig.stop());

	it('answers a bad body with 400 and a message, writing nothing', async () => {
		const cases: Array<[unknown, RegExp]> = [
			['not json', /The body must be a JSON object/],
			[[1, 2], /The body must be a JSON object/],
			[{}, /^Missing required field: dataCardId$/],
			[{ dataCardId: '  ' }, /^Missing required field: dataCardId$/],
			[{ dataCardId: 'INC-TS-001' }, /dataCardId must be the numeric ID/],
			[{ dataCardId: { id: 1 } }, /dataCardId must be the numeric ID/],
			[{ dataCardId: world.pairs[0].cardId, template: 'person' }, /syncs incident cards, not "person"/],
		];
		for (const [body, message] of cases) {
			const result = await harness.runWorkflow({ workflow: ticketSync, mode: 'webhook', webhook: { headers: WEBHOOK_HEADERS, body } });
			expect(result.error).toBeUndefined();
			const answer = result.webhookResponse as { statusCode: number; body: { error: string } };
			expect(answer.statusCode).toBe(400);
			expect(answer.body.error).toMatch(message);
			expect(result.executedNodes).not.toContain('Get Incident Card');
		}
		expect(await writes()).toEqual({ jira: {}, esm: {} });
	});

	it('answers 422 for an unknown card, skips an unlinked one, and answers the ESM card payload as it comes', async () => {
		const deliver = async (body: unknown) => {
			const result = await harness.runWorkflow({ workflow: ticketSync, mode: 'webhook', webhook: { headers: WEBHOOK_HEADERS, body } });
			expect(result.error).toBeUndefined();
			return result.webhookResponse as { statusCode: number; body: Record<string, unknown> };
		};
		expect(await deliver({ dataCardId: '999999' })).toMatchObject({ statusCode: 422, body: { error: expect.stringMatching(/^ESM incident card 999999: /) } });
		// A card without jira_key (the rules call only linked ones, but a direct call may come).
		await call(`${esm.url}/__admin/seed`, {
			method: 'POST',
			body: JSON.stringify({
				append: true,
				cards: [
					{ template: 'incident', folder: FOLDER, data: { efecte_id: 'INC-TS-900', subject: 'Not in Jira', status: '01 - New' } },
					{ template: 'incident', folder: FOLDER, data: { efecte_id: 'INC-TS-901', subject: 'Issue deleted in Jira', status: '01 - New', jira_key: 'SD-999' } },
				],
			}),
		});
		const idOf = async (efecteId: string) => String((await cards()).find((card) => value(card, 'efecte_id') === efecteId)!.id);
		const bare = await idOf('INC-TS-900');
		expect(await deliver({ dataCardId: bare })).toMatchObject({ statusCode: 200, body: { skipped: 'not linked', dataCardId: bare } });
		// A card linked to an issue Jira does not know: 422, nothing written.
		expect(await deliver({ dataCardId: await idOf('INC-TS-901') })).toMatchObject({ statusCode: 422, body: { error: expect.stringMatching(/^Jira issue SD-999: Not found in Jira \(404\)/) } });
		// A linked card, called with the whole ESM payload: in sync, nothing written.
		const pair = world.pairs[1];
		expect(await deliver({ event: 'updated', template: 'incident', dataCardId: pair.cardId, changedAttributes: ['description'], card: { data: {} } })).toMatchObject({
			statusCode: 200,
			body: { issueKey: pair.key, dataCardId: pair.cardId, written: false, reason: 'Jira already holds these values' },
		});
		// A change of no synced field (a worklog entry, a status): nothing is read or written.
		const worklog = await harness.runWorkflow({
			workflow: ticketSync,
			mode: 'webhook',
			webhook: { headers: WEBHOOK_HEADERS, body: { event: 'updated', template: 'incident', dataCardId: pair.cardId, changedAttributes: ['worklog', 'status'], card: { data: {} } } },
		});
		expect(worklog.webhookResponse).toMatchObject({ statusCode: 200, body: { skipped: 'no synced field changed', dataCardId: pair.cardId } });
		expect(worklog.executedNodes).not.toContain('Get Incident Card');
		expect(await writes()).toEqual({ jira: {}, esm: {} });
	});

	it('carries an emptied description both ways and maps the priorities both ways, each change written once', async () => {
		const { rig } = world;
		const [, , pair] = world.pairs;
		const t = T0 - 19 * DAY;
		const fields = async () => {
			const card = (await cards()).find((candidate) => String(candidate.id) === pair.cardId)!;
			const issue = (await issues()).get(pair.key)!;
			return {
				esm: { description: value(card, 'description'), priority: value(card, 'priority') },
				jira: { description: text(issue.description), priority: JIRA_PRIORITY_NAMES[issue.priorityId ?? ''], marker: issue.properties['esm.sync'] },
			};
		};
		// ESM: description emptied, priority 1 - Critical → Jira: no description, Highest, with the marker in the same request.
		at(t);
		await esmUser().edit('incident', pair.cardId, { description: [], priority: '1 - Critical' });
		await rig.settle([esm.url]);
		expect(await fields()).toEqual({
			esm: { description: '', priority: '1 - Critical' },
			jira: { description: '', priority: 'Highest', marker: expect.stringMatching(/^esm:\S+$/) },
		});
		expect(minus((await writes()).esm, { [ESM_PATCH]: 1 })).toEqual({});
		// Jira: a description again and Lowest → ESM: the description and 4 - Low (Jira keeps Lowest).
		at(t + MINUTE);
		await jiraAgent.edit(pair.key, { description: adfOf('Back from the vendor.\nSerial 4711.'), priority: { name: 'Lowest' } });
		at(t + 5 * MINUTE);
		const run = await runScheduled(rig, ticketSync);
		await rig.settle([esm.url]);
		expect(run.json('Run Summary')[0]).toMatchObject({ changed: 1, loaded: 1, conflicts: 0 });
		expect(await fields()).toMatchObject({
			esm: { description: 'Back from the vendor.\nSerial 4711.', priority: '4 - Low' },
			jira: { description: 'Back from the vendor.\nSerial 4711.', priority: 'Lowest' },
		});
		expect(rig.calls.at(-1)).toMatchObject({ path: FIELDS_PATH, statusCode: 200, body: { skipped: 'echo' } });
		// Nothing comes back, now or on the next run.
		at(t + 15 * MINUTE);
		const next = await runScheduled(rig, ticketSync);
		expect(next.json('Run Summary')[0]).toMatchObject({ skippedEcho: 0, changed: 0, loaded: 0 });
		expect(minus((await writes()).jira, { [JIRA_EDIT]: 1 })).toEqual({});
	});

	it('"Run Task Now" (Execute Workflow Trigger) runs the scheduled row', async () => {
		at(T0 - 19 * DAY + 25 * MINUTE);
		const result = await harness.runWorkflow({ workflow: ticketSync, mode: 'integrated', startItems: [{ json: {} }], staticData: world.rig.staticData.get('jiraEsmTicketSync') });
		expect(result.error).toBeUndefined();
		expect(result.executedNodes).toContain('Search Updated Issues');
		expect(result.executedNodes).not.toContain('ESM Incident Updated');
		expect(result.json('Run Summary')[0]).toMatchObject({ task: 'jira-esm-ticket-sync', status: 'no changes', failed: 0, firstRun: false, watermarkMoved: true });
		expect(await writes()).toEqual({ jira: {}, esm: {} });
	});
});

describe('the proof: 50 cycles of people editing both sides, all four workflows running', () => {
	let world: World;
	const logs: CycleLog[] = [];
	const START = T0;
	beforeAll(async () => {
		world = await setUp(ticketSync, START);
		expect(world.firstRuns).toEqual({ jira: {}, esm: {}, quiet: true });
	});
	afterAll(async () => world.rig.stop());

	it('writes exactly what the changes require, never an echo, and nothing once the changes stop', async () => {
		const random = prng(0x7e5c);
		for (let index = 1; index <= ACTIVE_CYCLES + QUIET_CYCLES; index++) {
			logs.push(await cycle(world, random, index, START, index <= ACTIVE_CYCLES));
		}
		for (const log of logs) {
			expect({ cycle: log.cycle, actions: log.actions, writes: log.observed, quiet: log.quiet, conflicts: log.conflicts, webhookErrors: log.webhookErrors }).toEqual({
				cycle: log.cycle,
				actions: log.actions,
				writes: log.expected,
				quiet: true,
				conflicts: 0,
				webhookErrors: [],
			});
		}
		expect(logs.every(holds)).toBe(true);
		const quietCycles = logs.slice(ACTIVE_CYCLES);
		expect(quietCycles.map((log) => [log.actions.length, writeCount(log.observed.jira) + writeCount(log.observed.esm)])).toEqual([
			[0, 0],
			[0, 0],
			[0, 0],
		]);

		// The run had every kind of change on both sides.
		const kinds = new Set(logs.flatMap((log) => log.actions.map((action) => action.split(' ')[0])));
		expect([...kinds].sort()).toEqual(['esmComment', 'esmCreate', 'esmEdit', 'esmResolve', 'jiraComment', 'jiraEdit', 'jiraResolve']);
		const totals = (side: 'jira' | 'esm') => logs.reduce((sum, log) => sum + writeCount(log.observed[side]), 0);
		const byKind: Record<string, number> = {};
		for (const action of logs.flatMap((log) => log.actions)) add(byKind, action.split(' ')[0]);
		console.log(
			`ticket sync proof: ${logs.filter((log) => log.actions.length).length} of ${ACTIVE_CYCLES} cycles with changes, ${JSON.stringify(byKind)}; workflow writes Jira ${totals('jira')}, ESM ${totals('esm')}`,
		);
		expect(await sidesAgree(world.pairs)).toEqual([]);
	});

	it('a concurrent edit of one field on both sides is decided by the later modification and the other change reported; edits of different fields are merged', async () => {
		const { rig } = world;
		const pair = world.pairs[0];
		let t = START + (ACTIVE_CYCLES + QUIET_CYCLES + 1) * CYCLE;
		const sync = async (time: number) => {
			at(time);
			const result = await runScheduled(rig, ticketSync);
			await rig.settle([esm.url]);
			for (const scheduled of [comments, resolution]) await runScheduled(rig, scheduled);
			await rig.settle([esm.url]);
			return result.json('Run Summary')[0];
		};
		const fieldsOf = async () => {
			const card = (await cards()).find((candidate) => String(candidate.id) === pair.cardId)!;
			const issue = (await issues()).get(pair.key)!;
			return { esm: { summary: value(card, 'subject'), description: value(card, 'description') }, jira: { summary: issue.summary, description: text(issue.description) } };
		};
		// Both records carry markers of both directions: one change each way first.
		at(t + MINUTE);
		await esmUser().edit('incident', pair.cardId, { subject: 'Keyboard missing keys', description: 'Reported in ESM.' });
		await rig.settle([esm.url]);
		await sync(t + 5 * MINUTE);
		at(t + 6 * MINUTE);
		await jiraAgent.edit(pair.key, { description: adfOf('Reported in ESM, confirmed in Jira.') });
		await sync(t + 8 * MINUTE);
		expect(await fieldsOf()).toEqual({
			esm: { summary: 'Keyboard missing keys', description: 'Reported in ESM, confirmed in Jira.' },
			jira: { summary: 'Keyboard missing keys', description: 'Reported in ESM, confirmed in Jira.' },
		});
		await writes();

		// In the next cycle the agent edits the issue at t+1, the ESM user the card at t+2 (later), and
		// ESM's workflow calls the webhook: what the webhook answered.
		const jiraThenEsm = async (jiraFields: Parameters<typeof jiraAgent.edit>[1], esmFields: Record<string, string>) => {
			t += CYCLE;
			at(t + MINUTE);
			await jiraAgent.edit(pair.key, jiraFields);
			at(t + 2 * MINUTE);
			const before = rig.calls.length;
			await esmUser().edit('incident', pair.cardId, esmFields);
			await rig.settle([esm.url]);
			return rig.calls.slice(before);
		};

		// 1. The agent edits the summary, then the ESM user: ESM's change (later) wins.
		const first = await jiraThenEsm({ summary: 'Keyboard: keys F1-F4 dead (Jira)' }, { subject: 'Keyboard replaced (ESM)' });
		expect(first).toEqual([
			{
				path: FIELDS_PATH,
				statusCode: 200,
				body: expect.objectContaining({
					issueKey: pair.key,
					written: true,
					fields: expect.objectContaining({ summary: 'Keyboard replaced (ESM)' }),
					conflict: {
						kept: 'esm',
						lost: 'jira',
						fields: [{ field: 'summary', kept: 'this write', value: 'Keyboard replaced (ESM)', targetValue: 'Keyboard: keys F1-F4 dead (Jira)' }],
						message: expect.stringMatching(/edited by people since the last sync: this change was written over the target’s edit/),
						esm: expect.objectContaining({ summary: 'Keyboard replaced (ESM)', updated: new Date(t + 2 * MINUTE).toISOString().replace('.000Z', 'Z') }),
						jira: expect.objectContaining({ summary: 'Keyboard: keys F1-F4 dead (Jira)', updated: expect.stringMatching(/^2026-/) }),
					},
				}),
			},
		]);
		const afterFirst = await sync(t + 5 * MINUTE);
		expect(afterFirst).toMatchObject({ changed: 0, loaded: 0, conflicts: 0, conflictReports: [] });
		expect(await fieldsOf()).toMatchObject({ esm: { summary: 'Keyboard replaced (ESM)' }, jira: { summary: 'Keyboard replaced (ESM)' } });
		expect(minus((await writes()).jira, { [JIRA_EDIT]: 1 })).toEqual({ [JIRA_EDIT]: 1 });

		// 2. The agent edits at t+3, the ESM user at t+1 (earlier) but the ESM workflow calls first:
		// the webhook keeps the later Jira edit and reports the ESM change; the schedule then writes
		// the Jira edit over the card and reports that too.
		t += CYCLE;
		jiraClock = t + 3 * MINUTE;
		await jiraAgent.edit(pair.key, { summary: 'Keyboard works again (Jira)' });
		esmClock = t + MINUTE;
		const calls = rig.calls.length;
		await esmUser().edit('incident', pair.cardId, { subject: 'Keyboard still broken (ESM)' });
		await rig.settle([esm.url]);
		expect(rig.calls.slice(calls)).toEqual([
			{
				path: FIELDS_PATH,
				statusCode: 200,
				body: {
					issueKey: pair.key,
					dataCardId: pair.cardId,
					written: false,
					reason: 'concurrent edit: the Jira edit is later and was kept',
					conflict: {
						kept: 'jira',
						lost: 'esm',
						fields: [{ field: 'summary', kept: 'target', value: 'Keyboard still broken (ESM)', targetValue: 'Keyboard works again (Jira)' }],
						message: expect.stringMatching(/the target’s edit was kept and this change was not written/),
						esm: expect.objectContaining({ summary: 'Keyboard still broken (ESM)' }),
						jira: expect.objectContaining({ summary: 'Keyboard works again (Jira)' }),
					},
				},
			},
		]);
		const second = await sync(t + 5 * MINUTE);
		expect(second).toMatchObject({ changed: 1, loaded: 1, conflicts: 1, failed: 0 });
		expect(second.conflictReports).toEqual([
			{
				issueKey: pair.key,
				dataCardId: pair.cardId,
				kept: 'jira',
				lost: 'esm',
				fields: [{ field: 'summary', kept: 'this write', value: 'Keyboard works again (Jira)', targetValue: 'Keyboard still broken (ESM)' }],
				message: expect.stringMatching(/this change was written over the target’s edit/),
				jira: expect.objectContaining({ summary: 'Keyboard works again (Jira)' }),
				esm: expect.objectContaining({ summary: 'Keyboard still broken (ESM)', updated: new Date(t + MINUTE).toISOString().replace('.000Z', 'Z') }),
			},
		]);
		expect(await fieldsOf()).toMatchObject({ esm: { summary: 'Keyboard works again (Jira)' }, jira: { summary: 'Keyboard works again (Jira)' } });
		expect(minus((await writes()).esm, { [ESM_PATCH]: 1 })).toEqual({ [ESM_PATCH]: 1 });

		// 3. Within one cycle the agent edits the description, the ESM user the summary: different
		// fields, so no conflict: each side's change reaches the other, nothing is reported.
		const merge = await jiraThenEsm({ description: adfOf('Keys replaced by the vendor (Jira).') }, { subject: 'Keyboard: vendor visit booked (ESM)' });
		// Written to Jira: ESM's summary with the issue's own description; no conflict in the answer.
		expect(merge).toEqual([
			{
				path: FIELDS_PATH,
				statusCode: 200,
				body: expect.objectContaining({
					issueKey: pair.key,
					written: true,
					fields: expect.objectContaining({ summary: 'Keyboard: vendor visit booked (ESM)', description: 'Keys replaced by the vendor (Jira).' }),
				}),
			},
		]);
		expect((merge[0].body as Record<string, unknown>).conflict).toBeUndefined();
		// The issue got the ESM summary and kept its own description.
		expect((await fieldsOf()).jira).toEqual({ summary: 'Keyboard: vendor visit booked (ESM)', description: 'Keys replaced by the vendor (Jira).' });
		const third = await sync(t + 5 * MINUTE);
		expect(third).toMatchObject({ changed: 1, loaded: 1, conflicts: 0, conflictReports: [], failed: 0 });
		const merged = { summary: 'Keyboard: vendor visit booked (ESM)', description: 'Keys replaced by the vendor (Jira).' };
		expect(await fieldsOf()).toEqual({ esm: merged, jira: merged });
		// Each side received one write (besides its person's own edit).
		expect(await writes()).toEqual({ jira: { [JIRA_EDIT]: 2 }, esm: { [ESM_PATCH]: 2 } });

		// Quiet afterwards.
		await sync(t + CYCLE + 5 * MINUTE);
		expect(await writes()).toEqual({ jira: {}, esm: {} });
		expect(await sidesAgree(world.pairs)).toEqual([]);
	});
});

describe('without the loop guard (the test-only switch), the same driver detects the loop', () => {
	let world: World;
	const START = T0 + 40 * DAY;
	beforeAll(async () => {
		world = await setUp(withoutLoopGuard(ticketSync), START);
	});
	afterAll(async () => world.rig.stop());

	it('fails the property the guarded run passes: every change comes back as an echo write', async () => {
		// The seeded pairs are equal, yet the first runs rewrite every card (same values, a new marker).
		expect(world.firstRuns).toEqual({ jira: {}, esm: { [ESM_PATCH]: PAIRS }, quiet: true });
		const random = prng(0x7e5c);
		const logs: CycleLog[] = [];
		for (let index = 1; index <= GUARDLESS_ACTIVE + QUIET_CYCLES; index++) logs.push(await cycle(world, random, index, START, index <= GUARDLESS_ACTIVE));
		// The same property as the guarded run's, cycle by cycle: it does not hold.
		expect(logs.every(holds)).toBe(false);
		const surplus = logs.map((log) => ({ jira: minus(log.observed.jira, log.expected.jira), esm: minus(log.observed.esm, log.expected.esm) }));
		const failing = surplus.filter((extra) => writeCount(extra.jira) + writeCount(extra.esm) > 0);
		expect(failing.length).toBeGreaterThan(GUARDLESS_ACTIVE / 2);
		// The echoes: a field change written to the other side is written straight back (ESM PATCH after a
		// Jira write, Jira PUT after an ESM write).
		for (const extra of failing) {
			expect(Object.keys(extra.jira).every((route) => route === JIRA_EDIT)).toBe(true);
			expect(Object.keys(extra.esm).every((route) => route === ESM_PATCH)).toBe(true);
		}
		console.log(`guardless: ${failing.length} of ${GUARDLESS_ACTIVE} cycles wrote echoes (${surplus.reduce((sum, extra) => sum + writeCount(extra.jira) + writeCount(extra.esm), 0)} echo writes)`);
	});
});
