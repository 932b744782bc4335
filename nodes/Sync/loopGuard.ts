import { canonicalJson, shortHash } from './fingerprint';

/**
 * The loop guard keeps its state ON THE RECORD: every write carries a marker `origin:fingerprint`
 * (an ESM attribute, a Jira entity property), the fingerprint of the guarded fields as written.
 * A record read back whose guarded fields still give that fingerprint is the echo of our own write;
 * a person's edit changes them and passes. Nothing lives in one process or one workflow.
 */

export interface SyncMarker {
	origin: string;
	fingerprint: string;
}

/**
 * Values as both sides store them: an empty value is null whatever its form, numbers and booleans
 * are text (ESM answers numbers as text), text is trimmed with Unix line ends, multi-value lists
 * are sets. So what we wrote and what we read back give the same fingerprint.
 */
export function normalizeGuardValue(value: unknown): unknown {
	if (value === undefined || value === null) return null;
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	if (typeof value === 'string') {
		const text = value.replace(/\r\n?/g, '\n').trim();
		return text === '' ? null : text;
	}
	if (Array.isArray(value)) {
		const list = value.map(normalizeGuardValue).filter((entry) => entry !== null);
		if (list.length === 0) return null;
		if (list.length === 1) return list[0];
		return list.map(canonicalJson).sort();
	}
	if (typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.map(([key, entry]) => [key, normalizeGuardValue(entry)] as const)
			.filter(([, entry]) => entry !== null);
		return entries.length ? Object.fromEntries(entries) : null;
	}
	return String(value);
}

/** The fingerprint of the guarded fields of a record (missing fields count as empty). */
export function guardFingerprint(record: Record<string, unknown>, fields: string[]): string {
	const subject = Object.fromEntries(fields.map((field) => [field, normalizeGuardValue(record[field])]));
	return shortHash(canonicalJson(subject));
}

export function formatMarker(marker: SyncMarker): string {
	return `${marker.origin}:${marker.fingerprint}`;
}

/** Reads a marker as stored (`origin:fingerprint`, or `{origin, fingerprint}` from a JSON property); anything else is no marker. */
export function parseMarker(raw: unknown): SyncMarker | undefined {
	if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const { origin, fingerprint } = raw as Record<string, unknown>;
		if (typeof fingerprint === 'string' && fingerprint) return { origin: typeof origin === 'string' ? origin : '', fingerprint };
		return undefined;
	}
	if (Array.isArray(raw)) return parseMarker(raw[0]);
	if (typeof raw !== 'string') return undefined;
	const text = raw.trim();
	const colon = text.lastIndexOf(':');
	if (colon <= 0 || colon === text.length - 1) return undefined;
	return { origin: text.slice(0, colon), fingerprint: text.slice(colon + 1) };
}

/**
 * Our own write, unchanged since: the record's guarded fields still give the fingerprint of its marker.
 * With the counterpart (the other side's record and its marker), a record that a person set back to
 * the values we last wrote into it (A -> B -> A, B already synced) is no echo: the counterpart holds
 * other values and is itself exactly as a sync left it, so only a person on this side can explain
 * the difference.
 */
export function isEcho(
	record: Record<string, unknown>,
	fields: string[],
	marker: SyncMarker | undefined,
	counterpart?: { record: Record<string, unknown>; marker: SyncMarker | undefined },
): boolean {
	if (marker === undefined) return false;
	const print = guardFingerprint(record, fields);
	if (print !== marker.fingerprint) return false;
	if (!counterpart || counterpart.marker === undefined) return true;
	const counterpartPrint = guardFingerprint(counterpart.record, fields);
	return counterpartPrint === print || counterpartPrint !== counterpart.marker.fingerprint;
}

export type ConflictRule = 'later' | 'thisWrite' | 'counterpart';

export type StampDecision =
	| { action: 'write'; overwrites?: 'counterpartEdit' }
	| { action: 'inSync' }
	| { action: 'conflictLost' };

/**
 * What to do with a write, given the target record as it is now (the counterpart):
 * - it already holds these values: nothing to write (this also ends the round trip of a change);
 * - a person changed it since the last sync in either direction (its fields give neither its own
 *   marker's fingerprint nor the one the source record received from it) while this record changed
 *   too: a genuine concurrent edit, decided by the rule; the loser is reported;
 * - otherwise write.
 */
export function decideStamp(options: {
	fields: string[];
	record: Record<string, unknown>;
	counterpart?: Record<string, unknown>;
	counterpartMarker?: SyncMarker;
	/** The marker of the record this write comes from: what it last received from the counterpart's side. */
	sourceMarker?: SyncMarker;
	rule: ConflictRule;
	modifiedAt?: number;
	counterpartModifiedAt?: number;
}): StampDecision {
	const { fields, record, counterpart, counterpartMarker, sourceMarker, rule } = options;
	if (!counterpart) return { action: 'write' };
	const print = guardFingerprint(record, fields);
	const counterpartPrint = guardFingerprint(counterpart, fields);
	if (print === counterpartPrint) return { action: 'inSync' };
	// Nothing new on this side: the target received exactly these values from it, and a person changed
	// the target since; that change travels the other way (writing here would undo it).
	if (counterpartMarker !== undefined && print === counterpartMarker.fingerprint) return { action: 'inSync' };
	// Edited there since the last sync: neither what we last wrote there (its marker) nor what the
	// source last received from there (the source's marker) matches it any more. Either marker is
	// enough to tell (a target we never wrote to has none).
	const synced = [counterpartMarker?.fingerprint, sourceMarker?.fingerprint].filter((known): known is string => known !== undefined);
	const editedThere = synced.length > 0 && !synced.includes(counterpartPrint);
	// Both records are exactly as a sync left them, yet differ: a person set one of them back to values
	// it held before (A -> B -> A). The later-modified one is that person's edit, the other our own
	// write, so nobody's change is lost either way; without both times the rule decides.
	const setBack =
		sourceMarker !== undefined && print === sourceMarker.fingerprint && counterpartMarker !== undefined && counterpartPrint === counterpartMarker.fingerprint;
	if (setBack && options.modifiedAt !== undefined && options.counterpartModifiedAt !== undefined) {
		return options.modifiedAt >= options.counterpartModifiedAt ? { action: 'write' } : { action: 'inSync' };
	}
	if (!editedThere && !setBack) return { action: 'write' };
	const thisWins =
		rule === 'thisWrite' ||
		(rule === 'later' && (options.modifiedAt ?? Number.NEGATIVE_INFINITY) >= (options.counterpartModifiedAt ?? Number.NEGATIVE_INFINITY));
	return thisWins ? { action: 'write', overwrites: 'counterpartEdit' } : { action: 'conflictLost' };
}

/** Milliseconds of a modified time given as ISO text, epoch number or Date; undefined when absent or unreadable. */
export function parseModifiedAt(raw: unknown): number | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (raw instanceof Date) return raw.getTime();
	if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
	const parsed = Date.parse(String(raw));
	return Number.isNaN(parsed) ? undefined : parsed;
}
