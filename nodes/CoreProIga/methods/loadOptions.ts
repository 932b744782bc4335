import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getTemplate } from '../metadata';
import { templateCode } from './parameters';

async function chosenTemplate(ctx: ILoadOptionsFunctions) {
	const code = templateCode(ctx);
	if (!code) throw new NodeOperationError(ctx.getNode(), 'Choose a Template first: folders and attributes depend on it');
	return await getTemplate.call(ctx, code);
}

export async function getFolders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const template = await chosenTemplate(this);
	return template.folders.map((folder) => ({ name: `${folder.name} (${folder.code})`, value: folder.code }));
}

export async function getAttributes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const template = await chosenTemplate(this);
	return template.attributes
		.map((attribute) => ({ name: `${attribute.name} (${attribute.code})`, value: attribute.code, description: attribute.type }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Attributes that can identify a card (text and number), for Get By and upsert keys. */
export async function getKeyAttributes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const template = await chosenTemplate(this);
	return template.attributes
		.filter((attribute) => !attribute.multiValue && ['string', 'text', 'number'].includes(String(attribute.type)))
		.map((attribute) => ({ name: `${attribute.name} (${attribute.code})`, value: attribute.code }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** File attributes (external references that hold uploads), for upload and download. */
export async function getFileAttributes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const template = await chosenTemplate(this);
	return template.attributes
		.filter((attribute) => attribute.file === true || attribute.type === 'external-reference')
		.map((attribute) => ({ name: `${attribute.name} (${attribute.code})`, value: attribute.code }));
}

/** The dropdown values of the attribute chosen in `statusAttribute` (e.g. Active, Deleted). */
export async function getStatusValues(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const template = await chosenTemplate(this);
	const code = String(this.getNodeParameter('statusAttribute', '') ?? '');
	const attribute = template.attributes.find((candidate) => candidate.code === code);
	if (!attribute) throw new NodeOperationError(this.getNode(), 'Choose a Status Attribute first: its dropdown values are listed here');
	return (attribute.values ?? []).map((choice) => ({ name: choice.value, value: choice.value }));
}
