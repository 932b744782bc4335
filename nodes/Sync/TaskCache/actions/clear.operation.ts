import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { syncClock } from '../../clock';
import { openTask } from './task';

export const description = updateDisplayOptions({ show: { operation: ['clear'] } }, [] as INodeProperties[]);

/** "Clear data cache": the next run writes everything. The watermark stays. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const task = openTask.call(this);
	const cleared = Object.keys(task.state.entries).length;
	task.state.entries = {};
	task.state.lastClear = syncClock.now().toISOString();
	task.save();
	return [[{ json: { taskId: task.taskId, cleared, watermark: task.state.watermark ?? '' }, pairedItem: { item: 0 } }]];
}
