import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { asNodeError, failedItem } from '../../../shared/execute';
import { entryKey, promote } from '../../state/taskState';
import { hasError, itemKeys, keyParameter, openTask } from './task';

const properties: INodeProperties[] = [
	{
		...keyParameter,
		placeholder: "={{ $('Filter Changed').item.json.key }}",
		description: 'The key of the record each written item stands for, typically through the paired item of Filter Changed',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['markSynced'] } }, properties);

/**
 * Promotes the pending fingerprint of every key it receives. Items carrying `json.error` (a failed
 * write) are skipped: they stay unsynced and are written again next run. Items pass through.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const task = openTask.call(this);
	const keyOf = itemKeys.call(this);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		output.push({ json: item.json, binary: item.binary, pairedItem: { item: itemIndex } });
		if (hasError(item.json)) continue;
		try {
			const key = entryKey(keyOf(itemIndex));
			const promoted = promote(task.state.entries[key]);
			if (promoted !== undefined) task.state.entries[key] = promoted;
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			output[output.length - 1] = failedItem(this, { ...item.json, error: nodeError.message }, nodeError, itemIndex);
		}
	}
	task.save();
	return [output];
}
