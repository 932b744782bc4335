/** Jira answers shaped as the official OpenAPI description says. */

export const createMetaFields = [
	{ fieldId: 'summary', key: 'summary', name: 'Summary', required: true, hasDefaultValue: false, schema: { type: 'string', system: 'summary' }, operations: ['set'] },
	{ fieldId: 'issuetype', key: 'issuetype', name: 'Issue Type', required: true, hasDefaultValue: false, schema: { type: 'issuetype', system: 'issuetype' }, operations: [] },
	{ fieldId: 'project', key: 'project', name: 'Project', required: true, hasDefaultValue: false, schema: { type: 'project', system: 'project' }, operations: ['set'] },
	{ fieldId: 'description', key: 'description', name: 'Description', required: false, hasDefaultValue: false, schema: { type: 'string', system: 'description' }, operations: ['set'] },
	{
		fieldId: 'priority',
		key: 'priority',
		name: 'Priority',
		required: false,
		hasDefaultValue: true,
		schema: { type: 'priority', system: 'priority' },
		allowedValues: [
			{ id: '1', name: 'Highest' },
			{ id: '3', name: 'Medium' },
		],
		operations: ['set'],
	},
	{ fieldId: 'labels', key: 'labels', name: 'Labels', required: false, hasDefaultValue: false, schema: { type: 'array', items: 'string', system: 'labels' }, operations: ['add', 'set', 'remove'] },
	{ fieldId: 'assignee', key: 'assignee', name: 'Assignee', required: false, hasDefaultValue: false, schema: { type: 'user', system: 'assignee' }, operations: ['set'] },
	{ fieldId: 'duedate', key: 'duedate', name: 'Due date', required: false, hasDefaultValue: false, schema: { type: 'date', system: 'duedate' }, operations: ['set'] },
	{
		fieldId: 'customfield_10016',
		key: 'customfield_10016',
		name: 'Story Points',
		required: false,
		hasDefaultValue: false,
		schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float', customId: 10016 },
		operations: ['set'],
	},
	{
		fieldId: 'customfield_10050',
		key: 'customfield_10050',
		name: 'Team',
		required: true,
		hasDefaultValue: false,
		schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10050 },
		allowedValues: [
			{ id: '100', value: 'Ops' },
			{ id: '101', value: 'Dev' },
		],
		operations: ['set'],
	},
	{
		fieldId: 'customfield_10060',
		key: 'customfield_10060',
		name: 'Customer Notes',
		required: false,
		hasDefaultValue: false,
		schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea', customId: 10060 },
		operations: ['set'],
	},
];

export function createMetaPage(startAt = 0, fields = createMetaFields) {
	return { startAt, maxResults: 200, total: fields.length, fields };
}

export const editMeta = {
	fields: Object.fromEntries(
		createMetaFields
			.filter((field) => !['project', 'issuetype'].includes(field.fieldId))
			// Edit metadata (FieldMetadata) has no fieldId: the map key is the field id.
			.map(({ fieldId, ...field }) => [fieldId, { ...field, required: false }]),
	),
};

export function issue(key: string, fields: Record<string, unknown> = {}) {
	const id = String(10000 + Number(key.split('-')[1]));
	return { id, key, self: `https://acme.atlassian.net/rest/api/3/issue/${id}`, fields };
}
