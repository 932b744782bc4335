import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { requiredString } from '../../../../shared/parameters';
import { attributeParameters, buildData, dataCardIdParameter, templateLocator, templateParameter, writeOptions } from '../common';
import { updateCard } from './write';

const properties: INodeProperties[] = [
	templateLocator,
	dataCardIdParameter,
	...attributeParameters('update'),
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: writeOptions },
];

export const description = updateDisplayOptions({ show: { resource: ['dataCard'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const template = templateParameter.call(this, itemIndex);
	const dataCardId = requiredString.call(this, 'dataCardId', 'Data Card ID', itemIndex, 'enter the numeric ID of the card');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { data } = await buildData.call(this, itemIndex, template, options);
	if (Object.keys(data).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update: map at least one attribute or fill Attributes (JSON)', { itemIndex });
	}
	await updateCard.call(this, template, dataCardId, data, itemIndex);
	return { dataCardId, templateCode: template, action: 'updated', updatedAttributes: Object.keys(data) };
}
