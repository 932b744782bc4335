/**
 * Case 7, the bad input sweep: every node parameter that takes user text, fed with an empty value,
 * a huge one (100,000 characters), unicode (emoji, right-to-left text and marks), control
 * characters (NUL, BEL, ESC) and injection strings (JQL / EQL / SQL quotes, backslashes), through
 * single-node workflows on n8n's engine against the in-process emulators. Each answer must be
 * a clear error (naming the field where the node checks the value) or the value carried
 * correctly (escaped in the request sent, stored as given); nothing may be written on an error,
 * and no secret may appear anywhere in the run.
 */
import type { IDataObject, INodeParameters, ResourceMapperValue } from 'n8n-workflow';

import { eqlEquals, eqlString } from '../../nodes/CoreProIga/eql';
import { jqlString } from '../../nodes/Jira/jql';
import type { WorkflowJson, WorkflowRunResult } from '../helpers/workflow-harness';
import { call, captureRequests, expectClearMessage, expectNoSecret, everythingOf, report, startRig, type Rig, type SeenRequest } from './fault-kit';

let rig: Rig;
beforeAll(async () => {
	rig = await startRig({ seed: 'demo' });
});
afterAll(async () => {
	await rig.stop();
});

const VALUES = {
	empty: '',
	huge: 'A'.repeat(100_000),
	unicode: 'Zoë 😀 שלום עולם مرحبا \u202Eevil\u202C 漢字',
	control: 'nul\u0000bell\u0007esc\u001b[31m',
	jqlQuote: '" OR 1=1',
	sqlQuote: "' OR 1=1 --",
	backslash: 'C:\\temp\\" OR project != SD OR summary ~ "x',
};
type ValueName = keyof typeof VALUES;
const VALUE_NAMES = Object.keys(VALUES) as ValueName[];

type NodeName = 'jiraIssue' | 'jiraUser' | 'jiraGroup' | 'coreProIgaDataCard' | 'taskCache' | 'reconcileRemoved';

interface Outcome {
	result: WorkflowRunResult;
	error?: { message: string; description?: string };
	requests: SeenRequest[];
	/** Did the emulators' data change (their store versions moved)? */
	wrote: boolean;
	items: IDataObject[];
}

/** What a value must lead to: an error matching the pattern, a success the check accepts, or either. */
type Expectation = { error: RegExp } | { ok: Check } | { either: RegExp; ok: Check };
type Check = (outcome: Outcome, value: string) => Promise<void> | void;

interface Case {
	node: NodeName;
	field: string;
	parameters: (value: string) => INodeParameters;
	items?: IDataObject[];
	/** Per value; `other` for the values not listed. */
	expect: Partial<Record<ValueName | 'other', Expectation>>;
}

/** Where every parameter under test takes its value from: item data, through an expression, as in a workflow. */
const VALUE = '={{ $json.v }}';
const issueKey = (key: string) => ({ __rl: true, mode: 'id', value: key });
const template = (code: string) => ({ __rl: true, mode: 'code', value: code });
const mapped = (value: Record<string, unknown>) => ({ mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] }) as unknown as ResourceMapperValue;
const reconcile = (overrides: IDataObject) => ({
	runType: 'full',
	kind: 'generic',
	taskId: 'sweep-task',
	template: template('incident'),
	keyAttribute: 'jira_key',
	key: '={{ $json.key }}',
	taskIdAttribute: 'datasourceid',
	statusAttribute: 'status',
	removedValue: '06 - Cancelled',
	options: {},
	...overrides,
});

// ------------------------------------------------------------------------------------------
// Checks of a success

const jiraAuth = () => `${rig.jira.credentials.email}:${rig.jira.credentials.apiToken}`;

/** Plain text of an ADF document (paragraphs joined by line breaks). */
function adfText(node: unknown): string {
	const doc = node as { type?: string; text?: string; content?: unknown[] } | null;
	if (!doc) return '';
	if (doc.type === 'text') return doc.text ?? '';
	const parts = (doc.content ?? []).map(adfText);
	return parts.join(doc.type === 'doc' ? '\n' : '');
}

/** The bound query reached Jira with the value quoted and escaped. */
const jqlSent: Check = ({ requests }, value) => {
	const search = requests.find((request) => request.method === 'POST' && request.url.startsWith('/rest/api/3/search/jql'));
	expect(search).toBeDefined();
	expect((JSON.parse(search!.body) as { jql: string }).jql).toBe(`project = SD AND summary ~ ${jqlString(value)}`);
};

