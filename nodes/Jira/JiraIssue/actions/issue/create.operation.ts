import { mappedValues } from '../../../../shared/resourceMapper';
import { requiredString } from '../../../../shared/parameters';
import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { type BodyFormat } from '../../../adf';
import { projectLocator, richTextFormat } from '../../../descriptions';
import { buildFields, findField, missingRequiredFields, parseFieldsJson } from '../../../fields';
import { jqlString } from '../../../jql';
import { getCreateMeta, getIssueTypesOf } from '../../../metadata';
import { jiraApiRequest, jiraSession } from '../../../transport';
import { asInputError, issuePropertiesOf, issuePropertiesOption, issueUrl } from '../common';

/** Entity property stamped on each created issue so that a lost answer can be told from a failed create. */
export const CREATE_REQUEST_PROPERTY = 'n8n-esm-connectors.createRequest';

const properties: INodeProperties[] = [
	projectLocator({ description: 'Project to create the issue in' }),
	{
		displayName: 'Issue Type Name or ID',
		name: 'issueType',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getIssueTypes', loadOptionsDependsOn: ['project.value'] },
		default: '',
		required: true,
		description:
			'Issue type to create. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Summary',
		name: 'summary',
		type: 'string',
		default: '',
		required: true,
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Written in the Rich Text Format below and sent to Jira as Atlassian Document Format',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		typeOptions: {
			loadOptionsDependsOn: ['project.value', 'issueType'],
			resourceMapper: {
				resourceMapperMethod: 'getCreateFields',
				mode: 'add',
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: false,
				multiKeyMatch: false,
				supportAutoMap: true,
			},
		},
		description: 'Any field of the create screen, custom fields included (priority, labels, assignee…)',
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
				description:
					'Extra fields as a JSON object keyed by field ID or name, sent after conversion, e.g. {"Story Points": 3, "customfield_10020": 42}. Applied last.',
			},
			{
				displayName: 'Parent Issue Key',
				name: 'parentKey',
				type: 'string',
				default: '',
				placeholder: 'ABC-12',
				description: 'For sub-tasks (and child issues of an epic)',
			},
			issuePropertiesOption,
			richTextFormat('richTextFormat', 'Rich Text Format', 'How Description and other rich-text fields are written'),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['issue'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const project = requiredString.call(this, 'project', 'Project', itemIndex, 'choose the project to create the issue in');
	const issueType = await issueTypeId.call(
		this,
		project,
		requiredString.call(this, 'issueType', 'Issue Type', itemIndex, 'choose the issue type to create'),
		itemIndex,
	);
	const summary = requiredString.call(this, 'summary', 'Summary', itemIndex, 'enter the issue summary');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const richText = (options.richTextFormat as BodyFormat | undefined) ?? 'text';

	const issueProperties = issuePropertiesOf.call(this, options.issueProperties, itemIndex);
	const screen = await getCreateMeta.call(this, project, issueType);
	let fields: IDataObject;
	try {
		const mapped = mappedValues.call(this, 'fields', itemIndex, (name) => findField(screen, name) !== undefined);
		const description = this.getNodeParameter('description', itemIndex, '') as string;
		fields = {
			...buildFields(screen, { ...mapped, ...(description ? { description } : {}) }, richText, 'Fields', { skipEmpty: true }),
			...buildFields(screen, parseFieldsJson(options.fieldsJson, 'Fields (JSON)'), richText, 'Fields (JSON)', {
				skipEmpty: false,
			}),
		};
	} catch (error) {
		throw asInputError.call(this, error, itemIndex);
	}
	fields.project = /^\d+$/.test(project) ? { id: project } : { key: project };
	fields.issuetype = { id: issueType };
	fields.summary = summary;
	if (options.parentKey) fields.parent = { key: String(options.parentKey).trim() };

	const missing = missingRequiredFields(screen, fields);
	if (missing.length) {
		throw new NodeOperationError(
			this.getNode(),
			`Missing required Jira ${missing.length === 1 ? 'field' : 'fields'} for project ${project}: ${missing
				.map((field) => `${field.name} (${field.id})`)
				.join(', ')}`,
			{ itemIndex, description: 'Map them under Fields, or add them to Fields (JSON).' },
		);
	}

	const requestId = randomUUID();
	const created = (await jiraApiRequest.call(this, {
		method: 'POST',
		path: '/rest/api/3/issue',
		body: { fields, properties: [...issueProperties, { key: CREATE_REQUEST_PROPERTY, value: { requestId } }] },
		itemIndex,
		verifyAfterFailure: async () => await findCreatedIssue.call(this, project, requestId),
	})) as IDataObject;
	const { baseUrl } = await jiraSession(this);
	return { id: created.id, key: created.key, self: created.self, url: issueUrl(baseUrl, String(created.key)) };
}

/** Issue types are chosen by ID; an expression may give a name (e.g. from an ESM webhook): resolved here. */
async function issueTypeId(this: IExecuteFunctions, project: string, idOrName: string, itemIndex: number): Promise<string> {
	if (/^\d+$/.test(idOrName)) return idOrName;
	const types = await getIssueTypesOf.call(this, project);
	const match = types.find((type) => String(type.name).toLowerCase() === idOrName.toLowerCase());
	if (!match) {
		throw new NodeOperationError(
			this.getNode(),
			`Issue type "${idOrName}" does not exist in project ${project}; available: ${types.map((type) => String(type.name)).join(', ') || 'none'}`,
			{ itemIndex },
		);
	}
	return String(match.id);
}

/** After a lost answer: did our create go through? Looks for our request id on the account's newest issues. */
async function findCreatedIssue(this: IExecuteFunctions, project: string, requestId: string): Promise<IDataObject | undefined> {
	const page = (await jiraApiRequest.call(this, {
		method: 'POST',
		path: '/rest/api/3/search/jql',
		idempotent: true,
		body: {
			jql: `project = ${jqlString(project)} AND creator = currentUser() AND created >= -30m ORDER BY created DESC`,
			fields: ['summary'],
			properties: [CREATE_REQUEST_PROPERTY],
			maxResults: 50,
		},
	})) as IDataObject;
	for (const issue of (page.issues as IDataObject[] | undefined) ?? []) {
		const stamp = (issue.properties as IDataObject | undefined)?.[CREATE_REQUEST_PROPERTY] as IDataObject | undefined;
		if (stamp?.requestId === requestId) return { id: issue.id, key: issue.key, self: issue.self };
	}
	return undefined;
}
