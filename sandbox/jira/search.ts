import { adfToText } from './adf';
import { FIELDS, ISSUE_TYPES, PRIORITIES, RESOLUTIONS, STATUS_CATEGORIES, STATUSES, TEAM_OPTIONS, type FieldDef } from './config';
import { JqlError, parseJql, type JqlClause, type JqlExpression, type JqlOperator, type JqlValue } from './jql';
import type { JiraIssue, JiraStore } from './store';

/**
 * Gives JQL its meaning against the store: which fields exist, which operators each takes, what
 * values resolve to (and Jira's 400 messages when they do not), `~` text matching, date literals
 * and functions, ordering. `compileJql` returns a predicate and a comparator for the search.
 */

export interface SearchContext {
	store: JiraStore;
	/** accountId of the caller (currentUser()). */
	currentUser: string;
	now: number;
}

export interface CompiledJql {
	bounded: boolean;
	matches(issue: JiraIssue): boolean;
	compare(a: JiraIssue, b: JiraIssue): number;
}

type Kind =
	| 'project'
	| 'key'
	| 'text'
	| 'alltext'
	| 'status'
	| 'statusCategory'
	| 'priority'
	| 'resolution'
	| 'issuetype'
	| 'user'
	| 'labels'
	| 'date'
	| 'number'
	| 'option'
	| 'parent';

interface ClauseField {
	/** How Jira names the field in messages. */
	name: string;
	kind: Kind;
	/** Field id for value access (custom fields, dates, users, text). */
	id: string;
}

const EQUALITY: JqlOperator[] = ['=', '!=', 'IN', 'NOT IN', 'IS', 'IS NOT'];
const ORDERED: JqlOperator[] = ['=', '!=', '>', '>=', '<', '<=', 'IN', 'NOT IN', 'IS', 'IS NOT'];
const OPERATORS: Record<Kind, JqlOperator[]> = {
	project: ['=', '!=', 'IN', 'NOT IN'],
	key: ['=', '!=', '>', '>=', '<', '<=', 'IN', 'NOT IN'],
	text: ['~', '!~', 'IS', 'IS NOT'],
	alltext: ['~'],
	status: EQUALITY,
	statusCategory: EQUALITY,
	priority: EQUALITY,
	resolution: EQUALITY,
	issuetype: EQUALITY,
	user: EQUALITY,
	labels: EQUALITY,
	date: ORDERED,
	number: ORDERED,
	option: EQUALITY,
	parent: ['=', '!=', 'IN', 'NOT IN'],
};

function kindOf(field: FieldDef): Kind | undefined {
	switch (field.kind) {
		case 'issuekey':
			return 'key';
		case 'summary':
		case 'richtext':
		case 'textfield':
		case 'comment':
			return 'text';
		case 'datetime':
		case 'date':
			return 'date';
		case 'subtasks':
			return undefined;
		default:
			return field.kind as Kind;
	}
}

/** Clause names (lower case) -> field, from the field table plus JQL-only names. */
const CLAUSE_FIELDS = new Map<string, ClauseField>();
for (const field of FIELDS) {
	const kind = kindOf(field);
	if (!kind) continue;
	for (const clause of field.clauseNames) CLAUSE_FIELDS.set(clause.toLowerCase(), { name: field.custom ? field.name : clause, kind, id: field.id });
}
CLAUSE_FIELDS.set('text', { name: 'text', kind: 'alltext', id: 'text' });
CLAUSE_FIELDS.set('statuscategory', { name: 'statusCategory', kind: 'statusCategory', id: 'statusCategory' });

function bad(message: string): never {
	throw new JqlError(message);
}

function valueText(value: JqlValue): string {
	if (value.kind === 'string') return value.value;
	if (value.kind === 'function') return `${value.name}(${value.args.join(', ')})`;
	return 'EMPTY';
}

// Dates ------------------------------------------------------------------------------------------

const PERIOD = /^([-+]?)\s*((?:\d+\s*[wdhm]\s*)+)$/i;

