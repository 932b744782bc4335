import { HttpError, type ApiRequest, type Router } from '../core/router';
import { adfProblem } from './adf';
import {
	createScreen,
	DEFAULT_PRIORITY,
	editScreen,
	FIELDS,
	FIELDS_BY_ID,
	INITIAL_STATUS,
	ISSUE_TYPES,
	PROJECT_ROLES,
	STATUSES,
	TRANSITIONS,
	type TransitionDef,
} from './config';
import { applyFieldChanges, changeItem, isSubtaskType, statusChange } from './fields';
import { boolParam, caller, fail, fieldErrors, intParam, jsonBody, listParam, pageBean } from './http';
import { JqlError } from './jql';
import { Render, type IssueView, type Json } from './render';
import { compileJql } from './search';
import type { ChangeItem, JiraComment, JiraIssue, JiraStore } from './store';

/**
 * Issues: enhanced JQL search (nextPageToken), CRUD, bulk create/fetch, create/edit metadata,
 * comments, transitions with their screens, changelog, entity properties, issue picker.
 * Every change writes a changelog entry (when a field changed) and moves `updated`.
 */

const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireIssue(store: JiraStore, idOrKey: string): JiraIssue {
	const issue = store.issue(idOrKey);
	if (!issue) fail(404, ISSUE_NOT_FOUND);
	return issue;
}

function cloneIssue(issue: JiraIssue): JiraIssue {
	return { ...issue, labels: [...issue.labels], custom: { ...issue.custom }, properties: { ...issue.properties } };
}

/** Copies a validated draft onto the issue and records the change (changelog entry, `updated`). */
function commit(store: JiraStore, issue: JiraIssue, draft: JiraIssue, items: ChangeItem[], authorId: string, historyMetadata?: unknown): void {
	const parentBefore = issue.parentId;
	Object.assign(issue, draft, { parentId: parentBefore });
	if (draft.parentId !== parentBefore) store.setParent(issue, draft.parentId);
	if (items.length) {
		const created = store.stamp();
		issue.changelog.push({ id: store.nextChangelogId++, authorId, created, items, ...(historyMetadata ? { historyMetadata } : {}) });
		issue.updated = created;
	}
	store.changed();
}

function addComment(store: JiraStore, issue: JiraIssue, body: unknown, authorId: string, visibility?: JiraComment['visibility']): JiraComment {
	const now = store.stamp();
	const comment: JiraComment = { id: store.nextCommentId++, authorId, updateAuthorId: authorId, body, created: now, updated: now, ...(visibility ? { visibility } : {}) };
	issue.comments.push(comment);
	issue.updated = now;
	store.changed();
	return comment;
}

/** Entity properties given as `[{key, value}]` on create, edit and transition. */
function readProperties(raw: unknown): Array<{ key: string; value: unknown }> {
	if (raw === undefined) return [];
	if (!Array.isArray(raw)) fail(400, 'properties must be a list of {key, value}');
	return raw.map((entry) => {
		if (!isObject(entry) || typeof entry.key !== 'string' || entry.key === '' || entry.key.length > 255) {
			fail(400, 'Every property needs a key (1 to 255 characters) and a value.');
		}
		if (JSON.stringify(entry.value ?? null).length > 32768) fail(400, `The property '${entry.key}' has a value longer than 32768 characters.`);
		return { key: entry.key, value: entry.value ?? null };
	});
}

// Field selection ---------------------------------------------------------------------------------

const NAVIGABLE = FIELDS.filter((field) => field.navigable && field.id !== 'issuekey').map((field) => field.id);
const ALL = FIELDS.filter((field) => field.id !== 'issuekey').map((field) => field.id);

/** `fields` as Jira reads it: *all, *navigable, ids, -exclusions; ids only when nothing but id/key. */
export function fieldSelection(list: string[], fallback: 'all' | 'navigable' | 'ids'): Pick<IssueView, 'fields' | 'idsOnly'> {
	if (!list.length) {
		if (fallback === 'ids') return { idsOnly: { key: false } };
		return { fields: new Set(fallback === 'all' ? ALL : NAVIGABLE) };
	}
	if (list.every((entry) => entry === 'id' || entry === 'key')) return { idsOnly: { key: list.includes('key') } };
	const include = list.filter((entry) => !entry.startsWith('-'));
	const exclude = new Set(list.filter((entry) => entry.startsWith('-')).map((entry) => entry.slice(1)));
	const fields = new Set<string>(include.length ? [] : fallback === 'all' ? ALL : NAVIGABLE);
	for (const entry of include) {
		if (entry === '*all') ALL.forEach((id) => fields.add(id));
		else if (entry === '*navigable') NAVIGABLE.forEach((id) => fields.add(id));
		else if (FIELDS_BY_ID.has(entry)) fields.add(entry);
		// Unknown field ids are ignored, as Jira does.
	}
	for (const id of exclude) fields.delete(id);
	return { fields };
}

