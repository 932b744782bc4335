import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { requiredString, shortText } from '../../../../shared/parameters';
import { attributeParameters, buildData, folderParameter, templateLocator, templateParameter, writeOptions } from '../common';
import { createCard } from './write';

const properties: INodeProperties[] = [
	templateLocator,
	folderParameter,
	...attributeParameters('add'),
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: writeOptions },
];

export const description = updateDisplayOptions({ show: { resource: ['dataCard'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const template = templateParameter.call(this, itemIndex);
	const folder = requiredString.call(this, 'folder', 'Folder', itemIndex, 'choose the folder to create the card in');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { template: meta, data } = await buildData.call(this, itemIndex, template, options);
	if (meta.folders.length && !meta.folders.some((candidate) => candidate.code === folder)) {
		throw new NodeOperationError(
			this.getNode(),
			`Folder "${shortText(folder)}" is not a folder of template ${template}; allowed: ${meta.folders.map((candidate) => candidate.code).join(', ')}`,
			{ itemIndex },
		);
	}
	const dataCardId = await createCard.call(this, template, folder, data, itemIndex);
	return { dataCardId, templateCode: template, folderCode: folder, action: 'created' };
}
