import { mappedValues } from '../../../../shared/resourceMapper';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { BodyFormat } from '../../../adf';
import { issueLocator, richTextFormat } from '../../../descriptions';
import { buildFields, findField, parseFieldsJson } from '../../../fields';
import { getEditMeta } from '../../../metadata';
import { jiraApiRequest, jiraSession } from '../../../transport';
import { asInputError, issueKeyParameter, issuePropertiesOf, issuePropertiesOption, issueUrl } from '../common';

const properties: INodeProperties[] = [
	issueLocator(),
	{
		displayName: 'Summary',
		name: 'summary',
		type: 'string',
		default: '',
		description: 'New summary; leave empty to keep the current one',
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'New description in the Rich Text Format below; leave empty to keep the current one',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		typeOptions: {
			resourceMapper: {
				resourceMapperMethod: 'getUpdateFields',
				mode: 'update',
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: false,
				multiKeyMatch: false,
				supportAutoMap: true,
			},
		},
		description: 'Fields to change; empty values are left unchanged (use Fields (JSON) with null to clear one)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Fields (JSON)',
				name: 'fieldsJson',
				type: 'json',
				default: '{}',
				description: 'Extra fields as a JSON object keyed by field ID or name; null clears a field. Applied last.',
			},
			issuePropertiesOption,
			{
				displayName: 'Notify Users',
				name: 'notifyUsers',
				type: 'boolean',
				default: true,
				description: 'Whether Jira emails watchers about the change (turning it off needs admin rights)',
			},
			richTextFormat('richTextFormat', 'Rich Text Format', 'How Description and other rich-text fields are written'),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['issue'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const richText = (options.richTextFormat as BodyFormat | undefined) ?? 'text';
	const issueProperties = issuePropertiesOf.call(this, options.issueProperties, itemIndex);
	const screen = await getEditMeta.call(this, issueKey);

	let fields: IDataObject;
	try {
		const mapped = mappedValues.call(this, 'fields', itemIndex, (name) => findField(screen, name) !== undefined);
		const summary = (this.getNodeParameter('summary', itemIndex, '') as string).trim();
		const description = this.getNodeParameter('description', itemIndex, '') as string;
		const simple: IDataObject = { ...mapped, ...(summary ? { summary } : {}), ...(description ? { description } : {}) };
		fields = {
			...buildFields(screen, simple, richText, 'Fields', { skipEmpty: true }),
			...buildFields(screen, parseFieldsJson(options.fieldsJson, 'Fields (JSON)'), richText, 'Fields (JSON)', {
				skipEmpty: false,
			}),
		};
	} catch (error) {
		throw asInputError.call(this, error, itemIndex);
	}
	if (Object.keys(fields).length === 0 && issueProperties.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update: set Summary, Description, a mapped field, Fields (JSON) or Issue Properties (JSON)', {
			itemIndex,
		});
	}

	await jiraApiRequest.call(this, {
		method: 'PUT',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}`,
		qs: options.notifyUsers === false ? { notifyUsers: false } : {},
		// Issue properties are stored in the same edit (Jira applies both or neither).
		body: { fields, ...(issueProperties.length ? { properties: issueProperties } : {}) },
		itemIndex,
	});
	const { baseUrl } = await jiraSession(this);
	return {
		key: issueKey,
		updated: true,
		updatedFields: Object.keys(fields),
		...(issueProperties.length ? { updatedProperties: issueProperties.map((property) => property.key) } : {}),
		url: issueUrl(baseUrl, issueKey),
	};
}
