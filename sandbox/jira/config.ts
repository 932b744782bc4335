/**
 * The fixed configuration of the emulated Jira site: fields, statuses, the workflow, priorities,
 * resolutions, issue types, create/edit screens and project roles. Data (users, groups, issues)
 * lives in the store; this is what a Jira admin would have set up once.
 */

export interface JsonTypeBean {
	type: string;
	system?: string;
	custom?: string;
	customId?: number;
	items?: string;
}

/** How the emulator validates, stores and renders a field's value. */
export type FieldKind =
	| 'summary'
	| 'richtext'
	| 'textfield'
	| 'number'
	| 'option'
	| 'user'
	| 'labels'
	| 'date'
	| 'datetime'
	| 'priority'
	| 'resolution'
	| 'status'
	| 'issuetype'
	| 'project'
	| 'issuekey'
	| 'comment'
	| 'parent'
	| 'subtasks';

export interface FieldDef {
	id: string;
	name: string;
	custom: boolean;
	orderable: boolean;
	navigable: boolean;
	searchable: boolean;
	clauseNames: string[];
	schema?: JsonTypeBean;
	kind: FieldKind;
	/** Edit operations offered in create/edit metadata. */
	operations: string[];
}

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes';

function system(id: string, name: string, kind: FieldKind, schema: JsonTypeBean | undefined, extra: Partial<FieldDef> = {}): FieldDef {
	return {
		id,
		name,
		custom: false,
		orderable: true,
		navigable: true,
		searchable: true,
		clauseNames: [id],
		schema,
		kind,
		operations: ['set'],
		...extra,
	};
}

export const STORY_POINTS = 'customfield_10016';
export const TEAM = 'customfield_10050';
export const CUSTOMER_NOTES = 'customfield_10060';
export const ESM_REFERENCE = 'customfield_10070';

export const FIELDS: FieldDef[] = [
	system('issuekey', 'Key', 'issuekey', undefined, { orderable: false, clauseNames: ['id', 'issue', 'issuekey', 'key'], operations: [] }),
	system('summary', 'Summary', 'summary', { type: 'string', system: 'summary' }),
	system('description', 'Description', 'richtext', { type: 'string', system: 'description' }),
	system('environment', 'Environment', 'richtext', { type: 'string', system: 'environment' }),
	system('issuetype', 'Issue Type', 'issuetype', { type: 'issuetype', system: 'issuetype' }, { clauseNames: ['issuetype', 'type'], operations: [] }),
	system('project', 'Project', 'project', { type: 'project', system: 'project' }, { orderable: false }),
	system('status', 'Status', 'status', { type: 'status', system: 'status' }, { orderable: false, operations: [] }),
	system('priority', 'Priority', 'priority', { type: 'priority', system: 'priority' }),
	system('resolution', 'Resolution', 'resolution', { type: 'resolution', system: 'resolution' }),
	system('resolutiondate', 'Resolved', 'datetime', { type: 'datetime', system: 'resolutiondate' }, { orderable: false, clauseNames: ['resolutiondate', 'resolved'], operations: [] }),
	system('labels', 'Labels', 'labels', { type: 'array', items: 'string', system: 'labels' }, { operations: ['add', 'set', 'remove'] }),
	system('assignee', 'Assignee', 'user', { type: 'user', system: 'assignee' }),
	system('reporter', 'Reporter', 'user', { type: 'user', system: 'reporter' }),
	system('creator', 'Creator', 'user', { type: 'user', system: 'creator' }, { orderable: false, operations: [] }),
	system('created', 'Created', 'datetime', { type: 'datetime', system: 'created' }, { orderable: false, clauseNames: ['created', 'createdDate'], operations: [] }),
	system('updated', 'Updated', 'datetime', { type: 'datetime', system: 'updated' }, { orderable: false, clauseNames: ['updated', 'updatedDate'], operations: [] }),
	system('duedate', 'Due date', 'date', { type: 'date', system: 'duedate' }, { clauseNames: ['due', 'duedate'] }),
	// Not navigable: search with *navigable leaves comments out, as Jira does.
	system('comment', 'Comment', 'comment', { type: 'comments-page', system: 'comment' }, { navigable: false, operations: ['add', 'edit', 'remove'] }),
	system('parent', 'Parent', 'parent', { type: 'issuelink', system: 'parent' }),
	system('subtasks', 'Sub-tasks', 'subtasks', { type: 'array', items: 'issuelinks', system: 'subtasks' }, { orderable: false, searchable: false, operations: [] }),
	{
		id: STORY_POINTS,
		name: 'Story Points',
		custom: true,
		orderable: true,
		navigable: true,
		searchable: true,
		clauseNames: ['cf[10016]', 'Story Points', 'Story Points[Number]'],
		schema: { type: 'number', custom: `${CF}:float`, customId: 10016 },
		kind: 'number',
		operations: ['set'],
	},
	{
		id: TEAM,
		name: 'Team',
		custom: true,
		orderable: true,
		navigable: true,
		searchable: true,
		clauseNames: ['cf[10050]', 'Team', 'Team[Dropdown]'],
		schema: { type: 'option', custom: `${CF}:select`, customId: 10050 },
		kind: 'option',
		operations: ['set'],
	},
	{
		id: CUSTOMER_NOTES,
		name: 'Customer Notes',
		custom: true,
		orderable: true,
		navigable: true,
		searchable: true,
		clauseNames: ['cf[10060]', 'Customer Notes', 'Customer Notes[Paragraph]'],
		schema: { type: 'string', custom: `${CF}:textarea`, customId: 10060 },
		kind: 'richtext',
		operations: ['set'],
	},
	{
		id: ESM_REFERENCE,
		name: 'ESM Reference',
		custom: true,
		orderable: true,
		navigable: true,
		searchable: true,
		clauseNames: ['cf[10070]', 'ESM Reference', 'ESM Reference[Short text]'],
		schema: { type: 'string', custom: `${CF}:textfield`, customId: 10070 },
		kind: 'textfield',
		operations: ['set'],
	},
];

