import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getTemplate } from '../../../metadata';
import { templateLocator, templateParameter } from '../common';

const properties: INodeProperties[] = [templateLocator];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['get'] } }, properties);

/** Folders and attributes with their types and dropdown values: what a mapping needs to know. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const template = await getTemplate.call(this, templateParameter.call(this, itemIndex), itemIndex);
	return template as unknown as IDataObject;
}
