import type { ApiRequest, Router } from '../core/router';
import { PRODUCTS, PROJECT_ROLES } from './config';
import { boolParam, caller, fail, intParam, jsonBody, listParam, pageBean, requireUser } from './http';
import { Render } from './render';
import type { JiraGroup, JiraProject, JiraStore, JiraUser } from './store';

/**
 * Users, groups, group members and project-role actors, with the answers Jira gives to the
 * calls an idempotent provisioning run repeats (create an existing user or group, add a member
 * twice, remove a non-member, delete what is gone).
 */

function displayNameFromEmail(email: string): string {
	return email
		.split('@')[0]
		.split(/[._-]+/)
		.filter(Boolean)
		.map((part) => part[0].toUpperCase() + part.slice(1))
		.join(' ');
}

/** Either groupId or groupname (never both), as every group endpoint takes them. */
function requireGroup(store: JiraStore, request: ApiRequest): JiraGroup {
	const groupId = request.query.get('groupId');
	const groupname = request.query.get('groupname');
	if (groupId && groupname) fail(400, 'You must specify either a group name or a group ID, not both.');
	if (!groupId && !groupname) fail(400, 'You must specify a group name or a group ID.');
	const group = groupId ? store.groups.get(groupId) : store.groupByName(groupname!);
	if (!group) fail(404, 'Specified group does not exist.');
	return group;
}

function byDisplayName(a: JiraUser, b: JiraUser): number {
	return a.displayName.localeCompare(b.displayName) || a.accountId.localeCompare(b.accountId);
}

function requireProject(store: JiraStore, idOrKey: string): JiraProject {
	const project = store.project(idOrKey);
	if (!project) fail(404, `No project could be found with key '${idOrKey}'.`);
	return project;
}

function requireRole(id: string) {
	const role = PROJECT_ROLES.find((candidate) => candidate.id === id);
	if (!role) fail(404, `No role could be found with id '${id}'.`);
	return role;
}

/** user/search: active users whose display name (any word) or email starts with the query. */
function searchUsers(store: JiraStore, query: string): JiraUser[] {
	const wanted = query.trim().toLowerCase();
	return [...store.users.values()].filter((user) => {
		if (!user.active) return false;
		if (user.accountId === query) return true;
		if (!wanted) return false;
		const email = user.email?.toLowerCase() ?? '';
		const name = user.displayName.toLowerCase();
		return email.startsWith(wanted) || name.startsWith(wanted) || name.split(/\s+/).some((word) => word.startsWith(wanted));
	});
}

