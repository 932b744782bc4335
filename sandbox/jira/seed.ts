import { HttpError } from '../core/router';
import { asciiSlug, FIRST_NAMES, LAST_NAMES, Prng } from '../core/prng';
import { textToAdf } from './adf';
import {
	DEFAULT_PRIORITY,
	ESM_REFERENCE,
	INITIAL_STATUS,
	ISSUE_TYPES,
	PRIORITIES,
	PROJECT_ROLES,
	RESOLUTIONS,
	STATUSES,
	STORY_POINTS,
	TEAM,
	TEAM_OPTIONS,
} from './config';
import { statusChange } from './fields';
import type { AccountType, JiraIssue, JiraStore, JiraUser } from './store';

/**
 * Seed data for the Jira emulator: a JSON data set format (what `POST /__admin/seed` takes), the
 * demo data of `npm start`, and a deterministic generator for the benchmark sizes (50,000 users,
 * 7,000 groups, 20,000 issues). Same seed, same data, on every machine.
 */

export interface JiraSeedUser {
	accountId?: string;
	email?: string;
	displayName: string;
	accountType?: AccountType;
	active?: boolean;
	/** False: the email is hidden by the user's profile visibility. */
	emailVisible?: boolean;
	products?: string[];
	timeZone?: string;
	locale?: string;
}

export interface JiraSeedIssue {
	key?: string;
	/** Project key. */
	project: string;
	/** Issue type name or id (default: the project's first type). */
	issueType?: string;
	summary: string;
	/** Plain text (stored as ADF) or an ADF document. */
	description?: unknown;
	/** Status name or id. */
	status?: string;
	priority?: string;
	resolution?: string;
	labels?: string[];
	/** accountId or email. */
	assignee?: string;
	reporter?: string;
	created?: string;
	updated?: string;
	duedate?: string;
	parent?: string;
	/** Custom field values in stored form: Team option value or id, Story Points number, ESM Reference text. */
	fields?: Record<string, unknown>;
	comments?: Array<{ body: unknown; author?: string; created?: string }>;
	properties?: Record<string, unknown>;
}

export interface JiraSeed {
	/** Add the demo data. */
	demo?: boolean;
	/** Add generated data. */
	generate?: { users?: number; groups?: number; issues?: number; seed?: number; membershipsPerUser?: number };
	users?: JiraSeedUser[];
	/** Members by accountId or email. */
	groups?: Array<{ name: string; groupId?: string; members?: string[] }>;
	issues?: JiraSeedIssue[];
	/** Role actors: role by name or id; users by accountId or email; groups by name. */
	roles?: Array<{ project: string; role: string; users?: string[]; groups?: string[] }>;
	/** Project leads by project key. */
	leads?: Record<string, string>;
	/** The number the next new issue of a project gets (keys of deleted issues are never reused). */
	nextIssueNumbers?: Record<string, number>;
}

/** Demo timestamps are fixed (not "now") so that demo data is the same on every run. */
export const DEMO_ANCHOR = Date.UTC(2026, 10, 2, 8, 0, 0);

function bad(message: string): never {
	throw new HttpError(400, `seed: ${message}`);
}

function userRef(store: JiraStore, ref: string | undefined): string | null {
	if (!ref) return null;
	const user = store.users.get(ref) ?? store.userByEmail(ref);
	if (!user) bad(`unknown user '${ref}'`);
	return user.accountId;
}

function time(text: string | undefined, fallback: number): number {
	if (!text) return fallback;
	const ms = Date.parse(text);
	if (Number.isNaN(ms)) bad(`'${text}' is not a date-time`);
	return ms;
}

function addSeedUser(store: JiraStore, user: JiraSeedUser): JiraUser {
	const accountType = user.accountType ?? 'atlassian';
	return store.addUser({
		accountId: user.accountId ?? store.newAccountId(),
		accountType,
		active: user.active ?? true,
		displayName: user.displayName,
		...(user.email ? { email: user.email } : {}),
		emailVisible: user.emailVisible ?? true,
		timeZone: user.timeZone ?? 'UTC',
		locale: user.locale ?? 'en_US',
		products: user.products ?? (accountType === 'atlassian' ? ['jira-software', 'jira-servicedesk'] : []),
	});
}

