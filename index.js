'use strict';
// Package entry point: a static catalogue of the workflow templates shipped in dist/templates.
// n8n loads the nodes and credentials listed in package.json "n8n"; this file is for people and
// tools that want to find the templates (file, workflow id, what it does). kind: scheduled, event
// (webhook), error (error workflow) or sync (both directions of a pair in one workflow).
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
			id: 'jiraIssuesStateless',
			file: 'dist/templates/jira-issues-to-esm-stateless.json',
			name: 'Jira issues → ESM incidents (stateless, queue mode)',
			kind: 'scheduled',
			description:
				'The full issue import without the Task Cache store, for queue mode: lists the issues (JQL) and the incident cards of the task (datasourceid = Task ID), compares them on jira_key with Compare Datasets, writes only new and different ones in bulk, and marks the cards of issues that are gone as removed (Reconcile Removed).',
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
		{
			id: 'jiraUsersToEsmFull',
			file: 'dist/templates/jira-users-to-esm-full.json',
			name: 'Jira users → ESM persons (full import)',
			kind: 'scheduled',
			description:
				'Lists all Jira people (atlassian accounts, active and deactivated), writes new and changed ones to ESM person cards matched on jira_account_id (accountStatus Active/Disabled, hidden emails left out) in bulk (Task Cache), and sets accountStatus = Deleted on cards of users gone from Jira (Reconcile Removed).',
			credentials: ['jiraCloud', 'esmLocal'],
		},
		{
			id: 'jiraGroupsToEsmFull',
			file: 'dist/templates/jira-groups-to-esm-full.json',
			name: 'Jira groups → ESM entitlements (full import)',
			kind: 'scheduled',
			description:
				'Lists all Jira groups with their members, writes new and changed ones to ESM group cards matched on jira_group_id with members referencing the person cards of the users task (looked up by jira_account_id), and sets status = 5 - Removed on cards of groups gone from Jira (Reconcile Removed).',
			credentials: ['jiraCloud', 'esmLocal'],
		},
		{
			id: 'esmIncidentToJira',
			file: 'dist/templates/esm-incident-to-jira.json',
			name: 'ESM incident → Jira issue (webhook)',
			kind: 'event',
			description:
				'Called by an ESM workflow (header auth): validates the incident, creates the Jira issue (project, issue type ID, summary, plain-text description, mapped priority, custom fields by name or id), writes the key to the card\'s jira_key and answers {issueKey, url}; a re-delivery answers the existing key; 400/422/502 with a message on bad input or Jira errors.',
			credentials: ['jiraCloud', 'esmLocal', 'esmWebhookAuth'],
		},
		{
			id: 'jiraEsmComments',
			file: 'dist/templates/jira-esm-comments.json',
			name: 'Comments both ways: Jira issues ⇄ ESM incidents',
			kind: 'sync',
			description:
				'Every 10 minutes new Jira comments become worklog entries on the incident whose jira_key matches; a webhook (esm/comment-to-jira) turns ESM worklog entries into Jira comments; [ESM …] / [Jira …] markers on the records prevent echoes.',
			credentials: ['jiraCloud', 'esmLocal', 'esmWebhookAuth'],
		},
		{
			id: 'jiraEsmResolution',
			file: 'dist/templates/jira-esm-resolution.json',
			name: 'Resolution both ways: ESM incidents ⇄ Jira issues',
			kind: 'sync',
			description:
				'Webhook called by the ESM workflow when an incident is solved: transitions the linked Jira issue to Done with resolution and the solution as comment (no-op when already resolved); every 10 minutes (and Run Task Now) reads SD issues resolved since the watermark and sets their unsolved ESM incident cards to 05 - Solved with the resolution as solution. Each direction writes only when the other side is not yet resolved, so it cannot loop.',
			credentials: ['jiraCloud', 'esmLocal', 'esmWebhookAuth'],
		},
		{
			id: 'esmIdentityToJira',
			file: 'dist/templates/esm-identity-to-jira.json',
			name: 'ESM identity provisioning → Jira users and groups (webhook)',
			kind: 'event',
			description:
				'Called by an ESM/IGA provisioning step (header auth) with an action: createUser (answers the accountId for jira_account_id), deleteUser, createGroup (answers the groupId), deleteGroup, addMember, removeMember; looks first, so a re-delivered call answers changed: false and writes nothing; 400 names the missing field and the action, Jira refusals 422, Jira unreachable/5xx/401/403/429 502.',
			credentials: ['jiraCloud', 'esmWebhookAuth'],
		},
		{
			id: 'coreProIgaWriteTask',
			file: 'dist/templates/coreproiga-write-task.json',
			name: 'CoreProIGA write task: card in the remote ESM (webhook)',
			kind: 'event',
			description:
				'Called by an ESM workflow (header auth): create (idempotent upsert on efecte_id, Task ID coreproiga-write in datasourceid), update (422 when the card does not exist) or delete (to the trash; deleted: false when already gone) a card in the remote ESM; 400/422/502 answers with the reason.',
			credentials: ['esmRemote', 'esmWebhookAuth'],
		},
		{
			id: 'esmTicketHandoff',
			file: 'dist/templates/esm-ticket-handoff.json',
			name: 'Ticket handoff: ESM1 → ESM2, solved tickets read back (loop-safe)',
			kind: 'sync',
			description:
				'CoreProIGA scenario 1: a webhook called by ESM1 (incident created/updated, category Hardware) creates or updates the ticket in ESM2 (remote_id = the ESM1 card, datasourceid esm-ticket-handoff); every 10 minutes the ESM2 tickets solved since the watermark write status, solution, subject, description and priority back to ESM1. Task Cache Loop Guard (sync_marker on both sides): echoes are skipped, concurrent edits are decided by the later update and reported.',
			credentials: ['esmLocal', 'esmRemote', 'esmWebhookAuth'],
		},
		{
			id: 'esmTicketMirror',
			file: 'dist/templates/esm-ticket-mirror.json',
			name: 'Ticket mirror: ESM1 → ESM2 with updates (loop-safe)',
			kind: 'sync',
			description:
				'CoreProIGA scenario 2: ESM1 creates its incidents in ESM2 and updates them there when subject, description, status or priority changes (webhook called by ESM1), and every 10 minutes ESM2 reads the ESM1 tickets not yet solved and writes what differs; one chain with the loop guard (sync_marker on both sides, remote_id links), the later modification winning concurrent edits and the other reported.',
			credentials: ['esmLocal', 'esmRemote', 'esmWebhookAuth'],
		},
		{
			id: 'esmApplicationSync',
			file: 'dist/templates/esm-application-sync.json',
			name: 'Application cards both ways: ESM2 ⇄ ESM1 (loop-safe)',
			kind: 'sync',
			description:
				'CoreProIGA scenario 3: every 30 minutes reads all application cards of ESM2 and creates / updates their copies in ESM1 (bulk, matched on efecte_id, datasourceid = the Task ID); a webhook (esm/application-to-remote) called by ESM1 writes changes of the copies back to ESM2. A sync_marker on every card drops echoes; concurrent edits go to the later modification and the other change is reported.',
			credentials: ['esmLocal', 'esmRemote', 'esmWebhookAuth'],
		},
		{
			id: 'esmAccessRequest',
			file: 'dist/templates/esm-access-request.json',
			name: 'Access-right request: ESM1 → ESM2 ticket, status back (loop-safe)',
			kind: 'sync',
			description:
				'CoreProIGA scenario 4: a webhook called by ESM1 (access request = incident with category Access) creates or updates the ticket in ESM2 service_requests; every 10 minutes the status ESM2 set (05 - Solved granted, 06 - Cancelled refused, 07 - Closed) is written back to the request. Loop-safe via the Task Cache Loop Guard; conflicts are reported.',
			credentials: ['esmLocal', 'esmRemote', 'esmWebhookAuth'],
		},
		{
			id: 'jiraEsmTicketSync',
			file: 'dist/templates/jira-esm-ticket-sync.json',
			name: 'Ticket fields both ways: ESM incidents ⇄ Jira issues (loop-safe)',
			kind: 'sync',
			description:
				'Keeps summary, description and priority of linked incidents and Jira issues equal: a webhook (esm/ticket-fields-to-jira) called on incident updates writes Jira with the esm.sync issue property; every 10 minutes (and Run Task Now) SD issues updated since the watermark are written to their cards with sync_marker. Loop Guard markers on the records drop echoes; concurrent edits go to the later modification and the other change is reported. Runs beside the comments and resolution templates.',
			credentials: ['jiraCloud', 'esmLocal', 'esmWebhookAuth'],
		},
		{
			id: 'esmFailureCard',
			file: 'dist/templates/esm-failure-card.json',
			name: 'Failure card in ESM (error workflow)',
			kind: 'error',
			description:
				'Error workflow named in the task workflows\' settings: writes a failure card (template failure, folder integration_failures) in the local ESM with the workflow, the failed node, the error message, a link to the execution, the time and a short error payload without credentials.',
			credentials: ['esmLocal'],
		},
	],
};
