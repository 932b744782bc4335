import { DateTime } from 'luxon';

import { shortText } from '../shared/parameters';
import { bindPlaceholders, type PlaceholderLanguage } from '../shared/placeholders';

/**
 * EQL (Efecte Query Language) building blocks for the REST `filter` parameter, which is only the
 * WHERE part of a query (`$status$ = '02 - Solving'`). Anything taken from item data goes through
 * `eqlValue` / `eqlString` (or the `:name` placeholders of `bindEql`), never straight into the
 * filter text: a quote in a name must not end the literal and change the query.
 */

export class EqlValueError extends Error {}

const ATTRIBUTE_CODE = /^[A-Za-z0-9_]+$/;

/**
 * A string literal in single quotes. The vendor does not document how a quote inside a literal is
 * escaped: we double it, SQL style (GUESSED; the ESM sandbox emulator follows the same rule).
 * EQL has no escape sequences at all, so control characters (line breaks and tabs included) are
 * refused rather than sent raw.
 */
export function eqlString(value: string): string {
	if (hasControlCharacter(value)) {
		throw new EqlValueError(
			`The value ${JSON.stringify(shortText(value))} contains a control character (line break, tab or similar), which an EQL string cannot hold: remove it before filtering`,
		);
	}
	return `'${value.replace(/'/g, "''")}'`;
}

function hasControlCharacter(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}

/**
 * A date (or date-time) literal. The literal format EQL expects is not documented (third-party
 * queries use locale forms like '07.08.2023 13:24'); we send ISO-like 'yyyy-MM-dd' and, with
 * `withTime`, 'yyyy-MM-dd HH:mm:ss' (GUESSED). A luxon DateTime keeps its own zone (n8n's `$today`
 * is midnight in the workflow's zone, and that is the day meant); a JS Date is read in UTC unless
 * `timeZone` says otherwise.
 */
export function eqlDate(
	value: Date | DateTime | string,
	options: { withTime?: boolean; timeZone?: string } = {},
): string {
	let date: DateTime;
	if (DateTime.isDateTime(value)) date = value;
	else if (value instanceof Date) date = DateTime.fromJSDate(value, { zone: 'utc' });
	else date = DateTime.fromISO(String(value).trim(), { zone: 'utc', setZone: true });
	if (options.timeZone) date = date.setZone(options.timeZone);
	if (!date.isValid) {
		throw new EqlValueError(`${JSON.stringify(String(value))} is not a date for an EQL filter: use ISO 8601, e.g. 2026-11-23`);
	}
	return eqlString(date.toFormat(options.withTime ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd'));
}

/**
 * One value as EQL: numbers bare; booleans as 1 / 0 (the EQL description documents the entity
 * flags `deleted` / `hidden` as 0 or 1; `= false` is only seen in third-party queries); dates as
 * `eqlDate` literals (date only); everything else as a quoted string. null / undefined are refused:
 * write `$code$ IS NULL` (eqlIsNull) instead of comparing with nothing.
 */
export function eqlValue(value: unknown): string {
	if (value === null || value === undefined) {
		throw new EqlValueError('An empty value (null) cannot be compared in EQL: use "IS NULL" for empty attributes');
	}
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new EqlValueError(`${String(value)} is not a number EQL can compare with`);
		return String(value);
	}
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'boolean') return value ? '1' : '0';
	if (value instanceof Date || DateTime.isDateTime(value)) return eqlDate(value);
	if (Array.isArray(value)) {
		// IN (...) is not verified in EQL, so lists are not expanded silently.
		throw new EqlValueError(
			`A list (${JSON.stringify(value).slice(0, 80)}) cannot be one EQL value: EQL's IN is unverified, compare each value with OR (eqlOrChunks)`,
		);
	}
	if (typeof value === 'object') {
		throw new EqlValueError(`An object (${JSON.stringify(value).slice(0, 80)}) cannot be an EQL value: pass a string, number, boolean or date`);
	}
	return eqlString(String(value));
}

/** `$code$`: attribute codes are letters, digits and underscores; anything else could break out of the `$...$`. */
export function eqlAttribute(code: string): string {
	if (typeof code !== 'string' || !ATTRIBUTE_CODE.test(code)) {
		throw new EqlValueError(
			`${JSON.stringify(code)} is not an ESM attribute code: codes contain only letters, digits and underscores (e.g. efecte_id)`,
		);
	}
	return `$${code}$`;
}

/** `$code$ = <value>`. */
export function eqlEquals(code: string, value: unknown): string {
	return `${eqlAttribute(code)} = ${eqlValue(value)}`;
}

