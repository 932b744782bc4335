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
	],
};
