import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BodyFormat } from '../../../adf';
import { issueLocator, returnAllAndLimit, RICH_TEXT_FORMAT_OPTIONS } from '../../../descriptions';
import { collectPages, JIRA_PAGE_SIZE, paginateByOffset } from '../../../transport';
import { issueKeyParameter } from '../common';
import { shapeComment } from './shared';

const properties: INodeProperties[] = [
	issueLocator(),
	...returnAllAndLimit(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				options: RICH_TEXT_FORMAT_OPTIONS,
				default: 'text',
				description: 'Format of the returned comment bodies',
			},
			{
				displayName: 'Order',
				name: 'order',
				type: 'options',
				options: [
					{ name: 'Oldest First', value: 'created' },
					{ name: 'Newest First', value: '-created' },
				],
				default: 'created',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['comment'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const format = (options.format as BodyFormat | undefined) ?? 'text';
	const comments = await collectPages(
		paginateByOffset.call(
			this,
			{
				method: 'GET',
				path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/comment`,
				qs: { orderBy: (options.order as string | undefined) ?? 'created' },
				itemIndex,
			},
			'comments',
			{ pageSize: JIRA_PAGE_SIZE.comments, limit },
		),
	);
	return comments.map((comment) => shapeComment(comment, issueKey, format));
}