export function peopleRoutes(router: Router, store: JiraStore): void {
	const render = (request: ApiRequest) => new Render(store, request.origin);
	const expandOf = (request: ApiRequest) => new Set(listParam(request, 'expand'));

	router.get('/rest/api/3/myself', (request) => ({ status: 200, body: render(request).user(caller(request), expandOf(request)) }));

	router.get('/rest/api/3/user', (request) => {
		if (request.query.has('username') || request.query.has('key')) {
			fail(400, "The 'username' and 'key' parameters are no longer available: use 'accountId'.");
		}
		const user = requireUser(store, request.query.get('accountId'));
		return { status: 200, body: render(request).user(user, expandOf(request)) };
	});

	router.post('/rest/api/3/user', (request) => {
		const body = jsonBody(request);
		const email = typeof body.emailAddress === 'string' ? body.emailAddress.trim() : '';
		if (!email) fail(400, 'You must specify an email address.');
		if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail(400, `The email address '${email}' is invalid.`);
		if (!Array.isArray(body.products)) fail(400, 'You must specify the products that user can access.');
		const products = body.products.map(String);
		const unknown = products.find((product) => !PRODUCTS.includes(product));
		if (unknown) fail(400, `The product '${unknown}' is not valid. Valid products are: ${PRODUCTS.join(', ')}.`);
		const existing = store.userByEmail(email);
		if (existing) {
			// The spec: an existing user with Jira access is a 201, one without access a 400.
			if (existing.active && existing.products.length) return { status: 201, body: render(request).user(existing) };
			fail(400, `A user with the email address '${email}' already exists but has no access to Jira.`);
		}
		const user = store.addUser({
			accountId: store.newAccountId(),
			accountType: 'atlassian',
			active: true,
			displayName: displayNameFromEmail(email),
			email,
			emailVisible: true,
			timeZone: 'UTC',
			locale: 'en_US',
			products: [...new Set(products)],
		});
		return { status: 201, body: render(request).user(user) };
	});

	router.delete('/rest/api/3/user', (request) => {
		const accountId = request.query.get('accountId');
		if (!accountId) fail(400, "The 'accountId' query parameter needs to be provided");
		if (accountId === caller(request).accountId) fail(400, 'You cannot delete the currently logged in user.');
		if (!store.removeUser(accountId)) fail(404, `The user with account ID '${accountId}' does not exist.`);
		return { status: 204 };
	});

	router.get('/rest/api/3/user/search', (request) => {
		const query = request.query.get('query');
		const accountId = request.query.get('accountId');
		const property = request.query.get('property');
		if (request.query.has('username')) fail(400, "The 'username' parameter is no longer available: use 'query' or 'accountId'.");
		if (!query && !accountId && !property) fail(400, "One of 'query', 'accountId' or 'property' is required.");
		if (property) fail(400, "Searching users by 'property' is not supported by this Jira sandbox.");
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 50, { min: 0, max: 1000 });
		// Jira answers at most the first 1000 matches.
		const found = (accountId ? searchUsers(store, accountId).filter((user) => user.accountId === accountId) : searchUsers(store, query ?? ''))
			.sort(byDisplayName)
			.slice(0, 1000);
		return { status: 200, body: found.slice(startAt, startAt + maxResults).map((user) => render(request).user(user)) };
	});

	const allUsers = (request: ApiRequest) => {
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 50, { min: 0, max: 1000 });
		const page: JiraUser[] = [];
		let index = 0;
		for (const user of store.users.values()) {
			if (index++ < startAt) continue;
			if (page.length >= maxResults) break;
			page.push(user);
		}
		const r = render(request);
		return { status: 200, body: page.map((user) => r.user(user)) };
	};
	router.get('/rest/api/3/users/search', allUsers);
	router.get('/rest/api/3/users', allUsers);

	router.get('/rest/api/3/user/groups', (request) => {
		const user = requireUser(store, request.query.get('accountId'));
		return { status: 200, body: store.groupsOf(user.accountId).map((group) => render(request).groupName(group)) };
	});

	// Groups
	router.get('/rest/api/3/group/bulk', (request) => {
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 50, { min: 1, max: 50 });
		const ids = request.query.getAll('groupId');
		const names = request.query.getAll('groupName').map((name) => name.toLowerCase());
		let groups = [...store.groups.values()];
		if (ids.length || names.length) {
			groups = groups.filter((group) => ids.includes(group.groupId) || names.includes(group.name.toLowerCase()));
		}
		groups.sort((a, b) => a.name.localeCompare(b.name));
		return { status: 200, body: pageBean(request, groups, startAt, maxResults, (group) => ({ name: group.name, groupId: group.groupId })) };
	});

	router.post('/rest/api/3/group', (request) => {
		const body = jsonBody(request);
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!name) fail(400, 'You must specify a group name.');
		if (store.groupByName(name)) fail(400, 'A group with this name already exists.');
		return { status: 201, body: render(request).group(store.addGroup(name)) };
	});

	router.delete('/rest/api/3/group', (request) => {
		const group = requireGroup(store, request);
		const swap = request.query.get('swapGroupId') ?? request.query.get('swapGroup');
		if (swap && !(store.groups.get(swap) ?? store.groupByName(swap))) fail(400, 'The group to swap to does not exist.');
		store.removeGroup(group.groupId);
		return { status: 200 };
	});

	router.get('/rest/api/3/group/member', (request) => {
		const group = requireGroup(store, request);
		const includeInactive = boolParam(request, 'includeInactiveUsers', false);
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 50, { min: 1, max: 50 });
		const members = [...group.members]
			.map((accountId) => store.users.get(accountId))
			.filter((user): user is JiraUser => user !== undefined && (includeInactive || user.active))
			.sort(byDisplayName);
		const r = render(request);
		return { status: 200, body: pageBean(request, members, startAt, maxResults, (user) => r.userDetails(user)) };
	});

	router.post('/rest/api/3/group/user', (request) => {
		const group = requireGroup(store, request);
		const body = jsonBody(request);
		if (typeof body.accountId !== 'string' || !body.accountId) fail(400, "You must specify the user's accountId.");
		const user = store.users.get(body.accountId);
		if (!user) fail(404, 'Specified user does not exist or you do not have required permissions');
		if (!store.addMember(group, user.accountId)) fail(400, `Cannot add user. User is already a member of '${group.name}'`);
		return { status: 201, body: render(request).group(group) };
	});

	router.delete('/rest/api/3/group/user', (request) => {
		const group = requireGroup(store, request);
		const accountId = request.query.get('accountId');
		if (!accountId) fail(400, "The 'accountId' query parameter needs to be provided");
		if (!store.users.has(accountId)) fail(404, 'Specified user does not exist or you do not have required permissions');
		if (!store.removeMember(group, accountId)) {
			fail(400, `Cannot remove user '${accountId}' from group '${group.name}' since user is not a member of '${group.name}'`);
		}
		return { status: 200 };
	});

	router.get('/rest/api/3/groups/picker', (request) => {
		const query = request.query.get('query') ?? '';
		const caseInsensitive = boolParam(request, 'caseInsensitive', false);
		const maxResults = intParam(request, 'maxResults', 20, { min: 1, max: 1000 });
		const exclude = new Set(request.query.getAll('exclude').map((name) => name.toLowerCase()));
		const excludeIds = new Set(request.query.getAll('excludeId'));
		const contains = (name: string) => (caseInsensitive ? name.toLowerCase().includes(query.toLowerCase()) : name.includes(query));
		const found = [...store.groups.values()]
			.filter((group) => contains(group.name) && !exclude.has(group.name.toLowerCase()) && !excludeIds.has(group.groupId))
			.sort((a, b) => a.name.localeCompare(b.name));
		const shown = found.slice(0, maxResults);
		const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
		return {
			status: 200,
			body: {
				header: `Showing ${shown.length} of ${found.length} matching groups`,
				total: found.length,
				groups: shown.map((group) => ({
					name: group.name,
					html: query
						? escape(group.name).replace(new RegExp(escape(query).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), caseInsensitive ? 'i' : ''), (hit) => `<b>${hit}</b>`)
						: escape(group.name),
					labels: [],
					groupId: group.groupId,
				})),
			},
		};
	});

	// Project roles
	router.get('/rest/api/3/project/{projectIdOrKey}/role', (request) => {
		const project = requireProject(store, request.params.projectIdOrKey);
		const r = render(request);
		return { status: 200, body: Object.fromEntries(PROJECT_ROLES.map((role) => [role.name, r.api(`/project/${project.id}/role/${role.id}`)])) };
	});

	router.get('/rest/api/3/project/{projectIdOrKey}/role/{id}', (request) => {
		const project = requireProject(store, request.params.projectIdOrKey);
		const role = requireRole(request.params.id);
		const json = render(request).projectRole(project, role.id);
		if (boolParam(request, 'excludeInactiveUsers', false)) {
			json.actors = (json.actors as Array<{ actorUser?: { accountId: string } }>).filter(
				(actor) => !actor.actorUser || store.users.get(actor.actorUser.accountId)?.active === true,
			);
		}
		return { status: 200, body: json };
	});

	router.post('/rest/api/3/project/{projectIdOrKey}/role/{id}', (request) => {
		const project = requireProject(store, request.params.projectIdOrKey);
		const role = requireRole(request.params.id);
		const body = jsonBody(request);
		const unknownKey = Object.keys(body).find((key) => !['user', 'group', 'groupId'].includes(key));
		if (unknownKey) fail(400, `Unrecognized field "${unknownKey}".`);
		if (body.group !== undefined && body.groupId !== undefined) fail(400, "You can't specify both 'group' and 'groupId'.");
		const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : fail(400, 'Actors must be lists.'));
		const actors = project.roles.get(role.id)!;
		const users = list(body.user).map((accountId) => {
			const user = store.users.get(accountId);
			if (!user) fail(400, `The user with account ID '${accountId}' does not exist.`);
			if (actors.users.has(accountId)) fail(400, `'${user.displayName}' is already a member of the project role.`);
			return accountId;
		});
		const groups = [...list(body.groupId).map((id) => store.groups.get(id)), ...list(body.group).map((name) => store.groupByName(name))].map((group) => {
			if (!group) fail(400, 'The group does not exist.');
			if (actors.groups.has(group.groupId)) fail(400, `'${group.name}' is already a member of the project role.`);
			return group.groupId;
		});
		users.forEach((accountId) => actors.users.add(accountId));
		groups.forEach((groupId) => actors.groups.add(groupId));
		store.changed();
		return { status: 200, body: render(request).projectRole(project, role.id) };
	});

	router.delete('/rest/api/3/project/{projectIdOrKey}/role/{id}', (request) => {
		const project = requireProject(store, request.params.projectIdOrKey);
		const role = requireRole(request.params.id);
		const actors = project.roles.get(role.id)!;
		const user = request.query.get('user');
		const groupId = request.query.get('groupId');
		const groupName = request.query.get('group');
		if ([user, groupId, groupName].filter(Boolean).length !== 1) fail(400, "Specify exactly one of 'user', 'group' or 'groupId'.");
		if (user) {
			if (!actors.users.delete(user)) fail(404, `The user '${user}' is not an actor of the project role.`);
		} else {
			const group = groupId ? store.groups.get(groupId) : store.groupByName(groupName!);
			if (!group || !actors.groups.delete(group.groupId)) fail(404, `The group '${groupId ?? groupName}' is not an actor of the project role.`);
		}
		store.changed();
		return { status: 204 };
	});
}
