import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** One operation applied to one input item; returns the item's output json (or several). */
export type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/**
 * The per-item loop every node shares: paired items on every output, `continueOnFail` puts the
 * error on the item (`json.error`, the convention Task Cache and run summaries count as failed)
 * and goes on, otherwise the error stops the node naming the item.
 */
export async function runPerItem(this: IExecuteFunctions, operation: ItemOperation): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await operation.call(this, itemIndex);
			output.push(
				...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), {
					itemData: { item: itemIndex },
				}),
			);
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			output.push(failedItem(this, errorJson(nodeError), nodeError, itemIndex));
		}
	}
	return output;
}

/** The json of a failed item: the message, and the description and HTTP code when there are. */
export function errorJson(nodeError: NodeApiError | NodeOperationError): IDataObject {
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.errorDescription = nodeError.description;
	if (nodeError instanceof NodeApiError && nodeError.httpCode) json.httpCode = nodeError.httpCode;
	return json;
}

export function asNodeError(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined && itemIndex !== undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * A failed item. Under "Continue (using error output)" it carries `error`, which is how n8n routes
 * it to the error output; under "Continue" it keeps its descriptive json (n8n would reduce an item
 * carrying `error` to the message alone).
 */
export function failedItem(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	json: IDataObject,
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (ctx.getNode().onError === 'continueErrorOutput') item.error = error;
	return item;
}

/**
 * "Nothing found" for a lookup by value (a card by unique attribute, a group by name, a user by
 * email): an API-style error with httpCode 404, so that workflows tell it from a real failure by
 * the code (`$json.httpCode`), as they do for a lookup by id.
 */
export function notFoundError(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	message: string,
	itemIndex: number,
	description?: string,
): NodeApiError {
	return new NodeApiError(ctx.getNode(), { message }, { message, description, httpCode: '404', itemIndex });
}
