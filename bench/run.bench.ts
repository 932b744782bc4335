/**
 * `npm run bench` (issue 10, "Benchmark"): the real templates, executed by n8n-core's engine through
 * the in-process workflow harness, against the Jira and ESM emulators running in a SEPARATE process
 * with injected latency. Measures wall time, requests (from the emulators' own counts, logins
 * included) against the minimum computed from the API maxima of design.md (bench/minimum.ts), ESM
 * writes and the peak RSS of this process; prints a table and writes bench/results.json.
 * Asserts nothing about time: the targets are reported, not enforced.
 *
 * Env: BENCH_SCENARIOS (comma list of scenario names; default all), BENCH_SCALE (record counts times
 * this, e.g. 0.1; default 1), BENCH_LATENCY_MS (default 20), BENCH_OUT (default bench/results.json),
 * BENCH_TEMPLATES_AS_IS=1 (run the templates without the overrides the output lists).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

import type { IDataObject } from 'n8n-workflow';

import {
	createWorkflowHarness,
	findNodeType,
	teardownHarness,
	type HarnessCredential,
	type WorkflowHarness,
	type WorkflowJson,
	type WorkflowNodeJson,
	type WorkflowRunResult,
} from '../test/helpers/workflow-harness';
import { DEFAULT_ESM_BATCH, Minimum, type MinimumPart } from './minimum';
import { adminCall, startSandboxProcess, type Emulator, type RequestCounts, type SandboxProcess } from './sandbox-process';

// ---------------------------------------------------------------------------------------------
// Settings

const SCENARIOS = [
	'users-groups-full-1k',
	'users-groups-full-10k',
	'users-groups-full-50k',
	'users-groups-rerun-50k',
	'users-groups-fetch-only-50k',
	'issues-full-20k',
	'issues-incremental-1pct',
	'reconcile-50k-1pct',
] as const;
type ScenarioName = (typeof SCENARIOS)[number];

/** The order they run in: the 50k data set is used by four scenarios before the issues reset it. */
const RUN_ORDER: ScenarioName[] = [
	'users-groups-full-1k',
	'users-groups-full-10k',
	'users-groups-full-50k',
	'users-groups-rerun-50k',
	'users-groups-fetch-only-50k',
	'reconcile-50k-1pct',
	'issues-full-20k',
	'issues-incremental-1pct',
];

const LATENCY_MS = numberEnv('BENCH_LATENCY_MS', 20);
const SCALE = numberEnv('BENCH_SCALE', 1);
const OUT_FILE = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(__dirname, 'results.json');
const SELECTED: ScenarioName[] = selectedScenarios();
const SEED = 42;
const MEMBERSHIPS_PER_USER = 3;
const CHANGED_FRACTION = 0.01;

const scaled = (count: number) => Math.max(1, Math.round(count * SCALE));
const PEOPLE = {
	'1k': { users: scaled(1000), groups: scaled(1000) },
	'10k': { users: scaled(10_000), groups: scaled(1000) },
	'50k': { users: scaled(50_000), groups: scaled(7000) },
} as const;
type PeopleSize = keyof typeof PEOPLE;
/** Issues in project SD (the templates' JQL); the generator alternates SD and OPS, so twice as many are generated. */
const SD_ISSUES = scaled(20_000);

/** Targets of issue 10 (reported, never asserted). */
const TARGETS = { fullImport50kSeconds: 300, maxRatio: 1.05, maxPeakRssMb: 1024, rerunOverFetchOnly: 1.1 };

function numberEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a non-negative number`);
	return value;
}

function selectedScenarios(): ScenarioName[] {
	const raw = (process.env.BENCH_SCENARIOS ?? '').split(',').map((name) => name.trim()).filter(Boolean);
	if (!raw.length) return [...SCENARIOS];
	const unknown = raw.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
	if (unknown.length) throw new Error(`BENCH_SCENARIOS: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
	return raw as ScenarioName[];
}

// ---------------------------------------------------------------------------------------------
// Output

const started = performance.now();
function progress(line: string): void {
	const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(7);
	process.stdout.write(`[bench ${seconds}s] ${line}\n`);
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** Samples this process's RSS (the engine and our nodes; the emulators are elsewhere). */
class RssSampler {
	private peak = 0;
	private timer?: NodeJS.Timeout;

	start(): void {
		this.peak = process.memoryUsage().rss;
		this.timer = setInterval(() => this.sample(), 50);
	}

	sample(): void {
		this.peak = Math.max(this.peak, process.memoryUsage().rss);
	}

	stop(): number {
		this.sample();
		clearInterval(this.timer);
		return this.peak;
	}
}

// ---------------------------------------------------------------------------------------------
// Templates as the benchmark runs them

const TEMPLATE_DIR = path.resolve(__dirname, '../templates');
const TEMPLATE_FILES = {
	users: 'jira-users-to-esm-full.json',
	groups: 'jira-groups-to-esm-full.json',
	issuesFull: 'jira-issues-to-esm-full.json',
	issuesIncr: 'jira-issues-to-esm-incr.json',
} as const;
type TemplateName = keyof typeof TEMPLATE_FILES;

/** Parameters the benchmark changes in the templates; printed with the results. */
const OVERRIDES: string[] = [];

function loadTemplate(name: TemplateName): WorkflowJson {
	const workflow = JSON.parse(readFileSync(path.join(TEMPLATE_DIR, TEMPLATE_FILES[name]), 'utf8')) as WorkflowJson;
	for (const node of workflow.nodes) {
		const parameters = node.parameters as IDataObject | undefined;
		if (node.type.endsWith('.taskCache') && parameters?.operation === 'filterChanged' && parameters.clearHours !== '') {
			// The daily automatic clear (00:00 UTC) would turn an unchanged re-run that happens to cross
			// midnight into a full write; the clear is a scheduled full write, which the full scenarios measure.
			parameters.clearHours = '';
			const note = `${TEMPLATE_FILES[name]} "${node.name}": clearHours '' (no automatic clear during the benchmark)`;
			if (!OVERRIDES.includes(note)) OVERRIDES.push(note);
		}
		const options = parameters?.options as IDataObject | undefined;
		if (
			node.type.endsWith('.jiraGroup') &&
			options?.withMembers === true &&
			!(options.memberAccountTypes as string[] | undefined)?.length &&
			process.env.BENCH_TEMPLATES_AS_IS !== '1'
		) {
			// The users template imports people only (account type atlassian): members of other types
			// have no person card, and Load Groups fails every group that has one ("No data card of
			// template person was found"). Until the template says so itself, export people only.
			options.memberAccountTypes = ['atlassian'];
			const note = `${TEMPLATE_FILES[name]} "${node.name}": options.memberAccountTypes ['atlassian'] (template bug: members the users template does not import fail their whole group; BENCH_TEMPLATES_AS_IS=1 runs without this)`;
			if (!OVERRIDES.includes(note)) OVERRIDES.push(note);
		}
	}
	return workflow;
}

const TEMPLATES: Record<TemplateName, WorkflowJson> = {
	users: loadTemplate('users'),
	groups: loadTemplate('groups'),
	issuesFull: loadTemplate('issuesFull'),
	issuesIncr: loadTemplate('issuesIncr'),
};

function node(workflow: WorkflowJson, name: string): WorkflowNodeJson {
	const found = workflow.nodes.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`Template ${workflow.id} has no node "${name}"`);
	return found;
}

