import type { ApiRequest, Router } from '../core/router';
import { FIELDS, ISSUE_TYPES, PRIORITIES, RESOLUTIONS, STATUSES } from './config';
import { fail, intParam, listParam, pageBean } from './http';
import { Render } from './render';
import type { JiraProject, JiraStore } from './store';

/** Site metadata: fields, issue types, priorities, resolutions, statuses, projects, server info. */
export function metaRoutes(router: Router, store: JiraStore): void {
	const render = (request: ApiRequest) => new Render(store, request.origin);

	router.get('/rest/api/3/serverInfo', (request) => ({
		status: 200,
		body: {
			baseUrl: request.origin,
			displayUrl: request.origin,
			version: '1001.0.0-SNAPSHOT',
			versionNumbers: [1001, 0, 0],
			deploymentType: 'Cloud',
			buildNumber: 100300,
			buildDate: '2026-01-01T00:00:00.000+0000',
			serverTime: new Date(store.now()).toISOString().replace('Z', '+0000'),
			scmInfo: 'sandbox',
			serverTitle: 'Jira (sandbox)',
		},
	}));

	router.get('/rest/api/3/field', (request) => ({ status: 200, body: FIELDS.map((field) => render(request).fieldDetails(field)) }));

	router.get('/rest/api/3/issuetype', (request) => ({ status: 200, body: ISSUE_TYPES.map((type) => render(request).issueType(type.id)) }));

	router.get('/rest/api/3/issuetype/project', (request) => {
		const projectId = request.query.get('projectId');
		if (!projectId) fail(400, "The 'projectId' query parameter needs to be provided");
		const project = store.projects.get(projectId);
		if (!project) fail(404, `No project could be found with id '${projectId}'.`);
		return { status: 200, body: project.issueTypeIds.map((id) => render(request).issueType(id)) };
	});

	router.get('/rest/api/3/priority', (request) => ({ status: 200, body: PRIORITIES.map((priority) => render(request).priorityFull(priority)) }));

	router.get('/rest/api/3/priority/search', (request) => {
		const ids = listParam(request, 'id');
		const name = (request.query.get('priorityName') ?? '').toLowerCase();
		const onlyDefault = request.query.get('onlyDefault') === 'true';
		const list = PRIORITIES.filter(
			(priority) => (!ids.length || ids.includes(priority.id)) && priority.name.toLowerCase().includes(name) && (!onlyDefault || priority.isDefault),
		);
		const r = render(request);
		return {
			status: 200,
			body: pageBean(request, list, intParam(request, 'startAt', 0), intParam(request, 'maxResults', 50, { min: 1, max: 100 }), (priority) =>
				r.priorityFull(priority),
			),
		};
	});

	router.get('/rest/api/3/resolution', (request) => ({
		status: 200,
		body: RESOLUTIONS.map((resolution) => render(request).resolution(resolution.id)),
	}));

	router.get('/rest/api/3/resolution/search', (request) => {
		const ids = listParam(request, 'id');
		const onlyDefault = request.query.get('onlyDefault') === 'true';
		const list = RESOLUTIONS.filter((resolution) => (!ids.length || ids.includes(resolution.id)) && (!onlyDefault || resolution.isDefault));
		const r = render(request);
		return {
			status: 200,
			body: pageBean(request, list, intParam(request, 'startAt', 0), intParam(request, 'maxResults', 50, { min: 1, max: 100 }), (resolution) => ({
				...r.resolution(resolution.id),
				default: resolution.isDefault,
			})),
		};
	});

	router.get('/rest/api/3/status', (request) => ({ status: 200, body: STATUSES.map((status) => render(request).status(status.id)) }));

	router.get('/rest/api/3/project/search', (request) => {
		const startAt = intParam(request, 'startAt', 0);
		const maxResults = intParam(request, 'maxResults', 50, { min: 1, max: 100 });
		const query = (request.query.get('query') ?? '').toLowerCase();
		const keys = listParam(request, 'keys').map((key) => key.toUpperCase());
		const ids = listParam(request, 'id');
		const typeKeys = listParam(request, 'typeKey');
		const orderBy = request.query.get('orderBy') ?? 'key';
		const sortField = orderBy.replace(/^[+-]/, '');
		if (!['key', 'name', 'category', 'issueCount', 'lastIssueUpdatedDate', 'archivedDate', 'deletedDate', 'owner'].includes(sortField)) {
			fail(400, `Invalid orderBy value '${orderBy}'.`);
		}
		const sortKey = (project: JiraProject) => (sortField === 'name' ? project.name.toLowerCase() : project.key);
		const list = [...store.projects.values()]
			.filter(
				(project) =>
					(!query || project.key.toLowerCase().includes(query) || project.name.toLowerCase().includes(query)) &&
					(!keys.length || keys.includes(project.key)) &&
					(!ids.length || ids.includes(project.id)) &&
					(!typeKeys.length || typeKeys.includes(project.projectTypeKey)),
			)
			.sort((a, b) => sortKey(a).localeCompare(sortKey(b)) * (orderBy.startsWith('-') ? -1 : 1));
		const expand = new Set(listParam(request, 'expand'));
		const r = render(request);
		return { status: 200, body: pageBean(request, list, startAt, maxResults, (project) => r.project(project, expand)) };
	});

	router.get('/rest/api/3/project/{projectIdOrKey}', (request) => {
		const project = store.project(request.params.projectIdOrKey);
		if (!project) fail(404, `No project could be found with key '${request.params.projectIdOrKey}'.`);
		return { status: 200, body: render(request).project(project, new Set(listParam(request, 'expand')), true) };
	});
}
