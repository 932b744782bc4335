import { DateTime } from 'luxon';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { syncClock } from '../../clock';
import { hasError, openTask } from './task';
import { shortText } from '../../../shared/parameters';

const getProperties: INodeProperties[] = [
	{
		displayName: 'Overlap (Minutes)',
		name: 'overlapMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 1,
		description: 'Read this much before the watermark again: JQL compares minutes, and the cache drops what was already written',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: 'UTC',
		placeholder: 'Europe/Helsinki',
		description: 'Time zone of the Jira account, for sinceJql (JQL dates are read in the account’s zone)',
	},
];

const setProperties: INodeProperties[] = [
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'string',
		default: "={{ $('Get Watermark').first().json.runStartedAt }}",
		required: true,
		description: 'The run’s start time from Get Watermark, stored when the run counted no failure',
	},
	{
		displayName: 'Refuse If an Item Failed',
		name: 'refuseOnFailure',
		type: 'boolean',
		default: true,
		description: 'Whether to keep the old watermark when any input item carries an error, so that the next run reads the failed records again',
	},
];

export const getDescription = updateDisplayOptions({ show: { operation: ['getWatermark'] } }, getProperties);
export const setDescription = updateDisplayOptions({ show: { operation: ['setWatermark'] } }, setProperties);

/** The stored watermark (empty on a first run: the template then reads everything) and this run's start. */
export async function executeGet(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const task = openTask.call(this);
	const runStartedAt = syncClock.now().toISOString();
	const overlap = Number(this.getNodeParameter('overlapMinutes', 0, 1));
	const zone = String(this.getNodeParameter('timeZone', 0, 'UTC') || 'UTC');
	const watermark = task.state.watermark ?? '';
	let since = '';
	let sinceJql = '';
	if (watermark) {
		const start = DateTime.fromISO(watermark, { zone: 'utc' }).minus({ minutes: overlap });
		const local = start.setZone(zone);
		if (!local.isValid) throw new NodeOperationError(this.getNode(), `Time Zone "${zone}" is not a time zone: use an IANA name such as Europe/Helsinki`);
		since = start.toISO()!;
		sinceJql = local.toFormat('yyyy-MM-dd HH:mm');
	}
	return [[{ json: { taskId: task.taskId, watermark, firstRun: !watermark, runStartedAt, since, sinceJql }, pairedItem: { item: 0 } }]];
}

/** Stores the new watermark; never moves it backwards, and not at all when an item failed. */
export async function executeSet(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const task = openTask.call(this);
	const raw = String(this.getNodeParameter('watermark', 0, '') ?? '').trim();
	const value = DateTime.fromISO(raw, { zone: 'utc' });
	if (!raw || !value.isValid) {
		throw new NodeOperationError(this.getNode(), `Watermark "${shortText(raw)}" is not an ISO date-time: pass Get Watermark's runStartedAt`);
	}
	const previous = task.state.watermark ?? '';
	const failed = items.filter((item) => hasError(item.json)).length;
	let updated = false;
	let reason = '';
	if (failed && this.getNodeParameter('refuseOnFailure', 0, true)) {
		reason = `${failed} item(s) failed: the watermark stays so that the next run reads them again`;
	} else if (previous && DateTime.fromISO(previous, { zone: 'utc' }) > value) {
		reason = `${value.toISO()} is older than the stored ${previous}: a watermark never moves backwards`;
	} else {
		task.state.watermark = value.toISO()!;
		task.save();
		updated = true;
	}
	return [[{ json: { taskId: task.taskId, updated, watermark: task.state.watermark ?? '', previous, ...(reason ? { reason } : {}) }, pairedItem: { item: 0 } }]];
}
