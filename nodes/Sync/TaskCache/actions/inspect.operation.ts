import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pendingOf } from '../../state/taskState';
import { openTask } from './task';

export const description = updateDisplayOptions({ show: { operation: ['inspect'] } }, [] as INodeProperties[]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const task = openTask.call(this);
	const entries = Object.values(task.state.entries);
	return [
		[
			{
				json: {
					taskId: task.taskId,
					size: entries.length,
					pending: entries.filter((entry) => pendingOf(entry) !== undefined).length,
					bytes: JSON.stringify(task.state).length,
					lastClear: task.state.lastClear ?? '',
					watermark: task.state.watermark ?? '',
					mappingVersion: task.state.mappingVersion,
				},
				pairedItem: { item: 0 },
			},
		],
	];
}
