import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import * as clear from './actions/clear.operation';
import * as filterChanged from './actions/filterChanged.operation';
import * as inspect from './actions/inspect.operation';
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
};

export class TaskCache implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Task Cache',
		name: 'taskCache',
		icon: { light: 'file:../../../icons/task-cache.svg', dark: 'file:../../../icons/task-cache.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["taskId"]}}',
		description: 'Connector task semantics: write only what changed, mark what was written, watermarks for incremental imports',
		defaults: { name: 'Task Cache' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// Filter Changed splits its input; every other operation has one output.
		outputs: `={{ $parameter.operation === "filterChanged" ? [{ type: "${NodeConnectionTypes.Main}", displayName: "Changed or New" }, { type: "${NodeConnectionTypes.Main}", displayName: "Unchanged" }] : [{ type: "${NodeConnectionTypes.Main}" }] }}`,
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
					{ name: 'Mark Synced', value: 'markSynced', description: 'Record the written items as synced', action: 'Mark records as synced' },
					{ name: 'Set Watermark', value: 'setWatermark', description: 'Store the watermark after a run without failures', action: 'Set the watermark' },
				],
				default: 'filterChanged',
			},
			taskIdParameter,
			...filterChanged.description,
			...markSynced.description,
			...clear.description,
			...watermark.getDescription,
			...watermark.setDescription,
			...inspect.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const run = operations[operation];
		if (!run) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		return await run.call(this);
	}
}
