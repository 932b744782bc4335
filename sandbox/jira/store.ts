import { Prng } from '../core/prng';
import { PROJECT_ROLES, PROJECTS, type ProjectDef } from './config';

/**
 * The Jira emulator's data, in memory, with the indexes the endpoints need (by email, by group
 * name, user -> groups, issue key -> issue). Validation lives in the routes; the store keeps
 * the data consistent (ids, keys, membership both ways) and counts changes for persistence.
 */

export type AccountType = 'atlassian' | 'app' | 'customer' | 'unknown';

export interface JiraUser {
	accountId: string;
	accountType: AccountType;
	active: boolean;
	displayName: string;
	email?: string;
	/** Profile visibility: a hidden email is left out of every answer (as Jira does). */
	emailVisible: boolean;
	timeZone: string;
	locale: string;
	products: string[];
}

export interface JiraGroup {
	groupId: string;
	name: string;
	members: Set<string>;
}

export interface JiraComment {
	id: number;
	authorId: string;
	updateAuthorId: string;
	body: unknown;
	created: number;
	updated: number;
	visibility?: { type: 'group' | 'role'; value?: string; identifier?: string };
}

/** A changelog item; an empty side (no value before or after) is absent, as the spec types them as strings. */
export interface ChangeItem {
	field: string;
	fieldtype: 'jira' | 'custom';
	fieldId: string;
	from?: string;
	fromString?: string;
	to?: string;
	toString?: string;
}

export interface ChangelogEntry {
	id: number;
	authorId: string;
	created: number;
	items: ChangeItem[];
	historyMetadata?: unknown;
}

export interface JiraIssue {
	id: number;
	key: string;
	projectId: string;
	issueTypeId: string;
	summary: string;
	/** ADF as sent; a plain string is generated text, rendered as ADF on the way out (saves memory at 20k issues). */
	description: unknown;
	environment: unknown;
	statusId: string;
	priorityId: string | null;
	resolutionId: string | null;
	resolutionDate: number | null;
	labels: string[];
	assigneeId: string | null;
	reporterId: string | null;
	creatorId: string;
	created: number;
	updated: number;
	duedate: string | null;
	custom: Record<string, unknown>;
	parentId: number | null;
	comments: JiraComment[];
	changelog: ChangelogEntry[];
	properties: Record<string, unknown>;
}

export interface RoleActors {
	users: Set<string>;
	groups: Set<string>;
}

export interface JiraProject extends ProjectDef {
	leadAccountId: string | null;
	roles: Map<string, RoleActors>;
	nextNumber: number;
}

/** What GET /__admin/state and persistence write: plain JSON, times as ISO strings. */
export interface JiraStateJson {
	format: 'jira-sandbox/1';
	users: JiraUser[];
	groups: Array<{ groupId: string; name: string; members: string[] }>;
	projects: Array<{ key: string; leadAccountId: string | null; nextNumber: number; roles: Record<string, { users: string[]; groups: string[] }> }>;
	issues: unknown[];
	counters: { nextIssueId: number; nextCommentId: number; nextChangelogId: number; nextActorId: number };
}

export class JiraStore {
	users = new Map<string, JiraUser>();
	private usersByEmail = new Map<string, string>();
	groups = new Map<string, JiraGroup>();
	private groupsByName = new Map<string, string>();
	private userGroups = new Map<string, Set<string>>();
	projects = new Map<string, JiraProject>();
	issues = new Map<number, JiraIssue>();
	private issuesByKey = new Map<string, number>();
	/** parent id -> sub-task ids, so that rendering `subtasks` does not scan every issue. */
	private children = new Map<number, Set<number>>();
	nextIssueId = 10000;
	nextCommentId = 10000;
	nextChangelogId = 10000;
	nextActorId = 10100;
	version = 0;
	private lastStamp = 0;
	/** Ids made at run time (user and group creation) are random-looking but reproducible. */
	readonly ids = new Prng(0x5eed);

	constructor(private readonly clock: () => number) {
		this.clear();
	}

	clear(): void {
		// A reset or a replacing seed starts the clock of `updated` stamps again (tests move time back).
		this.lastStamp = 0;
		this.users.clear();
		this.usersByEmail.clear();
		this.groups.clear();
		this.groupsByName.clear();
		this.userGroups.clear();
		this.issues.clear();
		this.issuesByKey.clear();
		this.children.clear();
		this.projects.clear();
		for (const def of PROJECTS) {
			this.projects.set(def.id, {
				...def,
				leadAccountId: null,
				nextNumber: 1,
				roles: new Map(PROJECT_ROLES.map((role) => [role.id, { users: new Set<string>(), groups: new Set<string>() }])),
			});
		}
		this.nextIssueId = 10000;
		this.nextCommentId = 10000;
		this.nextChangelogId = 10000;
		this.nextActorId = 10100;
		this.changed();
	}

