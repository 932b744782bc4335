import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorJson, failedItem, runPerItem, type ItemOperation } from './execute';

/** `resource -> operation -> module exporting execute`, as the actions/<resource>/index.ts files export them. */
export type ResourceMap = Record<string, Record<string, unknown>>;

/**
 * The execute() of a resource/operation node: finds the operation module and runs it per item
 * (paired items, continueOnFail) through the shared loop, or hands it all items at once.
 */
export async function routeToOperation(this: IExecuteFunctions, resources: ResourceMap): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation] as
		| { execute?: ItemOperation; executeBatch?: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> }
		| undefined;
	// Batch operations (bulk writes) take all items at once and pair their outputs themselves.
	if (module?.executeBatch) {
		try {
			return [await module.executeBatch.call(this)];
		} catch (error) {
			const nodeError = asNodeError(this, error);
			if (!this.continueOnFail()) throw nodeError;
			// A batch that failed as a whole failed for every item: none may pass on as written (n8n
			// would hand the input items on unchanged, and Mark Synced would cache them).
			return [this.getInputData().map((_item, itemIndex) => failedItem(this, errorJson(nodeError), nodeError, itemIndex))];
		}
	}
	if (!module?.execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return [await runPerItem.call(this, module.execute)];
}
