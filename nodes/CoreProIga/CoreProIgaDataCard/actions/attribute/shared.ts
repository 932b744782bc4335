import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredString, shortText } from '../../../../shared/parameters';
import { getTemplate } from '../../../metadata';
import { dataCardIdParameter, templateLocator, templateParameter } from '../common';

export const attributeCodeParameter: INodeProperties = {
	displayName: 'Attribute Name or ID',
	name: 'attributeCode',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getAttributes', loadOptionsDependsOn: ['template.value'] },
	default: '',
	required: true,
	description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

export const cardAttributeParameters: INodeProperties[] = [templateLocator, dataCardIdParameter, attributeCodeParameter];

/** `/dc/{template}/data/{id}/{attribute}` of the item, with the parts for the output. */
export function attributePath(this: IExecuteFunctions, itemIndex: number) {
	const template = templateParameter.call(this, itemIndex);
	const dataCardId = requiredString.call(this, 'dataCardId', 'Data Card ID', itemIndex, 'enter the numeric ID of the card');
	const attributeCode = requiredString.call(this, 'attributeCode', 'Attribute', itemIndex, 'choose the attribute');
	return {
		template,
		dataCardId,
		attributeCode,
		path: `/dc/${encodeURIComponent(template)}/data/${encodeURIComponent(dataCardId)}/${encodeURIComponent(attributeCode)}`,
	};
}

/** ESM's answers to an attribute code it does not know: 403 "Resource not found" (its spec), or a too-long address. */
const UNKNOWN_ATTRIBUTE_STATUSES = new Set(['403', '414', '431']);

/**
 * Sends a request to one attribute of a card. ESM answers an unknown attribute code with 403
 * "Resource not found", which reads as a missing permission: after such an answer the code is looked
 * up in the template (loaded once per run), and an unknown code is named as what it is.
 */
export async function withAttributeCheck<T>(
	this: IExecuteFunctions,
	parts: { template: string; attributeCode: string },
	itemIndex: number,
	send: () => Promise<T>,
): Promise<T> {
	let failure: unknown;
	try {
		return await send();
	} catch (error) {
		failure = error;
	}
	if (!UNKNOWN_ATTRIBUTE_STATUSES.has(String((failure as { httpCode?: unknown }).httpCode ?? ''))) throw failure;
	const template = await getTemplate.call(this, parts.template, itemIndex).catch(() => undefined);
	if (!template || template.attributes.some((attribute) => attribute.code === parts.attributeCode)) throw failure;
	const known = template.attributes.slice(0, 8).map((attribute) => attribute.code);
	throw new NodeOperationError(
		this.getNode(),
		`Attribute "${shortText(parts.attributeCode)}" is not an attribute of template ${parts.template}: choose one from the list (e.g. ${known.join(', ')})`,
		{ itemIndex },
	);
}