function periodMs(text: string): number | undefined {
	const match = PERIOD.exec(text.trim());
	if (!match) return undefined;
	const units: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
	let total = 0;
	for (const part of match[2].matchAll(/(\d+)\s*([wdhm])/gi)) total += Number(part[1]) * units[part[2].toLowerCase()];
	return match[1] === '-' ? -total : total;
}

function startOf(unit: string, now: number): number {
	const date = new Date(now);
	date.setUTCHours(0, 0, 0, 0);
	if (unit === 'week') date.setUTCDate(date.getUTCDate() - date.getUTCDay());
	if (unit === 'month') date.setUTCDate(1);
	if (unit === 'year') date.setUTCMonth(0, 1);
	return date.getTime();
}

function endOf(unit: string, now: number): number {
	const start = new Date(startOf(unit, now));
	if (unit === 'day') start.setUTCDate(start.getUTCDate() + 1);
	if (unit === 'week') start.setUTCDate(start.getUTCDate() + 7);
	if (unit === 'month') start.setUTCMonth(start.getUTCMonth() + 1);
	if (unit === 'year') start.setUTCFullYear(start.getUTCFullYear() + 1);
	return start.getTime() - 1;
}

/** A JQL date literal or function as epoch ms; dates are in the account's zone, UTC here. */
function dateValue(value: JqlValue, field: ClauseField, now: number): number {
	const invalid = (text: string) =>
		bad(
			`Date value '${text}' for field '${field.name}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
		);
	if (value.kind === 'function') {
		const name = value.name.toLowerCase();
		const offset = value.args[0] !== undefined ? periodMs(value.args[0]) : 0;
		if (offset === undefined) invalid(valueText(value));
		if (name === 'now') return now + (offset ?? 0);
		const start = /^startof(day|week|month|year)$/.exec(name);
		if (start) return startOf(start[1], now) + (offset ?? 0);
		const end = /^endof(day|week|month|year)$/.exec(name);
		if (end) return endOf(end[1], now) + (offset ?? 0);
		return bad(`Unable to find JQL function '${value.name}(${value.args.join(', ')})'.`);
	}
	if (value.kind !== 'string') return invalid('EMPTY');
	const text = value.value.trim();
	if (/^\d{9,}$/.test(text)) return Number(text);
	const absolute = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text);
	if (absolute) {
		const [, y, mo, d, h, mi] = absolute;
		const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
		const check = new Date(ms);
		if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) invalid(text);
		return ms;
	}
	const period = periodMs(text);
	if (period !== undefined) return now + period;
	return invalid(text);
}

// Text search -----------------------------------------------------------------------------------

function words(text: string): string[] {
	return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** Jira's `~`: every term of the query must occur as a word (`term*` as a prefix); "quoted" phrases as phrases. */
function textMatcher(query: string, field: ClauseField): (text: string) => boolean {
	const phrases: string[] = [];
	const rest = query.replace(/"([^"]*)"/g, (_, phrase: string) => {
		if (phrase.trim()) phrases.push(phrase.trim().toLowerCase());
		return ' ';
	});
	const terms = rest
		.split(/\s+/)
		.flatMap((term) => {
			const wildcard = /[*?]$/.test(term);
			const parts = words(term);
			return parts.map((part, index) => ({ part, prefix: wildcard && index === parts.length - 1 }));
		})
		.filter((term) => term.part !== '');
	if (/^\s*[*?]/.test(rest)) {
		bad(`The text query '${query}' for field '${field.name}' is not allowed to start with wildcard character '${rest.trim()[0]}'.`);
	}
	if (!terms.length && !phrases.length) bad(`The field '${field.name}' does not support searching for an empty string.`);
	return (text: string) => {
		const lower = text.toLowerCase();
		if (!phrases.every((phrase) => lower.includes(phrase))) return false;
		if (!terms.length) return true;
		const tokens = new Set(words(text));
		const list = [...tokens];
		return terms.every((term) => (term.prefix ? list.some((token) => token.startsWith(term.part)) : tokens.has(term.part)));
	};
}

function issueText(issue: JiraIssue, fieldId: string): string {
	switch (fieldId) {
		case 'summary':
			return issue.summary;
		case 'description':
			return adfToText(issue.description);
		case 'environment':
			return adfToText(issue.environment);
		case 'comment':
			return issue.comments.map((comment) => adfToText(comment.body)).join('\n');
		case 'text':
			return [
				issue.summary,
				adfToText(issue.description),
				adfToText(issue.environment),
				...issue.comments.map((comment) => adfToText(comment.body)),
				...FIELDS.filter((field) => field.custom && (field.kind === 'richtext' || field.kind === 'textfield')).map((field) =>
					adfToText(issue.custom[field.id]),
				),
			].join('\n');
		default:
			return adfToText(issue.custom[fieldId]);
	}
}

// Values ------------------------------------------------------------------------------------------

type Scalar = string | number | null;

/** The issue's value(s) for a field, in the form values resolve to (ids, ms, strings). */
function issueValues(issue: JiraIssue, field: ClauseField, store: JiraStore): Scalar[] {
	switch (field.kind) {
		case 'project':
			return [issue.projectId];
		case 'key':
			return [issue.id];
		case 'status':
			return [issue.statusId];
		case 'statusCategory':
			return [STATUSES.find((status) => status.id === issue.statusId)?.category ?? null];
		case 'priority':
			return [issue.priorityId];
		case 'resolution':
			return [issue.resolutionId];
		case 'issuetype':
			return [issue.issueTypeId];
		case 'labels':
			return issue.labels.length ? issue.labels.map((label) => label.toLowerCase()) : [null];
		case 'parent':
			return [issue.parentId];
		case 'user':
			return [field.id === 'assignee' ? issue.assigneeId : field.id === 'reporter' ? issue.reporterId : issue.creatorId];
		case 'date':
			switch (field.id) {
				case 'created':
					return [issue.created];
				case 'updated':
					return [issue.updated];
				case 'resolutiondate':
					return [issue.resolutionDate];
				case 'duedate':
					return [issue.duedate === null ? null : Date.parse(`${issue.duedate}T00:00:00Z`)];
			}
			return [null];
		case 'number': {
			const value = issue.custom[field.id];
			return [typeof value === 'number' ? value : null];
		}
		case 'option': {
			const value = issue.custom[field.id];
			return [typeof value === 'string' ? value : null];
		}
		default:
			void store;
			return [null];
	}
}

function findIssueRef(text: string, field: ClauseField, store: JiraStore): number {
	if (/^\d+$/.test(text)) {
		const issue = store.issue(text);
		if (!issue) bad(`An issue with key '${text}' does not exist for field '${field.name}'.`);
		return issue.id;
	}
	const match = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(text);
	if (!match || !store.project(match[1])) bad(`The issue key '${text}' for field '${field.name}' is invalid.`);
	const issue = store.issue(text);
	if (!issue) bad(`An issue with key '${text}' does not exist for field '${field.name}'.`);
	return issue.id;
}

/** Resolves one literal or function to the ids/values issueValues produces; null stands for EMPTY. */
function resolve(value: JqlValue, field: ClauseField, ctx: SearchContext): Scalar[] {
	const { store } = ctx;
	if (value.kind === 'empty') return [null];
	if (value.kind === 'list') return value.items.flatMap((item) => resolve(item, field, ctx));
	const missing = (): never => bad(`The value '${valueText(value)}' does not exist for the field '${field.name}'.`);
	if (value.kind === 'function') {
		const name = value.name.toLowerCase();
		if (field.kind === 'user' && name === 'currentuser') return [ctx.currentUser];
		if (field.kind === 'user' && name === 'membersof') {
			const group = store.groupByName(value.args[0] ?? '') ?? store.groups.get(value.args[0] ?? '');
			if (!group) bad(`The group '${value.args[0] ?? ''}' specified in the function 'membersOf' does not exist.`);
			return [...group.members];
		}
		if (field.kind === 'date') return [dateValue(value, field, ctx.now)];
		return bad(`Unable to find JQL function '${value.name}(${value.args.join(', ')})'.`);
	}
	const text = value.value;
	const lower = text.toLowerCase();
	switch (field.kind) {
		case 'project': {
			const project = store.project(text) ?? [...store.projects.values()].find((candidate) => candidate.name.toLowerCase() === lower);
			return project ? [project.id] : missing();
		}
		case 'key':
		case 'parent':
			return [findIssueRef(text, field, store)];
		case 'status': {
			const status = STATUSES.find((candidate) => candidate.id === text || candidate.name.toLowerCase() === lower);
			return status ? [status.id] : missing();
		}
		case 'statusCategory': {
			const category = STATUS_CATEGORIES.find(
				(candidate) => String(candidate.id) === text || candidate.key === lower || candidate.name.toLowerCase() === lower,
			);
			return category ? [category.key] : missing();
		}
		case 'priority': {
			const priority = PRIORITIES.find((candidate) => candidate.id === text || candidate.name.toLowerCase() === lower);
			return priority ? [priority.id] : missing();
		}
		case 'resolution': {
			if (lower === 'unresolved') return [null];
			const resolution = RESOLUTIONS.find((candidate) => candidate.id === text || candidate.name.toLowerCase() === lower);
			return resolution ? [resolution.id] : missing();
		}
		case 'issuetype': {
			const type = ISSUE_TYPES.find((candidate) => candidate.id === text || candidate.name.toLowerCase() === lower);
			return type ? [type.id] : missing();
		}
		case 'option': {
			const option = TEAM_OPTIONS.find((candidate) => candidate.id === text || candidate.value.toLowerCase() === lower);
			return option ? [option.id] : missing();
		}
		case 'user': {
			const user = store.users.get(text) ?? store.userByEmail(text);
			return user ? [user.accountId] : missing();
		}
		case 'labels':
			return [lower];
		case 'date':
			return [dateValue(value, field, ctx.now)];
		case 'number': {
			const number = Number(text);
			return Number.isFinite(number) && text.trim() !== '' ? [number] : missing();
		}
		default:
			return missing();
	}
}

function compileClause(clause: JqlClause, ctx: SearchContext): (issue: JiraIssue) => boolean {
	const field = CLAUSE_FIELDS.get(clause.field.toLowerCase());
	if (!field) bad(`Field '${clause.field}' does not exist or you do not have permission to view it.`);
	if (!OPERATORS[field.kind].includes(clause.operator)) {
		bad(`The operator '${clause.operator}' is not supported by the '${field.name}' field.`);
	}
	const op = clause.operator;
	if ((op === 'IS' || op === 'IS NOT') && clause.value.kind !== 'empty') {
		bad(`The operator '${op}' is not supported by the '${field.name}' field with the value '${valueText(clause.value)}'.`);
	}
	if ((op === 'IN' || op === 'NOT IN') && clause.value.kind !== 'list') {
		bad(`The operator '${op}' needs a list of values for the field '${field.name}'.`);
	}

	if (field.kind === 'text' || field.kind === 'alltext') {
		if (op === 'IS' || op === 'IS NOT') {
			return (issue) => (issueText(issue, field.id).trim() === '') === (op === 'IS');
		}
		if (clause.value.kind !== 'string') bad(`The operator '${op}' is not supported by the '${field.name}' field with a function or list.`);
		const matcher = textMatcher(clause.value.value, field);
		return op === '~' ? (issue) => matcher(issueText(issue, field.id)) : (issue) => !matcher(issueText(issue, field.id));
	}

	const wanted = resolve(clause.value, field, ctx);
	const { store } = ctx;
	if (field.kind === 'key' && ['>', '>=', '<', '<='].includes(op)) {
		const reference = store.issues.get(wanted[0] as number)!;
		const number = (issue: JiraIssue) => Number(issue.key.split('-')[1]);
		return (issue) => {
			if (issue.projectId !== reference.projectId) return false;
			const a = number(issue);
			const b = number(reference);
			return op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b;
		};
	}
	if (field.kind === 'date' && op === '=') {
		// Dates compare at minute precision.
		const minute = (ms: number) => Math.floor(ms / 60_000);
		return (issue) => {
			const value = issueValues(issue, field, store)[0];
			return value !== null && minute(value as number) === minute(wanted[0] as number);
		};
	}
	if (['>', '>=', '<', '<='].includes(op)) {
		const target = wanted[0] as number;
		return (issue) => {
			const value = issueValues(issue, field, store)[0];
			if (value === null) return false;
			const v = value as number;
			return op === '>' ? v > target : op === '>=' ? v >= target : op === '<' ? v < target : v <= target;
		};
	}
	const set = new Set(wanted);
	const positive = op === '=' || op === 'IN' || op === 'IS';
	return (issue) => {
		const values = issueValues(issue, field, store);
		if (positive) return values.some((value) => set.has(value));
		// Jira's != and NOT IN never match empty values; IS NOT EMPTY is the only way to them.
		if (op === 'IS NOT') return values.some((value) => value !== null);
		return values.every((value) => value !== null && !set.has(value));
	};
}

function compileExpression(expression: JqlExpression, ctx: SearchContext): (issue: JiraIssue) => boolean {
	switch (expression.kind) {
		case 'clause':
			return compileClause(expression, ctx);
		case 'not': {
			const inner = compileExpression(expression.expression, ctx);
			return (issue) => !inner(issue);
		}
		case 'and': {
			const items = expression.items.map((item) => compileExpression(item, ctx));
			return (issue) => items.every((item) => item(issue));
		}
		case 'or': {
			const items = expression.items.map((item) => compileExpression(item, ctx));
			return (issue) => items.some((item) => item(issue));
		}
	}
}

// Ordering ----------------------------------------------------------------------------------------

type SortKey = (issue: JiraIssue) => string | number | null;

function sortKey(name: string, store: JiraStore): SortKey | undefined {
	const field = CLAUSE_FIELDS.get(name.toLowerCase());
	if (!field) return undefined;
	switch (field.kind) {
		case 'key':
			return (issue) => `${store.projects.get(issue.projectId)?.key ?? ''}-${String(issue.key.split('-')[1]).padStart(10, '0')}`;
		case 'project':
			return (issue) => store.projects.get(issue.projectId)?.key ?? '';
		case 'status':
			return (issue) => STATUSES.findIndex((status) => status.id === issue.statusId);
		case 'priority':
			// Jira sorts priorities by importance: ASC puts the least important first.
			return (issue) => (issue.priorityId === null ? null : -PRIORITIES.findIndex((priority) => priority.id === issue.priorityId));
		case 'issuetype':
			return (issue) => ISSUE_TYPES.find((type) => type.id === issue.issueTypeId)?.name ?? '';
		case 'resolution':
			return (issue) => RESOLUTIONS.find((resolution) => resolution.id === issue.resolutionId)?.name ?? null;
		case 'user':
			return (issue) => {
				const id = issueValues(issue, field, store)[0];
				return id === null ? null : (store.users.get(String(id))?.displayName.toLowerCase() ?? '');
			};
		case 'date':
		case 'number':
			return (issue) => issueValues(issue, field, store)[0];
		case 'text':
			return field.id === 'summary' ? (issue) => issue.summary.toLowerCase() : undefined;
		case 'option':
			return (issue) => {
				const id = issue.custom[field.id];
				return TEAM_OPTIONS.find((option) => option.id === id)?.value ?? null;
			};
		case 'labels':
			return (issue) => issue.labels.slice().sort()[0] ?? null;
		default:
			return undefined;
	}
}

export function compileJql(text: string, ctx: SearchContext): CompiledJql {
	const query = parseJql(text);
	const matches = query.where ? compileExpression(query.where, ctx) : () => true;
	if (query.orderBy.length > 7) bad('The ORDER BY clause may name at most 7 fields.');
	const sorts = query.orderBy.map((sort) => {
		const key = sortKey(sort.field, ctx.store);
		if (!key) bad(`Not able to sort using field '${sort.field}'.`);
		return { key, sign: sort.direction === 'DESC' ? -1 : 1 };
	});
	// No ORDER BY: newest first, like Jira's issue navigator.
	if (!sorts.length) sorts.push({ key: (issue) => issue.created, sign: -1 });
	return {
		bounded: query.where !== undefined,
		matches,
		compare(a, b) {
			for (const { key, sign } of sorts) {
				const x = key(a);
				const y = key(b);
				if (x === y) continue;
				if (x === null) return 1; // empty values last
				if (y === null) return -1;
				return (x < y ? -1 : 1) * sign;
			}
			return b.id - a.id;
		},
	};
}