function expandSet(raw: unknown): Set<string> {
	if (raw === undefined || raw === null) return new Set();
	const list = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
	return new Set(list.map((entry) => entry.trim()).filter(Boolean));
}

// Search ------------------------------------------------------------------------------------------

interface SearchParams {
	jql: string;
	nextPageToken?: string;
	maxResults: number;
	fields: string[];
	expand: Set<string>;
	properties: string[];
	reconcileIssues: number[];
}

/** Result lists per page token: later pages read the same snapshot, as a cursor would. */
class Cursors {
	private readonly snapshots = new Map<string, number[]>();
	private counter = 0;

	open(ids: number[]): string {
		const id = `c${++this.counter}`;
		this.snapshots.set(id, ids);
		if (this.snapshots.size > 200) this.snapshots.delete(this.snapshots.keys().next().value as string);
		return id;
	}

	get(id: string): number[] | undefined {
		return this.snapshots.get(id);
	}

	clear(): void {
		this.snapshots.clear();
	}
}

function encodeToken(cursor: string, offset: number, jql: string): string {
	return Buffer.from(JSON.stringify({ c: cursor, o: offset, q: jql.length })).toString('base64url');
}

function decodeToken(token: string): { c: string; o: number; q: number } {
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c: string; o: number; q: number };
		if (typeof parsed.c === 'string' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed;
	} catch {
		// fall through
	}
	return fail(400, 'The provided next page token is invalid or expired.');
}

function compile(store: JiraStore, jql: string, request: ApiRequest) {
	try {
		return compileJql(jql, { store, currentUser: caller(request).accountId, now: store.now() });
	} catch (error) {
		if (error instanceof JqlError) fail(400, error.message);
		throw error;
	}
}

