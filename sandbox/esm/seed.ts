import { asciiSlug, FIRST_NAMES, LAST_NAMES, Prng } from '../core/prng';
import { HttpError } from '../core/router';
import { esmTime, type Card, type EsmStore, type StoredValue } from './store';
import { INCIDENT_STATUSES, type TemplateDef } from './templates';
import { writeAttribute } from './values';

/**
 * Seed data for the ESM emulator: the JSON data set format of `POST /__admin/seed`, the demo
 * data of `npm start` (one set per instance: local and remote differ), and a deterministic
 * generator for benchmark sizes.
 */

export interface EsmSeedCard {
	id?: number;
	template: string;
	folder?: string;
	deleted?: boolean;
	hidden?: boolean;
	created?: string;
	updated?: string;
	/**
	 * Attribute values: a value or a list. Plain values are shorthand ("02 - Solving" for a
	 * dropdown, 100042 for a reference, a URL for an external reference); objects are taken as the
	 * API writes them ({value}, {dataCardId}, {name, location}, worklog {value, author, date}).
	 */
	data: Record<string, unknown>;
}

export interface EsmSeed {
	demo?: boolean;
	/** Which demo data: 'local' (default) or 'remote'. */
	instance?: 'local' | 'remote';
	/** persons / groups / incidents; `users` and `issues` are accepted for persons and incidents (the Jira words). */
	generate?: { persons?: number; groups?: number; incidents?: number; users?: number; issues?: number; seed?: number };
	/** Extra templates (or replacements, by code). */
	templates?: TemplateDef[];
	cards?: EsmSeedCard[];
}

/** Demo timestamps are fixed so that demo data is the same on every run. */
export const ESM_DEMO_ANCHOR = Date.UTC(2026, 10, 2, 8, 0, 0);

function bad(message: string): never {
	throw new HttpError(400, `seed: ${message}`);
}

function shorthand(type: string, value: unknown): unknown {
	if (typeof value === 'object' && value !== null) return value;
	switch (type) {
		case 'reference':
			return { dataCardId: String(value) };
		case 'external-reference':
			return { name: String(value), location: String(value) };
		default:
			return { value };
	}
}

export function addSeedCard(store: EsmStore, seed: EsmSeedCard, fallbackTime: number): Card {
	const template = store.templates.get(seed.template);
	if (!template) bad(`unknown template '${seed.template}'`);
	const folder = seed.folder ?? template.folders[0].code;
	if (!template.folders.some((candidate) => candidate.code === folder)) bad(`folder '${folder}' is not allowed for template ${template.code}`);
	const created = seed.created ? Date.parse(seed.created) : fallbackTime;
	const updated = seed.updated ? Date.parse(seed.updated) : created;
	if (Number.isNaN(created) || Number.isNaN(updated)) bad(`bad created/updated on a ${template.code} card`);
	const card: Card = { id: 0, template: template.code, folder, deleted: seed.deleted ?? false, hidden: seed.hidden ?? false, created, updated, data: {} };
	for (const [code, raw] of Object.entries(seed.data ?? {})) {
		const attribute = template.attributes.find((candidate) => candidate.code === code);
		if (!attribute) bad(`attribute ${code} not found from template ${template.code}`);
		const list = (Array.isArray(raw) ? raw : [raw]).map((value) => shorthand(attribute.type, value));
		if (attribute.type === 'worklog') {
			// Seeds keep the author and date they give (the API would stamp the caller and now).
			card.data[code] = list.map((entry) => {
				const value = entry as StoredValue;
				return { author: value.author ?? 'Seed', value: value.value, date: value.date ?? esmTime(updated) };
			});
			continue;
		}
		// Dropdown shorthand by display value or code.
		const values =
			attribute.type === 'static-value'
				? list.map((entry) => {
						const value = entry as StoredValue;
						const hit = attribute.values?.find((candidate) => candidate.value === value.value || candidate.code === value.value);
						return hit && value.code === undefined ? { value: hit.value, code: hit.code } : value;
					})
				: list;
		const error = writeAttribute(card, attribute, values, { store, author: 'Seed', now: updated });
		if (error) bad(`${template.code}.${code}: ${error.message}`);
	}
	return store.addCard({ ...card, id: seed.id });
}

