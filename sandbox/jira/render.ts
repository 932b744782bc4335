import { adfToHtml, textToAdf } from './adf';
import {
	FIELDS,
	FIELDS_BY_ID,
	ISSUE_TYPES,
	PRIORITIES,
	PROJECT_ROLES,
	RESOLUTIONS,
	STATUS_CATEGORIES,
	STATUSES,
	TEAM_OPTIONS,
	TRANSITIONS,
	APPLICATION_ROLES,
	createScreen,
	editScreen,
	type FieldDef,
	type ScreenField,
	type TransitionDef,
	DEFAULT_PRIORITY,
} from './config';
import type { ChangelogEntry, JiraComment, JiraGroup, JiraIssue, JiraProject, JiraStore, JiraUser } from './store';

/**
 * Jira's JSON shapes, built as the OpenAPI schemas describe them (the faithfulness test checks
 * every one). One Render per request, because `self` links carry the request's origin.
 */

export type Json = Record<string, unknown>;

/** Jira's timestamp format: `2026-03-02T08:00:00.000+0000` (the emulated accounts are in UTC). */
export function jiraTime(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '+0000');
}

export function jiraDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/** Stable small numbers for things Jira numbers but the store keeps as sets (role actors). */
function stableNumber(text: string): number {
	let hash = 7;
	for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) % 90000;
	return 10000 + hash;
}

export interface IssueView {
	/** Field ids to include; undefined = none (search's default: ids only). */
	fields?: Set<string>;
	/** Only `id` (and maybe `key`) were asked for. */
	idsOnly?: { key: boolean };
	expand?: Set<string>;
	properties?: string[];
}

export class Render {
	constructor(
		private readonly store: JiraStore,
		readonly base: string,
	) {}

	api(path: string): string {
		return `${this.base}/rest/api/3${path}`;
	}

	avatarUrls(seed: string): Json {
		const url = (size: number) => `${this.base}/secure/useravatar?size=${size}&ownerId=${encodeURIComponent(seed)}`;
		return { '16x16': url(16), '24x24': url(24), '32x32': url(32), '48x48': url(48) };
	}

	userSelf(accountId: string): string {
		return this.api(`/user?accountId=${encodeURIComponent(accountId)}`);
	}

	/** `User` (myself, user, users/search, user/search). */
	user(user: JiraUser, expand: Set<string> = new Set()): Json {
		const out: Json = {
			self: this.userSelf(user.accountId),
			accountId: user.accountId,
			accountType: user.accountType,
			...(user.email && user.emailVisible ? { emailAddress: user.email } : {}),
			avatarUrls: this.avatarUrls(user.accountId),
			displayName: user.displayName,
			active: user.active,
			timeZone: user.timeZone,
			locale: user.locale,
		};
		if (expand.has('groups')) {
			const groups = this.store.groupsOf(user.accountId);
			out.groups = { size: groups.length, items: groups.map((group) => this.groupName(group)) };
		}
		if (expand.has('applicationRoles')) {
			out.applicationRoles = {
				size: user.products.length,
				items: user.products.map((key) => ({ key, name: APPLICATION_ROLES[key] ?? key })),
			};
		}
		out.expand = 'groups,applicationRoles';
		return out;
	}

	/** `UserDetails` (issue fields, comment authors, group members). */
	userDetails(user: JiraUser): Json {
		return {
			self: this.userSelf(user.accountId),
			accountId: user.accountId,
			...(user.email && user.emailVisible ? { emailAddress: user.email } : {}),
			avatarUrls: this.avatarUrls(user.accountId),
			displayName: user.displayName,
			active: user.active,
			timeZone: user.timeZone,
			accountType: user.accountType,
		};
	}

	userRef(accountId: string | null): Json | null {
		if (!accountId) return null;
		const user = this.store.users.get(accountId);
		// A deleted user still shows on old issues, as Jira's "Former user".
		return user
			? this.userDetails(user)
			: { accountId, displayName: 'Former user', active: false, accountType: 'unknown', self: this.userSelf(accountId) };
	}

	groupName(group: JiraGroup): Json {
		return { name: group.name, groupId: group.groupId, self: this.api(`/group?groupId=${group.groupId}`) };
	}

	/** `Group` as POST /group and POST /group/user answer it. */
	group(group: JiraGroup): Json {
		return {
			name: group.name,
			groupId: group.groupId,
			self: this.api(`/group?groupId=${group.groupId}`),
			users: { size: group.members.size, items: [], 'max-results': 50, 'start-index': 0, 'end-index': 0 },
			expand: 'users',
		};
	}

