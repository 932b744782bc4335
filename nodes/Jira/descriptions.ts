import type { INodeProperties } from 'n8n-workflow';

export { returnAllAndLimit } from '../shared/descriptions';

/** Parameters that several Jira operations share, so that they look and behave the same. */

export const ISSUE_KEY_REGEX = '^(?:[A-Za-z][A-Za-z0-9_]*-\\d+|\\d+)$';

export function issueLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Issue',
		name: 'issueKey',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The issue, by key (ABC-123) or numeric ID',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Search issues…',
				typeOptions: { searchListMethod: 'searchIssues', searchable: true },
			},
			{
				displayName: 'By Key or ID',
				name: 'id',
				type: 'string',
				placeholder: 'ABC-123',
				validation: [
					{ type: 'regex', properties: { regex: ISSUE_KEY_REGEX, errorMessage: 'Enter an issue key like ABC-123 or a numeric ID' } },
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'https://your-domain.atlassian.net/browse/ABC-123',
				extractValue: { type: 'regex', regex: '/browse/([A-Za-z][A-Za-z0-9_]*-\\d+)' },
				validation: [
					{
						type: 'regex',
						properties: { regex: '.*/browse/[A-Za-z][A-Za-z0-9_]*-\\d+.*', errorMessage: 'Not a Jira issue URL (…/browse/ABC-123)' },
					},
				],
			},
		],
		...overrides,
	};
}

export function projectLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Project',
		name: 'project',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a project…',
				typeOptions: { searchListMethod: 'searchProjects', searchable: true },
			},
			{
				displayName: 'By Key or ID',
				name: 'id',
				type: 'string',
				placeholder: 'ABC',
				validation: [
					{ type: 'regex', properties: { regex: '^(?:[A-Za-z][A-Za-z0-9_]*|\\d+)$', errorMessage: 'Enter a project key like ABC or a numeric ID' } },
				],
			},
		],
		...overrides,
	};
}

export const RICH_TEXT_FORMAT_OPTIONS = [
	{ name: 'Plain Text', value: 'text', description: 'Paragraphs and line breaks' },
	{ name: 'Markdown', value: 'markdown', description: 'Headings, lists, links, code, tables, mentions as [~accountid:…]' },
	{ name: 'Atlassian Document Format (JSON)', value: 'adf', description: 'Jira’s own rich-text JSON, passed through unchanged' },
];

export function richTextFormat(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'options',
		options: RICH_TEXT_FORMAT_OPTIONS,
		default: 'text',
		description,
	};
}


export const ACCOUNT_ID_REGEX = '^[A-Za-z0-9:_-]{1,128}$';

export function userLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'User',
		name: 'accountId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The user, by Atlassian account ID',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Search users by name or email…',
				typeOptions: { searchListMethod: 'searchUsers', searchable: true },
			},
			{
				displayName: 'By Account ID',
				name: 'id',
				type: 'string',
				placeholder: '5b10ac8d82e05b22cc7d4ef5',
				validation: [{ type: 'regex', properties: { regex: ACCOUNT_ID_REGEX, errorMessage: 'Not an Atlassian account ID' } }],
			},
		],
		...overrides,
	};
}

/** Groups by ID (stable, preferred) or by name (names can be changed in Jira). */
export function groupLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Group',
		name: 'group',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The group, by ID (preferred: names can change) or by name',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Search groups…',
				typeOptions: { searchListMethod: 'searchGroups', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '952d12c3-5b5b-4d04-bb32-44d383afc4b2',
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'jira-software-users',
			},
		],
		...overrides,
	};
}
