import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BodyFormat } from '../../../adf';
import { issueLocator, richTextFormat } from '../../../descriptions';
import { jiraApiRequest, jiraSession } from '../../../transport';
import { convertRichText, issueKeyParameter, issueUrl } from '../common';

export const EXPAND_OPTIONS = [
	{ name: 'Changelog (Recent)', value: 'changelog' },
	{ name: 'Edit Metadata', value: 'editmeta' },
	{ name: 'Field Names', value: 'names' },
	{ name: 'Field Schema', value: 'schema' },
	{ name: 'Operations', value: 'operations' },
	{ name: 'Rendered Fields (HTML)', value: 'renderedFields' },
	{ name: 'Transitions', value: 'transitions' },
	{ name: 'Versioned Representations', value: 'versionedRepresentations' },
];

/** Field selection, expand, properties and output format: shared by Get and Search. */
export function readOptions(fieldsDefault: string): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Expand',
				name: 'expand',
				type: 'multiOptions',
				options: EXPAND_OPTIONS,
				default: [],
			},
			{
				displayName: 'Field Names or IDs',
				name: 'fields',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getFields' },
				default: [],
				description: `Fields to return; none chosen means ${fieldsDefault}. With an expression: a list or comma-separated IDs, -field to exclude. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
			},
			{
				displayName: 'Issue Properties',
				name: 'properties',
				type: 'string',
				default: '',
				description: 'Comma-separated entity property keys to return with each issue (at most 5)',
			},
			richTextFormat('richTextFormat', 'Rich Text Output', 'Format in which rich-text fields (description, comments, text areas) are returned'),
		],
	};
}

const properties: INodeProperties[] = [issueLocator(), readOptions('*all')];

export const description = updateDisplayOptions({ show: { resource: ['issue'], operation: ['get'] } }, properties);

/** A list from a multi-select, an expression's array, or a comma-separated string. */
export function splitList(value: unknown): string[] {
	return (Array.isArray(value) ? value.join(',') : String(value ?? ''))
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

/** An issue as the node outputs it: rich text converted, a browser link added. */
export function shapeIssue(issue: IDataObject, format: BodyFormat, baseUrl: string): IDataObject {
	const fields = convertRichText(issue.fields as IDataObject | undefined, format);
	if (fields?.comment && format !== 'adf') {
		const comment = fields.comment as IDataObject;
		fields.comment = { ...comment, comments: ((comment.comments as IDataObject[]) ?? []).map((c) => convertRichText(c, format)) };
	}
	return { ...issue, ...(fields ? { fields } : {}), url: issueUrl(baseUrl, String(issue.key)) };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	const fields = splitList(options.fields);
	qs.fields = fields.length ? fields.join(',') : '*all';
	if ((options.expand as string[] | undefined)?.length) qs.expand = (options.expand as string[]).join(',');
	if (options.properties) qs.properties = splitList(options.properties).join(',');
	const issue = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}`,
		qs,
		itemIndex,
	})) as IDataObject;
	const { baseUrl } = await jiraSession(this);
	return shapeIssue(issue, (options.richTextFormat as BodyFormat | undefined) ?? 'text', baseUrl);
}
