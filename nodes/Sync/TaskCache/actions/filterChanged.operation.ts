import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError, failedItem } from '../../../shared/execute';
import { syncClock } from '../../clock';
import { fingerprint } from '../../fingerprint';
import { clearIsDue, parseClearHours } from '../../state/autoClear';
import { entryKey, syncedOf, withPending } from '../../state/taskState';
import { itemKeys, keyParameter, openTask } from './task';

const properties: INodeProperties[] = [
	keyParameter,
	{
		displayName: 'Fingerprint',
		name: 'fingerprintFields',
		type: 'options',
		options: [
			{ name: 'All Fields', value: 'all', description: 'The whole item as it would be written' },
			{ name: 'Selected Fields', value: 'selected', description: 'Only the listed fields' },
		],
		default: 'all',
		description: 'What counts as a change: the fields whose values are written to the target',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'summary, status, assignee',
		displayOptions: { show: { fingerprintFields: ['selected'] } },
		description: 'Comma-separated field names of the item',
	},
	{
		displayName: 'Mapping Version',
		name: 'mappingVersion',
		type: 'string',
		default: '1',
		description: 'Change it whenever the mapping changes: a different value clears the cache, so the next run writes everything',
	},
	{
		displayName: 'Clear At Hours (UTC)',
		name: 'clearHours',
		type: 'string',
		default: '0',
		placeholder: '0 or 6,12',
		description:
			'UTC hours at which the cache is cleared, so that a daily full write repairs anything changed in the target by hand. Empty: never automatically.',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['filterChanged'] } }, properties);

/**
 * Splits the items into changed-or-new (output 1) and unchanged (output 2) against the task's
 * cache, recording each changed fingerprint as pending: only Mark Synced, after a successful
 * write, makes it the synced one. The items pass through untouched.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const task = openTask.call(this);
	const now = syncClock.now();
	let hours: number[];
	try {
		hours = parseClearHours(this.getNodeParameter('clearHours', 0, '0'));
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message);
	}
	const mappingVersion = String(this.getNodeParameter('mappingVersion', 0, '1') ?? '');
	if (task.state.mappingVersion !== mappingVersion || clearIsDue(hours, task.state.lastClear, now)) {
		task.state.entries = {};
		task.state.lastClear = now.toISOString();
		task.state.mappingVersion = mappingVersion;
	}
	task.state.lastClear ??= now.toISOString();

	const selected = this.getNodeParameter('fingerprintFields', 0, 'all') === 'selected';
	const fieldList = (value: unknown) =>
		String(value ?? '')
			.split(',')
			.map((field) => field.trim())
			.filter(Boolean);
	// A fixed field list (no expression) is the same for every item: read it once.
	const rawFields = this.getNode().parameters?.fields;
	const fixedFields = selected && !(typeof rawFields === 'string' && rawFields.startsWith('=')) ? fieldList(this.getNodeParameter('fields', 0, '')) : undefined;
	const keyOf = itemKeys.call(this);
	const changed: INodeExecutionData[] = [];
	const unchanged: INodeExecutionData[] = [];
	const seenThisRun = new Map<string, string>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const key = entryKey(keyOf(itemIndex));
			const fields = selected ? (fixedFields ?? fieldList(this.getNodeParameter('fields', itemIndex, ''))) : undefined;
			const print = fingerprint(items[itemIndex].json, fields);
			const entry = task.state.entries[key];
			// Across runs only what was synced counts: a pending value means the write never
			// happened or failed. Within this run, a duplicate (e.g. an incremental overlap) of a
			// record already passed on is unchanged.
			const known = syncedOf(entry) === print || seenThisRun.get(key) === print;
			seenThisRun.set(key, print);
			const output = { json: items[itemIndex].json, binary: items[itemIndex].binary, pairedItem: { item: itemIndex } };
			if (known) {
				unchanged.push(output);
			} else {
				task.state.entries[key] = withPending(entry, print);
				changed.push(output);
			}
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			changed.push(failedItem(this, { ...items[itemIndex].json, error: nodeError.message }, nodeError, itemIndex));
		}
	}
	task.save();
	return [changed, unchanged];
}
