import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import * as clear from './actions/clear.operation';
import * as filterChanged from './actions/filterChanged.operation';
import * as inspect from './actions/inspect.operation';
import * as loopGuard from './actions/loopGuard.operation';
import * as markSynced from './actions/markSynced.operation';
import { taskIdParameter } from './actions/task';
import * as watermark from './actions/watermark.operation';

const operations: Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>> = {
	filterChanged: filterChanged.execute,
	markSynced: markSynced.execute,
	clear: clear.execute,
	getWatermark: watermark.executeGet,
	setWatermark: watermark.executeSet,
	inspect: inspect.execute,
	guardFilter: loopGuard.executeFilter,
	guardStamp: loopGuard.executeStamp,
};

// Filter Changed and the loop guard split their input; every other operation has one output.
const MAIN = NodeConnectionTypes.Main;
const outputsExpression = `={{ ({
	filterChanged: [{ type: "${MAIN}", displayName: "Changed or New" }, { type: "${MAIN}", displayName: "Unchanged" }],
	guardFilter: [{ type: "${MAIN}", displayName: "Changed by People" }, { type: "${MAIN}", displayName: "Echo of Our Writes" }],
	guardStamp: [{ type: "${MAIN}", displayName: "Write" }, { type: "${MAIN}", displayName: "Already In Sync" }, { type: "${MAIN}", displayName: "Conflicts and Errors" }],
})[$parameter.operation] ?? [{ type: "${MAIN}" }] }}` as const;

export class TaskCache implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Task Cache',
		name: 'taskCache',
		icon: { light: 'file:../../../icons/task-cache.svg', dark: 'file:../../../icons/task-cache.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ($parameter["taskId"] ? ": " + $parameter["taskId"] : "")}}',
		description:
			'Connector task semantics: write only what changed, mark what was written, watermarks for incremental imports, a loop guard for two-way sync',
		defaults: { name: 'Task Cache' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression,
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Clear', value: 'clear', description: 'Forget what was written: the next run writes everything', action: 'Clear the cache' },
					{
						name: 'Filter Changed',
						value: 'filterChanged',
						description: 'Split items into changed or new and unchanged',
						action: 'Filter changed records',
					},
					{ name: 'Get Watermark', value: 'getWatermark', description: 'Read the watermark of an incremental task', action: 'Get the watermark' },
					{ name: 'Inspect', value: 'inspect', description: 'Size, last clear, watermark, mapping version', action: 'Inspect the cache' },
					{
						name: 'Loop Guard: Filter Echoes',
						value: 'guardFilter',
						description: 'Drop records read back that are the echo of our own write (bidirectional sync)',
						action: 'Filter out echoes of our writes',
					},
					{
						name: 'Loop Guard: Stamp',
						value: 'guardStamp',
						description: 'Mark records about to be written so their echo is recognised; skip writes the target already holds',
						action: 'Stamp records before writing',
					},
					{ name: 'Mark Synced', value: 'markSynced', description: 'Record the written items as synced', action: 'Mark records as synced' },
					{ name: 'Set Watermark', value: 'setWatermark', description: 'Store the watermark after a run without failures', action: 'Set the watermark' },
				],
				default: 'filterChanged',
			},
			// The loop guard keeps its state on the records, not in a task.
			{ ...taskIdParameter, displayOptions: { hide: { operation: ['guardFilter', 'guardStamp'] } } },
			...filterChanged.description,
			...markSynced.description,
			...clear.description,
			...watermark.getDescription,
			...watermark.setDescription,
			...inspect.description,
			...loopGuard.filterDescription,
			...loopGuard.stampDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const run = operations[operation];
		if (!run) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		return await run.call(this);
	}
}