	statusCategory(key: string): Json {
		const category = STATUS_CATEGORIES.find((candidate) => candidate.key === key) ?? STATUS_CATEGORIES[0];
		return { self: this.api(`/statuscategory/${category.id}`), id: category.id, key: category.key, colorName: category.colorName, name: category.name };
	}

	status(statusId: string): Json {
		const status = STATUSES.find((candidate) => candidate.id === statusId) ?? STATUSES[0];
		return {
			self: this.api(`/status/${status.id}`),
			description: status.description,
			iconUrl: `${this.base}/images/icons/statuses/generic.png`,
			name: status.name,
			id: status.id,
			statusCategory: this.statusCategory(status.category),
		};
	}

	priority(priorityId: string | null): Json | null {
		const priority = PRIORITIES.find((candidate) => candidate.id === priorityId);
		if (!priority) return null;
		return {
			self: this.api(`/priority/${priority.id}`),
			iconUrl: `${this.base}/images/icons/priorities/${priority.name.toLowerCase()}.svg`,
			name: priority.name,
			id: priority.id,
		};
	}

	priorityFull(priority: (typeof PRIORITIES)[number]): Json {
		return { ...this.priority(priority.id), description: priority.description, statusColor: priority.statusColor, isDefault: priority.isDefault };
	}

	resolution(resolutionId: string | null): Json | null {
		const resolution = RESOLUTIONS.find((candidate) => candidate.id === resolutionId);
		if (!resolution) return null;
		return { self: this.api(`/resolution/${resolution.id}`), id: resolution.id, description: resolution.description, name: resolution.name };
	}

	issueType(issueTypeId: string): Json {
		const type = ISSUE_TYPES.find((candidate) => candidate.id === issueTypeId) ?? ISSUE_TYPES[0];
		return {
			self: this.api(`/issuetype/${type.id}`),
			id: type.id,
			description: type.description,
			iconUrl: `${this.base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${type.avatarId}?size=medium`,
			name: type.name,
			subtask: type.subtask,
			avatarId: type.avatarId,
			hierarchyLevel: type.hierarchyLevel,
		};
	}

	projectDetails(project: JiraProject): Json {
		return {
			self: this.api(`/project/${project.id}`),
			id: project.id,
			key: project.key,
			name: project.name,
			projectTypeKey: project.projectTypeKey,
			simplified: false,
			avatarUrls: this.avatarUrls(`project-${project.key}`),
		};
	}

	project(project: JiraProject, expand: Set<string>, withRoles = false): Json {
		const out: Json = {
			expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
			self: this.api(`/project/${project.id}`),
			id: project.id,
			key: project.key,
			name: project.name,
			avatarUrls: this.avatarUrls(`project-${project.key}`),
			projectTypeKey: project.projectTypeKey,
			simplified: false,
			style: 'classic',
			isPrivate: false,
			properties: {},
		};
		if (expand.has('description') || withRoles) out.description = project.description;
		if ((expand.has('lead') || withRoles) && project.leadAccountId) {
			const lead = this.store.users.get(project.leadAccountId);
			if (lead) out.lead = this.user(lead);
		}
		if (expand.has('issueTypes') || withRoles) out.issueTypes = project.issueTypeIds.map((id) => this.issueType(id));
		if (withRoles) out.roles = Object.fromEntries(PROJECT_ROLES.map((role) => [role.name, this.api(`/project/${project.id}/role/${role.id}`)]));
		return out;
	}

	projectRole(project: JiraProject, roleId: string): Json {
		const role = PROJECT_ROLES.find((candidate) => candidate.id === roleId)!;
		const actors = project.roles.get(roleId) ?? { users: new Set<string>(), groups: new Set<string>() };
		const users = [...actors.users].map((accountId) => {
			const user = this.store.users.get(accountId);
			return {
				id: stableNumber(`${project.id}:${roleId}:u:${accountId}`),
				displayName: user?.displayName ?? 'Former user',
				type: 'atlassian-user-role-actor',
				actorUser: { accountId },
			};
		});
		const groups = [...actors.groups].map((groupId) => {
			const group = this.store.groups.get(groupId);
			const name = group?.name ?? groupId;
			return {
				id: stableNumber(`${project.id}:${roleId}:g:${groupId}`),
				displayName: name,
				type: 'atlassian-group-role-actor',
				name,
				actorGroup: { displayName: name, name, groupId },
			};
		});
		return {
			self: this.api(`/project/${project.id}/role/${role.id}`),
			name: role.name,
			id: Number(role.id),
			description: role.description,
			actors: [...groups, ...users],
			scope: { type: 'PROJECT', project: { id: project.id, key: project.key, name: project.name } },
		};
	}

