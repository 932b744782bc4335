import { decideStamp, formatMarker, guardFingerprint, isEcho, markerFor, normalizeGuardValue, parseMarker, parseModifiedAt } from '../../nodes/Sync/loopGuard';

const FIELDS = ['subject', 'description', 'status'];

describe('guard fingerprint', () => {
	it('is the same for what we wrote and what the system answers back', () => {
		const written = { subject: 'Printer down', description: 'Floor 2\r\n', status: '02 - Solving', hours: 3 };
		const readBack = { subject: ' Printer down', description: 'Floor 2', status: '02 - Solving', hours: '3', id: '100042', updated: 'x' };
		expect(guardFingerprint(readBack, [...FIELDS, 'hours'])).toBe(guardFingerprint(written, [...FIELDS, 'hours']));
	});

	it('treats every empty form alike and multi-value lists as sets', () => {
		expect(normalizeGuardValue('')).toBeNull();
		expect(normalizeGuardValue([])).toBeNull();
		expect(normalizeGuardValue(undefined)).toBeNull();
		expect(guardFingerprint({ tags: ['b', 'a'] }, ['tags'])).toBe(guardFingerprint({ tags: ['a', 'b'] }, ['tags']));
		expect(guardFingerprint({ tags: ['a'] }, ['tags'])).toBe(guardFingerprint({ tags: 'a' }, ['tags']));
		expect(guardFingerprint({ subject: '' }, ['subject', 'missing'])).toBe(guardFingerprint({}, ['subject', 'missing']));
	});

	it('changes when a guarded field changes, not when another field does', () => {
		const base = { subject: 'A', description: 'B', status: 'C', updated: '1' };
		expect(guardFingerprint({ ...base, description: 'B!' }, FIELDS)).not.toBe(guardFingerprint(base, FIELDS));
		expect(guardFingerprint({ ...base, updated: '2' }, FIELDS)).toBe(guardFingerprint(base, FIELDS));
	});
});

describe('markers', () => {
	it('round-trips origin:fingerprint and reads the JSON property form', () => {
		const text = formatMarker({ origin: 'esm:local', fingerprint: 'Ab-_09xyZQ' });
		expect(parseMarker(text)).toEqual({ origin: 'esm:local', fingerprint: 'Ab-_09xyZQ' });
		expect(parseMarker({ origin: 'jira', fingerprint: 'abc' })).toEqual({ origin: 'jira', fingerprint: 'abc' });
		expect(parseMarker(['esm:abc'])).toEqual({ origin: 'esm', fingerprint: 'abc' });
	});

	it.each([undefined, null, '', 'nocolon', ':abc', 'esm:', 42, {}])('%p is no marker', (raw) => {
		expect(parseMarker(raw)).toBeUndefined();
	});

	it('a record is our echo only while its guarded fields give the marker’s fingerprint', () => {
		const record = { subject: 'A', description: 'B', status: 'C' };
		const marker = { origin: 'esm', fingerprint: guardFingerprint(record, FIELDS) };
		expect(isEcho(record, FIELDS, marker)).toBe(true);
		expect(isEcho({ ...record, status: 'D' }, FIELDS, marker)).toBe(false);
		expect(isEcho(record, FIELDS, undefined)).toBe(false);
	});
});

