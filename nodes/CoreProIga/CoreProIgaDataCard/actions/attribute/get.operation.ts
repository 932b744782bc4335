import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { esmApiRequest } from '../../../transport';
import { simplifyCard } from '../../../values';
import { attributePath, cardAttributeParameters, withAttributeCheck } from './shared';

const properties: INodeProperties[] = [...cardAttributeParameters];

export const description = updateDisplayOptions({ show: { resource: ['attribute'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { template, dataCardId, attributeCode, path } = attributePath.call(this, itemIndex);
	const element = (await withAttributeCheck.call(this, { template, attributeCode }, itemIndex, () => esmApiRequest.call(this, { method: 'GET', path, itemIndex }))) as IDataObject;
	// Simplified like a card with this one attribute, so values read the same everywhere.
	const simple = simplifyCard({ dataCardId, templateCode: template, data: { [attributeCode]: element } }) as IDataObject;
	return { dataCardId, templateCode: template, attributeCode, type: element.type ?? null, value: simple[attributeCode] ?? null, raw: element };
}
