import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { esmApiRequest } from './transport';
import { cardErrors } from './values';

/** ESM documents no maximum for a bulk PUT; the nodes send this many cards a request by default. */
export const DEFAULT_BULK_BATCH_SIZE = 100;

/** One card of a bulk PUT: a modify (`dataCardId` + `data`) or a create (`folderCode` + `data`). */
export type BulkCardRequest = { dataCardId: string; data: IDataObject } | { folderCode: string; data: IDataObject };

/** What ESM answered for one card of a batch: the card it saved, or why this card failed. */
export type BulkCardResult = { ok: true; dataCardId: string } | { ok: false; error: NodeOperationError };

export interface BulkBatch {
	template: string;
	/**
	 * The request body. Sent as it is at each attempt: a `verifyAfterFailure` may replace entries
	 * (a create that turned out to exist becomes a modify) before the batch is sent again.
	 */
	body: BulkCardRequest[];
	/** May the batch be sent again after a 5xx or a broken connection? Only when it creates nothing. */
	idempotent: boolean;
	verifyAfterFailure?: () => Promise<unknown>;
	itemIndex?: number;
}

function describeResult(result: IDataObject): string {
	return cardErrors({ errors: result.errors })
		.map((error) => error.message)
		.join('; ');
}

/**
 * Sends one batch through `PUT /dc/{template}/data` and checks ESM's answer card by card. The
 * results come back in request order (GUESSED, design.md "Conventions"): each is matched by its
 * position AND checked against the card ID sent (a modify) or for a card ID at all (a create);
 * attribute errors inside a 2xx answer fail that card only. A request that fails as a whole, or an
 * answer whose results cannot be matched (another count), throws: every card of the batch failed.
 */
export async function sendBulkBatch(this: IExecuteFunctions, batch: BulkBatch): Promise<BulkCardResult[]> {
	const node = this.getNode();
	const response = (await esmApiRequest.call(this, {
		method: 'PUT',
		path: `/dc/${encodeURIComponent(batch.template)}/data`,
		body: batch.body,
		idempotent: batch.idempotent,
		itemIndex: batch.itemIndex,
		...(batch.verifyAfterFailure ? { verifyAfterFailure: batch.verifyAfterFailure } : {}),
	})) as IDataObject;
	const results = (response.data as IDataObject[] | undefined) ?? [];
	if (results.length !== batch.body.length) {
		throw new NodeOperationError(node, `ESM answered ${results.length} results for a batch of ${batch.body.length} cards: the results cannot be matched to the items`);
	}
	return batch.body.map((sent, position): BulkCardResult => {
		const result = results[position] ?? {};
		const id = String((result.dataCard as IDataObject | undefined)?.dataCardId ?? '');
		const problems = describeResult(result);
		if (problems) return { ok: false, error: new NodeOperationError(node, `ESM did not save ${problems}`) };
		const sentId = 'dataCardId' in sent ? sent.dataCardId : undefined;
		if (!id || (sentId && id !== sentId)) {
			return {
				ok: false,
				error: new NodeOperationError(node, `ESM's result at position ${position} names card ${id || 'none'}, not the card sent (${sentId ?? 'new'})`),
			};
		}
		return { ok: true, dataCardId: id };
	});
}
