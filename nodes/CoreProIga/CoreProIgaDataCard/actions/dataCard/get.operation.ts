import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundError } from '../../../../shared/execute';
import { requiredString } from '../../../../shared/parameters';
import { getTemplate } from '../../../metadata';
import { esmApiRequest } from '../../../transport';
import { dataCardIdParameter, outputOption, shapeCard, templateLocator, templateParameter } from '../common';
import { findCardByKey } from './find';

const properties: INodeProperties[] = [
	templateLocator,
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		options: [
			{ name: 'Data Card ID', value: 'id' },
			{ name: 'Unique Attribute', value: 'unique', description: 'E.g. efecte_id = INC-000123.' },
		],
		default: 'id',
	},
	{ ...dataCardIdParameter, displayOptions: { show: { findBy: ['id'] } } },
	{
		displayName: 'Attribute Name or ID',
		name: 'keyAttribute',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getKeyAttributes', loadOptionsDependsOn: ['template.value'] },
		default: 'efecte_id',
		displayOptions: { show: { findBy: ['unique'] } },
		description:
			'Unique attribute to find the card by. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Value',
		name: 'keyValue',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { findBy: ['unique'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Attribute Names or IDs',
				name: 'selectedAttributes',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getAttributes', loadOptionsDependsOn: ['template.value'] },
				default: [],
				description:
					'Only these attributes. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			outputOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['dataCard'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const template = templateParameter.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const selectedAttributes = (options.selectedAttributes as string[] | undefined) ?? [];
	const meta = options.output === 'raw' ? undefined : await getTemplate.call(this, template, itemIndex);
	if (this.getNodeParameter('findBy', itemIndex, 'id') === 'unique') {
		const attribute = requiredString.call(this, 'keyAttribute', 'Attribute', itemIndex, 'choose the unique attribute, e.g. efecte_id');
		const value = requiredString.call(this, 'keyValue', 'Value', itemIndex, 'enter the value to find');
		const card = await findCardByKey.call(this, template, attribute, value, itemIndex, { dataCards: true, selectedAttributes });
		if (!card) throw notFoundError(this, `No ${template} card has ${attribute} = "${value}"`, itemIndex);
		return shapeCard(card, options.output, meta);
	}
	const dataCardId = requiredString.call(this, 'dataCardId', 'Data Card ID', itemIndex, 'enter the numeric ID of the card');
	const card = (await esmApiRequest.call(this, {
		method: 'GET',
		path: `/dc/${encodeURIComponent(template)}/data/${encodeURIComponent(dataCardId)}`,
		qs: selectedAttributes.length ? { selectedAttributes: selectedAttributes.join(',') } : {},
		itemIndex,
	})) as IDataObject;
	return shapeCard(card, options.output, meta);
}
