import { adfProblem, adfToText } from './adf';
import { FIELDS_BY_ID, ISSUE_TYPES, PRIORITIES, RESOLUTIONS, STATUSES, TEAM_OPTIONS, type FieldDef, type ScreenField } from './config';
import type { ChangeItem, JiraIssue, JiraProject, JiraStore } from './store';

/**
 * Writing field values as Jira checks them: is the field on the screen, is the value of the
 * right shape, is it an allowed value; and the changelog item each change leaves behind.
 */

type Stored = unknown;
type Parsed = { value: Stored } | { error: string };

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{id}` or `{name}` (or `{value}` for options) against a list of allowed values. */
function byIdOrName<T extends { id: string }>(value: unknown, list: T[], nameOf: (item: T) => string, key: 'name' | 'value'): T | undefined {
	if (!isObject(value)) return undefined;
	if (value.id !== undefined) return list.find((item) => item.id === String(value.id));
	if (value[key] !== undefined) return list.find((item) => nameOf(item).toLowerCase() === String(value[key]).toLowerCase());
	return undefined;
}

/** Parses a value sent for a field (in `fields` or a `set` operation) into the stored form. */
export function parseFieldValue(field: FieldDef, value: unknown, project: JiraProject, store: JiraStore, issueId?: number): Parsed {
	switch (field.kind) {
		case 'summary': {
			if (typeof value !== 'string' || value.trim() === '') return { error: 'You must specify a summary of the issue.' };
			if (value.length > 255) return { error: 'Summary must be less than 255 characters.' };
			if (/[\r\n]/.test(value)) return { error: 'The summary is invalid because it contains newline characters.' };
			return { value };
		}
		case 'richtext': {
			if (value === null) return { value: null };
			const problem = adfProblem(value);
			return problem ? { error: problem } : { value };
		}
		case 'textfield': {
			if (value === null) return { value: null };
			if (typeof value !== 'string') return { error: 'Operation value must be a string' };
			if (value.length > 255) return { error: `${field.name}: The entered text is too long. It exceeds the allowed limit of 255 characters.` };
			return { value };
		}
		case 'number': {
			if (value === null) return { value: null };
			if (typeof value !== 'number' || !Number.isFinite(value)) return { error: 'Operation value must be a number' };
			return { value };
		}
		case 'option': {
			if (value === null) return { value: null };
			if (!isObject(value)) return { error: 'Operation value must be an object' };
			const option = byIdOrName(value, TEAM_OPTIONS, (item) => item.value, 'value');
			if (!option) {
				return { error: value.id !== undefined ? `Option id '${String(value.id)}' is not valid` : `Option value '${String(value.value)}' is not valid` };
			}
			return { value: option.id };
		}
		case 'user': {
			if (value === null) return { value: null };
			if (!isObject(value) || typeof value.accountId !== 'string') {
				return { error: isObject(value) && (value.name || value.key) ? "The 'name' and 'key' properties are no longer available: use accountId" : 'Operation value must be an object with accountId' };
			}
			const user = store.users.get(value.accountId);
			if (!user || !user.active) return { error: `User '${value.accountId}' cannot be assigned issues.` };
			return { value: user.accountId };
		}
		case 'labels': {
			if (!Array.isArray(value)) return { error: 'Operation value must be an array' };
			for (const label of value) {
				if (typeof label !== 'string' || label === '') return { error: 'Label values must be non-empty strings' };
				if (/\s/.test(label)) return { error: `The label '${label}' contains spaces which is invalid.` };
			}
			return { value: [...new Set(value as string[])] };
		}
		case 'date': {
			if (value === null) return { value: null };
			if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
				return { error: `Error parsing date string: ${String(value)}` };
			}
			return { value };
		}
		case 'priority': {
			if (value === null) return { value: null };
			const priority = byIdOrName(value, PRIORITIES, (item) => item.name, 'name');
			if (!priority) return { error: isObject(value) ? 'The priority selected is invalid.' : 'Specify the Priority (id or name) in the string format' };
			return { value: priority.id };
		}
		case 'resolution': {
			if (value === null) return { value: null };
			const resolution = byIdOrName(value, RESOLUTIONS, (item) => item.name, 'name');
			if (!resolution) return { error: isObject(value) ? `Resolution '${String(value.name ?? value.id)}' is invalid.` : 'Specify the Resolution (id or name) in the string format' };
			return { value: resolution.id };
		}
		case 'parent': {
			if (value === null) return { value: null };
			if (!isObject(value)) return { error: 'Operation value must be an object with key or id' };
			const parent = store.issue(String(value.key ?? value.id ?? ''));
			if (!parent) return { error: `Could not find issue by id or key.` };
			if (parent.projectId !== project.id) return { error: 'The parent issue must be in the same project.' };
			if (parent.id === issueId) return { error: 'An issue cannot be its own parent.' };
			return { value: parent.id };
		}
		default:
			return { error: `Field '${field.id}' cannot be set. It is not on the appropriate screen, or unknown.` };
	}
}

export function getStored(issue: JiraIssue, field: FieldDef): Stored {
	switch (field.id) {
		case 'summary':
			return issue.summary;
		case 'description':
			return issue.description;
		case 'environment':
			return issue.environment;
		case 'priority':
			return issue.priorityId;
		case 'resolution':
			return issue.resolutionId;
		case 'labels':
			return issue.labels;
		case 'assignee':
			return issue.assigneeId;
		case 'reporter':
			return issue.reporterId;
		case 'duedate':
			return issue.duedate;
		case 'parent':
			return issue.parentId;
		default:
			return issue.custom[field.id] ?? null;
	}
}

/** Sets a field on a (draft) issue; a parent change is linked in the store when the draft is committed. */
export function setStored(issue: JiraIssue, field: FieldDef, value: Stored): void {
	switch (field.id) {
		case 'summary':
			issue.summary = value as string;
			return;
		case 'description':
			issue.description = value;
			return;
		case 'environment':
			issue.environment = value;
			return;
		case 'priority':
			issue.priorityId = value as string | null;
			return;
		case 'resolution':
			issue.resolutionId = value as string | null;
			return;
		case 'labels':
			issue.labels = value as string[];
			return;
		case 'assignee':
			issue.assigneeId = value as string | null;
			return;
		case 'reporter':
			issue.reporterId = value as string | null;
			return;
		case 'duedate':
			issue.duedate = value as string | null;
			return;
		case 'parent':
			issue.parentId = value as number | null;
			return;
		default:
			if (value === null) delete issue.custom[field.id];
			else issue.custom[field.id] = value;
	}
}

function same(a: unknown, b: unknown): boolean {
	return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** `from`/`fromString` of a stored value, as Jira's changelog writes them. */
function describe(field: FieldDef, value: Stored, store: JiraStore): { raw: string | null; text: string | null } {
	if (value === null || value === undefined) return { raw: null, text: null };
	switch (field.kind) {
		case 'summary':
		case 'textfield':
			return { raw: null, text: String(value) };
		case 'richtext':
			return { raw: null, text: adfToText(value) };
		case 'labels':
			return { raw: null, text: (value as string[]).join(' ') || null };
		case 'number':
			return { raw: null, text: String(value) };
		case 'date':
			return { raw: String(value), text: `${String(value)} 00:00:00.0` };
		case 'user':
			return { raw: String(value), text: store.users.get(String(value))?.displayName ?? String(value) };
		case 'priority':
			return { raw: String(value), text: PRIORITIES.find((item) => item.id === value)?.name ?? null };
		case 'resolution':
			return { raw: String(value), text: RESOLUTIONS.find((item) => item.id === value)?.name ?? null };
		case 'option':
			return { raw: String(value), text: TEAM_OPTIONS.find((item) => item.id === value)?.value ?? null };
		case 'parent':
			return { raw: String(value), text: store.issues.get(Number(value))?.key ?? null };
		default:
			return { raw: String(value), text: String(value) };
	}
}

export function changeItem(field: FieldDef, before: Stored, after: Stored, store: JiraStore): ChangeItem | undefined {
	if (same(before, after)) return undefined;
	const from = describe(field, before, store);
	const to = describe(field, after, store);
	return changeDetails({
		field: field.custom ? field.name : field.id === 'parent' ? 'IssueParentAssociation' : field.id,
		fieldtype: field.custom ? 'custom' : 'jira',
		fieldId: field.id,
		from: from.raw,
		fromString: from.text,
		to: to.raw,
		toString: to.text,
	});
}

/**
 * The spec types from/to/fromString/toString as (non-nullable) strings: an empty side is left
 * out rather than sent as null.
 */
function changeDetails(item: Record<keyof ChangeItem, string | null>): ChangeItem {
	return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null)) as unknown as ChangeItem;
}

export function statusChange(fromId: string, toId: string): ChangeItem {
	const name = (id: string) => STATUSES.find((status) => status.id === id)?.name ?? id;
	return changeDetails({ field: 'status', fieldtype: 'jira', fieldId: 'status', from: fromId, fromString: name(fromId), to: toId, toString: name(toId) });
}

/**
 * Applies `fields` and `update` of a create/edit/transition body to a draft issue, checking every
 * field against the screen. Collects Jira-style per-field errors instead of stopping at the first.
 */
export function applyFieldChanges(
	issue: JiraIssue,
	body: { fields?: unknown; update?: unknown },
	screen: ScreenField[],
	project: JiraProject,
	store: JiraStore,
	options: { ignore?: Set<string> } = {},
): { errors: Record<string, string>; items: ChangeItem[]; commentsToAdd: unknown[] } {
	const errors: Record<string, string> = {};
	// One changelog item per field, from its first value to its last (several label operations are one change).
	const initial = new Map<string, Stored>();
	const commentsToAdd: unknown[] = [];
	const onScreen = new Set(screen.map((field) => field.fieldId));
	const fields = isObject(body.fields) ? body.fields : {};
	const update = isObject(body.update) ? body.update : {};

	const write = (fieldId: string, next: (current: Stored) => Parsed) => {
		const field = FIELDS_BY_ID.get(fieldId);
		if (!field || !onScreen.has(fieldId)) {
			errors[fieldId] = `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;
			return;
		}
		const before = getStored(issue, field);
		const parsed = next(before);
		if ('error' in parsed) {
			errors[fieldId] = parsed.error;
			return;
		}
		if (!initial.has(fieldId)) initial.set(fieldId, before);
		setStored(issue, field, parsed.value);
	};

	for (const [fieldId, value] of Object.entries(fields)) {
		if (options.ignore?.has(fieldId)) continue;
		if (fieldId in update) {
			errors[fieldId] = `Field '${fieldId}' cannot be set in both 'fields' and 'update'.`;
			continue;
		}
		const field = FIELDS_BY_ID.get(fieldId);
		write(fieldId, () => (field ? parseFieldValue(field, value, project, store, issue.id) : { error: '' }));
	}
	for (const [fieldId, operations] of Object.entries(update)) {
		if (!Array.isArray(operations)) {
			errors[fieldId] = 'Operations must be a list';
			continue;
		}
		if (fieldId === 'comment') {
			for (const operation of operations) {
				const add = isObject(operation) ? operation.add : undefined;
				const problem = isObject(add) ? adfProblem(add.body) : 'Only the add operation is supported for comments';
				if (problem) errors.comment = problem;
				else commentsToAdd.push((add as Record<string, unknown>).body);
			}
			continue;
		}
		const field = FIELDS_BY_ID.get(fieldId);
		for (const operation of operations) {
			if (!isObject(operation) || Object.keys(operation).length !== 1) {
				errors[fieldId] = 'Each operation must have exactly one of set, add, remove, edit';
				continue;
			}
			const [verb, value] = Object.entries(operation)[0];
			if (!field || !field.operations.includes(verb)) {
				errors[fieldId] = field ? `The operation '${verb}' is not supported by the field '${fieldId}'.` : `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;
				continue;
			}
			write(fieldId, (current) => {
				if (verb === 'set') return parseFieldValue(field, value, project, store, issue.id);
				if (field.kind !== 'labels') return { error: `The operation '${verb}' is not supported by the field '${fieldId}'.` };
				const parsed = parseFieldValue(field, [value], project, store);
				if ('error' in parsed) return parsed;
				const label = (parsed.value as string[])[0];
				const list = current as string[];
				return { value: verb === 'add' ? [...new Set([...list, label])] : list.filter((existing) => existing !== label) };
			});
		}
	}
	const items = [...initial.entries()]
		.map(([fieldId, before]) => {
			const field = FIELDS_BY_ID.get(fieldId)!;
			return changeItem(field, before, getStored(issue, field), store);
		})
		.filter((item): item is ChangeItem => item !== undefined);
	return { errors, items, commentsToAdd };
}

export function isSubtaskType(issueTypeId: string): boolean {
	return ISSUE_TYPES.find((type) => type.id === issueTypeId)?.subtask === true;
}
