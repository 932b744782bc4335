import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { BodyFormat } from '../../../adf';
import { returnAllAndLimit } from '../../../descriptions';
import { bindJql } from '../../../jql';
import { jiraSession, JIRA_PAGE_SIZE, paginateByToken } from '../../../transport';
import { asNodeError } from '../../../../shared/execute';
import { asInputError } from '../common';
import { readOptions, shapeIssue, splitList } from './get.operation';
import { shortText } from '../../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'JQL',
		name: 'jql',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		placeholder: 'project = ABC AND updated >= -1d ORDER BY updated DESC',
		description:
			'The query. Put values from item data in as :name placeholders defined under JQL Values, never by pasting them into the text: the node quotes and escapes them.',
	},
	{
		displayName: 'JQL Values',
		name: 'jqlValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Value',
		default: {},
		description: 'Values for :name placeholders in the JQL, quoted and escaped by the node (a list becomes ("a", "b") for IN)',
		options: [
			{
				displayName: 'Value',
				name: 'values',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'summaryText' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	...returnAllAndLimit(),
	readOptions('*navigable'),
];

export const description = updateDisplayOptions({ show: { resource: ['issue'], operation: ['search'] } }, properties);

function boundJql(this: IExecuteFunctions, itemIndex: number): string {
	const jql = (this.getNodeParameter('jql', itemIndex, '') as string).trim();
	if (!jql) {
		throw new NodeOperationError(this.getNode(), 'JQL is empty: enter a bounded query, e.g. project = ABC ORDER BY updated DESC', {
			itemIndex,
			description: 'Jira’s search refuses queries without a restriction.',
		});
	}
	const entries = ((this.getNodeParameter('jqlValues.values', itemIndex, []) as IDataObject[]) ?? []).filter((entry) => entry.name);
	const values = Object.fromEntries(entries.map((entry) => [String(entry.name).trim(), entry.value]));
	try {
		return bindJql(jql, values);
	} catch (error) {
		throw asInputError.call(this, error, itemIndex);
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const jql = boundJql.call(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const chosen = splitList(options.fields);
	const fields = chosen.length ? chosen : ['*navigable'];
	const idsOnly = fields.length > 0 && fields.every((field) => field === 'id' || field === 'key');
	const body: IDataObject = { jql, fields };
	if ((options.expand as string[] | undefined)?.length) body.expand = (options.expand as string[]).join(',');
	if (options.properties) body.properties = splitList(options.properties);

	const format = (options.richTextFormat as BodyFormat | undefined) ?? 'text';
	const { baseUrl } = await jiraSession(this);
	const issues: IDataObject[] = [];
	try {
		const pages = paginateByToken.call(this, { method: 'POST', path: '/rest/api/3/search/jql', body, itemIndex }, 'issues', {
			pageSize: idsOnly ? JIRA_PAGE_SIZE.searchIdsOnly : JIRA_PAGE_SIZE.searchWithFields,
			limit,
		});
		for await (const page of pages) {
			for (const issue of page) issues.push(shapeIssue(issue, format, baseUrl));
		}
	} catch (error) {
		throw error instanceof NodeApiError && error.httpCode === '400'
			? new NodeOperationError(this.getNode(), `The JQL is not valid: ${error.message.replace(/^Jira rejected the request: /, '')}`, {
					itemIndex,
					description: `Query sent: ${shortText(jql, 500)}. Test it in Jira’s issue search first.`,
				})
			: asNodeError(this, error, itemIndex);
	}
	return issues;
}
