import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../../shared/descriptions';
import { bindEql } from '../../../eql';
import { getTemplate } from '../../../metadata';
import { cardPages, paginateCards } from '../../../transport';
import { inputError, outputOption, shapeCard, templateLocator, templateParameter } from '../common';

const properties: INodeProperties[] = [
	templateLocator,
	{
		displayName: 'Filter (EQL)',
		name: 'filter',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: "$status$ <> '07 - Closed' AND $updated$ > :since",
		description:
			'The WHERE part of an EQL query, as the ESM API takes it; empty returns every card. Put values from item data in as :name placeholders defined under Filter Values: the node quotes them.',
	},
	{
		displayName: 'Filter Values',
		name: 'filterValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Value',
		default: {},
		options: [
			{
				displayName: 'Value',
				name: 'values',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'since' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	...returnAllAndLimit(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Full Cards',
				name: 'fullCards',
				type: 'boolean',
				default: true,
				description: 'Whether to return every card with its attributes, rather than ID and name only',
			},
			{
				displayName: 'Attribute Names or IDs',
				name: 'selectedAttributes',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getAttributes', loadOptionsDependsOn: ['template.value'] },
				default: [],
				description:
					'Only these attributes (faster on wide templates). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Use Stream Endpoint',
				name: 'stream',
				type: 'boolean',
				default: false,
				description: 'Whether to read everything in one unpaged answer (/data/stream), which ESM offers for heavy reads. An ESM without the stream endpoint is read page by page.',
			},
			outputOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['dataCard'], operation: ['search'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const template = templateParameter.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	let filter: string;
	try {
		const entries = ((this.getNodeParameter('filterValues.values', itemIndex, []) as IDataObject[]) ?? []).filter((entry) => entry.name);
		filter = bindEql(
			String(this.getNodeParameter('filter', itemIndex, '') ?? '').trim(),
			Object.fromEntries(entries.map((entry) => [String(entry.name).trim(), entry.value])),
		);
	} catch (error) {
		throw inputError.call(this, error, itemIndex);
	}
	const query = {
		template,
		filter,
		dataCards: options.fullCards !== false,
		selectedAttributes: (options.selectedAttributes as string[] | undefined) ?? [],
		itemIndex,
	};
	const meta = options.output === 'raw' ? undefined : await getTemplate.call(this, template, itemIndex);
	const cards: IDataObject[] = [];
	const pages = options.stream ? cardPages.call(this, query, { stream: true }) : paginateCards.call(this, query, { limit });
	for await (const page of pages) {
		for (const card of page) {
			if (limit !== undefined && cards.length >= limit) return cards;
			cards.push(shapeCard(card, options.output, meta));
		}
	}
	return cards;
}
