import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { projectLocator } from '../../../descriptions';
import { jiraApiRequest, type JiraContext } from '../../../transport';

export const roleParameters: INodeProperties[] = [
	projectLocator(),
	{
		displayName: 'Role Name or ID',
		name: 'roleId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getProjectRoles', loadOptionsDependsOn: ['project.value'] },
		default: '',
		required: true,
		description:
			'Project role. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

/** The project's roles as `{ id, name }`: Jira answers a map of role name to role URL. */
export async function listRoles(this: JiraContext, project: string, itemIndex?: number): Promise<Array<{ id: string; name: string }>> {
	const map = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: `/rest/api/3/project/${encodeURIComponent(project)}/role`,
		itemIndex,
	})) as Record<string, string>;
	return Object.entries(map).map(([name, url]) => ({ name, id: String(url).replace(/.*\/role\//, '') }));
}

export async function getRole(this: IExecuteFunctions, project: string, roleId: string, itemIndex: number): Promise<IDataObject> {
	return (await jiraApiRequest.call(this, {
		method: 'GET',
		path: `/rest/api/3/project/${encodeURIComponent(project)}/role/${encodeURIComponent(roleId)}`,
		itemIndex,
	})) as IDataObject;
}

/** Role actors as an IGA import maps them: users by accountId, groups by groupId. */
export function shapeActors(role: IDataObject): IDataObject[] {
	return ((role.actors as IDataObject[] | undefined) ?? []).map((actor) => {
		const user = actor.actorUser as IDataObject | undefined;
		const group = actor.actorGroup as IDataObject | undefined;
		return user
			? { type: 'user', accountId: user.accountId, displayName: actor.displayName ?? null }
			: { type: 'group', groupId: group?.groupId ?? null, name: group?.name ?? actor.name ?? null };
	});
}

export async function getProjectRoles(this: ILoadOptionsFunctions) {
	const project = String(this.getNodeParameter('project', '', { extractValue: true }) ?? '').trim();
	if (!project) return [];
	const roles = await listRoles.call(this, project);
	return roles.map((role) => ({ name: role.name, value: role.id })).sort((a, b) => a.name.localeCompare(b.name));
}