/** The filter reached ESM with the value quoted (EQL literal, quote doubled). */
const eqlSent =
	(expected: (value: string) => string): Check =>
	({ requests }, value) => {
		const filters = requests
			.filter((request) => request.method === 'GET' && /\/dc\/incident\/data\?/.test(request.url))
			.map((request) => new URL(request.url, 'http://x').searchParams.get('filter'));
		expect(filters).toContain(expected(value));
	};

const issueStored =
	(field: 'summary' | 'description'): Check =>
	async ({ items }, value) => {
		const issue = await call(`${rig.jira.url}/rest/api/3/issue/${items[0].key}?fields=summary,description`, { auth: jiraAuth() });
		const stored = field === 'summary' ? issue.fields.summary : adfText(issue.fields.description);
		expect(stored).toBe(value);
	};

const commentStored: Check = async ({ items }, value) => {
	const comment = await call(`${rig.jira.url}/rest/api/3/issue/SD-2/comment/${items[0].id}`, { auth: jiraAuth() });
	expect(adfText(comment.body)).toBe(value);
};

const groupStored: Check = ({ items }, value) => {
	expect(items[0].name).toBe(value);
	expect([...rig.jira.store.groups.values()].filter((group) => group.name === value)).toHaveLength(1);
};

interface EsmCard {
	id: number;
	data: Record<string, Array<{ value?: string }>>;
}
async function esmCard(id: unknown): Promise<EsmCard> {
	const state = (await call(`${rig.esm.url}/__admin/state?template=incident`)) as { cards: EsmCard[] };
	return state.cards.find((card) => String(card.id) === String(id))!;
}
const cardStored =
	(code: string): Check =>
	async ({ items }, value) => {
		const card = await esmCard(items[0].dataCardId ?? attributeTarget);
		expect(card.data[code]?.[0]?.value ?? '').toBe(value);
	};

/** A bulk upsert by a strange key writes one card, and the second run finds it (escaped look-up) and updates it. */
const upsertedOnce: Check = async (outcome, value) => {
	expect(outcome.items[0]).toMatchObject({ action: 'created', jira_key: value });
	const again = await run(CASES.find((testCase) => testCase.field === 'Match Key (Bulk Upsert)')!, value);
	expect(again.error).toBeUndefined();
	expect(again.items[0]).toMatchObject({ action: 'updated', dataCardId: outcome.items[0].dataCardId });
	const state = (await call(`${rig.esm.url}/__admin/state?template=incident`)) as { cards: Array<EsmCard & { deleted: boolean }> };
	expect(state.cards.filter((card) => !card.deleted && card.data.jira_key?.[0]?.value === value)).toHaveLength(1);
	eqlSent((key) => eqlEquals('jira_key', key))(again, value);
};

const passedThrough: Check = ({ items }, value) => {
	expect(items.map((item) => item.v)).toEqual([value]);
};
const nothingTo: Check = () => undefined;

/** Reconcile listed the task's cards with the Task ID quoted, and removed nothing (no card has that Task ID). */
const reconcileListed: Check = (outcome, value) => {
	eqlSent(() => eqlEquals('datasourceid', value))(outcome, value);
	expect(outcome.items.at(-1)).toMatchObject({ summary: true, removed: 0, activeInEsm: 0 });
};

// ------------------------------------------------------------------------------------------
// The parameters

/** An existing incident card for the attribute operation. */
let attributeTarget = '';