export function applyEsmSeed(store: EsmStore, seed: EsmSeed): void {
	if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) bad('expected a JSON object');
	for (const template of seed.templates ?? []) {
		if (!template.code || !Array.isArray(template.folders) || !Array.isArray(template.attributes)) bad('a template needs code, folders and attributes');
		const defaults = { nameAttributes: [] as string[], id: 2000 + store.templates.size, name: template.code };
		store.templates.set(template.code, Object.assign(defaults, template));
	}
	if (seed.demo) applyEsmSeed(store, demoSeed(store, seed.instance ?? 'local'));
	if (seed.generate) {
		const { users, issues, ...rest } = seed.generate;
		generate(store, { ...rest, persons: rest.persons ?? users, incidents: rest.incidents ?? issues });
	}
	let fallback = ESM_DEMO_ANCHOR;
	for (const card of seed.cards ?? []) addSeedCard(store, card, (fallback += 60_000));
	store.changed();
}

// Demo ---------------------------------------------------------------------------------------------

const DEPARTMENTS = ['Finance', 'HR', 'Sales', 'IT', 'Operations', 'Legal', 'Marketing'];

const INCIDENTS: Array<[string, string, string]> = [
	['VPN connection drops every few minutes', 'The VPN client disconnects every 5 to 10 minutes.', 'Network'],
	['Cannot log in to the self-service portal', 'The portal says "invalid credentials".', 'Access'],
	['Printer on floor 3 reports a paper jam', 'No paper is stuck, the display still shows the jam.', 'Hardware'],
	['New laptop for a new employee', 'Standard laptop with docking station.', 'Hardware'],
	['Access request: Salesforce', 'Sales Cloud, standard user profile.', 'Access'],
	['Password reset does not send the email', 'The reset link never arrives.', 'Access'],
	['Outlook calendar does not sync on phone', 'Meetings do not appear on the phone.', 'Software'],
	['Teams camera not detected', 'No camera found since the last update.', 'Software'],
	['Shared drive is read-only', "Cannot save files to the team's share.", 'Network'],
	['Monitor flickers on docking station', 'External monitor flickers through the dock.', 'Hardware'],
	['Phishing email reported', "Email asks to confirm payroll details; it's suspicious.", 'Other'],
	['MFA prompt loops on login', 'After approving, MFA asks again.', 'Access'],
];