function runSearch(store: JiraStore, cursors: Cursors, request: ApiRequest, params: SearchParams): Json {
	const jql = params.jql.trim();
	if (params.properties.length > 5) fail(400, 'At most 5 issue properties can be requested.');
	if (params.reconcileIssues.length > 50) fail(400, 'At most 50 issue ids can be reconciled.');
	const compiled = compile(store, jql, request);
	if (!compiled.bounded) fail(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
	const selection = fieldSelection(params.fields, 'ids');
	const cap = selection.idsOnly ? 5000 : 100;
	const maxResults = Math.max(1, Math.min(params.maxResults, cap));

	let ids: number[] | undefined;
	let cursor: string;
	let offset = 0;
	if (params.nextPageToken) {
		const token = decodeToken(params.nextPageToken);
		if (token.q !== jql.length) fail(400, 'The provided next page token does not belong to this query.');
		ids = cursors.get(token.c);
		cursor = token.c;
		offset = token.o;
	} else {
		cursor = '';
	}
	if (!ids) {
		ids = [...store.issues.values()].filter(compiled.matches).sort(compiled.compare).map((issue) => issue.id);
		cursor = cursors.open(ids);
	}
	const render = new Render(store, request.origin);
	const pageIds = ids.slice(offset, offset + maxResults);
	const view: IssueView = { ...selection, expand: params.expand, properties: params.properties };
	const issues = pageIds
		.map((id) => store.issues.get(id))
		.filter((issue): issue is JiraIssue => issue !== undefined)
		.map((issue) => {
			const json = render.issue(issue, view);
			delete json.names;
			delete json.schema;
			return json;
		});
	const isLast = offset + pageIds.length >= ids.length;
	const out: Json = { issues, isLast };
	if (!isLast) out.nextPageToken = encodeToken(cursor, offset + pageIds.length, jql);
	const chosen = FIELDS.filter((field) => selection.fields?.has(field.id));
	if (params.expand.has('names')) out.names = Object.fromEntries(chosen.map((field) => [field.id, field.name]));
	if (params.expand.has('schema')) out.schema = Object.fromEntries(chosen.filter((field) => field.schema).map((field) => [field.id, field.schema]));
	return out;
}

const SEARCH_BODY_KEYS = new Set(['jql', 'nextPageToken', 'maxResults', 'fields', 'expand', 'properties', 'fieldsByKeys', 'failFast', 'reconcileIssues']);

// Create and edit ---------------------------------------------------------------------------------

function createIssue(store: JiraStore, body: Record<string, unknown>, callerId: string): JiraIssue {
	const fields = isObject(body.fields) ? body.fields : {};
	const projectRef = isObject(fields.project) ? fields.project : undefined;
	const project = projectRef ? store.project(String(projectRef.id ?? projectRef.key ?? '')) : undefined;
	if (!project) fieldErrors({ project: 'valid project is required' });
	const typeRef = isObject(fields.issuetype) ? fields.issuetype : undefined;
	const type = typeRef
		? ISSUE_TYPES.find(
				(candidate) =>
					project.issueTypeIds.includes(candidate.id) &&
					(candidate.id === String(typeRef.id) || candidate.name.toLowerCase() === String(typeRef.name ?? '').toLowerCase()),
			)
		: undefined;
	if (!type) fieldErrors({ issuetype: 'Specify an issue type' });
	const screen = createScreen(project, type.id);
	const draft: JiraIssue = {
		id: 0,
		key: '',
		projectId: project.id,
		issueTypeId: type.id,
		summary: '',
		description: null,
		environment: null,
		statusId: INITIAL_STATUS,
		priorityId: DEFAULT_PRIORITY,
		resolutionId: null,
		resolutionDate: null,
		labels: [],
		assigneeId: null,
		reporterId: callerId,
		creatorId: callerId,
		created: 0,
		updated: 0,
		duedate: null,
		custom: {},
		parentId: null,
		comments: [],
		changelog: [],
		properties: {},
	};
	const { errors, commentsToAdd } = applyFieldChanges(draft, { fields, update: body.update }, screen, project, store, {
		ignore: new Set(['project', 'issuetype']),
	});
	const updateKeys = isObject(body.update) ? Object.keys(body.update) : [];
	for (const field of screen) {
		if (!field.required || field.hasDefaultValue || field.fieldId === 'project' || field.fieldId === 'issuetype') continue;
		if (field.fieldId in fields || updateKeys.includes(field.fieldId) || errors[field.fieldId]) continue;
		errors[field.fieldId] = field.fieldId === 'summary' ? 'You must specify a summary of the issue.' : `${FIELDS_BY_ID.get(field.fieldId)!.name} is required.`;
	}
	const properties = readProperties(body.properties);
	if (Object.keys(errors).length) fieldErrors(errors);
	const now = store.stamp();
	draft.created = now;
	draft.updated = now;
	for (const { key, value } of properties) draft.properties[key] = value;
	const issue = store.addIssue({ ...draft, id: undefined, key: undefined });
	for (const comment of commentsToAdd) addComment(store, issue, comment, callerId);
	const transition = isObject(body.transition) ? body.transition : undefined;
	if (transition?.id !== undefined) doTransition(store, issue, { transition }, callerId);
	return issue;
}

// Transitions -------------------------------------------------------------------------------------

function doTransition(store: JiraStore, issue: JiraIssue, body: Record<string, unknown>, authorId: string): void {
	const transitionRef = isObject(body.transition) ? body.transition : undefined;
	const id = transitionRef?.id !== undefined ? String(transitionRef.id) : undefined;
	if (!id) fail(400, "Missing 'transition' identifier");
	const transition = TRANSITIONS.find((candidate) => candidate.id === id && candidate.from.includes(issue.statusId));
	if (!transition) fail(400, `Transition id '${id}' is not valid for this issue.`);
	const project = store.projects.get(issue.projectId)!;
	const draft = cloneIssue(issue);
	const { errors, items, commentsToAdd } = applyFieldChanges(draft, body, transition.screen, project, store);
	const fields = isObject(body.fields) ? body.fields : {};
	for (const field of transition.screen) {
		if (field.required && !(field.fieldId in fields) && !errors[field.fieldId]) {
			errors[field.fieldId] = `${FIELDS_BY_ID.get(field.fieldId)!.name} is required.`;
		}
	}
	const properties = readProperties(body.properties);
	if (Object.keys(errors).length) fieldErrors(errors);

	const allItems: ChangeItem[] = [statusChange(issue.statusId, transition.to), ...items];
	draft.statusId = transition.to;
	const toDone = STATUSES.find((status) => status.id === transition.to)?.category === 'done';
	if (transition.clearsResolution && draft.resolutionId !== null) {
		allItems.push(changeItem(FIELDS_BY_ID.get('resolution')!, draft.resolutionId, null, store)!);
		draft.resolutionId = null;
	}
	// Resolved = when the issue reached a done status with a resolution; leaving done clears it.
	const newlyResolved = toDone && draft.resolutionId !== null && draft.resolutionDate === null;
	if (!toDone) draft.resolutionDate = null;
	for (const { key, value } of properties) draft.properties[key] = value;
	commit(store, issue, draft, allItems, authorId, body.historyMetadata);
	if (newlyResolved) issue.resolutionDate = issue.updated;
	for (const comment of commentsToAdd) addComment(store, issue, comment, authorId);
}

function transitionsFor(render: Render, issue: JiraIssue, request: ApiRequest): Json[] {
	const withFields = (request.query.get('expand') ?? '').split(',').includes('transitions.fields');
	const includeUnavailable = boolParam(request, 'includeUnavailableTransitions', false);
	const only = request.query.get('transitionId');
	const list: Array<{ transition: TransitionDef; available: boolean }> = TRANSITIONS.map((transition) => ({
		transition,
		available: transition.from.includes(issue.statusId),
	})).filter((entry) => entry.available || includeUnavailable);
	return list
		.filter((entry) => !only || entry.transition.id === only)
		.map((entry) => render.transition(issue, entry.transition, withFields, entry.available));
}

// Comments ----------------------------------------------------------------------------------------

function readVisibility(store: JiraStore, raw: unknown): JiraComment['visibility'] {
	if (raw === undefined || raw === null) return undefined;
	if (!isObject(raw) || (raw.type !== 'group' && raw.type !== 'role')) fieldErrors({ visibility: "Visibility type must be 'group' or 'role'." });
	if (raw.type === 'role') {
		const role = PROJECT_ROLES.find((candidate) => candidate.name.toLowerCase() === String(raw.value ?? '').toLowerCase());
		if (!role) fieldErrors({ commentLevel: `You are currently not a member of the project role: ${String(raw.value ?? '')}.` });
		return { type: 'role', value: role.name };
	}
	const group = raw.identifier ? store.groups.get(String(raw.identifier)) : store.groupByName(String(raw.value ?? ''));
	if (!group) fieldErrors({ commentLevel: `Group: ${String(raw.identifier ?? raw.value ?? '')} does not exist.` });
	return { type: 'group', value: group.name, identifier: group.groupId };
}

function readCommentBody(body: Record<string, unknown>): unknown {
	if (body.body === undefined || body.body === null) fieldErrors({ comment: 'Comment body can not be empty!' });
	const problem = adfProblem(body.body);
	if (problem) fieldErrors({ comment: problem });
	return body.body;
}

function requireComment(issue: JiraIssue, id: string): JiraComment {
	const comment = issue.comments.find((candidate) => String(candidate.id) === id);
	if (!comment) fail(404, `Can not find a comment for the id: ${id}.`);
	return comment;
}

// Routes ------------------------------------------------------------------------------------------

export function issueRoutes(router: Router, store: JiraStore): { reset(): void } {
	const cursors = new Cursors();
	const render = (request: ApiRequest) => new Render(store, request.origin);

	router.get('/rest/api/3/search/jql', (request) => ({
		status: 200,
		body: runSearch(store, cursors, request, {
			jql: request.query.get('jql') ?? '',
			nextPageToken: request.query.get('nextPageToken') ?? undefined,
			maxResults: intParam(request, 'maxResults', 50),
			fields: listParam(request, 'fields'),
			expand: expandSet(request.query.get('expand')),
			properties: listParam(request, 'properties'),
			reconcileIssues: listParam(request, 'reconcileIssues').map(Number),
		}),
	}));

	router.post('/rest/api/3/search/jql', (request) => {
		const body = jsonBody(request);
		const unknown = Object.keys(body).find((key) => !SEARCH_BODY_KEYS.has(key));
		if (unknown) fail(400, `Invalid request payload. Refer to the REST API documentation and try again. Unrecognized field "${unknown}".`);
		if (body.expand !== undefined && typeof body.expand !== 'string') {
			fail(400, 'Invalid request payload. Refer to the REST API documentation and try again. expand must be a comma-separated string.');
		}
		const list = (value: unknown, name: string): string[] => {
			if (value === undefined) return [];
			if (!Array.isArray(value)) fail(400, `Invalid request payload. Refer to the REST API documentation and try again. ${name} must be a list.`);
			return value.flatMap((entry) => String(entry).split(',')).map((entry) => entry.trim()).filter(Boolean);
		};
		const maxResults = body.maxResults === undefined ? 50 : Number(body.maxResults);
		if (!Number.isInteger(maxResults)) fail(400, 'Invalid request payload. Refer to the REST API documentation and try again. maxResults must be an integer.');
		return {
			status: 200,
			body: runSearch(store, cursors, request, {
				jql: typeof body.jql === 'string' ? body.jql : '',
				nextPageToken: typeof body.nextPageToken === 'string' ? body.nextPageToken : undefined,
				maxResults,
				fields: list(body.fields, 'fields'),
				expand: expandSet(body.expand),
				properties: list(body.properties, 'properties'),
				reconcileIssues: list(body.reconcileIssues, 'reconcileIssues').map(Number),
			}),
		};
	});

	router.post('/rest/api/3/search/approximate-count', (request) => {
		const body = jsonBody(request);
		const compiled = compile(store, String(body.jql ?? ''), request);
		if (!compiled.bounded) fail(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
		return { status: 200, body: { count: [...store.issues.values()].filter(compiled.matches).length } };
	});

	router.post('/rest/api/3/issue', (request) => {
		const issue = createIssue(store, jsonBody(request), caller(request).accountId);
		return { status: 201, body: { id: String(issue.id), key: issue.key, self: render(request).api(`/issue/${issue.id}`) } };
	});

	router.post('/rest/api/3/issue/bulk', (request) => {
		const body = jsonBody(request);
		const updates = Array.isArray(body.issueUpdates) ? body.issueUpdates : undefined;
		if (!updates) fail(400, 'issueUpdates must be a list');
		if (updates.length > 50) fail(400, 'The number of issues to create must not exceed 50.');
		const issues: Json[] = [];
		const errors: Json[] = [];
		updates.forEach((update, index) => {
			try {
				const issue = createIssue(store, isObject(update) ? update : {}, caller(request).accountId);
				issues.push({ id: String(issue.id), key: issue.key, self: render(request).api(`/issue/${issue.id}`) });
			} catch (error) {
				if (!(error instanceof HttpError)) throw error;
				const details = error.details as { errorMessages?: string[]; errors?: Record<string, string> } | undefined;
				errors.push({
					status: error.status,
					elementErrors: { errorMessages: details?.errorMessages ?? [error.message], errors: details?.errors ?? {} },
					failedElementNumber: index,
				});
			}
		});
		// Partial success is 201; only a batch where nothing was created is 400.
		return { status: issues.length ? 201 : 400, body: { issues, errors } };
	});

	router.post('/rest/api/3/issue/bulkfetch', (request) => {
		const body = jsonBody(request);
		const wanted = Array.isArray(body.issueIdsOrKeys) ? body.issueIdsOrKeys.map(String) : undefined;
		if (!wanted) fail(400, 'issueIdsOrKeys is required');
		if (wanted.length > 100) fail(400, 'The number of issues to fetch must not exceed 100.');
		const fields = Array.isArray(body.fields) ? body.fields.flatMap((entry) => String(entry).split(',')).map((entry) => entry.trim()) : [];
		const view: IssueView = {
			...fieldSelection(fields, 'navigable'),
			expand: expandSet(body.expand),
			properties: Array.isArray(body.properties) ? body.properties.map(String) : [],
		};
		const issues: Json[] = [];
		const issueErrors: Json[] = [];
		for (const idOrKey of wanted) {
			const issue = store.issue(idOrKey);
			if (issue) issues.push(render(request).issue(issue, view));
			else issueErrors.push({ id: idOrKey, errorMessage: ISSUE_NOT_FOUND });
		}
		return { status: 200, body: { issues, issueErrors } };
	});

	router.get('/rest/api/3/issue/picker', (request) => {
		const query = (request.query.get('query') ?? '').trim().toLowerCase();
		const showSubTasks = boolParam(request, 'showSubTasks', true);
		const matches = [...store.issues.values()]
			.filter((issue) => showSubTasks || !isSubtaskType(issue.issueTypeId))
			.filter((issue) => !query || issue.key.toLowerCase().includes(query) || issue.summary.toLowerCase().includes(query))
			.sort((a, b) => b.updated - a.updated);
		const shown = matches.slice(0, 20);
		return {
			status: 200,
			body: {
				sections: [
					{
						label: 'History Search',
						sub: `Showing ${shown.length} of ${matches.length} matching issues`,
						id: 'hs',
						issues: shown.map((issue) => ({
							id: issue.id,
							key: issue.key,
							keyHtml: issue.key,
							img: `/rest/api/2/universal_avatar/view/type/issuetype/avatar/${ISSUE_TYPES.find((type) => type.id === issue.issueTypeId)?.avatarId ?? 0}?size=medium`,
							summary: issue.summary,
							summaryText: issue.summary,
						})),
					},
					{ label: 'Current Search', sub: 'Showing 0 of 0 matching issues', id: 'cs', issues: [] },
				],
			},
		};
	});

	router.get('/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', (request) => {
		const project = store.project(request.params.projectIdOrKey);
		if (!project) fail(404, `No project could be found with key '${request.params.projectIdOrKey}'.`);
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 50, { min: 1, max: 200 });
		const types = project.issueTypeIds.map((id) => render(request).issueType(id));
		return { status: 200, body: { startAt, maxResults, total: types.length, issueTypes: types.slice(startAt, startAt + maxResults) } };
	});

	router.get('/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', (request) => {
		const project = store.project(request.params.projectIdOrKey);
		if (!project) fail(404, `No project could be found with key '${request.params.projectIdOrKey}'.`);
		if (!project.issueTypeIds.includes(request.params.issueTypeId)) {
			fail(404, `Issue type with id '${request.params.issueTypeId}' does not exist in project '${project.key}'.`);
		}
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 50, { min: 1, max: 200 });
		const fields = render(request).createMetaFields(project, request.params.issueTypeId);
		return { status: 200, body: { startAt, maxResults, total: fields.length, fields: fields.slice(startAt, startAt + maxResults) } };
	});

	router.get('/rest/api/3/issue/{issueIdOrKey}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const view: IssueView = {
			...fieldSelection(listParam(request, 'fields'), 'all'),
			expand: expandSet(request.query.get('expand')),
			properties: listParam(request, 'properties'),
		};
		if (view.idsOnly) view.idsOnly = undefined;
		return { status: 200, body: render(request).issue(issue, view.fields ? view : { ...view, fields: new Set() }) };
	});

	router.put('/rest/api/3/issue/{issueIdOrKey}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const body = jsonBody(request);
		const project = store.projects.get(issue.projectId)!;
		const draft = cloneIssue(issue);
		const screen = editScreen(project, isSubtaskType(issue.issueTypeId));
		// Transitions in an edit body are ignored, as Jira documents.
		const { errors, items, commentsToAdd } = applyFieldChanges(draft, body, screen, project, store);
		const properties = readProperties(body.properties);
		if (Object.keys(errors).length) fieldErrors(errors);
		for (const { key, value } of properties) draft.properties[key] = value;
		const author = caller(request).accountId;
		commit(store, issue, draft, items, author, body.historyMetadata);
		for (const comment of commentsToAdd) addComment(store, issue, comment, author);
		if (boolParam(request, 'returnIssue', false)) {
			return {
				status: 200,
				body: render(request).issue(issue, { ...fieldSelection([], 'all'), expand: expandSet(request.query.get('expand')) }),
			};
		}
		return { status: 204 };
	});

	router.delete('/rest/api/3/issue/{issueIdOrKey}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const subtasks = store.subtasksOf(issue);
		if (subtasks.length && !boolParam(request, 'deleteSubtasks', false)) {
			fail(400, `The issue '${issue.key}' has subtasks. Set the 'deleteSubtasks' parameter to true to delete them.`);
		}
		for (const subtask of subtasks) store.removeIssue(subtask);
		store.removeIssue(issue);
		return { status: 204 };
	});

	router.get('/rest/api/3/issue/{issueIdOrKey}/editmeta', (request) => ({
		status: 200,
		body: render(request).editMeta(requireIssue(store, request.params.issueIdOrKey)),
	}));

	// Comments
	router.get('/rest/api/3/issue/{issueIdOrKey}/comment', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 100, { min: 0, max: 100 });
		const orderBy = request.query.get('orderBy') ?? 'created';
		if (!['created', '+created', '-created'].includes(orderBy)) fail(400, `The 'orderBy' parameter can only be 'created', '+created' or '-created'.`);
		const rendered = (request.query.get('expand') ?? '').split(',').includes('renderedBody');
		const sorted = issue.comments.slice().sort((a, b) => (a.created - b.created || a.id - b.id) * (orderBy === '-created' ? -1 : 1));
		return {
			status: 200,
			body: {
				startAt,
				maxResults,
				total: sorted.length,
				comments: sorted.slice(startAt, startAt + maxResults).map((comment) => render(request).comment(issue, comment, rendered)),
			},
		};
	});

	router.post('/rest/api/3/issue/{issueIdOrKey}/comment', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const body = jsonBody(request);
		const content = readCommentBody(body);
		const visibility = readVisibility(store, body.visibility);
		const comment = addComment(store, issue, content, caller(request).accountId, visibility);
		const rendered = (request.query.get('expand') ?? '').split(',').includes('renderedBody');
		return { status: 201, body: render(request).comment(issue, comment, rendered) };
	});

	router.get('/rest/api/3/issue/{issueIdOrKey}/comment/{id}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const rendered = (request.query.get('expand') ?? '').split(',').includes('renderedBody');
		return { status: 200, body: render(request).comment(issue, requireComment(issue, request.params.id), rendered) };
	});

	router.put('/rest/api/3/issue/{issueIdOrKey}/comment/{id}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const comment = requireComment(issue, request.params.id);
		const body = jsonBody(request);
		const content = readCommentBody(body);
		const visibility = body.visibility === undefined ? comment.visibility : readVisibility(store, body.visibility);
		const now = store.stamp();
		comment.body = content;
		comment.visibility = visibility;
		if (!visibility) delete comment.visibility;
		comment.updated = now;
		comment.updateAuthorId = caller(request).accountId;
		issue.updated = now;
		store.changed();
		const rendered = (request.query.get('expand') ?? '').split(',').includes('renderedBody');
		return { status: 200, body: render(request).comment(issue, comment, rendered) };
	});

	router.delete('/rest/api/3/issue/{issueIdOrKey}/comment/{id}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const comment = requireComment(issue, request.params.id);
		issue.comments = issue.comments.filter((candidate) => candidate !== comment);
		issue.updated = store.stamp();
		store.changed();
		return { status: 204 };
	});

	// Transitions
	router.get('/rest/api/3/issue/{issueIdOrKey}/transitions', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		return { status: 200, body: { expand: 'transitions', transitions: transitionsFor(render(request), issue, request) } };
	});

	router.post('/rest/api/3/issue/{issueIdOrKey}/transitions', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		doTransition(store, issue, jsonBody(request), caller(request).accountId);
		return { status: 204 };
	});

	// Changelog
	router.get('/rest/api/3/issue/{issueIdOrKey}/changelog', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 100, { min: 1, max: 100 });
		return { status: 200, body: pageBean(request, issue.changelog, startAt, maxResults, (entry) => render(request).changelog(entry)) };
	});

	// Entity properties
	router.get('/rest/api/3/issue/{issueIdOrKey}/properties', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		return {
			status: 200,
			body: {
				keys: Object.keys(issue.properties).map((key) => ({
					self: render(request).api(`/issue/${issue.id}/properties/${encodeURIComponent(key)}`),
					key,
				})),
			},
		};
	});

	router.get('/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const key = request.params.propertyKey;
		if (!(key in issue.properties)) fail(404, `The property with key '${key}' does not exist.`);
		return { status: 200, body: { key, value: issue.properties[key] } };
	});

	router.put('/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		if (request.bodyError || request.body === undefined) fail(400, 'The property value must be valid JSON.');
		const [{ key, value }] = readProperties([{ key: request.params.propertyKey, value: request.body }]);
		const existed = key in issue.properties;
		issue.properties[key] = value;
		// Entity properties are not issue fields: no changelog, `updated` stays.
		store.changed();
		return { status: existed ? 200 : 201 };
	});

	router.delete('/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', (request) => {
		const issue = requireIssue(store, request.params.issueIdOrKey);
		const key = request.params.propertyKey;
		if (!(key in issue.properties)) fail(404, `The property with key '${key}' does not exist.`);
		delete issue.properties[key];
		store.changed();
		return { status: 204 };
	});

	return { reset: () => cursors.clear() };
}