function addSeedIssue(store: JiraStore, seed: JiraSeedIssue, defaultAuthor: string, fallbackTime: number): JiraIssue {
	const project = store.project(seed.project);
	if (!project) bad(`unknown project '${seed.project}'`);
	const type = seed.issueType
		? ISSUE_TYPES.find((candidate) => candidate.id === seed.issueType || candidate.name.toLowerCase() === seed.issueType!.toLowerCase())
		: ISSUE_TYPES.find((candidate) => candidate.id === project.issueTypeIds[0]);
	if (!type || !project.issueTypeIds.includes(type.id)) bad(`issue type '${seed.issueType}' is not in project ${project.key}`);
	const status = seed.status ? STATUSES.find((candidate) => candidate.id === seed.status || candidate.name.toLowerCase() === seed.status!.toLowerCase()) : undefined;
	if (seed.status && !status) bad(`unknown status '${seed.status}'`);
	const priority = seed.priority ? PRIORITIES.find((candidate) => candidate.id === seed.priority || candidate.name === seed.priority) : undefined;
	if (seed.priority && !priority) bad(`unknown priority '${seed.priority}'`);
	const resolution = seed.resolution ? RESOLUTIONS.find((candidate) => candidate.id === seed.resolution || candidate.name === seed.resolution) : undefined;
	if (seed.resolution && !resolution) bad(`unknown resolution '${seed.resolution}'`);
	const created = time(seed.created, fallbackTime);
	const updated = Math.max(created, time(seed.updated, created));
	const custom: Record<string, unknown> = {};
	for (const [fieldId, value] of Object.entries(seed.fields ?? {})) {
		if (fieldId === TEAM) {
			const option = TEAM_OPTIONS.find((candidate) => candidate.id === String(value) || candidate.value === String(value));
			if (!option) bad(`'${String(value)}' is not a Team option`);
			custom[TEAM] = option.id;
		} else {
			custom[fieldId] = value;
		}
	}
	const parent = seed.parent ? store.issue(seed.parent) : undefined;
	if (seed.parent && !parent) bad(`unknown parent '${seed.parent}'`);
	const reporter = userRef(store, seed.reporter) ?? defaultAuthor;
	const statusId = status?.id ?? INITIAL_STATUS;
	const issue = store.addIssue({
		key: seed.key,
		projectId: project.id,
		issueTypeId: type.id,
		summary: seed.summary,
		description: seed.description === undefined ? null : typeof seed.description === 'string' ? textToAdf(seed.description) : seed.description,
		environment: null,
		statusId,
		priorityId: priority?.id ?? DEFAULT_PRIORITY,
		resolutionId: resolution?.id ?? null,
		resolutionDate: resolution ? updated : null,
		labels: seed.labels ?? [],
		assigneeId: userRef(store, seed.assignee),
		reporterId: reporter,
		creatorId: reporter,
		created,
		updated,
		duedate: seed.duedate ?? null,
		custom,
		parentId: parent?.id ?? null,
		comments: [],
		changelog: [],
		properties: { ...(seed.properties ?? {}) },
	});
	if (statusId !== INITIAL_STATUS) {
		issue.changelog.push({ id: store.nextChangelogId++, authorId: reporter, created: updated, items: [statusChange(INITIAL_STATUS, statusId)] });
	}
	for (const comment of seed.comments ?? []) {
		const at = time(comment.created, updated);
		const author = userRef(store, comment.author) ?? reporter;
		issue.comments.push({
			id: store.nextCommentId++,
			authorId: author,
			updateAuthorId: author,
			body: typeof comment.body === 'string' ? textToAdf(comment.body) : comment.body,
			created: at,
			updated: at,
		});
	}
	return issue;
}