	teamOption(optionId: string): Json | null {
		const option = TEAM_OPTIONS.find((candidate) => candidate.id === optionId);
		return option ? { self: this.api(`/customFieldOption/${option.id}`), value: option.value, id: option.id } : null;
	}

	comment(issue: JiraIssue, comment: JiraComment, renderedBody = false): Json {
		return {
			self: this.api(`/issue/${issue.id}/comment/${comment.id}`),
			id: String(comment.id),
			author: this.userRef(comment.authorId),
			body: comment.body,
			...(renderedBody ? { renderedBody: adfToHtml(comment.body) } : {}),
			updateAuthor: this.userRef(comment.updateAuthorId),
			created: jiraTime(comment.created),
			updated: jiraTime(comment.updated),
			...(comment.visibility ? { visibility: comment.visibility } : {}),
			jsdPublic: true,
		};
	}

	changelog(entry: ChangelogEntry): Json {
		return {
			id: String(entry.id),
			author: this.userRef(entry.authorId),
			created: jiraTime(entry.created),
			items: entry.items,
			...(entry.historyMetadata ? { historyMetadata: entry.historyMetadata } : {}),
		};
	}

	private richText(value: unknown): unknown {
		if (value === null || value === undefined) return null;
		return typeof value === 'string' ? textToAdf(value) : value;
	}

	private issueLink(issue: JiraIssue): Json {
		return {
			id: String(issue.id),
			key: issue.key,
			self: this.api(`/issue/${issue.id}`),
			fields: {
				summary: issue.summary,
				status: this.status(issue.statusId),
				priority: this.priority(issue.priorityId),
				issuetype: this.issueType(issue.issueTypeId),
			},
		};
	}

	fieldValue(issue: JiraIssue, field: FieldDef): unknown {
		switch (field.id) {
			case 'summary':
				return issue.summary;
			case 'description':
				return this.richText(issue.description);
			case 'environment':
				return this.richText(issue.environment);
			case 'issuetype':
				return this.issueType(issue.issueTypeId);
			case 'project':
				return this.projectDetails(this.store.projects.get(issue.projectId)!);
			case 'status':
				return this.status(issue.statusId);
			case 'priority':
				return this.priority(issue.priorityId);
			case 'resolution':
				return this.resolution(issue.resolutionId);
			case 'resolutiondate':
				return issue.resolutionDate === null ? null : jiraTime(issue.resolutionDate);
			case 'labels':
				return [...issue.labels];
			case 'assignee':
				return this.userRef(issue.assigneeId);
			case 'reporter':
				return this.userRef(issue.reporterId);
			case 'creator':
				return this.userRef(issue.creatorId);
			case 'created':
				return jiraTime(issue.created);
			case 'updated':
				return jiraTime(issue.updated);
			case 'duedate':
				return issue.duedate;
			case 'comment':
				return {
					comments: issue.comments.map((comment) => this.comment(issue, comment)),
					self: this.api(`/issue/${issue.id}/comment`),
					maxResults: issue.comments.length,
					total: issue.comments.length,
					startAt: 0,
				};
			case 'parent': {
				const parent = issue.parentId === null ? undefined : this.store.issues.get(issue.parentId);
				return parent ? this.issueLink(parent) : undefined;
			}
			case 'subtasks':
				return this.store.subtasksOf(issue).map((child) => this.issueLink(child));
		}
		const value = issue.custom[field.id];
		switch (field.kind) {
			case 'richtext':
				return this.richText(value);
			case 'option':
				return typeof value === 'string' ? this.teamOption(value) : null;
			default:
				return value ?? null;
		}
	}

