/**
 * ESM templates (the data model an ESM/IGA admin configures): folders, typed attributes,
 * dropdown (static-value) lists and reference targets. These are the templates every ESM
 * sandbox instance has; a seed may add more.
 */

export type AttributeType = 'string' | 'number' | 'date' | 'datetime' | 'static-value' | 'reference' | 'external-reference' | 'worklog';

export interface AttributeDef {
	code: string;
	name: string;
	type: AttributeType;
	multiValue?: boolean;
	/** external-reference attributes that hold uploaded files. */
	file?: boolean;
	/** static-value: the dropdown's entries. */
	values?: Array<{ code: string; value: string }>;
	/** reference: templates the referenced cards may belong to. */
	target?: string[];
	/** Maintained by ESM (created, updated): writes are refused per attribute. */
	readOnly?: boolean;
}

export interface TemplateDef {
	code: string;
	name: string;
	id: number;
	folders: Array<{ code: string; name: string }>;
	/** Attributes whose values make up the card's name. */
	nameAttributes: string[];
	attributes: AttributeDef[];
}

/** Card element `type` in responses: the spec's enum has no datetime (dates and datetimes are "date"). */
export function elementType(type: AttributeType): string {
	return type === 'datetime' ? 'date' : type;
}

const stamps: AttributeDef[] = [
	{ code: 'created', name: 'Created', type: 'datetime', readOnly: true },
	{ code: 'updated', name: 'Updated', type: 'datetime', readOnly: true },
];

const dropdown = (entries: Array<[string, string]>) => entries.map(([code, value]) => ({ code, value }));

export const INCIDENT_STATUSES = [
	'01 - New',
	'02 - Solving',
	'03 - Waiting for customer',
	'04 - Waiting for 3rd party',
	'05 - Solved',
	'06 - Cancelled',
	'07 - Closed',
];

