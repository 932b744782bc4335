import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredString } from '../../../shared/parameters';
import { mappedValues } from '../../../shared/resourceMapper';
import { EqlValueError } from '../../eql';
import { getTemplate } from '../../metadata';
import { cardsByKeys } from '../../cards';
import { cardErrors, EsmValueError, findAttribute, simplifyCard, toEsmData, type EsmAttributeMeta, type EsmTemplate } from '../../values';

export const templateLocator: INodeProperties = {
	displayName: 'Template',
	name: 'template',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The data card template (e.g. incident, person)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a template…',
			typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
		},
		{
			displayName: 'By Code',
			name: 'code',
			type: 'string',
			placeholder: 'incident',
			validation: [{ type: 'regex', properties: { regex: '^[A-Za-z0-9_-]+$', errorMessage: 'Enter a template code like incident' } }],
		},
	],
};

export const folderParameter: INodeProperties = {
	displayName: 'Folder Name or ID',
	name: 'folder',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getFolders', loadOptionsDependsOn: ['template.value'] },
	default: '',
	required: true,
	description:
		'Folder new cards are created in. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const dataCardIdParameter: INodeProperties = {
	displayName: 'Data Card ID',
	name: 'dataCardId',
	type: 'string',
	default: '',
	required: true,
	placeholder: '378180',
	description: 'The numeric ID ESM gives each card (not the efecte_id)',
};

export const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{ name: 'Simplified', value: 'simplified', description: 'Flat: dataCardId, templateCode, folderCode and one key per attribute code' },
		{ name: 'Raw', value: 'raw', description: 'As the ESM API returns it' },
	],
	default: 'simplified',
};

/** What the write operations share: the attribute mapper, the JSON escape hatch, Task ID stamping. */
export function attributeParameters(mode: 'add' | 'update' | 'upsert'): INodeProperties[] {
	return [
		{
			displayName: 'Attributes',
			name: 'attributes',
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			typeOptions: {
				loadOptionsDependsOn: ['template.value'],
				resourceMapper: {
					resourceMapperMethod: 'getAttributeFields',
					mode,
					fieldWords: { singular: 'attribute', plural: 'attributes' },
					addAllFields: false,
					multiKeyMatch: false,
					supportAutoMap: true,
					...(mode === 'upsert' ? { matchingFieldsLabels: { title: 'Attribute to Match On', description: 'A unique attribute such as efecte_id' } } : {}),
				},
			},
			description: 'Attribute values by code; empty values are left out (use Attributes (JSON) with null to clear one)',
		},
	];
}

export const writeOptions: INodeProperties[] = [
	{
		displayName: 'Attributes (JSON)',
		name: 'dataJson',
		type: 'json',
		default: '{}',
		description: 'More attribute values as a JSON object keyed by attribute code or name, converted like the mapped ones; null clears an attribute. Applied last.',
	},
	{
		displayName: 'Empty Mapped Values',
		name: 'emptyValues',
		type: 'options',
		options: [
			{ name: 'Leave Out', value: 'leaveOut', description: 'An empty mapped value leaves the attribute as it is' },
			{ name: 'Clear the Attribute', value: 'clear', description: 'An empty mapped value clears the attribute, as a sync needs when the source field was emptied' },
		],
		default: 'leaveOut',
		description: 'What an empty mapped value (null, empty text) does',
	},
	{
		displayName: 'Reference Lookup Attribute',
		name: 'referenceLookup',
		type: 'string',
		default: 'efecte_id',
		description:
			'A reference given as text rather than a data card ID is looked up in the target template by this unique attribute (e.g. PER-000123)',
	},
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		placeholder: 'jira-issues-full',
		description: 'Stamped into the Task ID Attribute of every card written, as the vendor’s connector tasks do; Reconcile Removed finds the task’s cards by it',
	},
	{
		displayName: 'Task ID Attribute',
		name: 'taskIdAttribute',
		type: 'string',
		default: 'datasourceid',
		description: 'Attribute that holds the Task ID (called Task ID by the vendor, formerly datasourceid)',
	},
];

export function templateParameter(this: IExecuteFunctions, itemIndex: number): string {
	return requiredString.call(this, 'template', 'Template', itemIndex, 'choose a template or enter its code');
}

export function inputError(this: IExecuteFunctions, error: unknown, itemIndex: number): unknown {
	if (error instanceof EsmValueError || error instanceof EqlValueError) {
		return new NodeOperationError(this.getNode(), error.message, { itemIndex });
	}
	return error;
}

