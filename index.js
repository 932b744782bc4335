'use strict';
// Package entry point: a static catalogue of the workflow templates shipped in dist/templates.
// n8n loads the nodes and credentials listed in package.json "n8n"; this file is for people and
// tools that want to find the templates (file, workflow id, what it does).
module.exports = {
	templates: [
		{
			id: 'jiraIssuesToEsmFull',
			file: 'dist/templates/jira-issues-to-esm-full.json',
			name: 'Jira issues → ESM incidents (full import)',
			kind: 'scheduled',
			description:
				'Lists the issues of a JQL query, writes new and changed ones to ESM incident cards in bulk (Task Cache), and marks the cards of issues that are gone as removed (Reconcile Removed).',
			credentials: ['jiraCloud', 'esmLocal'],
		},
		{
			id: 'jiraIssuesToEsmIncr',
			file: 'dist/templates/jira-issues-to-esm-incr.json',
			name: 'Jira issues → ESM incidents (incremental import)',
			kind: 'scheduled',
			description:
				'Every 10 minutes reads only the issues updated since the watermark (minus a 1-minute overlap; the first run reads all), writes new and changed ones to ESM incident cards in bulk (Task Cache), and moves the watermark only when no item failed.',
			credentials: ['jiraCloud', 'esmLocal'],
		},
		{
			id: 'coreProIgaReadTask',
			file: 'dist/templates/coreproiga-read-task.json',
			name: 'CoreProIGA read task: remote ESM → local ESM',
			kind: 'scheduled',
			description:
				'Reads the cards of a remote ESM template (EQL filter), copies new and changed ones into the local template matched on efecte_id with datasourceid = the Task ID (Task Cache), and sets the removed status on local cards whose remote card is gone (Reconcile Removed).',
			credentials: ['esmRemote', 'esmLocal'],
		},
	],
};