describe('stamp decision', () => {
	const record = { subject: 'A', description: 'new text', status: 'C' };
	const lastWritten = { subject: 'A', description: 'old text', status: 'C' };
	const ourMarker = { origin: 'esm1', fingerprint: guardFingerprint(lastWritten, FIELDS) };

	it('writes when there is no counterpart or it is unchanged since our write', () => {
		expect(decideStamp({ fields: FIELDS, record, rule: 'later' })).toEqual({ action: 'write' });
		expect(decideStamp({ fields: FIELDS, record, counterpart: lastWritten, counterpartMarker: ourMarker, rule: 'later' })).toEqual({ action: 'write' });
		// Never written by us (no marker): nothing to protect.
		expect(decideStamp({ fields: FIELDS, record, counterpart: { subject: 'Z' }, rule: 'counterpart' })).toEqual({ action: 'write' });
	});

	it('skips a write the target already holds', () => {
		expect(decideStamp({ fields: FIELDS, record, counterpart: { ...record, id: 7 }, rule: 'later' })).toEqual({ action: 'inSync' });
	});

	it('decides a concurrent edit by the rule', () => {
		const editedThere = { subject: 'A', description: 'edited there', status: 'C' };
		const base = { fields: FIELDS, record, counterpart: editedThere, counterpartMarker: ourMarker };
		expect(decideStamp({ ...base, rule: 'later', modifiedAt: 2000, counterpartModifiedAt: 1000 })).toEqual({ action: 'write', overwrites: 'counterpartEdit' });
		expect(decideStamp({ ...base, rule: 'later', modifiedAt: 1000, counterpartModifiedAt: 2000 })).toEqual({ action: 'conflictLost' });
		expect(decideStamp({ ...base, rule: 'thisWrite', modifiedAt: 1000, counterpartModifiedAt: 2000 })).toEqual({ action: 'write', overwrites: 'counterpartEdit' });
		expect(decideStamp({ ...base, rule: 'counterpart', modifiedAt: 2000, counterpartModifiedAt: 1000 })).toEqual({ action: 'conflictLost' });
	});

	it('does not take an edit that already reached the source for a concurrent edit', () => {
		// The target's edit was synced to the source (the source's marker holds its fingerprint); then
		// a person edited the source: a plain write, no conflict, although the target's own marker is stale.
		const target = { subject: 'A', description: 'edited there, synced', status: 'C' };
		const sourceMarker = { origin: 'esm2', fingerprint: guardFingerprint(target, FIELDS) };
		const staleTargetMarker = { origin: 'esm1', fingerprint: guardFingerprint(lastWritten, FIELDS) };
		const base = { fields: FIELDS, record, counterpart: target, counterpartMarker: staleTargetMarker, rule: 'counterpart' as const };
		expect(decideStamp({ ...base, sourceMarker })).toEqual({ action: 'write' });
		expect(decideStamp(base)).toEqual({ action: 'conflictLost' });
	});

	it('writes nothing when this side has nothing new: the target got exactly these values, then a person changed it', () => {
		const personEdit = { subject: 'A', description: 'agent edit', status: 'C' };
		const targetMarker = { origin: 'esm1', fingerprint: guardFingerprint(record, FIELDS) };
		expect(decideStamp({ fields: FIELDS, record, counterpart: personEdit, counterpartMarker: targetMarker, rule: 'thisWrite', modifiedAt: 9, counterpartModifiedAt: 1 })).toEqual({
			action: 'inSync',
		});
	});

	it('tells a concurrent edit from the source marker alone when the target holds no marker', () => {
		const sourceMarker = { origin: 'jira', fingerprint: guardFingerprint({ subject: 'X' }, FIELDS) };
		const decision = decideStamp({ fields: FIELDS, record, counterpart: { subject: 'B' }, sourceMarker, rule: 'later', modifiedAt: 2, counterpartModifiedAt: 1 });
		expect(decision).toEqual({ action: 'write', overwrites: 'counterpartEdit' });
	});

	it('a record set back to values it held before (A -> B -> A) is no echo while the other side holds B as synced', () => {
		const a = { subject: 'A', description: 'a', status: 'C' };
		const b = { subject: 'A', description: 'b', status: 'C' };
		const staleMarker = { origin: 'esm2', fingerprint: guardFingerprint(a, FIELDS) };
		const otherSide = { record: b, marker: { origin: 'esm1', fingerprint: guardFingerprint(b, FIELDS) } };
		expect(isEcho(a, FIELDS, staleMarker)).toBe(true);
		expect(isEcho(a, FIELDS, staleMarker, otherSide)).toBe(false);
		// The other side holds A as well, or was changed by a person since: it is our echo.
		expect(isEcho(a, FIELDS, staleMarker, { record: a, marker: otherSide.marker })).toBe(true);
		expect(isEcho(a, FIELDS, staleMarker, { record: { ...b, status: 'Z' }, marker: otherSide.marker })).toBe(true);
		// Stamp then lets the later-modified side win, without reporting a conflict.
		const setBack = { fields: FIELDS, record: a, counterpart: b, counterpartMarker: otherSide.marker, sourceMarker: staleMarker, rule: 'later' as const };
		expect(decideStamp({ ...setBack, modifiedAt: 2, counterpartModifiedAt: 1 })).toEqual({ action: 'write' });
		expect(decideStamp({ ...setBack, modifiedAt: 1, counterpartModifiedAt: 2 })).toEqual({ action: 'inSync' });
	});

	it('reads modified times as ISO text, epoch or Date', () => {
		expect(parseModifiedAt('2026-11-23T10:00:00Z')).toBe(Date.UTC(2026, 10, 23, 10));
		expect(parseModifiedAt(5)).toBe(5);
		expect(parseModifiedAt(new Date(7))).toBe(7);
		expect(parseModifiedAt('')).toBeUndefined();
		expect(parseModifiedAt('yesterday-ish')).toBeUndefined();
	});
});