/** Adds a data set to the store (which the caller has reset to its base state or not). */
export function applyJiraSeed(store: JiraStore, seed: JiraSeed, integrationAccountId: string): void {
	if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) bad('expected a JSON object');
	if (seed.demo) applyJiraSeed(store, demoSeed(integrationAccountId), integrationAccountId);
	if (seed.generate) generate(store, seed.generate, integrationAccountId);
	for (const user of seed.users ?? []) {
		if (!user.displayName) bad('every user needs a displayName');
		if (user.email && store.userByEmail(user.email)) bad(`duplicate email ${user.email}`);
		addSeedUser(store, user);
	}
	for (const group of seed.groups ?? []) {
		if (!group.name) bad('every group needs a name');
		const stored = store.groupByName(group.name) ?? store.addGroup(group.name, group.groupId);
		for (const member of group.members ?? []) store.addMember(stored, userRef(store, member)!);
	}
	for (const [key, lead] of Object.entries(seed.leads ?? {})) {
		const project = store.project(key);
		if (!project) bad(`unknown project '${key}'`);
		project.leadAccountId = userRef(store, lead);
	}
	for (const entry of seed.roles ?? []) {
		const project = store.project(entry.project);
		const role = PROJECT_ROLES.find((candidate) => candidate.id === entry.role || candidate.name === entry.role);
		if (!project || !role) bad(`unknown project role ${entry.project}/${entry.role}`);
		const actors = project.roles.get(role.id)!;
		for (const user of entry.users ?? []) actors.users.add(userRef(store, user)!);
		for (const name of entry.groups ?? []) {
			const group = store.groupByName(name);
			if (!group) bad(`unknown group '${name}'`);
			actors.groups.add(group.groupId);
		}
	}
	let fallback = DEMO_ANCHOR;
	for (const issue of seed.issues ?? []) {
		if (!issue.summary || !issue.project) bad('every issue needs a project and a summary');
		addSeedIssue(store, issue, integrationAccountId, (fallback += 60_000));
	}
	for (const [key, next] of Object.entries(seed.nextIssueNumbers ?? {})) {
		const project = store.project(key);
		if (!project) bad(`unknown project '${key}'`);
		project.nextNumber = Math.max(project.nextNumber, next);
	}
	store.changed();
}

// Demo ------------------------------------------------------------------------------------------

const SD_SUMMARIES: Array<[string, string, string[]]> = [
	['VPN connection drops every few minutes', 'Since this morning the VPN client disconnects every 5 to 10 minutes.\nReconnecting works, but calls are dropped.', ['vpn', 'network']],
	['Cannot log in to the self-service portal', 'The portal says "invalid credentials" although the password works in Outlook.', ['sso']],
	['Printer on floor 3 reports a paper jam', 'The HP printer next to the kitchen shows a paper jam, but there is no paper stuck.', ['printer']],
	['New laptop for a new employee', 'Starts on Monday in Finance. Standard laptop with docking station, please.', ['onboarding', 'hardware']],
	['Access request: Salesforce', 'Please grant access to Salesforce (Sales Cloud, standard user profile).', ['access-request']],
	['Password reset does not send the email', 'The reset link never arrives; checked the spam folder.', ['password']],
	['Outlook calendar does not sync on phone', 'Meetings created on the laptop do not appear on the iPhone.', ['email', 'mobile']],
	['Teams camera not detected', 'Teams says no camera found since the last Windows update.', ['teams']],
	['Shared drive S: is read-only', 'We cannot save files to S:\\Projects since yesterday.', ['file-share']],
	['Access request: GitHub organisation', 'Developer joining the platform team needs access to the GitHub org.', ['access-request']],
	['Monitor flickers on docking station', 'External monitor flickers when connected through the dock.', ['hardware']],
	['Cannot install approved software', 'Software Center shows error 0x87D00607 for Visual Studio Code.', ['software']],
	['Phishing email reported', 'Received an email asking to confirm my payroll details. Attached as .eml.', ['security']],
	['Mailbox almost full', 'Outlook warns that the mailbox is 98% full.', ['email']],
	['Wi-Fi in meeting room Aurora is slow', 'Video calls freeze in Aurora; other rooms are fine.', ['network', 'wifi']],
	['Access request: Jira Service Management agent', 'New service desk agent needs an agent licence.', ['access-request']],
	['Laptop battery drains quickly', 'Battery lasts less than two hours.', ['hardware']],
	['Offboarding: remove accounts of leaver', 'Employee leaves on Friday: disable accounts and collect hardware.', ['offboarding']],
	['MFA prompt loops on login', 'After approving the MFA prompt it asks again and again.', ['sso', 'mfa']],
	['Expense app crashes on upload', 'The expense app crashes when uploading a receipt photo.', ['mobile']],
	['Request for second monitor', 'Please order a second 27" monitor.', ['hardware']],
	['Cannot connect to the ERP test system', 'Connection refused on port 443 from the office network.', ['network', 'erp']],
	['Keyboard missing keys', 'The "E" and "R" keys are missing.', ['hardware']],
	['Calendar invites show wrong time zone', 'Invites from partners show one hour off.', ['email']],
];