/** `$code$ IS NULL`: the EQL way to find empty attributes. */
export function eqlIsNull(code: string): string {
	return `${eqlAttribute(code)} IS NULL`;
}

/**
 * Joins conditions with AND, dropping empty ones. A condition with an OR at its top level is put in
 * parentheses: `a OR b` AND `c` must not turn into `a OR (b AND c)`.
 */
export function eqlAnd(...conditions: string[]): string {
	const parts = nonEmpty(conditions);
	if (parts.length <= 1) return parts[0] ?? '';
	return parts.map((part) => (hasTopLevelKeyword(part, 'or') ? `(${part})` : part)).join(' AND ');
}

/**
 * Joins conditions with OR, dropping empty ones. Conditions with a top-level AND get parentheses
 * too: SQL would bind AND first anyway, but EQL's precedence rules are not documented.
 */
export function eqlOr(...conditions: string[]): string {
	const parts = nonEmpty(conditions);
	if (parts.length <= 1) return parts[0] ?? '';
	return parts.map((part) => (hasTopLevelKeyword(part, 'and') ? `(${part})` : part)).join(' OR ');
}

function nonEmpty(conditions: string[]): string[] {
	return conditions.map((condition) => (condition ?? '').trim()).filter((condition) => condition !== '');
}

/**
 * `$code$ = 'a' OR $code$ = 'b' ...` filters, each at most `maxLength` characters, for resolving
 * many keys without IN (unverified in EQL). Values are de-duplicated (first occurrence kept) and
 * empty strings skipped (an empty key identifies no card). A single comparison longer than
 * `maxLength` still gets a chunk of its own rather than being lost.
 */
export function eqlOrChunks(code: string, values: string[], maxLength = 1500): string[] {
	const attribute = eqlAttribute(code);
	const seen = new Set<string>();
	const chunks: string[] = [];
	let current = '';
	for (const value of values) {
		const text = String(value);
		if (text === '' || seen.has(text)) continue;
		seen.add(text);
		const comparison = `${attribute} = ${eqlString(text)}`;
		if (current === '') current = comparison;
		else if (current.length + 4 + comparison.length <= maxLength) current += ` OR ${comparison}`;
		else {
			chunks.push(current);
			current = comparison;
		}
	}
	if (current !== '') chunks.push(current);
	return chunks;
}

/**
 * Replaces `:name` placeholders outside string literals with `eqlValue(values[name])`.
 * An unknown placeholder is an error (a typo would otherwise be sent as filter text), and so is an
 * unclosed quote (the server would reject it, and we could not tell literal from filter).
 */
export function bindEql(filter: string, values: Record<string, unknown>): string {
	return bindPlaceholders(filter, values, EQL);
}

const EQL: PlaceholderLanguage = {
	name: 'EQL',
	text: 'The EQL filter',
	literalEnd: (text, start) => (text[start] === "'" ? endOfLiteral(text, start) : undefined),
	notAfter: /[A-Za-z0-9_:]/,
	render: eqlValue,
	ValueError: EqlValueError,
};

/** Index just past the closing quote of the literal opening at `start` ('' inside is an escaped quote), or -1. */
function endOfLiteral(text: string, start: number): number {
	let i = start + 1;
	while (i < text.length) {
		if (text[i] === "'") {
			if (text[i + 1] === "'") i += 2;
			else return i + 1;
		} else i++;
	}
	return -1;
}

/** True when `keyword` (AND / OR) occurs outside literals, `$code$` names and parentheses. */
function hasTopLevelKeyword(condition: string, keyword: 'and' | 'or'): boolean {
	let depth = 0;
	let i = 0;
	while (i < condition.length) {
		const ch = condition[i];
		if (ch === "'") {
			const end = endOfLiteral(condition, i);
			if (end < 0) return false;
			i = end;
			continue;
		}
		if (ch === '$') {
			const close = condition.indexOf('$', i + 1);
			i = close < 0 ? condition.length : close + 1;
			continue;
		}
		if (ch === '(') depth++;
		else if (ch === ')') depth = Math.max(0, depth - 1);
		else if (depth === 0 && isKeywordAt(condition, i, keyword)) return true;
		i++;
	}
	return false;
}

function isKeywordAt(text: string, index: number, keyword: string): boolean {
	if (text.slice(index, index + keyword.length).toLowerCase() !== keyword) return false;
	const before = text[index - 1] ?? ' ';
	const after = text[index + keyword.length] ?? ' ';
	return !/[A-Za-z0-9_.]/.test(before) && !/[A-Za-z0-9_.]/.test(after);
}