function parseJsonObject(this: IExecuteFunctions, raw: unknown, label: string, itemIndex: number): IDataObject {
	if (raw === undefined || raw === null || raw === '') return {};
	if (typeof raw === 'object' && !Array.isArray(raw)) return raw as IDataObject;
	try {
		const parsed = JSON.parse(String(raw)) as unknown;
		if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as IDataObject;
	} catch {
		// Reported below.
	}
	throw new NodeOperationError(this.getNode(), `${label} must be a JSON object like {"subject": "Printer", "priority": "2 - High"}`, {
		itemIndex,
	});
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * The attribute values an item gives: the mapper (empty ones left out, or as null to clear the
 * attribute with Empty Mapped Values = Clear), then the JSON, then the Task ID stamp.
 */
export function itemAttributes(this: IExecuteFunctions, itemIndex: number, template: EsmTemplate, options: IDataObject): IDataObject {
	const mapped = mappedValues.call(this, 'attributes', itemIndex, (name) => findAttribute(template.attributes, name) !== undefined);
	const clearEmpty = options.emptyValues === 'clear';
	const values: IDataObject = {};
	for (const [code, value] of Object.entries(mapped)) {
		if (!isEmpty(value)) values[code] = value;
		else if (clearEmpty) values[code] = null;
	}
	Object.assign(values, parseJsonObject.call(this, options.dataJson, 'Attributes (JSON)', itemIndex));
	const taskId = String(options.taskId ?? '').trim();
	if (taskId) {
		const attribute = String(options.taskIdAttribute ?? 'datasourceid').trim();
		if (!template.attributes.some((candidate) => candidate.code === attribute)) {
			throw new NodeOperationError(
				this.getNode(),
				`Task ID Attribute "${attribute}" is not an attribute of template ${template.code}: add it in ESM or change the option`,
				{ itemIndex },
			);
		}
		values[attribute] = taskId;
	}
	return values;
}

/**
 * References given as text (e.g. "PER-000123", an account id) are looked up in their target
 * templates by the lookup attribute: all distinct values at once, in OR-chunks (no EQL IN), so that
 * a run over thousands of records costs a few requests, not one per value. The answer feeds
 * toEsmData; a value held by several cards is an error naming them.
 */
export async function resolveReferences(
	this: IExecuteFunctions,
	template: EsmTemplate,
	records: IDataObject[],
	lookupAttribute: string,
	itemIndex: number,
	keyLookup?: unknown,
): Promise<(meta: EsmAttributeMeta, value: string) => string | undefined> {
	const mode = keyLookup === 'chunks' || keyLookup === 'listAll' ? keyLookup : 'auto';
	const wanted = new Map<string, { meta: EsmAttributeMeta; values: Set<string> }>();
	for (const record of records) {
		for (const [code, value] of Object.entries(record)) {
			const meta = findAttribute(template.attributes, code);
			if (meta?.type !== 'reference') continue;
			for (const single of Array.isArray(value) ? value : [value]) {
				if (typeof single !== 'string' || single.trim() === '' || /^\d+$/.test(single.trim())) continue;
				const entry = wanted.get(meta.code) ?? { meta, values: new Set<string>() };
				entry.values.add(single);
				wanted.set(meta.code, entry);
			}
		}
	}
	const found = new Map<string, Array<{ template: string; id: string }>>();
	for (const { meta, values } of wanted.values()) {
		let pending = [...values];
		for (const target of meta.target ?? []) {
			if (!pending.length) break;
			for (const card of await cardsByKeys.call(this, target, lookupAttribute, pending, mode, itemIndex)) {
				const key = String((simplifyCard(card) as IDataObject)[lookupAttribute] ?? '');
				const list = found.get(`${meta.code}\u0000${key}`) ?? [];
				list.push({ template: target, id: String(card.dataCardId) });
				found.set(`${meta.code}\u0000${key}`, list);
			}
			pending = pending.filter((value) => !found.has(`${meta.code}\u0000${value}`));
		}
	}
	return (meta, value) => {
		const cards = found.get(`${meta.code}\u0000${value}`) ?? [];
		if (cards.length > 1) {
			throw new EsmValueError(
				`"${value}" is the ${lookupAttribute} of several cards (${cards.map((card) => `${card.template} ${card.id}`).join(', ')}): the reference of ${meta.code} cannot be chosen`,
				meta.code,
			);
		}
		return cards[0]?.id;
	};
}

/** Converts an item's values for the template, references resolved; errors name the attribute. */
export async function buildData(
	this: IExecuteFunctions,
	itemIndex: number,
	templateCode: string,
	options: IDataObject,
): Promise<{ template: EsmTemplate; values: IDataObject; data: IDataObject }> {
	const template = await getTemplate.call(this, templateCode, itemIndex);
	try {
		const values = itemAttributes.call(this, itemIndex, template, options);
		const resolveReference = await resolveReferences.call(this, template, [values], String(options.referenceLookup ?? 'efecte_id'), itemIndex);
		return { template, values, data: toEsmData(template.attributes, values, { resolveReference }) as IDataObject };
	} catch (error) {
		throw inputError.call(this, error, itemIndex);
	}
}

/** ESM reports attribute problems inside 2xx answers too: a write with any of them is a failed write. */
export function assertNoAttributeErrors(this: IExecuteFunctions, response: unknown, itemIndex: number): void {
	const errors = cardErrors(response);
	if (errors.length) {
		throw new NodeOperationError(this.getNode(), `ESM did not save ${errors.map((error) => error.message).join('; ')}`, {
			itemIndex,
			description: 'Fix the named attribute values; a card with attribute errors counts as not written.',
		});
	}
}

/** Output form of a card; the template tells which attributes are multi-value (lists even with one value). */
export function shapeCard(card: IDataObject, output: unknown, template?: EsmTemplate): IDataObject {
	return output === 'raw' ? card : (simplifyCard(card, template) as IDataObject);
}
