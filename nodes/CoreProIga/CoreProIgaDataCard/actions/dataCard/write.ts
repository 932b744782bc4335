import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { esmApiRequest } from '../../../transport';
import { assertNoAttributeErrors } from '../common';
import { findCardByKey } from './find';

/** Creates one card. After a lost answer, a card found by the given key is taken as this create. */
export async function createCard(
	this: IExecuteFunctions,
	template: string,
	folderCode: string,
	data: IDataObject,
	itemIndex: number,
	key?: { attribute: string; value: unknown },
): Promise<string> {
	const response = (await esmApiRequest.call(this, {
		method: 'POST',
		path: `/dc/${encodeURIComponent(template)}/data`,
		body: { folderCode, data },
		itemIndex,
		...(key
			? {
					verifyAfterFailure: async () => {
						const card = await findCardByKey.call(this, template, key.attribute, key.value, itemIndex);
						return card ? { dataCard: { dataCardId: card.dataCardId } } : undefined;
					},
				}
			: {}),
	})) as IDataObject;
	assertNoAttributeErrors.call(this, response, itemIndex);
	return String((response.dataCard as IDataObject | undefined)?.dataCardId ?? '');
}

/** Changes only the given attributes (PATCH); safe to repeat. */
export async function updateCard(this: IExecuteFunctions, template: string, dataCardId: string, data: IDataObject, itemIndex: number): Promise<void> {
	const response = await esmApiRequest.call(this, {
		method: 'PATCH',
		path: `/dc/${encodeURIComponent(template)}/data/${encodeURIComponent(dataCardId)}`,
		body: { dataCardId, data },
		itemIndex,
	});
	assertNoAttributeErrors.call(this, response, itemIndex);
}
