import type { FieldType, ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { getTemplate } from '../metadata';
import type { EsmAttributeMeta } from '../values';
import { templateCode } from './parameters';

function fieldType(attribute: EsmAttributeMeta): FieldType {
	if (attribute.multiValue) return 'array';
	switch (attribute.type) {
		case 'number':
			return 'number';
		case 'date':
		case 'datetime':
			return 'dateTime';
		case 'static-value':
			return attribute.values?.length ? 'options' : 'string';
		default:
			return 'string';
	}
}

function toMapperField(attribute: EsmAttributeMeta): ResourceMapperField {
	const type = fieldType(attribute);
	return {
		id: attribute.code,
		displayName: `${attribute.name} (${attribute.code})`,
		required: false,
		defaultMatch: attribute.code === 'efecte_id',
		canBeUsedToMatch: !attribute.multiValue && ['string', 'text', 'number'].includes(String(attribute.type)),
		display: true,
		type,
		...(type === 'options' ? { options: (attribute.values ?? []).map((choice) => ({ name: choice.value, value: choice.value })) } : {}),
	};
}

/** The chosen template's attributes (files are written with the Upload operation instead). */
export async function getAttributeFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const code = templateCode(this);
	if (!code) return { fields: [], emptyFieldsNotice: 'Choose a Template first: the fields are its attributes' };
	const template = await getTemplate.call(this, code);
	return { fields: template.attributes.filter((attribute) => attribute.file !== true).map(toMapperField) };
}
