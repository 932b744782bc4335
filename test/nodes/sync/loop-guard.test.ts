import type { IDataObject } from 'n8n-workflow';

import { formatMarker, guardFingerprint, markerFor, parseMarker } from '../../../nodes/Sync/loopGuard';
import { createWorkflowHarness, teardownHarness, type WorkflowJson } from '../../helpers/workflow-harness';

afterAll(() => teardownHarness());

const FIELDS = 'subject, description, status';
const harness = createWorkflowHarness();

function guardWorkflow(parameters: Record<string, unknown>, records: IDataObject[], options: { continueOnFail?: boolean } = {}): WorkflowJson {
	return {
		name: 'loop guard',
		nodes: [
			{ id: 's', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'g',
				name: 'Guard',
				type: 'n8n-nodes-esm-connectors.taskCache',
				typeVersion: 1,
				position: [200, 0],
				parameters,
				...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			},
		],
		connections: { Start: { main: [[{ node: 'Guard', type: 'main', index: 0 }]] } },
		pinData: { Start: records.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

const stamp = (options: IDataObject = {}) => ({ operation: 'guardStamp', origin: 'esm-local', guardedFields: FIELDS, markerField: 'sync_marker', options });

it('Stamp adds origin:fingerprint of the guarded fields and Filter Echoes recognises the record read back', async () => {
	const record = { subject: 'Printer down', description: 'Floor 2', status: '02 - Solving', efecte_id: 'INC-1' };
	const stamped = await harness.runWorkflow({ workflow: guardWorkflow(stamp(), [record]) });
	const [written] = stamped.json('Guard', 0);
	const { sync_marker: marker, ...values } = written;
	expect(values).toEqual(record);
	// origin:fingerprint, then the time of the write and one print per guarded field.
	expect(String(marker).startsWith(`esm-local:${guardFingerprint(record, FIELDS.split(', '))}.`)).toBe(true);
	expect(parseMarker(marker)).toEqual({ ...markerFor('esm-local', record, FIELDS.split(', '), parseMarker(marker)!.at!), origin: 'esm-local' });
	expect(Math.abs(Date.now() - parseMarker(marker)!.at!)).toBeLessThan(60_000);

	// Read back as the target answers (numbers as text, other fields added), once untouched and once edited by a person.
	const readBack = { ...written, description: 'Floor 2 ', id: '100042', updated: '2026-11-23T10:00:00Z' };
	const edited = { ...readBack, status: '05 - Solved' };
	const filtered = await harness.runWorkflow({
		workflow: guardWorkflow({ operation: 'guardFilter', guardedFields: FIELDS, marker: '={{ $json.sync_marker }}' }, [readBack, edited, { subject: 'never synced' }]),
	});
	expect(filtered.json('Guard', 0).map((item) => item.status ?? item.subject)).toEqual(['05 - Solved', 'never synced']);
	expect(filtered.json('Guard', 1)).toEqual([readBack]);
});

it('Stamp with the counterpart skips writes the target holds and reports concurrent edits by the rule', async () => {
	const lastWritten = { subject: 'A', description: 'old', status: '01 - New' };
	const marker = `esm-remote:${guardFingerprint(lastWritten, FIELDS.split(', '))}`;
	const records = [
		// 1: the target already holds it.
		{ key: 1, subject: 'A', description: 'same', status: '01 - New', modified: '2026-11-23T10:00:00Z', current: { subject: 'A', description: 'same', status: '01 - New', sync_marker: 'x:y' } },
		// 2: the target is as we left it: write.
		{ key: 2, subject: 'A', description: 'new', status: '01 - New', modified: '2026-11-23T10:00:00Z', current: { ...lastWritten, sync_marker: marker, updated: '2026-11-23T09:00:00Z' } },
		// 3: a person edited the target earlier than this change: this write wins, the overwrite is reported.
		{ key: 3, subject: 'A', description: 'new', status: '01 - New', modified: '2026-11-23T10:00:00Z', current: { ...lastWritten, description: 'theirs', sync_marker: marker, updated: '2026-11-23T09:30:00Z' } },
		// 4: a person edited the target later: their edit is kept, this change reported.
		{ key: 4, subject: 'A', description: 'new', status: '01 - New', modified: '2026-11-23T10:00:00Z', current: { ...lastWritten, description: 'theirs', sync_marker: marker, updated: '2026-11-23T10:30:00Z' } },
		// 5: failed upstream: never written.
		{ key: 5, subject: 'A', error: 'lookup failed' },
	];
	const run = await harness.runWorkflow({
		workflow: guardWorkflow(
			stamp({ counterpart: '={{ $json.current }}', modifiedAt: '={{ $json.modified }}', counterpartModifiedAt: '={{ $json.current.updated }}' }),
			records,
		),
	});
	expect(run.json('Guard', 0).map((item) => item.key)).toEqual([2, 3]);
	expect(run.json('Guard', 0).every((item) => String(item.sync_marker).startsWith('esm-local:'))).toBe(true);
	expect(run.json('Guard', 1).map((item) => item.key)).toEqual([1]);
	const reports = run.json('Guard', 2);
	expect(reports.map((item) => [item.key, (item.loopGuard as IDataObject | undefined)?.kept ?? item.error])).toEqual([
		[3, 'this write'],
		[4, 'target'],
		[5, 'lookup failed'],
	]);
	expect(reports.some((item) => 'sync_marker' in item)).toBe(false);
});

it('refuses an empty Guarded Fields or Origin with a message naming the field', async () => {
	const noFields = await harness.runWorkflow({ workflow: guardWorkflow({ ...stamp(), guardedFields: ' , ' }, [{ subject: 'A' }]) });
	expect(noFields.error?.message).toMatch(/Guarded Fields is empty/);
	const noOrigin = await harness.runWorkflow({ workflow: guardWorkflow({ ...stamp(), origin: '={{ "  " }}' }, [{ subject: 'A' }]) });
	expect(noOrigin.error?.message).toMatch(/Origin is empty/);
	const badCounterpart = await harness.runWorkflow({ workflow: guardWorkflow(stamp({ counterpart: '=not json' }), [{ subject: 'A' }], { continueOnFail: true }) });
	expect(badCounterpart.json('Guard', 0)).toEqual([]);
	expect(badCounterpart.json('Guard', 2)[0].error).toMatch(/Counterpart is not an object/);
});

it('Stamp merges edits of different fields, decides a field both sides changed by its Field Rule, and reports it', async () => {
	const fields = FIELDS.split(', ');
	const last = { subject: 'A', description: 'old', status: '01 - New' };
	// What the last sync wrote into the target (its marker holds the values synced).
	const targetMarker = formatMarker(markerFor('esm-local', last, fields, 1000));
	const records = [
		// 1: description changed here, status changed there: both kept, no conflict.
		{ key: 1, subject: 'A', description: 'new', status: '01 - New', current: { ...last, status: '02 - Solving', sync_marker: targetMarker } },
		// 2: both changed the status (and only here the description): the Field Rule keeps the target's status.
		{ key: 2, subject: 'A', description: 'new', status: '05 - Solved', current: { ...last, status: '02 - Solving', sync_marker: targetMarker } },
		// 3: only the status, changed on both sides: nothing is written, the loss is reported.
		{ key: 3, subject: 'A', description: 'old', status: '05 - Solved', current: { ...last, status: '02 - Solving', sync_marker: targetMarker } },
	];
	const run = await harness.runWorkflow({
		workflow: guardWorkflow(
			stamp({ conflictRule: 'thisWrite', counterpart: '={{ $json.current }}', fieldRules: { rules: [{ field: 'status', rule: 'counterpart' }] } }),
			records,
		),
	});
	const written = run.json('Guard', 0);
	expect(written.map((item) => [item.key, item.description, item.status])).toEqual([
		[1, 'new', '02 - Solving'],
		[2, 'new', '02 - Solving'],
	]);
	// The marker holds this side's values, so the target's kept status still reads as its own change.
	expect(parseMarker(written[0].sync_marker)!.fingerprint).toBe(guardFingerprint(records[0], fields));
	const reports = run.json('Guard', 2).map((item) => [item.key, item.loopGuard]);
	expect(reports).toEqual([
		[2, expect.objectContaining({ kept: 'per field', fields: [{ field: 'status', kept: 'target', value: '05 - Solved', targetValue: '02 - Solving' }] })],
		[3, expect.objectContaining({ kept: 'target', fields: [{ field: 'status', kept: 'target', value: '05 - Solved', targetValue: '02 - Solving' }] })],
	]);
	expect(run.json('Guard', 1)).toEqual([]);
});

it('refuses a Field Rule for a field that is not guarded, naming it and the fields it may be', async () => {
	const run = await harness.runWorkflow({
		workflow: guardWorkflow(stamp({ fieldRules: { rules: [{ field: 'priority', rule: 'counterpart' }] } }), [{ subject: 'A' }]),
	});
	expect(run.error?.message).toBe('Field Rules names "priority", which is not in Guarded Fields: use one of subject, description, status, or add it to Guarded Fields');
});
