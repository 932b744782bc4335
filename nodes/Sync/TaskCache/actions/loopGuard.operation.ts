import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError, failedItem } from '../../../shared/execute';
import {
	decideStamp,
	formatMarker,
	isEcho,
	markerFor,
	parseMarker,
	parseModifiedAt,
	type ConflictRule,
	type FieldConflict,
} from '../../loopGuard';
import { hasError } from './task';

const guardedFields: INodeProperties = {
	displayName: 'Guarded Fields',
	name: 'guardedFields',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'subject, description, status',
	description:
		'Comma-separated fields this sync writes, named as on the record written. Use the same list in Stamp (before the write) and in Filter Echoes (when the record is read back).',
};

const filterProperties: INodeProperties[] = [
	guardedFields,
	{
		displayName: 'Marker',
		name: 'marker',
		type: 'string',
		default: '={{ $json.sync_marker }}',
		description:
			'The marker the record carries as read back: an ESM attribute such as sync_marker, or the Jira issue property esm.sync',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Counterpart',
				name: 'counterpart',
				type: 'json',
				default: '',
				placeholder: "={{ $('Get Target').item.json }}",
				description:
					'The record on the other side as it is now, shaped like this item and with its marker in the Counterpart Marker Field. With it, a record a person set back to the values last synced (A → B → A) is not taken for an echo.',
			},
			{
				displayName: 'Counterpart Marker Field',
				name: 'counterpartMarkerField',
				type: 'string',
				default: 'sync_marker',
				description: 'The field of the counterpart that holds its marker',
			},
		],
	},
];

const ruleOptions = [
	{ name: 'Later Modification Wins', value: 'later', description: 'Compare the two modified times' },
	{ name: 'This Write Wins', value: 'thisWrite' },
	{ name: 'Counterpart Wins', value: 'counterpart', description: 'A person’s edit on the target is never overwritten' },
];

const stampProperties: INodeProperties[] = [
	{
		displayName: 'Origin',
		name: 'origin',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'esm-local',
		description: 'Names the side the data comes from; kept in the marker so a person can tell which sync wrote a record',
	},
	guardedFields,
	{
		displayName: 'Marker Field',
		name: 'markerField',
		type: 'string',
		default: 'sync_marker',
		required: true,
		description:
			'Output field that receives the marker `origin:fingerprint`; write it with the record (the ESM attribute code, or into a Jira issue property)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Conflict Rule',
				name: 'conflictRule',
				type: 'options',
				options: ruleOptions,
				default: 'later',
				description:
					'Which value is kept when people changed the same field on both records since the last sync; the other is reported. Fields changed on one side only are merged without a conflict.',
			},
			{
				displayName: 'Counterpart',
				name: 'counterpart',
				type: 'json',
				default: '',
				placeholder: "={{ $('Get Target').item.json }}",
				description:
					'The target record as it is now, shaped like this item (same field names) and with its marker in the Marker Field. With it, writes the target already holds are skipped and concurrent edits are detected.',
			},
			{
				displayName: 'Counterpart Modified At',
				name: 'counterpartModifiedAt',
				type: 'string',
				default: '',
				placeholder: "={{ $('Get Target').item.json.updated }}",
				description: 'When the target record was last modified (for Later Modification Wins)',
			},
			{
				displayName: 'Field Rules',
				name: 'fieldRules',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Field Rule',
				default: {},
				description: 'A conflict rule for single guarded fields, e.g. status always from the target; other fields follow the Conflict Rule',
				options: [
					{
						displayName: 'Rule',
						name: 'rules',
						values: [
							{
								displayName: 'Field',
								name: 'field',
								type: 'string',
								default: '',
								placeholder: 'status',
								description: 'A field of Guarded Fields',
							},
							{
								displayName: 'Winner',
								name: 'rule',
								type: 'options',
								options: ruleOptions,
								default: 'counterpart',
								description: 'Which value of this field is kept when both sides changed it',
							},
						],
					},
				],
			},
			{
				displayName: 'Modified At',
				name: 'modifiedAt',
				type: 'string',
				default: '',
				placeholder: "={{ $('Read Source').item.json.updated }}",
				description: 'When the source record of this write was last modified (for Later Modification Wins)',
			},
			{
				displayName: 'Source Marker',
				name: 'sourceMarker',
				type: 'string',
				default: '',
				placeholder: "={{ $('Read Source').item.json.sync_marker }}",
				description:
					'The marker of the record this write comes from. With it, a target record whose edit already reached the source is not taken for a concurrent edit.',
			},
		],
	},
];

