import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fromAdf, toAdf, type BodyFormat } from '../../../adf';
import { RICH_TEXT_FORMAT_OPTIONS } from '../../../descriptions';
import { asInputError } from '../common';

export const commentIdParameter: INodeProperties = {
	displayName: 'Comment ID',
	name: 'commentId',
	type: 'string',
	default: '',
	required: true,
};

export const bodyParameters: INodeProperties[] = [
	{
		displayName: 'Comment',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The comment text, in the Format below',
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: RICH_TEXT_FORMAT_OPTIONS,
		default: 'text',
		description: 'How the comment is written here and returned; Jira stores Atlassian Document Format',
	},
];

export const visibilityOption: INodeProperties = {
	displayName: 'Visibility',
	name: 'visibility',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Restrict Visibility',
	description: 'Make the comment internal: only members of a project role or a group see it',
	options: [
		{
			displayName: 'Restriction',
			name: 'restriction',
			values: [
				{
					displayName: 'Type',
					name: 'type',
					type: 'options',
					options: [
						{ name: 'Project Role', value: 'role' },
						{ name: 'Group', value: 'group' },
					],
					default: 'role',
				},
				{
					displayName: 'Role or Group',
					name: 'value',
					type: 'string',
					default: '',
					placeholder: 'Administrators',
					description: 'Role name, or group name (a group ID works too)',
				},
			],
		},
	],
};

function isUuid(text: string): boolean {
	return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

/** The writable part of a comment: ADF body and optional visibility. */
export function commentBody(this: IExecuteFunctions, itemIndex: number, options: IDataObject): IDataObject {
	const text = this.getNodeParameter('body', itemIndex, '') as unknown;
	const format = this.getNodeParameter('format', itemIndex, 'text') as BodyFormat;
	if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) {
		throw new NodeOperationError(this.getNode(), 'Comment is empty: enter the comment text', { itemIndex });
	}
	let body;
	try {
		body = toAdf(text, format);
	} catch (error) {
		throw asInputError.call(this, error, itemIndex);
	}
	const request: IDataObject = { body: body as unknown as IDataObject };
	const restriction = (options.visibility as IDataObject | undefined)?.restriction as IDataObject | undefined;
	if (restriction?.value) {
		const value = String(restriction.value).trim();
		request.visibility =
			restriction.type === 'group' && isUuid(value)
				? { type: 'group', identifier: value }
				: { type: restriction.type ?? 'role', value };
	}
	return request;
}

/** A comment as the node outputs it. */
export function shapeComment(comment: IDataObject, issueKey: string, format: BodyFormat): IDataObject {
	return { issueKey, ...comment, body: fromAdf(comment.body, format) as IDataObject[keyof IDataObject] };
}
