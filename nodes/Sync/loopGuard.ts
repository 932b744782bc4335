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
	/** When the marker was written (ms, the writing n8n's clock): of two markers, the later one is the last sync. */
	at?: number;
	/** One short print per guarded field and value as synced: tells WHICH fields changed since the last sync. */
	fieldPrints?: string[];
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

/**
 * The print of one field's value, named by the field so that a marker's prints form a set that any
 * field list can be checked against. 36 bits: a collision needs two values of one field on one record.
 */
export function fieldPrint(field: string, value: unknown): string {
	return shortHash(`${field}\u0000${canonicalJson(normalizeGuardValue(value))}`).slice(0, 6);
}

/** The marker for a record as written now: its fingerprint, the time, and a print per guarded field. */
export function markerFor(origin: string, record: Record<string, unknown>, fields: string[], at: number): SyncMarker {
	return { origin, fingerprint: guardFingerprint(record, fields), at, fieldPrints: fields.map((field) => fieldPrint(field, record[field])) };
}

/** `origin:fingerprint`, followed by `.time.print.print…` when the marker carries per-field prints. */
export function formatMarker(marker: SyncMarker): string {
	const perField = marker.fieldPrints?.length && marker.at !== undefined ? `.${marker.at.toString(36)}.${marker.fieldPrints.join('.')}` : '';
	return `${marker.origin}:${marker.fingerprint}${perField}`;
}

function readFingerprint(origin: string, text: string): SyncMarker | undefined {
	const [fingerprint, at, ...fieldPrints] = text.split('.');
	if (!fingerprint) return undefined;
	const time = at === undefined ? Number.NaN : parseInt(at, 36);
	if (!fieldPrints.length || !Number.isFinite(time) || fieldPrints.some((print) => !print)) return { origin, fingerprint };
	return { origin, fingerprint, at: time, fieldPrints };
}

/** Reads a marker as stored (`origin:fingerprint`, or `{origin, fingerprint}` from a JSON property); anything else is no marker. */
export function parseMarker(raw: unknown): SyncMarker | undefined {
	if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const { origin, fingerprint } = raw as Record<string, unknown>;
		if (typeof fingerprint === 'string' && fingerprint) return readFingerprint(typeof origin === 'string' ? origin : '', fingerprint);
		return undefined;
	}
	if (Array.isArray(raw)) return parseMarker(raw[0]);
	if (typeof raw !== 'string') return undefined;
	const text = raw.trim();
	const colon = text.lastIndexOf(':');
	if (colon <= 0 || colon === text.length - 1) return undefined;
	return readFingerprint(text.slice(0, colon), text.slice(colon + 1));
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

/** A field both sides changed since the last sync, and whose value was kept. */
export interface FieldConflict {
	field: string;
	kept: 'this write' | 'target';
	value: unknown;
	targetValue: unknown;
}

export type StampDecision =
	| {
			action: 'write';
			overwrites?: 'counterpartEdit';
			/** Per-field decisions: the record to write, holding the target's value for every field the target keeps. */
			record?: Record<string, unknown>;
			conflicts?: FieldConflict[];
	  }
	| { action: 'inSync' }
	| { action: 'conflictLost'; conflicts?: FieldConflict[] };

export interface StampInput {
	fields: string[];
	record: Record<string, unknown>;
	counterpart?: Record<string, unknown>;
	counterpartMarker?: SyncMarker;
	/** The marker of the record this write comes from: what it last received from the counterpart's side. */
	sourceMarker?: SyncMarker;
	rule: ConflictRule;
	/** A rule per field, for fields that do not follow `rule`. */
	fieldRules?: Record<string, ConflictRule>;
	modifiedAt?: number;
	counterpartModifiedAt?: number;
}

/**
 * What to do with a write, given the target record as it is now (the counterpart). When the markers
 * carry per-field prints, each field is decided on its own (a three-way merge against the last sync);
 * markers written before per-field prints existed are decided for the record as a whole.
 */