export const filterDescription = updateDisplayOptions({ show: { operation: ['guardFilter'] } }, filterProperties);
export const stampDescription = updateDisplayOptions({ show: { operation: ['guardStamp'] } }, stampProperties);

function fieldList(this: IExecuteFunctions, itemIndex: number): string[] {
	const fields = String(this.getNodeParameter('guardedFields', itemIndex, '') ?? '')
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
	if (!fields.length) {
		throw new NodeOperationError(this.getNode(), 'Guarded Fields is empty: list the fields this sync writes, e.g. subject, description, status', {
			itemIndex,
		});
	}
	return fields;
}

function fieldRulesOf(this: IExecuteFunctions, itemIndex: number, fields: string[]): Record<string, ConflictRule> {
	const { rules = [] } = this.getNodeParameter('options.fieldRules', itemIndex, {}) as { rules?: Array<{ field?: string; rule?: ConflictRule }> };
	const byField: Record<string, ConflictRule> = {};
	for (const { field = '', rule = 'counterpart' } of rules) {
		const name = field.trim();
		if (!fields.includes(name)) {
			throw new NodeOperationError(
				this.getNode(),
				`Field Rules names "${name}", which is not in Guarded Fields: use one of ${fields.join(', ')}, or add it to Guarded Fields`,
				{ itemIndex },
			);
		}
		byField[name] = rule;
	}
	return byField;
}

const CONFLICT_MESSAGES = {
	'this write': 'Both records were edited by people since the last sync: this change was written over the target’s edit',
	target: 'Both records were edited by people since the last sync: the target’s edit was kept and this change was not written',
	'per field': 'Both records were edited by people since the last sync: each field changed on both sides was decided by its rule',
};

function passOn(item: INodeExecutionData, itemIndex: number, json: IDataObject = item.json): INodeExecutionData {
	return { json, binary: item.binary, pairedItem: { item: itemIndex } };
}

/**
 * Splits records read from a system into those changed by people (output 1) and the echoes of our
 * own writes (output 2): a record is an echo while its guarded fields still give the fingerprint of
 * the marker written with them.
 */
export async function executeFilter(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const changed: INodeExecutionData[] = [];
	const echoes: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const fields = fieldList.call(this, itemIndex);
			const marker = parseMarker(this.getNodeParameter('marker', itemIndex, ''));
			const counterpart = counterpartOf.call(this, itemIndex);
			const counterpartMarkerField = String(this.getNodeParameter('options.counterpartMarkerField', itemIndex, 'sync_marker') ?? 'sync_marker').trim();
			const echo = isEcho(items[itemIndex].json, fields, marker, counterpart ? { record: counterpart, marker: parseMarker(counterpart[counterpartMarkerField]) } : undefined);
			(echo ? echoes : changed).push(passOn(items[itemIndex], itemIndex));
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			changed.push(failedItem(this, { ...items[itemIndex].json, error: nodeError.message }, nodeError, itemIndex));
		}
	}
	return [changed, echoes];
}