describe('per-field decisions (markers with per-field prints)', () => {
	const synced = { subject: 'Printer down', description: 'Floor 2', status: '01 - New' };
	// The last sync wrote `synced` from ESM into Jira at t=1000: Jira's marker holds ESM's values.
	const targetMarker = markerFor('esm', synced, FIELDS, 1000);
	const decide = (record: Record<string, unknown>, counterpart: Record<string, unknown>, extra: Partial<Parameters<typeof decideStamp>[0]> = {}) =>
		decideStamp({ fields: FIELDS, record, counterpart, counterpartMarker: targetMarker, rule: 'later', ...extra });

	it('round-trips the per-field marker, which still starts with origin:fingerprint', () => {
		const text = formatMarker(targetMarker);
		expect(text.startsWith(`esm:${guardFingerprint(synced, FIELDS)}.`)).toBe(true);
		expect(parseMarker(text)).toEqual(targetMarker);
		expect(parseMarker({ origin: 'esm', fingerprint: text.slice(4) })).toEqual(targetMarker);
		// A record whose fields still give the fingerprint is an echo, as with a plain marker.
		expect(isEcho(synced, FIELDS, parseMarker(text))).toBe(true);
	});

	it('merges edits of different fields on the two sides: no conflict, the target keeps its own change', () => {
		const esm = { ...synced, description: 'Floor 2, room 210' };
		const jira = { ...synced, status: '02 - Solving' };
		expect(decide(esm, jira)).toEqual({ action: 'write', record: { ...esm, status: '02 - Solving' }, conflicts: [] });
	});

	it('writes nothing when only the target changed', () => {
		expect(decide(synced, { ...synced, status: '02 - Solving' })).toEqual({ action: 'inSync' });
	});

	it('decides a field changed on both sides by its rule and reports it; the other fields still merge', () => {
		const esm = { ...synced, description: 'ESM text', subject: 'Printer down (ESM)' };
		const jira = { ...synced, description: 'Jira text', status: '02 - Solving' };
		const esmLater = decide(esm, jira, { modifiedAt: 2, counterpartModifiedAt: 1 });
		expect(esmLater).toEqual({
			action: 'write',
			overwrites: 'counterpartEdit',
			record: { ...esm, status: '02 - Solving' },
			conflicts: [{ field: 'description', kept: 'this write', value: 'ESM text', targetValue: 'Jira text' }],
		});
		const jiraLater = decide(esm, jira, { modifiedAt: 1, counterpartModifiedAt: 2 });
		expect(jiraLater).toEqual({
			action: 'write',
			record: { ...esm, description: 'Jira text', status: '02 - Solving' },
			conflicts: [{ field: 'description', kept: 'target', value: 'ESM text', targetValue: 'Jira text' }],
		});
		// A field rule overrides the general rule for its field only.
		const fieldRule = decide(esm, jira, { modifiedAt: 2, counterpartModifiedAt: 1, fieldRules: { description: 'counterpart' } });
		expect(fieldRule).toMatchObject({ action: 'write', conflicts: [{ field: 'description', kept: 'target' }] });
		// Only a conflicting field changed here and it lost: nothing is written, the loss is reported.
		expect(decide({ ...synced, description: 'ESM text' }, jira, { rule: 'counterpart' })).toEqual({
			action: 'conflictLost',
			conflicts: [{ field: 'description', kept: 'target', value: 'ESM text', targetValue: 'Jira text' }],
		});
	});

	it('takes the later of the two markers as the last sync', () => {
		// Jira changed the status and that reached ESM later (t=2000): ESM's marker holds Jira's values.
		const afterBack = { ...synced, status: '02 - Solving' };
		const sourceMarker = markerFor('jira', afterBack, FIELDS, 2000);
		// A person in ESM now sets the status back: a change of ESM's, written without a conflict.
		const esm = { ...afterBack, status: '01 - New' };
		expect(decide(esm, afterBack, { sourceMarker, rule: 'counterpart' })).toEqual({ action: 'write', record: esm, conflicts: [] });
		// With the times equal (or missing), both markers' values count as synced: the set-back is then
		// decided by the modified times, unreported.
		const tie = { ...sourceMarker, at: 1000 };
		expect(decide(esm, afterBack, { sourceMarker: tie, modifiedAt: 5, counterpartModifiedAt: 4 })).toEqual({ action: 'write', record: esm, conflicts: [] });
		expect(decide(esm, afterBack, { sourceMarker: tie, modifiedAt: 4, counterpartModifiedAt: 5 })).toEqual({ action: 'inSync' });
	});

	it('a field the target kept in a merged write still travels back, and then settles', () => {
		// ESM -> Jira wrote ESM's description but kept Jira's status; Jira's marker holds ESM's values.
		const esm = { ...synced, description: 'Floor 2, room 210' };
		const jira = { ...esm, status: '02 - Solving' };
		const jiraMarker = markerFor('esm', esm, FIELDS, 3000);
		expect(isEcho(jira, FIELDS, jiraMarker)).toBe(false);
		// Jira -> ESM: the status is Jira's change, the description is in sync.
		const back = decideStamp({ fields: FIELDS, record: jira, counterpart: esm, sourceMarker: jiraMarker, counterpartMarker: targetMarker, rule: 'later' });
		expect(back).toEqual({ action: 'write', record: jira, conflicts: [] });
		// Both sides now hold the merge: nothing more to write either way.
		expect(decideStamp({ fields: FIELDS, record: jira, counterpart: jira, sourceMarker: jiraMarker, rule: 'later' })).toEqual({ action: 'inSync' });
	});

	it('decides for the whole record while a marker has no per-field prints (written before they existed)', () => {
		const plain = { origin: 'esm', fingerprint: guardFingerprint(synced, FIELDS) };
		const esm = { ...synced, description: 'ESM text' };
		const jira = { ...synced, status: '02 - Solving' };
		expect(decideStamp({ fields: FIELDS, record: esm, counterpart: jira, counterpartMarker: plain, rule: 'counterpart' })).toEqual({ action: 'conflictLost' });
	});
});