function batchSizeOf(workflow: WorkflowJson, loadNode: string): number {
	const options = (node(workflow, loadNode).parameters as IDataObject).options as IDataObject | undefined;
	return Number(options?.batchSize ?? DEFAULT_ESM_BATCH);
}

/** The template's schedule trigger and its listing node only: the same Jira requests, nothing loaded. */
function fetchOnly(workflow: WorkflowJson, listNode: string): WorkflowJson {
	const trigger = workflow.nodes.find((candidate) => candidate.type === 'n8n-nodes-base.scheduleTrigger');
	if (!trigger) throw new Error(`Template ${workflow.id} has no schedule trigger`);
	return {
		id: `${workflow.id}FetchOnly`,
		name: `${workflow.name} (fetch only)`,
		nodes: [trigger, node(workflow, listNode)],
		connections: { [trigger.name]: { main: [[{ node: listNode, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The listing Reconcile Removed makes of the task's cards, alone: the template's schedule trigger
 * and a Data Card search with Reconcile's own query (the Task ID filter, the key, status and Task ID
 * attributes, 200 cards a page), so that the listings floor holds the same ESM requests.
 */
/** Whether a template's Reconcile Removed lists the task's cards through the stream endpoint. */
function reconcileStreams(workflow: WorkflowJson, reconcileNode = 'Reconcile Removed'): boolean {
	const options = (node(workflow, reconcileNode).parameters as IDataObject).options as IDataObject | undefined;
	return options?.stream === true;
}

function reconcileListing(workflow: WorkflowJson, reconcileNode = 'Reconcile Removed'): WorkflowJson {
	const trigger = workflow.nodes.find((candidate) => candidate.type === 'n8n-nodes-base.scheduleTrigger');
	if (!trigger) throw new Error(`Template ${workflow.id} has no schedule trigger`);
	const reconcile = node(workflow, reconcileNode);
	const parameters = reconcile.parameters as IDataObject;
	const taskIdAttribute = String(parameters.taskIdAttribute ?? 'datasourceid');
	const listing: WorkflowNodeJson = {
		id: 'reconcile-listing',
		name: 'List Task Cards',
		type: 'n8n-nodes-esm-connectors.coreProIgaDataCard',
		typeVersion: 1,
		position: [200, 0],
		parameters: {
			resource: 'dataCard',
			operation: 'search',
			template: parameters.template,
			filter: `$${taskIdAttribute}$ = :task`,
			filterValues: { values: [{ name: 'task', value: parameters.taskId }] },
			returnAll: true,
			options: {
				fullCards: true,
				selectedAttributes: [parameters.keyAttribute, parameters.statusAttribute, taskIdAttribute],
				// The same read as the node's: streamed when its Use Stream Endpoint is on.
				stream: reconcileStreams(workflow, reconcileNode),
			},
		},
		credentials: reconcile.credentials,
	};
	return {
		id: `${workflow.id}ReconcileListing`,
		name: `${workflow.name} (Reconcile Removed's listing only)`,
		nodes: [trigger, listing],
		connections: { [trigger.name]: { main: [[{ node: listing.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------------------------------------
// Runs

interface NodeFigures {
	ms: number;
	items: number;
}

interface PhaseRecord {
	phase: string;
	workflow: string;
	status: string;
	error?: string;
	seconds: number;
	nodes: Record<string, NodeFigures>;
	summary?: IDataObject;
}

/** What a template run produced, for the minimum and the write counts. */
interface TaskFacts {
	listed: number;
	changedKeys: string[];
	unchanged: number;
	loadRan: boolean;
	loaded: number;
	loadFailed: number;
	/** Distinct reference values (group members) among the changed records. */
	referenceKeys: string[];
	reconcileRan: boolean;
	reconcile?: IDataObject;
	reconcileWritten: number;
}

interface TaskShape {
	list: string;
	load?: string;
	/** The ESM match attribute of the load. */
	key?: string;
	/** The field of Filter Changed's items that holds the key (the users and groups templates filter the Jira records before mapping them). */
	changedKey?: string;
	/** The field of Filter Changed's items that holds the reference values (group members). */
	references?: string;
	reconcile?: string;
}

const SHAPES: Record<TemplateName, TaskShape> = {
	users: { list: 'List Users', load: 'Load Persons', key: 'jira_account_id', changedKey: 'accountId', reconcile: 'Reconcile Removed' },
	groups: { list: 'List Groups', load: 'Load Groups', key: 'jira_group_id', changedKey: 'groupId', references: 'memberAccountIds', reconcile: 'Reconcile Removed' },
	issuesFull: { list: 'Search Issues', load: 'Load Incidents', key: 'jira_key', reconcile: 'Reconcile Removed' },
	issuesIncr: { list: 'Search Issues', load: 'Load Incidents', key: 'jira_key' },
};

function factsOf(result: WorkflowRunResult, shape: TaskShape): TaskFacts {
	const ran = (name: string) => result.executedNodes.includes(name);
	const changed = ran('Filter Changed') ? result.json('Filter Changed', 0) : [];
	const referenceKeys = new Set<string>();
	if (shape.references) {
		for (const record of changed) for (const value of (record[shape.references] as unknown[] | undefined) ?? []) referenceKeys.add(String(value));
	}
	const loadItems = shape.load && ran(shape.load) ? result.json(shape.load) : [];
	const reconcileItems = shape.reconcile && ran(shape.reconcile) ? result.json(shape.reconcile) : [];
	return {
		listed: ran(shape.list) ? result.output(shape.list).length : 0,
		changedKeys: shape.key ? changed.map((record) => String(record[shape.changedKey ?? shape.key!] ?? '')) : [],
		unchanged: ran('Filter Changed') ? result.output('Filter Changed', 1).length : 0,
		loadRan: Boolean(shape.load && ran(shape.load)),
		loaded: loadItems.filter((item) => !item.error).length,
		loadFailed: loadItems.filter((item) => item.error).length,
		referenceKeys: [...referenceKeys],
		reconcileRan: Boolean(shape.reconcile && ran(shape.reconcile)),
		reconcile: reconcileItems.find((item) => item.summary === true),
		reconcileWritten: reconcileItems.filter((item) => item.summary !== true && !item.error && item.dryRun !== true).length,
	};
}

function phaseRecord(phase: string, workflow: WorkflowJson, result: WorkflowRunResult, seconds: number): PhaseRecord {
	const nodes: Record<string, NodeFigures> = {};
	for (const [name, runs] of Object.entries(result.run.data.resultData.runData)) {
		nodes[name] = {
			ms: runs.reduce((sum, task) => sum + (task.executionTime ?? 0), 0),
			items: runs.reduce((sum, task) => sum + (task.data?.main?.reduce((count, output) => count + (output?.length ?? 0), 0) ?? 0), 0),
		};
	}
	const summaryNode = workflow.nodes.find((candidate) => candidate.name === 'Run Summary');
	const summary = summaryNode && result.executedNodes.includes('Run Summary') ? { ...result.json('Run Summary')[0] } : undefined;
	if (summary && Array.isArray(summary.failures)) summary.failures = (summary.failures as unknown[]).slice(0, 3);
	const failedNode = (result.error as { node?: { name?: string } } | undefined)?.node?.name;
	const error = result.error ? `${result.error.message}${failedNode ? ` (node ${failedNode})` : ''}` : undefined;
	return { phase, workflow: String(workflow.id), status: result.status, ...(error ? { error } : {}), seconds: round(seconds, 3), nodes, ...(summary ? { summary } : {}) };
}

// ---------------------------------------------------------------------------------------------
// The benchmark context: the emulators, what they hold, what the tasks remember

interface JiraPeople {
	size: PeopleSize;
	totalUsers: number;
	groupMembers: number[];
}

interface Context {
	sandbox: SandboxProcess;
	jiraCredentials: HarnessCredential;
	esmCredential: HarnessCredential;
	jiraAuth: string;
	/** What Jira holds now. */
	jira?: { kind: 'people'; people: JiraPeople } | { kind: 'issues'; sdIssues: number };
	/** Static data of the users and groups tasks after a complete load of the 50k data set (ESM holds it). */
	loaded50k?: { users: IDataObject; groups: IDataObject };
	/** The issues full import is in ESM (cards of jira-issues-full). */
	issuesLoaded?: boolean;
	runs: RunRecord[];
	fetchOnly50kSeconds?: number;
	/** The listings an unchanged re-run must make: the source listings (fetch-only) + Reconcile Removed's listings of the tasks' cards. */
	listingsFloor50kSeconds?: number;
}

interface Target {
	target: string;
	met: boolean;
	detail: string;
}

interface RunRecord {
	scenario: ScenarioName;
	records: number;
	wallSeconds: number;
	requests: number;
	minRequests: number;
	ratio: number;
	esmWrites: number;
	peakRssMb: number;
	recordsPerSecond: number;
	jiraRequests: number;
	esmRequests: number;
	minJiraRequests: number;
	minEsmRequests: number;
	esmRecordsWritten: number;
	cpuSeconds: number;
	rssBeforeMb: number;
	loadAverage1m: [number, number];
	scale: number;
	data: IDataObject;
	phases: PhaseRecord[];
	requestsByRoute: { jira: Record<string, number>; esm: Record<string, number> };
	requestsByStatus: { jira: Record<string, number>; esm: Record<string, number> };
	minimum: MinimumPart[];
	targets: Target[];
	notes: string[];
}

async function credentialsOf(sandbox: SandboxProcess): Promise<{ jira: HarnessCredential; esm: HarnessCredential; jiraAuth: string }> {
	const jira = await sandbox.jira.info();
	const esm = await sandbox.esmLocal.info();
	const jiraAccount = jira.credentials[0] as { email: string; apiToken: string };
	const esmAccount = esm.credentials[0] as { login: string; password: string };
	const apiPath = new URL(String(esm.api)).pathname;
	return {
		jira: { id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi', data: { siteUrl: sandbox.jira.url, email: jiraAccount.email, apiToken: jiraAccount.apiToken } },
		esm: {
			id: 'esmLocal',
			name: 'ESM (local)',
			type: 'coreProIgaApi',
			data: { hostUrl: sandbox.esmLocal.url, apiPath, username: esmAccount.login, password: esmAccount.password, allowSelfSigned: false, sessionToken: '' },
		},
		jiraAuth: `${jiraAccount.email}:${jiraAccount.apiToken}`,
	};
}

/** A fresh harness per scenario: no ESM token carried over, so every scenario logs in once. */
function newHarness(ctx: Context): WorkflowHarness {
	return createWorkflowHarness({ credentials: [ctx.jiraCredentials, ctx.esmCredential] });
}

async function setLatency(ctx: Context, latencyMs: number): Promise<void> {
	await Promise.all([ctx.sandbox.jira.latency(latencyMs), ctx.sandbox.esmLocal.latency(latencyMs)]);
}

async function clearCounts(ctx: Context): Promise<void> {
	await Promise.all([ctx.sandbox.jira.clearRequests(), ctx.sandbox.esmLocal.clearRequests()]);
}

/** Cards per template that a listing returns (trashed cards are left out). */
async function esmCards(emulator: Emulator): Promise<Record<string, number>> {
	const summary = await emulator.state<{ byTemplate?: Record<string, { cards: number; deleted: number }> }>('summary=true');
	return Object.fromEntries(Object.entries(summary.byTemplate ?? {}).map(([template, counts]) => [template, counts.cards - counts.deleted]));
}

async function seedPeople(ctx: Context, size: PeopleSize): Promise<JiraPeople> {
	const { users, groups } = PEOPLE[size];
	progress(`  setup: Jira and ESM reset; Jira seeded with ${users} users, ${groups} groups (about ${MEMBERSHIPS_PER_USER} memberships a user)`);
	await Promise.all([ctx.sandbox.jira.reset(), ctx.sandbox.esmLocal.reset()]);
	await ctx.sandbox.jira.seed({ generate: { users, groups, issues: 0, seed: SEED, membershipsPerUser: MEMBERSHIPS_PER_USER } });
	const people = await jiraPeople(ctx, size);
	ctx.jira = { kind: 'people', people };
	ctx.loaded50k = undefined;
	ctx.issuesLoaded = false;
	return people;
}

async function jiraPeople(ctx: Context, size: PeopleSize): Promise<JiraPeople> {
	const summary = await ctx.sandbox.jira.state<{ users: number }>('summary=true');
	const state = await ctx.sandbox.jira.state<{ groups: Array<{ members: string[] }> }>('include=groups');
	return { size, totalUsers: summary.users, groupMembers: state.groups.map((group) => group.members.length) };
}

// ---------------------------------------------------------------------------------------------
// One measured scenario

interface Measured {
	phases: PhaseRecord[];
	facts: Record<string, TaskFacts>;
	staticData: Record<string, IDataObject>;
	wallSeconds: number;
	peakRss: number;
	rssBefore: number;
	cpuSeconds: number;
	jira: RequestCounts;
	esm: RequestCounts;
	esmCardsBefore: Record<string, Record<string, number>>;
	loadAverage: [number, number];
}

interface PhasePlan {
	label: string;
	template: TemplateName;
	workflow?: WorkflowJson;
	staticData?: IDataObject;
}

async function measure(ctx: Context, scenario: ScenarioName, plans: PhasePlan[]): Promise<Measured> {
	(global as { gc?: () => void }).gc?.();
	await setLatency(ctx, LATENCY_MS);
	await clearCounts(ctx);
	const harness = newHarness(ctx);
	const sampler = new RssSampler();
	const rssBefore = process.memoryUsage().rss;
	const loadBefore = os.loadavg()[0];
	const cpuBefore = process.cpuUsage();
	const phases: PhaseRecord[] = [];
	const facts: Record<string, TaskFacts> = {};
	const staticData: Record<string, IDataObject> = {};
	const esmCardsBefore: Record<string, Record<string, number>> = {};
	let busy = 0;
	sampler.start();
	for (const plan of plans) {
		const workflow = plan.workflow ?? TEMPLATES[plan.template];
		// Read outside the timed part: what ESM holds before this phase (for the minimum's lookups).
		esmCardsBefore[plan.label] = await esmCards(ctx.sandbox.esmLocal);
		progress(`  ${scenario} · ${plan.label}: running ${workflow.name ?? workflow.id}`);
		const begin = performance.now();
		const result = await harness.runWorkflow({ workflow, mode: 'trigger', startItems: [{ json: {} }], staticData: plan.staticData ?? {} });
		const seconds = (performance.now() - begin) / 1000;
		busy += seconds;
		sampler.sample();
		const record = phaseRecord(plan.label, workflow, result, seconds);
		phases.push(record);
		facts[plan.label] = factsOf(result, SHAPES[plan.template]);
		staticData[plan.label] = result.staticData;
		const slowest = Object.entries(record.nodes)
			.sort(([, a], [, b]) => b.ms - a.ms)
			.slice(0, 3)
			.map(([name, figures]) => `${name} ${round(figures.ms / 1000, 1)}s`)
			.join(', ');
		progress(
			`  ${scenario} · ${plan.label}: ${record.status} in ${round(seconds, 1)}s, ${facts[plan.label].listed} listed, ` +
				`${facts[plan.label].changedKeys.length} changed, ${facts[plan.label].loaded} loaded, ${facts[plan.label].loadFailed} failed` +
				`${record.error ? `; ERROR ${record.error}` : ''}; slowest: ${slowest}`,
		);
	}
	const peakRss = sampler.stop();
	const cpu = process.cpuUsage(cpuBefore);
	const [jira, esm] = await Promise.all([ctx.sandbox.jira.requests(), ctx.sandbox.esmLocal.requests()]);
	return {
		phases,
		facts,
		staticData,
		wallSeconds: busy,
		peakRss,
		rssBefore,
		cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
		jira,
		esm,
		esmCardsBefore,
		loadAverage: [round(loadBefore), round(os.loadavg()[0])],
	};
}

const ESM_WRITE = /^(PUT|POST|PATCH|DELETE) /;
function esmWriteRequests(counts: RequestCounts): number {
	return Object.entries(counts.byRoute)
		.filter(([route]) => ESM_WRITE.test(route) && route !== 'POST /users/login')
		.reduce((sum, [, count]) => sum + count, 0);
}

function record(ctx: Context, scenario: ScenarioName, measured: Measured, minimum: Minimum, records: number, data: IDataObject, notes: string[], targets: Target[]): RunRecord {
	const requests = measured.jira.total + measured.esm.total;
	const esmRecordsWritten = Object.values(measured.facts).reduce((sum, facts) => sum + facts.loaded + facts.reconcileWritten, 0);
	const ratio = minimum.total ? round(requests / minimum.total, 3) : 0;
	const peakRssMb = mb(measured.peakRss);
	const all: Target[] = [
		...targets,
		{ target: `requests <= ${TARGETS.maxRatio} x minimum`, met: ratio <= TARGETS.maxRatio, detail: `${requests} / ${minimum.total} = ${ratio}` },
		{ target: `peak RSS < ${TARGETS.maxPeakRssMb} MB`, met: peakRssMb < TARGETS.maxPeakRssMb, detail: `${peakRssMb} MB` },
	];
	const failedRecords = Object.values(measured.facts).reduce((sum, facts) => sum + facts.loadFailed, 0);
	if (failedRecords) {
		const first = measured.phases.flatMap((phase) => ((phase.summary?.failures as IDataObject[] | undefined) ?? []).map((failure) => String(failure.error)))[0];
		all.push({ target: 'no record fails to load', met: false, detail: `${failedRecords} failed${first ? `, e.g. ${first}` : ''}` });
	}
	const failedPhases = measured.phases.filter((phase) => phase.status !== 'success');
	if (failedPhases.length) {
		all.push({ target: 'every run completes', met: false, detail: failedPhases.map((phase) => `${phase.phase}: ${phase.status} ${phase.error ?? ''}`).join('; ') });
	}
	const run: RunRecord = {
		scenario,
		records,
		wallSeconds: round(measured.wallSeconds, 2),
		requests,
		minRequests: minimum.total,
		ratio,
		esmWrites: esmWriteRequests(measured.esm),
		peakRssMb,
		recordsPerSecond: measured.wallSeconds ? Math.round(records / measured.wallSeconds) : 0,
		jiraRequests: measured.jira.total,
		esmRequests: measured.esm.total,
		minJiraRequests: minimum.byApi('jira'),
		minEsmRequests: minimum.byApi('esm'),
		esmRecordsWritten,
		cpuSeconds: measured.cpuSeconds,
		rssBeforeMb: mb(measured.rssBefore),
		loadAverage1m: measured.loadAverage,
		scale: SCALE,
		data,
		phases: measured.phases,
		requestsByRoute: { jira: measured.jira.byRoute, esm: measured.esm.byRoute },
		requestsByStatus: { jira: measured.jira.byStatus, esm: measured.esm.byStatus },
		minimum: minimum.parts,
		targets: all,
		notes,
	};
	ctx.runs.push(run);
	const missed = all.filter((target) => !target.met);
	progress(
		`  ${scenario}: ${records} records in ${run.wallSeconds}s (${run.recordsPerSecond}/s), requests ${requests} (Jira ${run.jiraRequests}, ESM ${run.esmRequests}) ` +
			`vs minimum ${minimum.total} (Jira ${run.minJiraRequests}, ESM ${run.minEsmRequests}) = ${ratio}, ESM writes ${run.esmWrites} ` +
			`(${esmRecordsWritten} records), peak RSS ${peakRssMb} MB, CPU ${run.cpuSeconds}s` +
			(missed.length ? `; MISSED: ${missed.map((target) => `${target.target} (${target.detail})`).join('; ')}` : '; all targets met'),
	);
	return run;
}

/** The minimum of one task run from its facts (which nodes ran, what they read and wrote). */
function taskMinimum(template: TemplateName, facts: TaskFacts, cardsBefore: Record<string, number>, extra: { totalUsers?: number; groupMembers?: number[] }): Minimum {
	const minimum = new Minimum();
	const workflow = TEMPLATES[template];
	const shape = SHAPES[template];
	const esmTemplate = { users: 'person', groups: 'group', issuesFull: 'incident', issuesIncr: 'incident' }[template];
	if (template === 'users') minimum.jiraUsers(extra.totalUsers ?? 0);
	else if (template === 'groups') minimum.jiraGroups(facts.listed, extra.groupMembers);
	else minimum.jiraSearch(facts.listed);
	const metadataRuns = (facts.loadRan ? 1 : 0) + (facts.reconcileRan ? 1 : 0);
	minimum.esmMetadata(esmTemplate, metadataRuns);
	if (facts.loadRan && shape.load && shape.key) {
		minimum.esmKeyLookup(esmTemplate, shape.key, cardsBefore[esmTemplate] ?? 0, facts.changedKeys);
		if (shape.references) {
			// Group members are person cards found by jira_account_id (the Load node's Reference Lookup).
			minimum.esmKeyLookup('person', 'jira_account_id', cardsBefore.person ?? 0, facts.referenceKeys, 'member references');
		}
		minimum.esmBulkWrites(esmTemplate, facts.changedKeys.length, batchSizeOf(workflow, shape.load));
	}
	if (facts.reconcileRan && facts.reconcile) {
		minimum.esmReconcileListing(esmTemplate, Number(facts.reconcile.activeInEsm ?? 0), { stream: reconcileStreams(workflow, shape.reconcile) });
		const changes = Number(facts.reconcile.removed ?? 0) + Number(facts.reconcile.reEnabled ?? 0);
		minimum.esmBulkWrites(esmTemplate, changes, DEFAULT_ESM_BATCH, 'status of removed cards');
	}
	return minimum;
}

/** One login per started token lifetime (the emulator's 900 s, ESM's default) when ESM was used at all. */
function loginMinimum(minimum: Minimum, measured: Measured): Minimum {
	if (minimum.byApi('esm') > 0) minimum.esmLogin(1 + Math.floor(measured.wallSeconds / 900));
	return minimum;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function usersGroupsFull(ctx: Context, scenario: ScenarioName, size: PeopleSize): Promise<void> {
	progress(`${scenario}: full import of users and groups with members (users template, then groups template)`);
	const people = await seedPeople(ctx, size);
	const measured = await measure(ctx, scenario, [
		{ label: 'users', template: 'users' },
		{ label: 'groups', template: 'groups' },
	]);
	const users = measured.facts.users;
	const groups = measured.facts.groups;
	const minimum = new Minimum()
		.merge(taskMinimum('users', users, measured.esmCardsBefore.users, { totalUsers: people.totalUsers }))
		.merge(taskMinimum('groups', groups, measured.esmCardsBefore.groups, { groupMembers: people.groupMembers }));
	loginMinimum(minimum, measured);
	const targets: Target[] = [];
	if (size === '50k') {
		targets.push({
			target: `full import under ${TARGETS.fullImport50kSeconds} s`,
			met: measured.wallSeconds < TARGETS.fullImport50kSeconds,
			detail: `${round(measured.wallSeconds, 1)} s`,
		});
	}
	const complete = measured.phases.every((phase) => phase.status === 'success');
	if (size === '50k' && complete) ctx.loaded50k = { users: measured.staticData.users, groups: measured.staticData.groups };
	record(
		ctx,
		scenario,
		measured,
		minimum,
		users.listed + groups.listed,
		{
			jiraUsers: people.totalUsers,
			usersListed: users.listed,
			groups: groups.listed,
			memberships: people.groupMembers.reduce((sum, count) => sum + count, 0),
			distinctMembers: groups.referenceKeys.length,
		},
		[`records = people listed by List Users (account type atlassian) + groups; Jira holds ${people.totalUsers} users in all (apps and customers are listed, then filtered)`],
		targets,
	);
}

async function ensureLoaded50k(ctx: Context): Promise<{ users: IDataObject; groups: IDataObject }> {
	if (ctx.loaded50k && ctx.jira?.kind === 'people' && ctx.jira.people.size === '50k') return ctx.loaded50k;
	progress('  setup: the 50k data set is not loaded: loading it (not measured)');
	await seedPeople(ctx, '50k');
	await setLatency(ctx, 0);
	const harness = newHarness(ctx);
	const users = await harness.runWorkflow({ workflow: TEMPLATES.users, mode: 'trigger', startItems: [{ json: {} }], staticData: {} });
	const groups = await harness.runWorkflow({ workflow: TEMPLATES.groups, mode: 'trigger', startItems: [{ json: {} }], staticData: {} });
	if (users.status !== 'success' || groups.status !== 'success') {
		throw new Error(`Setup load of the 50k data set failed: users ${users.status} ${users.error?.message ?? ''}, groups ${groups.status} ${groups.error?.message ?? ''}`);
	}
	ctx.loaded50k = { users: users.staticData, groups: groups.staticData };
	return ctx.loaded50k;
}

async function usersGroupsRerun(ctx: Context): Promise<void> {
	const scenario: ScenarioName = 'users-groups-rerun-50k';
	progress(`${scenario}: the same two templates again, Jira unchanged, task caches carried over`);
	const loaded = await ensureLoaded50k(ctx);
	const people = (ctx.jira as { people: JiraPeople }).people;
	const measured = await measure(ctx, scenario, [
		{ label: 'users', template: 'users', staticData: loaded.users },
		{ label: 'groups', template: 'groups', staticData: loaded.groups },
	]);
	const users = measured.facts.users;
	const groups = measured.facts.groups;
	const minimum = new Minimum()
		.merge(taskMinimum('users', users, measured.esmCardsBefore.users, { totalUsers: people.totalUsers }))
		.merge(taskMinimum('groups', groups, measured.esmCardsBefore.groups, { groupMembers: people.groupMembers }));
	loginMinimum(minimum, measured);
	// The caches now hold what this run saw (unchanged): keep them for the reconcile scenario.
	if (measured.phases.every((phase) => phase.status === 'success')) ctx.loaded50k = { users: measured.staticData.users, groups: measured.staticData.groups };
	const esmWrites = esmWriteRequests(measured.esm);
	const targets: Target[] = [{ target: 'unchanged re-run writes nothing', met: esmWrites === 0, detail: `${esmWrites} ESM write requests` }];
	const run = record(
		ctx,
		scenario,
		measured,
		minimum,
		users.listed + groups.listed,
		{ jiraUsers: people.totalUsers, usersListed: users.listed, groups: groups.listed, changed: users.changedKeys.length + groups.changedKeys.length },
		['the re-run still lists everything in Jira and runs Reconcile Removed on the full set (its ESM listing is in the minimum)'],
		targets,
	);
	rerunAgainstFetchOnly(ctx, run);
}

/**
 * Issue 10: the unchanged re-run may take at most the fetch-only time + 10 % (the target). Next to
 * it, for information: the re-run against the listings it cannot avoid (the source listings AND
 * Reconcile Removed's listing of the task's cards), + 10 %.
 */
function rerunAgainstFetchOnly(ctx: Context, run?: RunRecord): void {
	const rerun = run ?? ctx.runs.find((candidate) => candidate.scenario === 'users-groups-rerun-50k');
	if (!rerun || ctx.fetchOnly50kSeconds === undefined) return;
	if (!rerun.targets.some((target) => target.target.startsWith('re-run time <= fetch-only'))) {
		const limit = ctx.fetchOnly50kSeconds * TARGETS.rerunOverFetchOnly;
		rerun.targets.push({
			target: 're-run time <= fetch-only time + 10 %',
			met: rerun.wallSeconds <= limit,
			detail: `${rerun.wallSeconds} s vs ${round(ctx.fetchOnly50kSeconds)} s fetch-only (limit ${round(limit)} s)`,
		});
		progress(`  users-groups-rerun-50k vs fetch-only: ${rerun.wallSeconds}s vs ${round(ctx.fetchOnly50kSeconds)}s (limit ${round(limit)}s)`);
	}
	if (ctx.listingsFloor50kSeconds !== undefined && !rerun.targets.some((target) => target.target.startsWith(LISTINGS_FLOOR_TARGET))) {
		const limit = ctx.listingsFloor50kSeconds * TARGETS.rerunOverFetchOnly;
		rerun.targets.push({
			target: `${LISTINGS_FLOOR_TARGET} + 10 % (informational, not the issue's target)`,
			met: rerun.wallSeconds <= limit,
			detail: `${rerun.wallSeconds} s vs ${round(ctx.listingsFloor50kSeconds)} s for the source listings + Reconcile Removed's listings (limit ${round(limit)} s)`,
		});
		progress(`  users-groups-rerun-50k vs listings floor (source + Reconcile's ESM listings): ${rerun.wallSeconds}s vs ${round(ctx.listingsFloor50kSeconds)}s (+10 %: ${round(limit)}s)`);
	}
}

const LISTINGS_FLOOR_TARGET = 're-run time <= listings floor';

async function usersGroupsFetchOnly(ctx: Context): Promise<void> {
	const scenario: ScenarioName = 'users-groups-fetch-only-50k';
	progress(`${scenario}: the same Jira listings as the templates (List Users, List Groups with members), nothing loaded`);
	// The second floor lists the tasks' cards in ESM: they must be there (loaded unmeasured when not).
	await ensureLoaded50k(ctx);
	const people = (ctx.jira as { people: JiraPeople }).people;
	const measured = await measure(ctx, scenario, [
		{ label: 'users', template: 'users', workflow: fetchOnly(TEMPLATES.users, 'List Users') },
		{ label: 'groups', template: 'groups', workflow: fetchOnly(TEMPLATES.groups, 'List Groups') },
	]);
	const minimum = new Minimum().jiraUsers(people.totalUsers).jiraGroups(measured.facts.groups.listed, people.groupMembers);
	ctx.fetchOnly50kSeconds = measured.wallSeconds;

	// The second floor: what an unchanged re-run cannot avoid, the source listings above AND Reconcile
	// Removed's listing of each task's cards (its own query, measured the same way, separately).
	progress(`${scenario}: listings floor: Reconcile Removed's listings of the tasks' cards (person, group), nothing else`);
	const listings = await measure(ctx, scenario, [
		{ label: 'users reconcile listing', template: 'users', workflow: reconcileListing(TEMPLATES.users) },
		{ label: 'groups reconcile listing', template: 'groups', workflow: reconcileListing(TEMPLATES.groups) },
	]);
	const cardsListed = listings.phases.map((phase) => phase.nodes['List Task Cards']?.items ?? 0);
	const listingMinimum = new Minimum()
		.esmMetadata('person', 1)
		.esmReconcileListing('person', cardsListed[0], { stream: reconcileStreams(TEMPLATES.users) })
		.esmMetadata('group', 1)
		.esmReconcileListing('group', cardsListed[1], { stream: reconcileStreams(TEMPLATES.groups) })
		.esmLogin(1);
	ctx.listingsFloor50kSeconds = round(measured.wallSeconds + listings.wallSeconds, 2);
	const listingRequests = listings.jira.total + listings.esm.total;
	record(
		ctx,
		scenario,
		measured,
		minimum,
		measured.facts.users.listed + measured.facts.groups.listed,
		{
			jiraUsers: people.totalUsers,
			usersListed: measured.facts.users.listed,
			groups: measured.facts.groups.listed,
			listingsFloor: {
				what: "the source listings (this scenario) + Reconcile Removed's listing of the tasks' cards: the listings an unchanged re-run must make",
				wallSeconds: ctx.listingsFloor50kSeconds,
				reconcileListingSeconds: round(listings.wallSeconds, 2),
				reconcileListingRequests: listingRequests,
				reconcileListingMinRequests: listingMinimum.total,
				requests: measured.jira.total + measured.esm.total + listingRequests,
				cardsListed: { person: cardsListed[0], group: cardsListed[1] },
				requestsByRoute: listings.esm.byRoute,
				peakRssMb: mb(listings.peakRss),
				phases: listings.phases,
			},
		},
		[
			"the floor for an unchanged re-run: the templates' schedule trigger and listing node only",
			`listingsFloor: the same + Reconcile Removed's listings of the tasks' cards (${cardsListed[0]} person and ${cardsListed[1]} group cards, ${listingRequests} requests for a minimum of ${listingMinimum.total}): ${ctx.listingsFloor50kSeconds} s`,
		],
		[],
	);
	rerunAgainstFetchOnly(ctx);
}

async function reconcile50k(ctx: Context): Promise<void> {
	const scenario: ScenarioName = 'reconcile-50k-1pct';
	progress(`${scenario}: 1 % of the people deleted in Jira, then the users template (Reconcile Removed marks their cards)`);
	const loaded = await ensureLoaded50k(ctx);
	await setLatency(ctx, 0);
	const state = await ctx.sandbox.jira.state<{ users: Array<{ accountId: string; accountType: string }> }>('include=users');
	const integration = (ctx.jiraCredentials.data.email as string).toLowerCase();
	const people = state.users.filter((user) => user.accountType === 'atlassian' && !(user as { email?: string }).email?.toLowerCase().startsWith(integration));
	const count = Math.max(1, Math.round(people.length * CHANGED_FRACTION));
	const step = people.length / count;
	const doomed = Array.from({ length: count }, (_unused, index) => people[Math.floor(index * step)].accountId);
	progress(`  setup: deleting ${doomed.length} of ${people.length} people in Jira (latency 0, not measured)`);
	await inParallel(doomed, 8, (accountId) =>
		adminCall(`${ctx.sandbox.jira.url}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`, 'DELETE', undefined, ctx.jiraAuth),
	);
	const totalUsers = (await ctx.sandbox.jira.state<{ users: number }>('summary=true')).users;
	const measured = await measure(ctx, scenario, [{ label: 'users', template: 'users', staticData: loaded.users }]);
	ctx.loaded50k = undefined;
	ctx.jira = undefined;
	const facts = measured.facts.users;
	const minimum = loginMinimum(taskMinimum('users', facts, measured.esmCardsBefore.users, { totalUsers }), measured);
	const removed = Number(facts.reconcile?.removed ?? 0);
	const reconcileNode = measured.phases[0].nodes['Reconcile Removed'];
	record(
		ctx,
		scenario,
		measured,
		minimum,
		Number(facts.reconcile?.activeInEsm ?? 0),
		{
			cards: facts.reconcile?.activeInEsm,
			deletedInJira: doomed.length,
			removed,
			usersListed: facts.listed,
			reconcileNodeSeconds: reconcileNode ? round(reconcileNode.ms / 1000, 2) : undefined,
		},
		['records = active person cards of the task that Reconcile Removed examined; the run is the whole users template (the listing and the unchanged filter included)'],
		[{ target: 'every deleted person marked removed', met: removed === doomed.length, detail: `${removed} of ${doomed.length}` }],
	);
}

async function seedIssues(ctx: Context): Promise<void> {
	progress(`  setup: Jira and ESM reset; Jira seeded with ${SD_ISSUES * 2} issues (${SD_ISSUES} in project SD, the templates' JQL)`);
	await Promise.all([ctx.sandbox.jira.reset(), ctx.sandbox.esmLocal.reset()]);
	await ctx.sandbox.jira.seed({ generate: { users: 100, groups: 0, issues: SD_ISSUES * 2, seed: SEED } });
	ctx.jira = { kind: 'issues', sdIssues: SD_ISSUES };
	ctx.loaded50k = undefined;
	ctx.issuesLoaded = false;
}

async function issuesFull(ctx: Context): Promise<void> {
	const scenario: ScenarioName = 'issues-full-20k';
	progress(`${scenario}: full import of the issues of project SD`);
	await seedIssues(ctx);
	const measured = await measure(ctx, scenario, [{ label: 'issues', template: 'issuesFull' }]);
	const facts = measured.facts.issues;
	ctx.issuesLoaded = measured.phases[0].status === 'success';
	const minimum = loginMinimum(taskMinimum('issuesFull', facts, measured.esmCardsBefore.issues, {}), measured);
	record(ctx, scenario, measured, minimum, facts.listed, { issuesListed: facts.listed }, [], []);
}

async function issuesIncremental(ctx: Context): Promise<void> {
	const scenario: ScenarioName = 'issues-incremental-1pct';
	progress(`${scenario}: the incremental template after 1 % of the issues changed`);
	if (ctx.jira?.kind !== 'issues') await seedIssues(ctx);
	await setLatency(ctx, LATENCY_MS);
	await clearCounts(ctx);
	progress('  setup: first run of the incremental template (a full read that sets the watermark; not in the table)');
	const setupHarness = newHarness(ctx);
	const begin = performance.now();
	const first = await setupHarness.runWorkflow({ workflow: TEMPLATES.issuesIncr, mode: 'trigger', startItems: [{ json: {} }], staticData: {} });
	const firstSeconds = round((performance.now() - begin) / 1000, 1);
	const firstCounts = await Promise.all([ctx.sandbox.jira.requests(), ctx.sandbox.esmLocal.requests()]);
	if (first.status !== 'success') throw new Error(`The first incremental run failed: ${first.error?.message}`);
	const keys = first.json('Search Issues').map((issue) => String(issue.key));
	const firstFacts = factsOf(first, SHAPES.issuesIncr);
	progress(`  setup: first run ${firstSeconds}s, ${keys.length} issues, ${firstFacts.loaded} loaded, ${firstCounts[0].total + firstCounts[1].total} requests`);

	await setLatency(ctx, 0);
	const count = Math.max(1, Math.round(keys.length * CHANGED_FRACTION));
	const step = keys.length / count;
	const changed = Array.from({ length: count }, (_unused, index) => keys[Math.floor(index * step)]);
	progress(`  setup: changing the summary of ${changed.length} of ${keys.length} issues in Jira (latency 0, not measured)`);
	await inParallel(changed, 8, (key) =>
		adminCall(`${ctx.sandbox.jira.url}/rest/api/3/issue/${encodeURIComponent(key)}`, 'PUT', { fields: { summary: `Changed for the benchmark: ${key}` } }, ctx.jiraAuth),
	);
	const measured = await measure(ctx, scenario, [{ label: 'issues', template: 'issuesIncr', staticData: first.staticData }]);
	const facts = measured.facts.issues;
	const minimum = loginMinimum(taskMinimum('issuesIncr', facts, measured.esmCardsBefore.issues, {}), measured);
	const written = facts.loaded;
	record(
		ctx,
		scenario,
		measured,
		minimum,
		facts.listed,
		{
			issuesInProject: keys.length,
			changedInJira: changed.length,
			listedSinceWatermark: facts.listed,
			changedByCache: facts.changedKeys.length,
			firstRun: { seconds: firstSeconds, issues: keys.length, loaded: firstFacts.loaded, requests: firstCounts[0].total + firstCounts[1].total },
		},
		[
			'records = issues the JQL returned since the watermark (minus the overlap minute); generated issues dated after today are read again by every incremental run and filtered out by the cache',
		],
		[{ target: 'writes equal the changed records', met: written === changed.length, detail: `${written} records written for ${changed.length} changed` }],
	);
}

async function inParallel<T>(values: T[], concurrency: number, work: (value: T) => Promise<unknown>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, values.length) }, async () => {
			while (next < values.length) await work(values[next++]);
		}),
	);
}

// ---------------------------------------------------------------------------------------------
// Table and results

const NOTES = [
	'requests = Jira + ESM requests counted by the emulators (logins and retries included); ESM writes = PUT/POST/PATCH/DELETE requests except the login.',
	'minRequests is computed from record counts and the API maxima of design.md "Conventions", not measured:',
	'  Jira GET /users/search: ceil(users / 1000) + 1 (a plain array: only an EMPTY page ends the listing; all users are listed, apps and customers included);',
	'  Jira GET /group/bulk: max(1, ceil(groups / 50)); GET /group/member: per group max(1, ceil(members / 50));',
	'  Jira POST /search/jql with fields: max(1, ceil(issues / 100));',
	'  ESM POST /users/login: 1 per scenario (+1 per started 900 s token lifetime); GET /dc/{template}: 1 per node run that needs the template (Load, Reconcile);',
	'  ESM reads of a bulk upsert: which keys exist = min(list the template once: max(1, ceil(existing cards / 200)), OR-chunks of the keys in 1500-character EQL filters);',
	'    group members: the same for the person cards (by jira_account_id); on an empty template this is 1 request;',
	'  ESM bulk PUT: ceil(changed records / the node\'s batch size (100)); Reconcile Removed: max(1, ceil(active task cards / 200)) to list (1 request when it streams: the stream endpoint has no page size) + ceil(changes / 100) bulk PUTs;',
	'  nodes that do not run (nothing changed) need nothing.',
	`targets (reported, not asserted): 50k users + 7k groups full import < ${TARGETS.fullImport50kSeconds} s; ratio <= ${TARGETS.maxRatio}; unchanged re-run writes 0 and takes <= fetch-only + 10 %; peak RSS < ${TARGETS.maxPeakRssMb} MB.`,
	'peakRssMb: this process (n8n-core engine + nodes + jest/ts-jest, whose own baseline is rssBeforeMb); the emulators run in another process.',
];

function table(runs: RunRecord[]): string {
	const header = ['scenario', 'records', 'wall s', 'rec/s', 'requests', 'min', 'ratio', 'ESM writes', 'peak RSS MB', 'targets'];
	const rows = runs.map((run) => [
		run.scenario,
		String(run.records),
		run.wallSeconds.toFixed(1),
		String(run.recordsPerSecond),
		`${run.requests} (J ${run.jiraRequests} / E ${run.esmRequests})`,
		`${run.minRequests} (J ${run.minJiraRequests} / E ${run.minEsmRequests})`,
		run.ratio.toFixed(2),
		String(run.esmWrites),
		run.peakRssMb.toFixed(0),
		run.targets.every((target) => target.met) ? 'met' : `MISSED: ${run.targets.filter((target) => !target.met).map((target) => target.target).join('; ')}`,
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
	const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function writeResults(ctx: Context): void {
	const order = (name: ScenarioName) => SCENARIOS.indexOf(name);
	const runs = [...ctx.runs].sort((a, b) => order(a.scenario) - order(b.scenario));
	const results = {
		machine: {
			cpus: os.cpus().length,
			node: process.version,
			latencyMs: LATENCY_MS,
			cpuModel: os.cpus()[0]?.model,
			memoryMb: Math.round(os.totalmem() / 1024 / 1024),
			platform: `${os.platform()} ${os.release()}`,
			loadAverageAtEnd: os.loadavg().map((value) => round(value)),
		},
		generatedAt: new Date().toISOString(),
		scale: SCALE,
		scenarios: SELECTED,
		overrides: OVERRIDES,
		notes: NOTES,
		runs,
	};
	writeFileSync(OUT_FILE, `${JSON.stringify(results, null, 2)}\n`);
	process.stdout.write(`\n${table(runs)}\n\nNotes:\n${NOTES.map((note) => `  ${note}`).join('\n')}\nTemplate overrides:\n${OVERRIDES.map((note) => `  ${note}`).join('\n') || '  none'}\n`);
	for (const run of runs) {
		process.stdout.write(`\n${run.scenario}: minimum ${run.minRequests} =\n`);
		for (const part of run.minimum) process.stdout.write(`    ${part.api} ${part.what}: ${part.requests}  [${part.formula}]\n`);
		process.stdout.write(`  measured by route: ${JSON.stringify({ ...run.requestsByRoute.jira, ...run.requestsByRoute.esm })}\n`);
	}
	progress(`Results written to ${path.relative(process.cwd(), OUT_FILE)}`);
}

// ---------------------------------------------------------------------------------------------

describe('benchmark (issue 10)', () => {
	let ctx: Context | undefined;

	afterAll(async () => {
		await ctx?.sandbox.stop();
		teardownHarness();
	});

	it(`measures ${SELECTED.join(', ')} at scale ${SCALE}, latency ${LATENCY_MS} ms`, async () => {
		progress(
			`Benchmark: ${SELECTED.length} scenario(s), scale ${SCALE}, latency ${LATENCY_MS} ms, ${os.cpus().length} CPUs, Node ${process.version}, ` +
				`load average ${os.loadavg().map((value) => round(value)).join(' ')}${(global as { gc?: unknown }).gc ? '' : ' (no --expose-gc: RSS baselines include garbage)'}`,
		);
		const sandbox = await startSandboxProcess(progress);
		const credentials = await credentialsOf(sandbox);
		ctx = { sandbox, jiraCredentials: credentials.jira, esmCredential: credentials.esm, jiraAuth: credentials.jiraAuth, runs: [] };

		// Warm-up outside every measurement: load (and let ts-jest compile) every node type the templates use.
		for (const workflow of Object.values(TEMPLATES)) for (const each of workflow.nodes) findNodeType(each.type);
		progress('Node types loaded');

		const runners: Record<ScenarioName, (context: Context) => Promise<void>> = {
			'users-groups-full-1k': (context) => usersGroupsFull(context, 'users-groups-full-1k', '1k'),
			'users-groups-full-10k': (context) => usersGroupsFull(context, 'users-groups-full-10k', '10k'),
			'users-groups-full-50k': (context) => usersGroupsFull(context, 'users-groups-full-50k', '50k'),
			'users-groups-rerun-50k': usersGroupsRerun,
			'users-groups-fetch-only-50k': usersGroupsFetchOnly,
			'reconcile-50k-1pct': reconcile50k,
			'issues-full-20k': issuesFull,
			'issues-incremental-1pct': issuesIncremental,
		};
		for (const scenario of RUN_ORDER.filter((name) => SELECTED.includes(name))) {
			try {
				await runners[scenario](ctx);
			} catch (error) {
				progress(`${scenario}: FAILED ${(error as Error).stack ?? error}`);
			}
		}
		writeResults(ctx);
	});
});