export const FIELDS_BY_ID = new Map(FIELDS.map((field) => [field.id, field]));

export const TEAM_OPTIONS = [
	{ id: '10100', value: 'Service Desk' },
	{ id: '10101', value: 'Platform' },
	{ id: '10102', value: 'Network' },
	{ id: '10103', value: 'Identity & Access' },
];

export interface StatusCategoryDef {
	id: number;
	key: string;
	name: string;
	colorName: string;
}

export const STATUS_CATEGORIES: StatusCategoryDef[] = [
	{ id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
	{ id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
	{ id: 3, key: 'done', name: 'Done', colorName: 'green' },
];

export interface StatusDef {
	id: string;
	name: string;
	description: string;
	category: string;
}

export const STATUSES: StatusDef[] = [
	{ id: '10000', name: 'To Do', description: 'Work that has not been started.', category: 'new' },
	{ id: '3', name: 'In Progress', description: 'This issue is being actively worked on.', category: 'indeterminate' },
	{ id: '10001', name: 'Waiting for customer', description: 'Waiting for an answer from the reporter.', category: 'indeterminate' },
	{ id: '10002', name: 'Done', description: 'The work is resolved.', category: 'done' },
	{ id: '6', name: 'Closed', description: 'The issue is closed.', category: 'done' },
];

export const INITIAL_STATUS = '10000';

export interface TransitionDef {
	id: string;
	name: string;
	from: string[];
	to: string;
	/** Fields on the transition screen (no screen when empty). */
	screen: Array<{ fieldId: string; required: boolean }>;
	/** Post function of Jira's default workflows: leaving "done" clears the resolution. */
	clearsResolution?: boolean;
}

/**
 * One workflow for every project. "Resolve" shows the resolution on its screen; "Close" has no
 * screen, so a resolution cannot be set in it (the case the nodes must tell apart).
 */
export const TRANSITIONS: TransitionDef[] = [
	{ id: '11', name: 'Start Progress', from: ['10000', '10001'], to: '3', screen: [] },
	{ id: '21', name: 'Wait for Customer', from: ['3'], to: '10001', screen: [] },
	{ id: '31', name: 'Resolve', from: ['10000', '3', '10001'], to: '10002', screen: [{ fieldId: 'resolution', required: true }] },
	{ id: '41', name: 'Close', from: ['10000', '10002'], to: '6', screen: [] },
	{ id: '51', name: 'Reopen', from: ['10002', '6'], to: '10000', screen: [], clearsResolution: true },
	{ id: '71', name: 'Stop Progress', from: ['3'], to: '10000', screen: [], clearsResolution: true },
];

export interface PriorityDef {
	id: string;
	name: string;
	description: string;
	statusColor: string;
	isDefault: boolean;
}

export const PRIORITIES: PriorityDef[] = [
	{ id: '1', name: 'Highest', description: 'This problem will block progress.', statusColor: '#d04437', isDefault: false },
	{ id: '2', name: 'High', description: 'Serious problem that could block progress.', statusColor: '#f15C75', isDefault: false },
	{ id: '3', name: 'Medium', description: 'Has the potential to affect progress.', statusColor: '#f79232', isDefault: true },
	{ id: '4', name: 'Low', description: 'Minor problem or easily worked around.', statusColor: '#707070', isDefault: false },
	{ id: '5', name: 'Lowest', description: 'Trivial problem with little or no impact on progress.', statusColor: '#999999', isDefault: false },
];

export const DEFAULT_PRIORITY = '3';

export const RESOLUTIONS = [
	{ id: '10000', name: 'Done', description: 'Work has been completed on this issue.', isDefault: true },
	{ id: '10001', name: "Won't Do", description: 'This issue won\'t be actioned.', isDefault: false },
	{ id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.', isDefault: false },
	{ id: '10003', name: 'Cannot Reproduce', description: 'All attempts at reproducing this issue failed.', isDefault: false },
];

export interface IssueTypeDef {
	id: string;
	name: string;
	description: string;
	subtask: boolean;
	hierarchyLevel: number;
	avatarId: number;
}

export const ISSUE_TYPES: IssueTypeDef[] = [
	{ id: '10001', name: 'Task', description: 'A small, distinct piece of work.', subtask: false, hierarchyLevel: 0, avatarId: 10318 },
	{ id: '10002', name: 'Sub-task', description: 'A small piece of work that is part of a larger task.', subtask: true, hierarchyLevel: -1, avatarId: 10316 },
	{ id: '10003', name: 'Incident', description: 'A problem or interruption of an IT service.', subtask: false, hierarchyLevel: 0, avatarId: 10304 },
	{ id: '10004', name: 'Service Request', description: 'A request for help or access.', subtask: false, hierarchyLevel: 0, avatarId: 10320 },
	{ id: '10005', name: 'Bug', description: 'A problem or error.', subtask: false, hierarchyLevel: 0, avatarId: 10303 },
];

export interface ScreenField {
	fieldId: string;
	required: boolean;
	hasDefaultValue?: boolean;
}

export interface ProjectDef {
	id: string;
	key: string;
	name: string;
	description: string;
	projectTypeKey: 'software' | 'service_desk' | 'business';
	issueTypeIds: string[];
	/** The create screen of every issue type of the project (sub-tasks add `parent`). */
	createScreen: ScreenField[];
}

const COMMON_CREATE: ScreenField[] = [
	{ fieldId: 'summary', required: true },
	{ fieldId: 'issuetype', required: true },
	{ fieldId: 'project', required: true },
	{ fieldId: 'description', required: false },
	{ fieldId: 'priority', required: false, hasDefaultValue: true },
	{ fieldId: 'labels', required: false },
	{ fieldId: 'assignee', required: false },
	{ fieldId: 'reporter', required: true, hasDefaultValue: true },
	{ fieldId: 'duedate', required: false },
];

/** The two projects every seed has. */
export const PROJECTS: ProjectDef[] = [
	{
		id: '10000',
		key: 'SD',
		name: 'Service Desk',
		description: 'IT service desk: incidents and service requests from employees.',
		projectTypeKey: 'service_desk',
		issueTypeIds: ['10003', '10004', '10001', '10002'],
		createScreen: [
			...COMMON_CREATE,
			{ fieldId: TEAM, required: false },
			{ fieldId: CUSTOMER_NOTES, required: false },
			{ fieldId: ESM_REFERENCE, required: false },
		],
	},
	{
		id: '10001',
		key: 'OPS',
		name: 'IT Operations',
		description: 'Platform and infrastructure work of the operations teams.',
		projectTypeKey: 'software',
		issueTypeIds: ['10001', '10005', '10002'],
		createScreen: [
			...COMMON_CREATE,
			{ fieldId: STORY_POINTS, required: false },
			// Required custom select: a create without it must fail, as on real sites.
			{ fieldId: TEAM, required: true },
			{ fieldId: ESM_REFERENCE, required: false },
		],
	},
];

/** Fields of the edit screen: the create screen without project/issue type, plus comments. */
export function editScreen(project: ProjectDef, subtask: boolean): ScreenField[] {
	const fields = project.createScreen
		.filter((field) => field.fieldId !== 'project' && field.fieldId !== 'issuetype')
		.map((field) => ({ ...field, required: field.fieldId === 'summary' || field.fieldId === 'reporter' }));
	if (subtask) fields.push({ fieldId: 'parent', required: false });
	fields.push({ fieldId: 'comment', required: false });
	return fields;
}

export function createScreen(project: ProjectDef, issueTypeId: string): ScreenField[] {
	const type = ISSUE_TYPES.find((candidate) => candidate.id === issueTypeId);
	return type?.subtask ? [...project.createScreen, { fieldId: 'parent', required: true }] : project.createScreen;
}

export const PROJECT_ROLES = [
	{ id: '10002', name: 'Administrators', description: 'A project role that represents administrators in a project' },
	{ id: '10001', name: 'Developers', description: 'A project role that represents developers in a project' },
	{ id: '10100', name: 'Service Desk Team', description: 'Agents who work on the requests of the project' },
];

export const PRODUCTS = ['jira-core', 'jira-servicedesk', 'jira-product-discovery', 'jira-software'];

export const APPLICATION_ROLES: Record<string, string> = {
	'jira-software': 'Jira Software',
	'jira-servicedesk': 'Jira Service Management',
	'jira-core': 'Jira Work Management',
	'jira-product-discovery': 'Jira Product Discovery',
};