	changed(): void {
		this.version++;
	}

	/** Now, strictly later than every earlier stamp: `updated` moves on every change, even within one ms. */
	stamp(): number {
		this.lastStamp = Math.max(this.clock(), this.lastStamp + 1);
		return this.lastStamp;
	}

	now(): number {
		return this.clock();
	}

	// Users ------------------------------------------------------------------------------------

	newAccountId(): string {
		return this.ids.hex(24);
	}

	addUser(user: JiraUser): JiraUser {
		if (this.users.has(user.accountId)) throw new Error(`Duplicate accountId ${user.accountId}`);
		this.users.set(user.accountId, user);
		if (user.email) this.usersByEmail.set(user.email.toLowerCase(), user.accountId);
		this.changed();
		return user;
	}

	userByEmail(email: string): JiraUser | undefined {
		const id = this.usersByEmail.get(email.trim().toLowerCase());
		return id ? this.users.get(id) : undefined;
	}

	removeUser(accountId: string): boolean {
		const user = this.users.get(accountId);
		if (!user) return false;
		this.users.delete(accountId);
		if (user.email) this.usersByEmail.delete(user.email.toLowerCase());
		for (const groupId of this.userGroups.get(accountId) ?? []) this.groups.get(groupId)?.members.delete(accountId);
		this.userGroups.delete(accountId);
		for (const project of this.projects.values()) for (const actors of project.roles.values()) actors.users.delete(accountId);
		this.changed();
		return true;
	}

	groupsOf(accountId: string): JiraGroup[] {
		return [...(this.userGroups.get(accountId) ?? [])]
			.map((groupId) => this.groups.get(groupId))
			.filter((group): group is JiraGroup => group !== undefined)
			.sort((a, b) => a.name.localeCompare(b.name));
	}

	// Groups -----------------------------------------------------------------------------------

	addGroup(name: string, groupId = this.ids.uuid()): JiraGroup {
		const group: JiraGroup = { groupId, name, members: new Set() };
		this.groups.set(groupId, group);
		this.groupsByName.set(name.toLowerCase(), groupId);
		this.changed();
		return group;
	}

	groupByName(name: string): JiraGroup | undefined {
		const id = this.groupsByName.get(name.toLowerCase());
		return id ? this.groups.get(id) : undefined;
	}

	removeGroup(groupId: string): boolean {
		const group = this.groups.get(groupId);
		if (!group) return false;
		for (const accountId of group.members) this.userGroups.get(accountId)?.delete(groupId);
		this.groups.delete(groupId);
		this.groupsByName.delete(group.name.toLowerCase());
		for (const project of this.projects.values()) for (const actors of project.roles.values()) actors.groups.delete(groupId);
		this.changed();
		return true;
	}

	addMember(group: JiraGroup, accountId: string): boolean {
		if (group.members.has(accountId)) return false;
		group.members.add(accountId);
		let mine = this.userGroups.get(accountId);
		if (!mine) {
			mine = new Set();
			this.userGroups.set(accountId, mine);
		}
		mine.add(group.groupId);
		this.changed();
		return true;
	}

	removeMember(group: JiraGroup, accountId: string): boolean {
		if (!group.members.delete(accountId)) return false;
		this.userGroups.get(accountId)?.delete(group.groupId);
		this.changed();
		return true;
	}

	// Projects and issues ------------------------------------------------------------------------

	project(idOrKey: string): JiraProject | undefined {
		const byId = this.projects.get(idOrKey);
		if (byId) return byId;
		const upper = idOrKey.toUpperCase();
		return [...this.projects.values()].find((project) => project.key === upper);
	}

	issue(idOrKey: string): JiraIssue | undefined {
		if (/^\d+$/.test(idOrKey)) return this.issues.get(Number(idOrKey));
		const id = this.issuesByKey.get(idOrKey.toUpperCase());
		return id === undefined ? undefined : this.issues.get(id);
	}