const OPS_SUMMARIES: Array<[string, string, string[]]> = [
	['Rotate TLS certificates on the API gateway', 'Certificates expire in 30 days; rotate and update the trust store.', ['certificates']],
	['Upgrade PostgreSQL cluster to version 16', 'Plan the upgrade of the reporting cluster with a maintenance window.', ['database']],
	['Patch Windows servers (monthly)', 'Apply this month\'s security updates to all Windows servers.', ['patching']],
	['Decommission legacy file server', 'Migrate the remaining shares and switch the old server off.', ['file-share']],
	['Increase disk on log server', 'The log volume is 91% full.', ['storage']],
	['Set up alerting for the identity sync', 'Alert when the nightly identity sync fails or runs longer than an hour.', ['monitoring', 'iga']],
	['Renew the firewall support contract', 'Contract ends next quarter.', ['network']],
	['Automate onboarding account creation', 'Create accounts from HR events instead of tickets.', ['iga', 'automation']],
	['Kubernetes node pool upgrade', 'Upgrade worker nodes to the supported version.', ['kubernetes']],
	['Backup restore test for the ERP database', 'Quarterly restore test of the ERP database backup.', ['backup']],
	['Clean up stale service accounts', 'Review service accounts that have not logged in for 90 days.', ['iga', 'security']],
	['DNS records for the new office', 'Create DNS records for printers and access points of the new office.', ['network']],
	['Update the VPN concentrator firmware', 'Firmware fixes the disconnects reported by users.', ['vpn', 'network']],
	['Capacity review of the virtualisation cluster', 'Check CPU and memory headroom for next year.', ['capacity']],
	['Harden SSH configuration on Linux hosts', 'Disable password login and old ciphers.', ['security']],
	['Move build agents to the new subnet', 'Build agents must move before the old subnet is retired.', ['network', 'ci']],
];

