import type { FieldType, ILoadOptionsFunctions, IDataObject, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { isRichTextField } from '../fields';
import { getAllFields, getCreateMeta, type JiraFieldMeta } from '../metadata';
import { locatorValue } from './parameters';

/** Set by their own parameters, so not offered again in the mapper. */
const OWN_PARAMETERS = new Set(['project', 'issuetype', 'summary', 'description']);
/** Jira maintains these; they cannot be written. */
const READ_ONLY = new Set(['attachment', 'issuelinks', 'worklog', 'comment', 'watches', 'votes', 'timespent', 'aggregatetimespent']);

function fieldType(meta: JiraFieldMeta): FieldType {
	if (isRichTextField(meta)) return 'string';
	switch (meta.schema?.type) {
		case 'number':
			return 'number';
		case 'date':
		case 'datetime':
			return 'dateTime';
		case 'array':
			return 'array';
		case 'option':
		case 'priority':
		case 'resolution':
			return meta.allowedValues?.length ? 'options' : 'string';
		default:
			return 'string';
	}
}

function toMapperField(meta: JiraFieldMeta): ResourceMapperField {
	const type = fieldType(meta);
	const field: ResourceMapperField = {
		id: meta.id,
		displayName: `${meta.name}${meta.id.startsWith('customfield_') ? ` (${meta.id})` : ''}`,
		required: meta.required && !meta.hasDefaultValue,
		defaultMatch: false,
		display: true,
		type,
	};
	if (type === 'options') {
		field.options = (meta.allowedValues ?? []).map((value: IDataObject) => ({
			name: String(value.value ?? value.name ?? value.id),
			value: String(value.id),
		}));
	}
	return field;
}


/** Fields of the create screen of the chosen project and issue type, with required flags and allowed values. */
export async function getCreateFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const project = locatorValue(this, 'project');
	const issueType = String(this.getNodeParameter('issueType', '') ?? '');
	if (!project || !issueType) {
		return { fields: [], emptyFieldsNotice: 'Choose a Project and an Issue Type first: the fields come from their create screen' };
	}
	const fields = await getCreateMeta.call(this, project, issueType);
	return {
		fields: fields.filter((field) => !OWN_PARAMETERS.has(field.id) && !READ_ONLY.has(field.id)).map(toMapperField),
	};
}

/** Every editable field of the site (the issue's edit screen decides at run time). */
export async function getUpdateFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const fields = await getAllFields.call(this);
	return {
		fields: fields
			.filter((field) => field.orderable && !READ_ONLY.has(field.id) && field.id !== 'project' && field.id !== 'issuetype')
			.map((field) => ({ ...toMapperField(field), required: false })),
	};
}