	/** Files an issue: gives it an id and the project's next key unless it has them. */
	addIssue(issue: Omit<JiraIssue, 'id' | 'key'> & { id?: number; key?: string }): JiraIssue {
		const project = this.projects.get(issue.projectId);
		if (!project) throw new Error(`Unknown project ${issue.projectId}`);
		const id = issue.id ?? this.nextIssueId++;
		this.nextIssueId = Math.max(this.nextIssueId, id + 1);
		let key = issue.key;
		if (key) {
			const number = Number(key.split('-')[1]);
			project.nextNumber = Math.max(project.nextNumber, number + 1);
		} else {
			key = `${project.key}-${project.nextNumber++}`;
		}
		const stored: JiraIssue = { ...issue, id, key } as JiraIssue;
		this.issues.set(id, stored);
		this.issuesByKey.set(key, id);
		if (stored.parentId !== null) this.linkChild(stored.parentId, id);
		this.changed();
		return stored;
	}

	private linkChild(parentId: number, childId: number): void {
		let set = this.children.get(parentId);
		if (!set) {
			set = new Set();
			this.children.set(parentId, set);
		}
		set.add(childId);
	}

	setParent(issue: JiraIssue, parentId: number | null): void {
		if (issue.parentId !== null) this.children.get(issue.parentId)?.delete(issue.id);
		issue.parentId = parentId;
		if (parentId !== null) this.linkChild(parentId, issue.id);
		this.changed();
	}

	removeIssue(issue: JiraIssue): void {
		this.issues.delete(issue.id);
		this.issuesByKey.delete(issue.key);
		if (issue.parentId !== null) this.children.get(issue.parentId)?.delete(issue.id);
		this.children.delete(issue.id);
		this.changed();
	}

	subtasksOf(issue: JiraIssue): JiraIssue[] {
		return [...(this.children.get(issue.id) ?? [])]
			.map((id) => this.issues.get(id))
			.filter((child): child is JiraIssue => child !== undefined);
	}

	// Persistence --------------------------------------------------------------------------------

	exportState(): JiraStateJson {
		const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
		return {
			format: 'jira-sandbox/1',
			users: [...this.users.values()],
			groups: [...this.groups.values()].map((group) => ({ groupId: group.groupId, name: group.name, members: [...group.members] })),
			projects: [...this.projects.values()].map((project) => ({
				key: project.key,
				leadAccountId: project.leadAccountId,
				nextNumber: project.nextNumber,
				roles: Object.fromEntries(
					[...project.roles.entries()].map(([roleId, actors]) => [roleId, { users: [...actors.users], groups: [...actors.groups] }]),
				),
			})),
			issues: [...this.issues.values()].map((issue) => ({
				...issue,
				created: iso(issue.created),
				updated: iso(issue.updated),
				resolutionDate: iso(issue.resolutionDate),
				comments: issue.comments.map((comment) => ({ ...comment, created: iso(comment.created), updated: iso(comment.updated) })),
				changelog: issue.changelog.map((entry) => ({ ...entry, created: iso(entry.created) })),
			})),
			counters: {
				nextIssueId: this.nextIssueId,
				nextCommentId: this.nextCommentId,
				nextChangelogId: this.nextChangelogId,
				nextActorId: this.nextActorId,
			},
		};
	}

	importState(raw: unknown): void {
		const state = raw as JiraStateJson;
		if (!state || state.format !== 'jira-sandbox/1') throw new Error('Not a Jira sandbox state (format jira-sandbox/1)');
		this.clear();
		const ms = (text: unknown) => (text === null || text === undefined ? null : Date.parse(String(text)));
		for (const user of state.users) this.addUser({ ...user });
		for (const group of state.groups) {
			const stored = this.addGroup(group.name, group.groupId);
			for (const member of group.members) this.addMember(stored, member);
		}
		for (const saved of state.projects) {
			const project = this.project(saved.key);
			if (!project) continue;
			project.leadAccountId = saved.leadAccountId;
			project.nextNumber = saved.nextNumber;
			for (const [roleId, actors] of Object.entries(saved.roles)) {
				project.roles.set(roleId, { users: new Set(actors.users), groups: new Set(actors.groups) });
			}
		}
		for (const item of state.issues as Array<Record<string, unknown>>) {
			const issue = {
				...item,
				created: ms(item.created),
				updated: ms(item.updated),
				resolutionDate: ms(item.resolutionDate),
				comments: (item.comments as Array<Record<string, unknown>>).map((comment) => ({
					...comment,
					created: ms(comment.created),
					updated: ms(comment.updated),
				})),
				changelog: (item.changelog as Array<Record<string, unknown>>).map((entry) => ({ ...entry, created: ms(entry.created) })),
			} as unknown as JiraIssue;
			const project = this.projects.get(issue.projectId);
			const number = Number(issue.key.split('-')[1]);
			this.addIssue(issue);
			if (project) project.nextNumber = Math.max(project.nextNumber, number + 1);
		}
		Object.assign(this, state.counters);
		this.changed();
	}
}