export function decideStamp(options: StampInput): StampDecision {
	const { counterpart, counterpartMarker, sourceMarker } = options;
	if (!counterpart) return { action: 'write' };
	const markers = [counterpartMarker, sourceMarker].filter((marker): marker is SyncMarker => marker !== undefined);
	if (markers.length && markers.every((marker) => marker.fieldPrints?.length)) return decideFields(options, counterpart, markers);
	return decideRecord(options, counterpart);
}

function thisSideWins(rule: ConflictRule, options: StampInput): boolean {
	return (
		rule === 'thisWrite' ||
		(rule === 'later' && (options.modifiedAt ?? Number.NEGATIVE_INFINITY) >= (options.counterpartModifiedAt ?? Number.NEGATIVE_INFINITY))
	);
}

/**
 * The values of the last sync, as prints. A marker holds the values its write came from, so the later
 * of the two markers is the state both sides last agreed on (a field the target kept in that write
 * differs from it and so still counts as the target's change). Without both times, a value either
 * marker holds counts as synced.
 */
function lastSynced(markers: SyncMarker[]): Set<string> {
	const [first, second] = markers;
	if (!second) return new Set(first.fieldPrints);
	if (first.at !== undefined && second.at !== undefined && first.at !== second.at) {
		return new Set((first.at > second.at ? first : second).fieldPrints);
	}
	return new Set([...(first.fieldPrints ?? []), ...(second.fieldPrints ?? [])]);
}

/**
 * Per field: equal values need nothing; a field only this side changed is written; a field only the
 * target changed keeps the target's value (it travels the other way); a field both changed is decided
 * by its rule and reported. A field both sides hold as synced yet differently was set back to an
 * earlier value on one side (A -> B -> A): the later-modified side wins, unreported when both times
 * are known.
 */
function decideFields(options: StampInput, counterpart: Record<string, unknown>, markers: SyncMarker[]): StampDecision {
	const { fields, record } = options;
	const synced = lastSynced(markers);
	const merged: Record<string, unknown> = { ...record };
	const conflicts: FieldConflict[] = [];
	let writesSomething = false;
	for (const field of fields) {
		const value = record[field];
		const targetValue = counterpart[field];
		const here = fieldPrint(field, value);
		const there = fieldPrint(field, targetValue);
		if (here === there) continue;
		const changedHere = !synced.has(here);
		const changedThere = !synced.has(there);
		let keepHere: boolean;
		if (changedHere !== changedThere) {
			keepHere = changedHere;
		} else {
			const rule = options.fieldRules?.[field] ?? options.rule;
			const bothTimes = options.modifiedAt !== undefined && options.counterpartModifiedAt !== undefined;
			keepHere = thisSideWins(!changedHere && bothTimes ? 'later' : rule, options);
			if (changedHere || !bothTimes) conflicts.push({ field, kept: keepHere ? 'this write' : 'target', value, targetValue });
		}
		if (keepHere) writesSomething = true;
		else merged[field] = targetValue;
	}
	if (!writesSomething) return conflicts.length ? { action: 'conflictLost', conflicts } : { action: 'inSync' };
	const overwrites = conflicts.some((conflict) => conflict.kept === 'this write');
	return { action: 'write', record: merged, conflicts, ...(overwrites ? { overwrites: 'counterpartEdit' as const } : {}) };
}

/**
 * The decision for markers without per-field prints:
 * - the target already holds these values: nothing to write (this also ends the round trip of a change);
 * - a person changed it since the last sync in either direction (its fields give neither its own
 *   marker's fingerprint nor the one the source record received from it) while this record changed
 *   too: a genuine concurrent edit, decided by the rule; the loser is reported;
 * - otherwise write.
 */
function decideRecord(options: StampInput, counterpart: Record<string, unknown>): StampDecision {
	const { fields, record, counterpartMarker, sourceMarker, rule } = options;
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
	return thisSideWins(rule, options) ? { action: 'write', overwrites: 'counterpartEdit' } : { action: 'conflictLost' };
}

/** Milliseconds of a modified time given as ISO text, epoch number or Date; undefined when absent or unreadable. */
export function parseModifiedAt(raw: unknown): number | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (raw instanceof Date) return raw.getTime();
	if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
	const parsed = Date.parse(String(raw));
	return Number.isNaN(parsed) ? undefined : parsed;
}