function counterpartOf(this: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const raw = this.getNodeParameter('options.counterpart', itemIndex, '') as unknown;
	if (raw === undefined || raw === null || raw === '') return undefined;
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			throw new NodeOperationError(this.getNode(), 'Counterpart is not an object: give the target record, e.g. {{ $(\'Get Target\').item.json }}', {
				itemIndex,
			});
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(this.getNode(), 'Counterpart is not an object: give the target record, e.g. {{ $(\'Get Target\').item.json }}', {
			itemIndex,
		});
	}
	// A record that does not exist yet (a lookup that found nothing) is no counterpart.
	return Object.keys(value).length ? (value as IDataObject) : undefined;
}

/**
 * Adds the marker to each record about to be written (output 1: write). With the counterpart, a
 * write the target already holds goes to output 2 (in sync) and a concurrent edit is decided by
 * the conflict rule: the loser goes to output 3 (conflicts) as a report, and when this write wins
 * over a person's edit on the target, a report of that goes to output 3 as well. Failed items go
 * to output 3 too: nothing that failed is ever written.
 */
export async function executeStamp(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const write: INodeExecutionData[] = [];
	const inSync: INodeExecutionData[] = [];
	const conflicts: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		// A record that failed upstream is never written: it is reported with the conflicts.
		if (hasError(item.json)) {
			conflicts.push(passOn(item, itemIndex));
			continue;
		}
		try {
			const fields = fieldList.call(this, itemIndex);
			const origin = String(this.getNodeParameter('origin', itemIndex, '') ?? '').trim();
			if (!origin) throw new NodeOperationError(this.getNode(), 'Origin is empty: name the side the data comes from, e.g. esm-local', { itemIndex });
			const markerField = String(this.getNodeParameter('markerField', itemIndex, 'sync_marker') ?? '').trim();
			if (!markerField) throw new NodeOperationError(this.getNode(), 'Marker Field is empty: give the field to write the marker to, e.g. sync_marker', { itemIndex });
			const counterpart = counterpartOf.call(this, itemIndex);
			const decision = decideStamp({
				fields,
				record: item.json,
				counterpart,
				counterpartMarker: counterpart ? parseMarker(counterpart[markerField]) : undefined,
				sourceMarker: parseMarker(this.getNodeParameter('options.sourceMarker', itemIndex, '')),
				rule: this.getNodeParameter('options.conflictRule', itemIndex, 'later') as ConflictRule,
				fieldRules: fieldRulesOf.call(this, itemIndex, fields),
				modifiedAt: parseModifiedAt(this.getNodeParameter('options.modifiedAt', itemIndex, '')),
				counterpartModifiedAt: parseModifiedAt(this.getNodeParameter('options.counterpartModifiedAt', itemIndex, '')),
			});
			const report = (kept: keyof typeof CONFLICT_MESSAGES, fieldConflicts: FieldConflict[] = []): INodeExecutionData =>
				passOn(item, itemIndex, {
					...item.json,
					loopGuard: {
						conflict: true,
						kept,
						message: CONFLICT_MESSAGES[kept],
						...(fieldConflicts.length ? { fields: fieldConflicts as unknown as IDataObject[] } : {}),
						counterpart: counterpart ?? null,
					},
				});
			if (decision.action === 'inSync') {
				inSync.push(passOn(item, itemIndex));
				continue;
			}
			if (decision.action === 'conflictLost') {
				conflicts.push(report('target', decision.conflicts));
				continue;
			}
			// The marker holds this side's values (not the merged ones): a field the target kept still
			// differs from it, so the target's record passes Filter Echoes and its change travels back.
			const marker = formatMarker(markerFor(origin, item.json, fields, Date.now()));
			write.push(passOn(item, itemIndex, { ...(decision.record ?? item.json), [markerField]: marker } as IDataObject));
			const fieldConflicts = decision.conflicts ?? [];
			if (decision.overwrites || fieldConflicts.length) {
				conflicts.push(report(fieldConflicts.every((conflict) => conflict.kept === 'this write') ? 'this write' : 'per field', fieldConflicts));
			}
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			conflicts.push(failedItem(this, { ...item.json, error: nodeError.message }, nodeError, itemIndex));
		}
	}
	return [write, inSync, conflicts];
}