/** ~50 persons, 10 entitlement groups, 5 applications, 30 incidents, 2 failure cards. */
export function demoSeed(store: EsmStore, instance: 'local' | 'remote'): EsmSeed {
	const prng = new Prng(instance === 'local' ? 7 : 8);
	const base = store.nextId;
	const prefix = instance === 'local' ? '' : 'R';
	const cards: EsmSeedCard[] = [];
	const at = (daysAgo: number) => new Date(ESM_DEMO_ANCHOR - daysAgo * 86_400_000).toISOString();
	let id = base;
	const personIds: number[] = [];
	const pairs = prng.sample(
		FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => [first, last] as const)),
		50,
	);
	pairs.forEach(([first, last], index) => {
		const personId = id++;
		personIds.push(personId);
		cards.push({
			id: personId,
			template: 'person',
			created: at(200 - index),
			data: {
				efecte_id: `${prefix}PER-${String(index + 1).padStart(6, '0')}`,
				first_name: first,
				last_name: last,
				email: `${asciiSlug(first)}.${asciiSlug(last)}@acme.example`,
				department: prng.pick(DEPARTMENTS),
				title: prng.pick(['Specialist', 'Manager', 'Analyst', 'Engineer', 'Coordinator']),
				...(index > 0 ? { manager: personIds[prng.int(0, Math.min(index - 1, 4))] } : {}),
				accountStatus: index % 12 === 11 ? 'Disabled' : index === 49 ? 'Deleted' : 'Active',
				start_date: at(400 + index * 7).slice(0, 10),
				datasourceid: 'hr-import',
			},
		});
	});
	const appIds: number[] = [];
	['Salesforce', 'SAP ERP', 'GitHub', 'Jira Service Management', 'Microsoft 365'].forEach((name, index) => {
		const appId = id++;
		appIds.push(appId);
		cards.push({
			id: appId,
			template: 'application',
			created: at(300),
			data: {
				efecte_id: `${prefix}APP-${String(index + 1).padStart(6, '0')}`,
				app_name: name,
				description: `${name} used across the company.`,
				owner: personIds[index],
				url: { name: `${name} login`, location: `https://${asciiSlug(name)}.apps.example` },
				status: 'In use',
			},
		});
	});
	const groupNames = ['helpdesk-agents', 'it-operations', 'network-team', 'identity-and-access', 'finance-approvers', 'hr-team', 'contractors', 'salesforce-users', 'github-developers', 'm365-licensed'];
	const groupIds: number[] = [];
	groupNames.forEach((name, index) => {
		const groupId = id++;
		groupIds.push(groupId);
		cards.push({
			id: groupId,
			template: 'group',
			created: at(250),
			data: {
				efecte_id: `${prefix}GRP-${String(index + 1).padStart(6, '0')}`,
				group_name: name,
				description: `Members of ${name}`,
				members: prng.sample(personIds.slice(0, 45), prng.int(2, 9)),
				owner: personIds[index],
				...(index >= 7 ? { application: appIds[index - 5] } : {}),
				status: index === 6 ? '5 - Removed' : '1 - Active',
				datasourceid: index < 7 ? 'jira-groups-full' : 'app-entitlements',
			},
		});
	});
	for (let index = 0; index < 30; index++) {
		const [subject, description, category] = INCIDENTS[index % INCIDENTS.length];
		const status = INCIDENT_STATUSES[index % INCIDENT_STATUSES.length];
		const created = ESM_DEMO_ANCHOR - prng.int(1, 45) * 86_400_000;
		cards.push({
			id: id++,
			template: 'incident',
			folder: category === 'Access' ? 'service_requests' : 'incident_management',
			created: new Date(created).toISOString(),
			updated: new Date(created + prng.int(1, 48) * 3_600_000).toISOString(),
			data: {
				efecte_id: `${prefix}INC-${String(index + 1).padStart(6, '0')}`,
				subject: index < INCIDENTS.length ? subject : `${subject} (${index + 1})`,
				description,
				status,
				priority: prng.pick(['1 - Critical', '2 - High', '3 - Medium', '3 - Medium', '4 - Low']),
				category,
				customer: prng.pick(personIds.slice(0, 45)),
				assigned_group: groupIds[prng.int(0, 2)],
				...(index % 3 === 0 && instance === 'local' ? { jira_key: `SD-${index + 1}` } : {}),
				...(status >= '05' ? { solution: 'Fixed by restarting the affected service.' } : {}),
				worklog: index % 4 === 0 ? [{ author: 'Service Desk', value: 'Contacted the customer.', date: new Date(created + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }] : [],
				...(index % 5 === 0 ? { links: { name: 'Knowledge article', location: 'https://kb.example/articles/42' } } : {}),
				...(index % 3 === 0 ? { datasourceid: 'jira-issues-full' } : {}),
			},
		});
	}
	cards.push(
		{
			id: id++,
			template: 'failure',
			created: at(2),
			data: {
				subject: 'Jira users -> ESM: 429 after all retries',
				workflow_name: 'Jira users to ESM (full)',
				node_name: 'Jira User',
				error_message: 'Jira kept rate-limiting the requests (429 Too Many Requests) after every retry',
				occurred: at(2).replace(/\.\d{3}Z$/, 'Z'),
				status: '02 - Investigating',
				datasourceid: 'jira-users-full',
			},
		},
		{
			id: id++,
			template: 'failure',
			created: at(1),
			data: {
				subject: 'Incident -> Jira: missing required field',
				workflow_name: 'ESM incident to Jira issue',
				node_name: 'Jira Issue',
				error_message: 'Missing required Jira field for project OPS: Team (customfield_10050)',
				occurred: at(1).replace(/\.\d{3}Z$/, 'Z'),
				status: '01 - New',
				datasourceid: 'esm-incident-to-jira',
			},
		},
	);
	return { cards };
}