/** The demo data set of `npm start`: ~50 users, 11 groups, 40 issues in SD and OPS, fixed dates. */
export function demoSeed(integrationAccountId: string): JiraSeed {
	const prng = new Prng(42);
	const users: JiraSeedUser[] = [];
	const people: string[] = [];
	const pairs = prng.sample(
		FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => [first, last] as const)),
		45,
	);
	pairs.forEach(([first, last], index) => {
		const email = `${asciiSlug(first)}.${asciiSlug(last)}@acme.example`;
		people.push(email);
		users.push({
			accountId: prng.hex(24),
			email,
			displayName: `${first} ${last}`,
			active: index % 11 !== 10, // a few leavers
			emailVisible: index % 5 !== 4, // some hide their email
			timeZone: prng.pick(['Europe/Helsinki', 'Europe/Berlin', 'Europe/Stockholm', 'UTC']),
			locale: 'en_US',
		});
	});
	users.push(
		{ accountId: prng.hex(24), displayName: 'Automation for Jira', accountType: 'app', products: [] },
		{ accountId: prng.hex(24), displayName: 'Slack', accountType: 'app', products: [] },
		{ accountId: prng.hex(24), email: 'olli.customer@contoso.example', displayName: 'Olli Customer', accountType: 'customer', products: [] },
		{ accountId: prng.hex(24), email: 'sam.partner@fabrikam.example', displayName: 'Sam Partner', accountType: 'customer', products: [], emailVisible: false },
	);
	const active = people.filter((_, index) => index % 11 !== 10);
	const agents = active.slice(0, 8);
	const ops = active.slice(8, 18);
	const groups: JiraSeed['groups'] = [
		{ name: 'site-admins', members: [integrationAccountId, active[0]] },
		{ name: 'jira-administrators', members: [integrationAccountId, active[0], active[1]] },
		{ name: 'jira-software-users', members: people },
		{ name: 'jira-servicemanagement-users', members: agents },
		{ name: 'helpdesk-agents', members: agents },
		{ name: 'it-operations', members: ops },
		{ name: 'network-team', members: ops.slice(0, 4) },
		{ name: 'identity-and-access', members: [ops[4], ops[5], agents[0]] },
		{ name: 'finance-approvers', members: active.slice(20, 25) },
		{ name: 'hr-team', members: active.slice(25, 29) },
		{ name: 'contractors', members: people.slice(36, 45) },
	];

	const statuses = ['To Do', 'In Progress', 'Waiting for customer', 'Done', 'Closed'];
	const issues: JiraSeedIssue[] = [];
	const build = (project: 'SD' | 'OPS', list: typeof SD_SUMMARIES, index: number) => {
		const [summary, description, labels] = list[index];
		const created = DEMO_ANCHOR - prng.int(1, 60) * 86_400_000 - prng.int(0, 600) * 60_000;
		const updated = created + prng.int(10, 72 * 60) * 60_000;
		const status = statuses[index % statuses.length];
		const done = status === 'Done' || (status === 'Closed' && index % 2 === 0);
		const reporter = project === 'SD' ? prng.pick(active) : prng.pick(ops);
		const issue: JiraSeedIssue = {
			project,
			issueType: project === 'SD' ? (labels.includes('access-request') || labels.includes('onboarding') ? 'Service Request' : 'Incident') : index % 4 === 3 ? 'Bug' : 'Task',
			summary,
			description,
			status,
			priority: PRIORITIES[prng.int(0, 4)].name,
			...(done ? { resolution: index % 7 === 0 ? "Won't Do" : 'Done' } : {}),
			labels,
			...(status !== 'To Do' ? { assignee: project === 'SD' ? prng.pick(agents) : prng.pick(ops) } : {}),
			reporter,
			created: new Date(created).toISOString(),
			updated: new Date(updated).toISOString(),
			fields: project === 'OPS' ? { [TEAM]: prng.pick(TEAM_OPTIONS).value, [STORY_POINTS]: prng.pick([1, 2, 3, 5, 8]) } : {},
			comments: [],
		};
		const commentCount = prng.int(0, 3);
		for (let c = 0; c < commentCount; c++) {
			issue.comments!.push({
				body: prng.pick([
					'Thanks, I am looking into it.',
					'Could you send a screenshot of the error?',
					'Restarted the service; please try again.',
					'Works again on my side, thank you!',
					'Waiting for the vendor to answer.',
				]),
				author: c % 2 === 0 ? (issue.assignee ?? reporter) : reporter,
				created: new Date(created + (c + 1) * 3_600_000).toISOString(),
			});
		}
		// Every third service desk issue came from ESM: it carries the ESM reference and the sync stamp.
		if (project === 'SD' && index % 3 === 0) {
			const efecteId = `INC-${String(1000 + index).padStart(6, '0')}`;
			issue.fields![ESM_REFERENCE] = efecteId;
			issue.properties = { 'esm.sync': { origin: 'esm', efecteId, fingerprint: prng.hex(16) } };
		}
		issues.push(issue);
	};
	SD_SUMMARIES.forEach((_, index) => build('SD', SD_SUMMARIES, index));
	OPS_SUMMARIES.forEach((_, index) => build('OPS', OPS_SUMMARIES, index));
	return {
		users,
		groups,
		issues,
		leads: { SD: agents[0], OPS: ops[0] },
		// SD-25 … SD-30 were deleted: the ESM demo still holds the cards of two of them (the full
		// import marks them removed), and Jira never gives their keys to new issues.
		nextIssueNumbers: { SD: 31 },
		roles: [
			{ project: 'SD', role: 'Administrators', users: [integrationAccountId], groups: ['jira-administrators'] },
			{ project: 'SD', role: 'Service Desk Team', groups: ['helpdesk-agents'] },
			{ project: 'OPS', role: 'Administrators', users: [ops[0]] },
			{ project: 'OPS', role: 'Developers', groups: ['it-operations'] },
		],
	};
}

// Generator -------------------------------------------------------------------------------------