	issue(issue: JiraIssue, view: IssueView): Json {
		if (view.idsOnly) {
			return view.idsOnly.key
				? { expand: '', id: String(issue.id), self: this.api(`/issue/${issue.id}`), key: issue.key }
				: { id: String(issue.id) };
		}
		const out: Json = {
			expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
			id: String(issue.id),
			self: this.api(`/issue/${issue.id}`),
			key: issue.key,
		};
		const expand = view.expand ?? new Set<string>();
		const chosen = FIELDS.filter((field) => field.id !== 'issuekey' && view.fields?.has(field.id));
		if (expand.has('transitions')) {
			out.transitions = this.availableTransitions(issue).map((transition) => this.transition(issue, transition, false, true));
		}
		if (expand.has('editmeta')) out.editmeta = this.editMeta(issue);
		if (expand.has('changelog')) {
			const histories = issue.changelog.slice(-40).reverse().map((entry) => this.changelog(entry));
			out.changelog = { startAt: 0, maxResults: histories.length, total: issue.changelog.length, histories };
		}
		if (view.properties?.length) {
			out.properties = Object.fromEntries(view.properties.filter((key) => key in issue.properties).map((key) => [key, issue.properties[key]]));
		}
		if (expand.has('renderedFields')) {
			const rendered: Json = {};
			for (const field of chosen) {
				if (field.kind === 'richtext') {
					const value = this.fieldValue(issue, field);
					rendered[field.id] = value === null ? null : adfToHtml(value);
				} else if (field.id === 'comment') {
					rendered.comment = {
						comments: issue.comments.map((comment) => ({ ...this.comment(issue, comment), body: adfToHtml(comment.body) })),
						maxResults: issue.comments.length,
						total: issue.comments.length,
						startAt: 0,
					};
				}
			}
			out.renderedFields = rendered;
		}
		if (expand.has('names')) out.names = Object.fromEntries(chosen.map((field) => [field.id, field.name]));
		if (expand.has('schema')) out.schema = Object.fromEntries(chosen.filter((field) => field.schema).map((field) => [field.id, field.schema]));
		const fields: Json = {};
		for (const field of chosen) {
			const value = this.fieldValue(issue, field);
			if (value !== undefined) fields[field.id] = value;
		}
		out.fields = fields;
		return out;
	}

	// Metadata ---------------------------------------------------------------------------------

	allowedValues(field: FieldDef, project: JiraProject, issueTypeId?: string): unknown[] | undefined {
		switch (field.kind) {
			case 'priority':
				return PRIORITIES.map((priority) => this.priority(priority.id));
			case 'resolution':
				return RESOLUTIONS.map((resolution) => this.resolution(resolution.id));
			case 'option':
				return TEAM_OPTIONS.map((option) => this.teamOption(option.id));
			case 'issuetype':
				return (issueTypeId ? [issueTypeId] : project.issueTypeIds).map((id) => this.issueType(id));
			case 'project':
				return [this.projectDetails(project)];
		}
		return undefined;
	}

	/** FieldMetadata (editmeta, transition screens) or, with `fieldId`, FieldCreateMetadata. */
	fieldMeta(screenField: ScreenField, project: JiraProject, options: { create?: boolean; issueTypeId?: string } = {}): Json {
		const field = FIELDS_BY_ID.get(screenField.fieldId)!;
		const out: Json = {
			required: screenField.required,
			schema: field.schema,
			name: field.name,
			key: field.id,
			...(options.create ? { fieldId: field.id } : {}),
			hasDefaultValue: screenField.hasDefaultValue === true,
			operations: field.operations,
		};
		const allowed = this.allowedValues(field, project, options.issueTypeId);
		if (allowed) out.allowedValues = allowed;
		if (field.kind === 'user') out.autoCompleteUrl = this.api('/user/search?query=');
		if (field.kind === 'labels') out.autoCompleteUrl = this.api('/labels/suggest?query=');
		if (field.id === 'priority') out.defaultValue = this.priority(DEFAULT_PRIORITY);
		return out;
	}

	createMetaFields(project: JiraProject, issueTypeId: string): Json[] {
		return createScreen(project, issueTypeId).map((field) => this.fieldMeta(field, project, { create: true, issueTypeId }));
	}

	editMeta(issue: JiraIssue): Json {
		const project = this.store.projects.get(issue.projectId)!;
		const subtask = ISSUE_TYPES.find((type) => type.id === issue.issueTypeId)?.subtask === true;
		return { fields: Object.fromEntries(editScreen(project, subtask).map((field) => [field.fieldId, this.fieldMeta(field, project)])) };
	}

	availableTransitions(issue: JiraIssue): TransitionDef[] {
		return TRANSITIONS.filter((transition) => transition.from.includes(issue.statusId));
	}

	transition(issue: JiraIssue, transition: TransitionDef, withFields: boolean, available: boolean): Json {
		const project = this.store.projects.get(issue.projectId)!;
		const out: Json = {
			id: transition.id,
			name: transition.name,
			to: this.status(transition.to),
			hasScreen: transition.screen.length > 0,
			isGlobal: false,
			isInitial: false,
			isAvailable: available,
			isConditional: false,
			looped: false,
		};
		if (withFields) {
			out.fields = Object.fromEntries(transition.screen.map((field) => [field.fieldId, this.fieldMeta(field, project)]));
		}
		return out;
	}

	fieldDetails(field: FieldDef): Json {
		return {
			id: field.id,
			key: field.id,
			name: field.name,
			custom: field.custom,
			orderable: field.orderable,
			navigable: field.navigable,
			searchable: field.searchable,
			clauseNames: field.clauseNames,
			...(field.schema ? { schema: field.schema } : {}),
		};
	}
}
