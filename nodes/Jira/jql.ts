import { DateTime } from 'luxon';

import { shortText } from '../shared/parameters';
import { bindPlaceholders, type PlaceholderLanguage } from '../shared/placeholders';

/**
 * JQL building blocks. Anything taken from item data goes through `jqlValue` (or the `:name`
 * placeholders of the Search operation, which use it), never straight into the query text:
 * a quote in a summary must not end the string and change the query.
 */

export class JqlValueError extends Error {}

/** A JQL string literal: double quotes, with `\` and `"` escaped; line breaks as \n; other control characters refused. */
export function jqlString(value: string): string {
	if (hasForbiddenControlCharacter(value)) {
		throw new JqlValueError(`The value ${JSON.stringify(shortText(value))} contains a control character, which JQL cannot hold`);
	}
	const escaped = value
		.replace(/\\/g, '\\\\')
		.replace(/"/g, '\\"')
		.replace(/\r?\n/g, '\\n')
		.replace(/\t/g, '\\t');
	return `"${escaped}"`;
}

function hasForbiddenControlCharacter(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		const allowedWhitespace = code === 9 || code === 10 || code === 13;
		if ((code < 32 && !allowedWhitespace) || code === 127) return true;
	}
	return false;
}

/** A value or a list of values (for IN / NOT IN) as JQL. Numbers stay bare. */
export function jqlValue(value: unknown): string {
	if (Array.isArray(value)) {
		if (value.length === 0) throw new JqlValueError('An empty list cannot be used in JQL (IN () is invalid)');
		return `(${value.map((v) => jqlValue(v)).join(', ')})`;
	}
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (value === null || value === undefined) return 'EMPTY';
	if (value instanceof Date) return jqlString(jqlDateTime(value));
	return jqlString(String(value));
}

/** JQL dates are minutes in the time zone of the Jira account that runs the query. */
export function jqlDateTime(value: Date | string, timeZone = 'UTC'): string {
	const date = typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }) : DateTime.fromJSDate(value);
	if (!date.isValid) throw new JqlValueError(`"${String(value)}" is not an ISO date-time`);
	return date.setZone(timeZone).toFormat('yyyy-MM-dd HH:mm');
}

/**
 * Replaces `:name` placeholders outside string literals with quoted values. Unknown placeholders
 * are an error (a typo would otherwise search for the literal text).
 */
export function bindJql(jql: string, values: Record<string, unknown>): string {
	return bindPlaceholders(jql, values, JQL);
}

const JQL: PlaceholderLanguage = {
	name: 'JQL',
	text: 'The JQL',
	literalEnd: (text, start) => (text[start] === '"' || text[start] === "'" ? endOfLiteral(text, start) : undefined),
	notAfter: /[A-Za-z0-9_\]]/,
	render: jqlValue,
	ValueError: JqlValueError,
};

function endOfLiteral(text: string, start: number): number {
	const quote = text[start];
	for (let i = start + 1; i < text.length; i++) {
		if (text[i] === '\\') i++;
		else if (text[i] === quote) return i + 1;
	}
	return text.length;
}

/** Splits off a trailing ORDER BY so that clauses can be added to the condition part. */
export function splitOrderBy(jql: string): { where: string; orderBy: string } {
	let depthSafeIndex = -1;
	const pattern = /\border\s+by\b/gi;
	let m: RegExpExecArray | null;
	while ((m = pattern.exec(jql)) !== null) {
		if (!insideLiteral(jql, m.index)) depthSafeIndex = m.index;
	}
	if (depthSafeIndex < 0) return { where: jql.trim(), orderBy: '' };
	return { where: jql.slice(0, depthSafeIndex).trim(), orderBy: jql.slice(depthSafeIndex).trim() };
}

function insideLiteral(text: string, index: number): boolean {
	let i = 0;
	while (i < index) {
		if (text[i] === '"' || text[i] === "'") {
			const end = endOfLiteral(text, i);
			if (end > index) return true;
			i = end;
		} else i++;
	}
	return false;
}

/** `(user JQL) AND clause ORDER BY …`: the user's OR cannot swallow the added clause. */
export function jqlAnd(jql: string, clause: string): string {
	const { where, orderBy } = splitOrderBy(jql);
	const combined = where ? `(${where}) AND ${clause}` : clause;
	return orderBy ? `${combined} ${orderBy}` : combined;
}

/** The incremental-import clause: `updated >= "<watermark - overlap>"` in the account's time zone. */
export function jqlUpdatedSince(watermarkIso: string, overlapMinutes: number, timeZone = 'UTC'): string {
	const since = DateTime.fromISO(watermarkIso, { setZone: true }).minus({ minutes: overlapMinutes });
	if (!since.isValid) throw new JqlValueError(`Watermark "${watermarkIso}" is not an ISO date-time`);
	return `updated >= ${jqlString(jqlDateTime(since.toISO()!, timeZone))}`;
}
