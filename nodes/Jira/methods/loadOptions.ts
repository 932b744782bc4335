import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getAllFields, getIssueTypesOf } from '../metadata';
import { locatorValue } from './parameters';
import { collectPages, jiraApiRequest, JIRA_PAGE_SIZE, paginateByOffset } from '../transport';


function byName(a: INodePropertyOptions, b: INodePropertyOptions): number {
	return a.name.localeCompare(b.name);
}

/** Issue types that can be created in the chosen project. */
export async function getIssueTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const project = locatorValue(this, 'project');
	if (!project) throw new NodeOperationError(this.getNode(), 'Choose a Project first: issue types depend on it');
	const types = await getIssueTypesOf.call(this, project);
	return types
		.map((type) => ({
			name: String(type.name),
			value: String(type.id),
			description: type.subtask ? 'Sub-task type: needs a parent issue' : String(type.description ?? ''),
		}))
		.sort(byName);
}

export async function getResolutions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const resolutions = await collectPages(
		paginateByOffset.call(this, { method: 'GET', path: '/rest/api/3/resolution/search' }, 'values', {
			pageSize: JIRA_PAGE_SIZE.resolutions,
		}),
	);
	return resolutions.map((resolution) => ({
		name: String(resolution.name),
		value: String(resolution.name),
		description: String(resolution.description ?? ''),
	}));
}

/** Transitions the chosen issue can take now. */
export async function getTransitions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const issueKey = locatorValue(this, 'issueKey');
	if (!issueKey) throw new NodeOperationError(this.getNode(), 'Choose an Issue first: its transitions depend on its status');
	const response = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/transitions`,
	})) as IDataObject;
	return ((response.transitions as IDataObject[] | undefined) ?? []).map((transition) => ({
		name: `${String(transition.name)} → ${String((transition.to as IDataObject | undefined)?.name ?? '')}`,
		value: String(transition.id),
	}));
}

/** Every field, system and custom, for field selections. */
export async function getFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const fields = await getAllFields.call(this);
	return [
		{ name: 'All Fields', value: '*all' },
		{ name: 'Navigable Fields', value: '*navigable' },
		...fields.map((field) => ({ name: `${field.name} (${field.id})`, value: field.id })).sort(byName),
	];
}