export const DEFAULT_TEMPLATES: TemplateDef[] = [
	{
		code: 'incident',
		name: 'Incident',
		id: 1001,
		folders: [
			{ code: 'incident_management', name: 'Incident management' },
			{ code: 'service_requests', name: 'Service requests' },
		],
		nameAttributes: ['subject'],
		attributes: [
			{ code: 'efecte_id', name: 'Efecte ID', type: 'string' },
			{ code: 'subject', name: 'Subject', type: 'string' },
			{ code: 'description', name: 'Description', type: 'string' },
			{
				code: 'status',
				name: 'Status',
				type: 'static-value',
				values: dropdown([
					['new', INCIDENT_STATUSES[0]],
					['solving', INCIDENT_STATUSES[1]],
					['waiting_customer', INCIDENT_STATUSES[2]],
					['waiting_third_party', INCIDENT_STATUSES[3]],
					['solved', INCIDENT_STATUSES[4]],
					['cancelled', INCIDENT_STATUSES[5]],
					['closed', INCIDENT_STATUSES[6]],
				]),
			},
			{
				code: 'priority',
				name: 'Priority',
				type: 'static-value',
				values: dropdown([
					['critical', '1 - Critical'],
					['high', '2 - High'],
					['medium', '3 - Medium'],
					['low', '4 - Low'],
				]),
			},
			{
				code: 'category',
				name: 'Category',
				type: 'static-value',
				values: dropdown([
					['hardware', 'Hardware'],
					['software', 'Software'],
					['network', 'Network'],
					['access', 'Access'],
					['other', 'Other'],
				]),
			},
			{ code: 'customer', name: 'Customer', type: 'reference', target: ['person'] },
			{ code: 'assigned_group', name: 'Assigned group', type: 'reference', target: ['group'] },
			{ code: 'jira_key', name: 'Jira key', type: 'string' },
			{ code: 'solution', name: 'Solution', type: 'string' },
			{ code: 'due_date', name: 'Due date', type: 'date' },
			{ code: 'hours_spent', name: 'Hours spent', type: 'number' },
			{ code: 'worklog', name: 'Worklog', type: 'worklog', multiValue: true },
			{ code: 'attachments', name: 'Attachments', type: 'external-reference', multiValue: true, file: true },
			{ code: 'links', name: 'Links', type: 'external-reference', multiValue: true },
			{ code: 'tags', name: 'Tags', type: 'string', multiValue: true },
			{ code: 'datasourceid', name: 'Task Id', type: 'string' },
			// Loop guard of two-way syncs: origin:fingerprint of the values the integration wrote.
			{ code: 'sync_marker', name: 'Sync marker', type: 'string' },
			// Where a ticket came from in a two-way sync between two ESMs (the other side's id).
			{ code: 'remote_id', name: 'Remote ID', type: 'string' },
			...stamps,
		],
	},
	{
		code: 'person',
		name: 'Person',
		id: 1002,
		folders: [{ code: 'personnel', name: 'Personnel' }],
		nameAttributes: ['first_name', 'last_name'],
		attributes: [
			{ code: 'efecte_id', name: 'Efecte ID', type: 'string' },
			{ code: 'first_name', name: 'First name', type: 'string' },
			{ code: 'last_name', name: 'Last name', type: 'string' },
			{ code: 'email', name: 'Email', type: 'string' },
			{ code: 'department', name: 'Department', type: 'string' },
			{ code: 'title', name: 'Title', type: 'string' },
			{ code: 'manager', name: 'Manager', type: 'reference', target: ['person'] },
			{
				code: 'accountStatus',
				name: 'Account status',
				type: 'static-value',
				values: dropdown([
					['active', 'Active'],
					['disabled', 'Disabled'],
					['deleted', 'Deleted'],
				]),
			},
			{ code: 'jira_account_id', name: 'Jira account ID', type: 'string' },
			{ code: 'start_date', name: 'Start date', type: 'date' },
			{ code: 'datasourceid', name: 'Task Id', type: 'string' },
			...stamps,
		],
	},
	{
		code: 'group',
		name: 'Group (entitlement)',
		id: 1003,
		folders: [{ code: 'iga_entitlements', name: 'Entitlements' }],
		nameAttributes: ['group_name'],
		attributes: [
			{ code: 'efecte_id', name: 'Efecte ID', type: 'string' },
			{ code: 'group_name', name: 'Group name', type: 'string' },
			{ code: 'description', name: 'Description', type: 'string' },
			{ code: 'members', name: 'Members', type: 'reference', multiValue: true, target: ['person'] },
			{ code: 'owner', name: 'Owner', type: 'reference', target: ['person'] },
			{ code: 'application', name: 'Application', type: 'reference', target: ['application'] },
			{
				code: 'status',
				name: 'Status',
				type: 'static-value',
				values: dropdown([
					['active', '1 - Active'],
					['removed', '5 - Removed'],
				]),
			},
			{ code: 'jira_group_id', name: 'Jira group ID', type: 'string' },
			{ code: 'datasourceid', name: 'Task Id', type: 'string' },
			...stamps,
		],
	},
	{
		code: 'application',
		name: 'Application',
		id: 1004,
		folders: [{ code: 'applications', name: 'Applications' }],
		nameAttributes: ['app_name'],
		attributes: [
			{ code: 'efecte_id', name: 'Efecte ID', type: 'string' },
			{ code: 'app_name', name: 'Application name', type: 'string' },
			{ code: 'description', name: 'Description', type: 'string' },
			{ code: 'owner', name: 'Owner', type: 'reference', target: ['person'] },
			{ code: 'url', name: 'URL', type: 'external-reference' },
			{
				code: 'status',
				name: 'Status',
				type: 'static-value',
				values: dropdown([
					['in_use', 'In use'],
					['retired', 'Retired'],
				]),
			},
			{ code: 'datasourceid', name: 'Task Id', type: 'string' },
			{ code: 'sync_marker', name: 'Sync marker', type: 'string' },
			...stamps,
		],
	},
	{
		code: 'failure',
		name: 'Integration failure',
		id: 1005,
		folders: [{ code: 'integration_failures', name: 'Integration failures' }],
		nameAttributes: ['subject'],
		attributes: [
			{ code: 'subject', name: 'Subject', type: 'string' },
			{ code: 'workflow_name', name: 'Workflow', type: 'string' },
			{ code: 'node_name', name: 'Node', type: 'string' },
			{ code: 'error_message', name: 'Error message', type: 'string' },
			{ code: 'execution_url', name: 'Execution', type: 'external-reference' },
			{ code: 'occurred', name: 'Occurred', type: 'datetime' },
			{
				code: 'status',
				name: 'Status',
				type: 'static-value',
				values: dropdown([
					['new', '01 - New'],
					['investigating', '02 - Investigating'],
					['resolved', '03 - Resolved'],
				]),
			},
			{ code: 'payload', name: 'Payload', type: 'string' },
			{ code: 'datasourceid', name: 'Task Id', type: 'string' },
			...stamps,
		],
	},
];