// Generator ----------------------------------------------------------------------------------------

/** Bulk cards straight into the store, deterministic per seed. */
function generate(store: EsmStore, options: NonNullable<EsmSeed['generate']>): void {
	const prng = new Prng(options.seed ?? 42);
	const now = ESM_DEMO_ANCHOR;
	const statusEntries = store.templates.get('incident')?.attributes.find((attribute) => attribute.code === 'status')?.values ?? [];
	const personIds: number[] = [];
	for (let i = 0; i < (options.persons ?? 0); i++) {
		const first = prng.pick(FIRST_NAMES);
		const last = prng.pick(LAST_NAMES);
		const created = now - prng.int(0, 365 * 24 * 60) * 60_000;
		const card = store.addCard({
			template: 'person',
			folder: 'personnel',
			deleted: false,
			hidden: false,
			created,
			updated: created,
			data: {
				efecte_id: [{ value: `GEN-PER-${String(i + 1).padStart(7, '0')}` }],
				first_name: [{ value: first }],
				last_name: [{ value: last }],
				email: [{ value: `${asciiSlug(first)}.${asciiSlug(last)}.${i}@corp.example` }],
				accountStatus: [prng.next() < 0.9 ? { value: 'Active', code: 'active' } : { value: 'Disabled', code: 'disabled' }],
				datasourceid: [{ value: 'generated' }],
			},
		});
		personIds.push(card.id);
	}
	for (let i = 0; i < (options.groups ?? 0); i++) {
		const created = now - prng.int(0, 365 * 24 * 60) * 60_000;
		const members = personIds.length ? prng.sample(personIds.slice(prng.int(0, Math.max(0, personIds.length - 40))), prng.int(0, 20)) : [];
		store.addCard({
			template: 'group',
			folder: 'iga_entitlements',
			deleted: false,
			hidden: false,
			created,
			updated: created,
			data: {
				efecte_id: [{ value: `GEN-GRP-${String(i + 1).padStart(7, '0')}` }],
				group_name: [{ value: `grp-${String(i).padStart(5, '0')}` }],
				members: members.map((member) => ({ dataCardId: String(member) })),
				status: [{ value: '1 - Active', code: 'active' }],
				datasourceid: [{ value: 'generated' }],
			},
		});
	}
	for (let i = 0; i < (options.incidents ?? 0); i++) {
		const [subject, description] = INCIDENTS[prng.int(0, INCIDENTS.length - 1)];
		const created = now - prng.int(0, 365 * 24 * 60) * 60_000;
		const status = statusEntries.length ? prng.pick(statusEntries) : { value: INCIDENT_STATUSES[0], code: 'new' };
		store.addCard({
			template: 'incident',
			folder: 'incident_management',
			deleted: false,
			hidden: false,
			created,
			updated: created + prng.int(0, 7 * 24 * 60) * 60_000,
			data: {
				efecte_id: [{ value: `GEN-INC-${String(i + 1).padStart(7, '0')}` }],
				subject: [{ value: `${subject} #${i + 1}` }],
				description: [{ value: description }],
				status: [{ value: status.value, code: status.code }],
				...(personIds.length ? { customer: [{ dataCardId: String(personIds[prng.int(0, personIds.length - 1)]) }] } : {}),
			},
		});
	}
}
