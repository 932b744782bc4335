import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listTemplates } from '../../../metadata';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<IDataObject[]> {
	const templates = await listTemplates.call(this);
	return templates.map((template) => ({ code: template.templateCode ?? template.code, name: template.name }));
}