const DEPARTMENTS = ['finance', 'hr', 'sales', 'marketing', 'engineering', 'support', 'legal', 'operations', 'research', 'logistics'];

/**
 * Bulk data written straight into the store (no per-record validation): fast enough for 50,000
 * users in well under a second, and plain strings for descriptions to keep memory small.
 */
function generate(store: JiraStore, options: NonNullable<JiraSeed['generate']>, integrationAccountId: string): void {
	const prng = new Prng(options.seed ?? 42);
	const userIds: string[] = [];
	const activePeople: string[] = [];
	const userCount = options.users ?? 0;
	for (let i = 0; i < userCount; i++) {
		const first = prng.pick(FIRST_NAMES);
		const last = prng.pick(LAST_NAMES);
		const roll = prng.next();
		const accountType: AccountType = roll < 0.05 ? 'app' : roll < 0.08 ? 'customer' : 'atlassian';
		const active = prng.next() >= 0.08;
		let accountId = prng.hex(24);
		while (store.users.has(accountId)) accountId = prng.hex(24);
		store.addUser({
			accountId,
			accountType,
			active,
			displayName: accountType === 'app' ? `${last} Integration ${i}` : `${first} ${last}`,
			...(accountType === 'app' ? {} : { email: `${asciiSlug(first)}.${asciiSlug(last)}.${i}@${accountType === 'customer' ? 'customers.example' : 'corp.example'}` }),
			emailVisible: prng.next() >= 0.15,
			timeZone: 'UTC',
			locale: 'en_US',
			products: accountType === 'atlassian' ? ['jira-software'] : [],
		});
		userIds.push(accountId);
		if (active && accountType === 'atlassian') activePeople.push(accountId);
	}
	const groups = [];
	for (let i = 0; i < (options.groups ?? 0); i++) {
		const name = `grp-${DEPARTMENTS[i % DEPARTMENTS.length]}-${String(i).padStart(5, '0')}`;
		groups.push(store.groupByName(name) ?? store.addGroup(name, prng.uuid()));
	}
	if (groups.length) {
		const perUser = options.membershipsPerUser ?? 3;
		for (const accountId of userIds) {
			const count = prng.int(1, perUser * 2 - 1);
			for (let j = 0; j < count; j++) store.addMember(groups[prng.int(0, groups.length - 1)], accountId);
		}
	}
	const issueCount = options.issues ?? 0;
	const projects = [...store.projects.values()];
	const authors = activePeople.length ? activePeople : [integrationAccountId];
	const statusIds = STATUSES.map((status) => status.id);
	for (let i = 0; i < issueCount; i++) {
		const project = projects[i % projects.length];
		const pool = project.key === 'SD' ? SD_SUMMARIES : OPS_SUMMARIES;
		const [summary, description, labels] = pool[prng.int(0, pool.length - 1)];
		const created = DEMO_ANCHOR - prng.int(0, 365 * 24 * 60) * 60_000;
		const updated = created + prng.int(0, 30 * 24 * 60) * 60_000;
		const statusId = prng.pick(statusIds);
		const done = statusId === '10002';
		const reporter = authors[prng.int(0, authors.length - 1)];
		const issue = store.addIssue({
			projectId: project.id,
			issueTypeId: project.issueTypeIds[prng.int(0, project.issueTypeIds.length - 2)],
			summary: `${summary} #${i + 1}`,
			description,
			environment: null,
			statusId,
			priorityId: PRIORITIES[prng.int(0, 4)].id,
			resolutionId: done ? '10000' : null,
			resolutionDate: done ? updated : null,
			labels: [...labels],
			assigneeId: statusId === INITIAL_STATUS ? null : authors[prng.int(0, authors.length - 1)],
			reporterId: reporter,
			creatorId: reporter,
			created,
			updated,
			duedate: null,
			custom: project.key === 'OPS' ? { [TEAM]: TEAM_OPTIONS[i % TEAM_OPTIONS.length].id } : {},
			parentId: null,
			comments: [],
			changelog: [],
			properties: {},
		});
		if (statusId !== INITIAL_STATUS) {
			issue.changelog.push({ id: store.nextChangelogId++, authorId: reporter, created: updated, items: [statusChange(INITIAL_STATUS, statusId)] });
		}
	}
}
