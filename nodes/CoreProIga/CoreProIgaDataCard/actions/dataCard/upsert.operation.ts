import { matchingColumns } from '../../../../shared/resourceMapper';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { requiredString } from '../../../../shared/parameters';
import { attributeParameters, buildData, folderParameter, templateLocator, templateParameter, writeOptions } from '../common';
import { findCardByKey } from './find';
import { createCard, updateCard } from './write';

const properties: INodeProperties[] = [
	templateLocator,
	{ ...folderParameter, description: 'Folder a card is created in when none matches' },
	...attributeParameters('upsert'),
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: writeOptions },
];

export const description = updateDisplayOptions({ show: { resource: ['dataCard'], operation: ['upsert'] } }, properties);

/** The match attribute and its value for an item: the mapper's "Attribute to Match On". */
export function matchKey(this: IExecuteFunctions, itemIndex: number, values: IDataObject): { attribute: string; value: unknown } {
	const columns = matchingColumns.call(this, 'attributes', itemIndex);
	const attribute = columns[0];
	if (!attribute) {
		throw new NodeOperationError(this.getNode(), 'Attribute to Match On is empty: choose a unique attribute such as efecte_id', {
			itemIndex,
		});
	}
	const value = values[attribute];
	if (value === undefined || value === null || String(value).trim() === '') {
		throw new NodeOperationError(this.getNode(), `The match attribute ${attribute} has no value in this item: map it under Attributes`, {
			itemIndex,
		});
	}
	return { attribute, value };
}

/** Finds the card by its unique attribute: updates it if there is one, else creates it in the folder. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const template = templateParameter.call(this, itemIndex);
	const folder = requiredString.call(this, 'folder', 'Folder', itemIndex, 'choose the folder new cards are created in');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { values, data } = await buildData.call(this, itemIndex, template, options);
	const key = matchKey.call(this, itemIndex, values);
	const existing = await findCardByKey.call(this, template, key.attribute, key.value, itemIndex);
	if (existing) {
		const dataCardId = String(existing.dataCardId);
		await updateCard.call(this, template, dataCardId, data, itemIndex);
		return { dataCardId, templateCode: template, action: 'updated', [key.attribute]: key.value as string };
	}
	const dataCardId = await createCard.call(this, template, folder, data, itemIndex, key);
	return { dataCardId, templateCode: template, folderCode: folder, action: 'created', [key.attribute]: key.value as string };
}