const CASES: Case[] = [
	// Reconcile first: later cases create cards stamped with the sweep's strange Task IDs.
	{
		node: 'reconcileRemoved',
		field: 'Task ID (Reconcile Removed)',
		parameters: (v) => reconcile({ taskId: v }),
		items: [{ key: 'SD-1' }],
		expect: { empty: { error: /^Task ID is required/ }, control: { error: /^Task ID: .*control character/ }, huge: { error: /^Task ID is 100000 characters long: use at most 255/ }, other: { ok: reconcileListed } },
	},
	{
		node: 'reconcileRemoved',
		field: 'Key Attribute',
		parameters: (v) => reconcile({ keyAttribute: v }),
		items: [{ key: 'SD-1' }],
		expect: { empty: { error: /^Key Attribute is required/ }, other: { error: /^Key Attribute ".*" is not an attribute of template incident/s } },
	},
	{
		node: 'reconcileRemoved',
		field: 'Removed Value',
		parameters: (v) => reconcile({ removedValue: v }),
		items: [{ key: 'SD-1' }],
		expect: { empty: { error: /^Removed Value is required/ }, other: { error: /is not a value of dropdown status \(Status\)/ } },
	},
	{
		node: 'jiraIssue',
		field: 'JQL',
		parameters: (v) => ({ resource: 'issue', operation: 'search', jql: v, returnAll: false, limit: 5 }),
		expect: { empty: { error: /^JQL is empty/ }, other: { error: /^The JQL is not valid/ } },
	},
	{
		node: 'jiraIssue',
		field: 'JQL Values',
		parameters: (v) => ({ resource: 'issue', operation: 'search', jql: 'project = SD AND summary ~ :text', jqlValues: { values: [{ name: 'text', value: v }] }, returnAll: false, limit: 5 }),
		expect: { empty: { either: /^The JQL is not valid/, ok: jqlSent }, control: { error: /^JQL value :text: .*control character/ }, other: { ok: jqlSent } },
	},
	{
		node: 'jiraIssue',
		field: 'Summary',
		parameters: (v) => ({ resource: 'issue', operation: 'create', project: { __rl: true, mode: 'id', value: 'SD' }, issueType: '10003', summary: v, description: '', fields: mapped({}) }),
		expect: { empty: { error: /^Summary is required/ }, other: { either: /summary/i, ok: issueStored('summary') } },
	},
	{
		node: 'jiraIssue',
		field: 'Description',
		parameters: (v) => ({ resource: 'issue', operation: 'create', project: { __rl: true, mode: 'id', value: 'SD' }, issueType: '10003', summary: 'Bad input sweep', description: v, fields: mapped({}) }),
		expect: { other: { either: /description/i, ok: issueStored('description') } },
	},
	{
		node: 'jiraIssue',
		field: 'Fields (JSON)',
		parameters: (v) => ({ resource: 'issue', operation: 'update', issueKey: issueKey('SD-1'), summary: '', description: '', fields: mapped({}), options: { fieldsJson: v } }),
		expect: { empty: { error: /^Nothing to update/ }, other: { error: /^Fields \(JSON\) must be a JSON object/ } },
	},
	{
		node: 'jiraIssue',
		field: 'Issue',
		parameters: (v) => ({ resource: 'issue', operation: 'get', issueKey: issueKey(v) }),
		expect: { empty: { error: /^Issue is empty/ }, huge: { error: /too (long|large)/i }, other: { error: /^Not found in Jira \(404\)/ } },
	},
	{
		node: 'jiraIssue',
		field: 'Comment',
		parameters: (v) => ({ resource: 'comment', operation: 'add', issueKey: issueKey('SD-2'), body: v, format: 'text' }),
		expect: { empty: { error: /^Comment is empty/ }, other: { either: /comment/i, ok: commentStored } },
	},
	{
		node: 'jiraIssue',
		field: 'Target Status',
		parameters: (v) => ({ resource: 'transition', operation: 'do', issueKey: issueKey('SD-3'), transitionBy: 'status', targetStatus: v }),
		expect: { empty: { error: /^Target Status is empty/ }, other: { error: /^No transition leads issue SD-3 from/ } },
	},
	{
		node: 'jiraUser',
		field: 'Email',
		parameters: (v) => ({ resource: 'user', operation: 'create', email: v, products: ['jira-software'] }),
		expect: { empty: { error: /^Email is required/ }, other: { error: /^Email ".*" is not an email address/s } },
	},
	{
		node: 'jiraUser',
		field: 'Email (Get)',
		parameters: (v) => ({ resource: 'user', operation: 'get', findBy: 'email', email: v }),
		expect: { empty: { error: /^Email is required/ }, huge: { error: /too (long|large)/i }, other: { error: /^No Jira user has the email/ } },
	},
	{
		node: 'jiraUser',
		field: 'Account ID',
		parameters: (v) => ({ resource: 'user', operation: 'get', findBy: 'accountId', accountId: { __rl: true, mode: 'id', value: v } }),
		expect: { empty: { error: /^User is required/ }, huge: { error: /too (long|large)/i }, other: { error: /^Not found in Jira \(404\)/ } },
	},
	{
		node: 'jiraGroup',
		field: 'Group Name',
		parameters: (v) => ({ resource: 'group', operation: 'create', name: v }),
		expect: { empty: { error: /^Name is required/ }, other: { either: /group name/i, ok: groupStored } },
	},
	{
		node: 'jiraGroup',
		field: 'Group',
		parameters: (v) => ({ resource: 'group', operation: 'get', group: { __rl: true, mode: 'name', value: v } }),
		expect: { empty: { error: /^Group is empty/ }, huge: { error: /too (long|large)/i }, other: { either: /^Not found in Jira \(404\)/, ok: groupStored } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Filter (EQL)',
		parameters: (v) => ({ resource: 'dataCard', operation: 'search', template: template('incident'), filter: v, returnAll: false, limit: 5 }),
		expect: { empty: { ok: nothingTo }, huge: { error: /too (long|large)/i }, sqlQuote: { error: /^The EQL filter has an unclosed quote/ }, other: { error: /^ESM rejected the request: Invalid filter/ } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Filter Values',
		parameters: (v) => ({ resource: 'dataCard', operation: 'search', template: template('incident'), filter: '$subject$ = :text', filterValues: { values: [{ name: 'text', value: v }] }, returnAll: false, limit: 5 }),
		expect: { huge: { error: /too (long|large)/i }, control: { error: /^EQL value :text: .*control character/ }, other: { ok: eqlSent((v) => `$subject$ = ${eqlString(v)}`) } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Value (Get by Unique Attribute)',
		parameters: (v) => ({ resource: 'dataCard', operation: 'get', template: template('incident'), findBy: 'unique', keyAttribute: 'efecte_id', keyValue: v }),
		expect: { empty: { error: /^Value is required/ }, huge: { error: /too (long|large)/i }, control: { error: /^Value: .*control character/s }, other: { error: /^No incident card has efecte_id = / } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Data Card ID',
		parameters: (v) => ({ resource: 'dataCard', operation: 'get', template: template('incident'), findBy: 'id', dataCardId: v }),
		expect: { empty: { error: /^Data Card ID is required/ }, huge: { error: /too (long|large)/i }, other: { error: /^Not found in ESM \(404\): Data card not found/ } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Template',
		parameters: (v) => ({ resource: 'dataCard', operation: 'search', template: template(v), returnAll: false, limit: 5 }),
		expect: { empty: { error: /^Template is required/ }, huge: { error: /too (long|large)/i }, other: { error: /^Not found in ESM \(404\): Template not found/ } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Folder',
		parameters: (v) => ({ resource: 'dataCard', operation: 'create', template: template('incident'), folder: v, attributes: mapped({ subject: 'Bad input sweep' }) }),
		expect: { empty: { error: /^Folder is required/ }, other: { error: /^Folder ".*" is not a folder of template incident/s } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Attributes (mapped value)',
		parameters: (v) => ({ resource: 'dataCard', operation: 'create', template: template('incident'), folder: 'incident_management', attributes: mapped({ subject: v }) }),
		expect: { other: { ok: cardStored('subject') } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Attributes (JSON)',
		parameters: (v) => ({ resource: 'dataCard', operation: 'create', template: template('incident'), folder: 'incident_management', attributes: mapped({ subject: 'Bad JSON sweep' }), options: { dataJson: v } }),
		expect: { empty: { ok: nothingTo }, other: { error: /^Attributes \(JSON\) must be a JSON object/ } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Task ID (write option)',
		parameters: (v) => ({ resource: 'dataCard', operation: 'create', template: template('incident'), folder: 'incident_management', attributes: mapped({ subject: 'Task sweep' }), options: { taskId: v } }),
		expect: { other: { either: /Task ID/, ok: cardStored('datasourceid') } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Match Key (Bulk Upsert)',
		parameters: (v) => ({
			resource: 'dataCard',
			operation: 'bulkUpsert',
			template: template('incident'),
			folder: 'incident_management',
			attributes: { mappingMode: 'defineBelow', value: { jira_key: v, subject: 'Key sweep' }, matchingColumns: ['jira_key'], schema: [] },
			options: { batchSize: 10 },
		}),
		expect: { empty: { error: /jira_key has no value/ }, control: { error: /jira_key|Match/ }, huge: { error: /^The match attribute jira_key: the value is 100000 characters long; a match key can have at most 1000/ }, other: { ok: upsertedOnce } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Attribute Code',
		parameters: (v) => ({ resource: 'attribute', operation: 'get', template: template('incident'), dataCardId: '={{ $json.id }}', attributeCode: v }),
		expect: { empty: { error: /^Attribute is required|Attribute Code/ }, other: { error: /^Attribute ".*" is not an attribute of template incident: choose one from the list/s } },
	},
	{
		node: 'coreProIgaDataCard',
		field: 'Value (attribute Replace)',
		parameters: (v) => ({ resource: 'attribute', operation: 'replace', template: template('incident'), dataCardId: '={{ $json.id }}', attributeCode: 'solution', value: v }),
		expect: { empty: { either: /Value/, ok: nothingTo }, other: { ok: cardStored('solution') } },
	},
	{
		node: 'taskCache',
		field: 'Task ID (Task Cache)',
		parameters: (v) => ({ operation: 'filterChanged', taskId: v, key: '={{ $json.key }}', fingerprintFields: 'all', mappingVersion: '1', clearHours: '0' }),
		items: [{ key: 'A-1' }],
		expect: { empty: { error: /^Task ID is required/ }, other: { ok: passedThrough } },
	},
	{
		node: 'taskCache',
		field: 'Key',
		parameters: (v) => ({ operation: 'filterChanged', taskId: 'sweep', key: v, fingerprintFields: 'all', mappingVersion: '1', clearHours: '0' }),
		expect: { empty: { error: /^Key is empty for this item/ }, other: { ok: passedThrough } },
	},
	{
		node: 'taskCache',
		field: 'Clear At Hours',
		parameters: (v) => ({ operation: 'filterChanged', taskId: 'sweep', key: '={{ $json.key }}', clearHours: v }),
		items: [{ key: 'A-1' }],
		expect: { empty: { ok: passedThrough }, other: { error: /^Clear At Hours \(UTC\) ".*" is not a list of hours/s } },
	},
	{
		node: 'taskCache',
		field: 'Watermark',
		parameters: (v) => ({ operation: 'setWatermark', taskId: 'sweep', watermark: v }),
		expect: { other: { error: /^Watermark ".*" is not an ISO date-time/s } },
	},
];

/**
 * Bugs this sweep found, all fixed and kept as regressions: a value too long for an address (414 /
 * 431) read as a bare status; errors echoed a 100,000-character value; a control character was
 * refused without naming the field; an unknown attribute code read as a missing permission (ESM's
 * 403 "Resource not found"); a Task ID or match key too long for an EQL filter failed with the
 * server's "too long" instead of naming the field.
 */
// Fixed: a value too long for an address (414 / 431) now reads "a value in its address is too long".
// Fixed: errors quote a value with at most 100 characters (JQL, Target Status, Email, Folder, Clear At
// Hours, Watermark, Key Attribute, Removed Value); the sweep keeps checking them.
// Fixed: a control character names the value (`JQL value :text:`, `EQL value :text:`, `Value:`, `Task ID:`);
// an unknown attribute code is named as such, not as a missing permission (ESM's 403 "Resource not
// found"); a Task ID or match key too long for an EQL filter is refused naming the field.
const KNOWN_BUGS = new Set<string>();

function workflow(testCase: Case, value: string): WorkflowJson {
	const credentials: Record<string, { id: string; name: string }> = testCase.node.startsWith('jira')
		? { jiraCloudApi: { id: 'jiraCloud', name: 'Jira Cloud' } }
		: testCase.node === 'taskCache'
			? {}
			: { coreProIgaApi: { id: 'esmLocal', name: 'ESM (local)' } };
	const items = (testCase.items ?? [{ key: 'A-1', id: attributeTarget }]).map((item) => ({ ...item, v: value }));
	return {
		id: 'badInputSweep',
		name: 'bad input sweep',
		nodes: [
			{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'n', name: 'Node', type: `n8n-nodes-esm-connectors.${testCase.node}`, typeVersion: 1, position: [200, 0], parameters: testCase.parameters(VALUE), credentials },
		],
		connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
		pinData: { Start: items.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

async function run(testCase: Case, value: string): Promise<Outcome> {
	const jira = captureRequests(rig.jira);
	const esm = captureRequests(rig.esm);
	const versions = [rig.jira.store.version, rig.esm.store.version];
	try {
		const result = await rig.harness.runWorkflow({ workflow: workflow(testCase, value) });
		const error = result.error ? { message: result.error.message, description: (result.error as { description?: string }).description } : undefined;
		return {
			result,
			error,
			requests: [...jira.requests, ...esm.requests],
			wrote: rig.jira.store.version !== versions[0] || rig.esm.store.version !== versions[1],
			items: result.json('Node'),
		};
	} finally {
		jira.stop();
		esm.stop();
	}
}

beforeAll(async () => {
	const state = (await call(`${rig.esm.url}/__admin/state?template=incident`)) as { cards: Array<{ id: number; deleted: boolean }> };
	attributeTarget = String(state.cards.find((card) => !card.deleted)!.id);
});

const table: string[] = [];
afterAll(() => {
	report('bad input sweep', { combinations: table.length, knownBugs: KNOWN_BUGS.size });
	if (process.env.SWEEP_TABLE) process.stdout.write(`${table.join('\n')}\n`);
});

const combinations = CASES.flatMap((testCase) => VALUE_NAMES.map((name) => [testCase.field, name, testCase] as const));

for (const testCase of CASES) {
	const field = testCase.field;
	describe(field, () => {
	for (const name of VALUE_NAMES) {
		const key = `${field}/${name}`;
		const test = KNOWN_BUGS.has(key) ? it.failing : it;
		test(name, async () => {
		const value = VALUES[name];
		const outcome = await run(testCase, value);
		table.push(`${key}: ${outcome.error ? `error ${outcome.error.message.slice(0, 80)}` : 'ok'}`);
		const check = async () => {
			// 1. No secret anywhere in the run: items, errors, descriptions.
			expectNoSecret(everythingOf(outcome.result), key);
			const expectation = testCase.expect[name] ?? testCase.expect.other!;
			if (outcome.error) {
				// 2. A clear error: not the whole huge value echoed back (checked first, and without
				// jest's matchers, which take seconds to print a 100,000-character string), a sentence
				// about the field or the API's own reason, not a bare status or a JavaScript accident.
				const lengths = { message: outcome.error.message.length, description: String(outcome.error.description ?? '').length };
				if (lengths.message > 1000 || lengths.description > 2000) throw new Error(`${key}: the error echoes the value (${JSON.stringify(lengths)} characters)`);
				expectClearMessage(outcome.error.message, /\w+ \w+/);
				expect(outcome.error.message).not.toMatch(/^(Jira|ESM) answered \d{3}$/);
				expect('error' in expectation || 'either' in expectation).toBe(true);
				expect(outcome.error.message).toMatch('error' in expectation ? expectation.error : (expectation as { either: RegExp }).either);
				// 3. Nothing written on an error.
				expect(outcome.wrote).toBe(false);
			} else {
				expect('ok' in expectation).toBe(true);
				await (expectation as { ok: Check }).ok(outcome, value);
			}
		};
		await check();
		});
	}
	});
}

it('covers every combination', () => {
	expect(combinations).toHaveLength(CASES.length * VALUE_NAMES.length);
});

// Regression test: one key with a control character once stopped the look-up of every key (and
// n8n handed the unwritten input items on under "Continue").
it('one bad key in a bulk upsert under "Continue" fails that item only: the others are written', async () => {
	const good = 'SWEEP-GOOD-1';
	const testCase = CASES.find((candidate) => candidate.field === 'Match Key (Bulk Upsert)')!;
	const flow = workflow(testCase, good);
	const node = flow.nodes[1] as { onError?: string; parameters: INodeParameters };
	node.onError = 'continueRegularOutput';
	(flow.pinData as { Start: Array<{ json: IDataObject }> }).Start = [{ json: { v: good } }, { json: { v: VALUES.control } }];
	const result = await rig.harness.runWorkflow({ workflow: flow });
	// Today: the node fails as a whole and n8n hands the two input items on as they came in.
	const [first, second] = result.json('Node');
	expect(first).toMatchObject({ action: 'created', jira_key: good });
	expect(String(second.error)).toMatch(/control character/);
});

// An unknown attribute code is named as such; a known one keeps ESM's own answer (here the card is missing).
it('a 403 for a known attribute is not blamed on the attribute code', async () => {
	const testCase = CASES.find((candidate) => candidate.field === 'Attribute Code')!;
	const flow = workflow(testCase, 'subject');
	(flow.pinData as { Start: Array<{ json: IDataObject }> }).Start = [{ json: { id: '999999', v: 'subject' } }];
	const result = await rig.harness.runWorkflow({ workflow: flow });
	expect(result.error?.message).toMatch(/\(403\)/);
	expect(result.error?.message).not.toMatch(/is not an attribute/);
});
