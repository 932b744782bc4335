import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../../../shared/parameters';
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
