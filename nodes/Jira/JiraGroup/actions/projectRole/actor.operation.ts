import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundError } from '../../../../shared/execute';
import { requiredString } from '../../../../shared/parameters';
import { groupLocator, userLocator } from '../../../descriptions';
import { findGroup, groupParameter } from '../../../groups';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';
import { getRole, roleParameters, shapeActors } from './roles';


/** Add Actor and Remove Actor: a user or a group in a project role. */
const properties: INodeProperties[] = [
	...roleParameters,
	{
		displayName: 'Actor Type',
		name: 'actorType',
		type: 'options',
		options: [
			{ name: 'User', value: 'user' },
			{ name: 'Group', value: 'group' },
		],
		default: 'user',
	},
	userLocator({ displayOptions: { show: { actorType: ['user'] } } }),
	groupLocator({ displayOptions: { show: { actorType: ['group'] } } }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['projectRole'], operation: ['addActor', 'removeActor'] } },
	properties,
);

/** The actor as the role lists it and as the API takes it (groups always by id). */
async function actorParameter(this: IExecuteFunctions, itemIndex: number): Promise<{ type: 'user' | 'group'; id: string }> {
	if (this.getNodeParameter('actorType', itemIndex, 'user') === 'user') {
		return { type: 'user', id: requiredString.call(this, 'accountId', 'User', itemIndex, 'choose a user or enter an account ID') };
	}
	const ref = groupParameter.call(this, itemIndex);
	if ('groupId' in ref.qs) return { type: 'group', id: ref.qs.groupId };
	const group = await findGroup.call(this, ref, itemIndex);
	if (!group?.groupId) throw notFoundError(this, `No Jira group "${ref.label}" exists`, itemIndex);
	return { type: 'group', id: String(group.groupId) };
}

/** Looks first, so that adding a present actor or removing an absent one is a no-op, not an error. */
async function changeActor(this: IExecuteFunctions, itemIndex: number, add: boolean): Promise<IDataObject> {
	const project = requiredString.call(this, 'project', 'Project', itemIndex, 'choose a project');
	const roleId = requiredString.call(this, 'roleId', 'Role', itemIndex, 'choose a project role');
	const actor = await actorParameter.call(this, itemIndex);
	const path = `/rest/api/3/project/${encodeURIComponent(project)}/role/${encodeURIComponent(roleId)}`;
	const actors = shapeActors(await getRole.call(this, project, roleId, itemIndex));
	const present = actors.some((a) => a.type === actor.type && (actor.type === 'user' ? a.accountId : a.groupId) === actor.id);
	const result = { project, roleId, actorType: actor.type, actorId: actor.id };
	if (present === add) return { ...result, changed: false, reason: add ? 'already in the role' : 'not in the role' };
	await jiraApiRequest.call(this, {
		method: add ? 'POST' : 'DELETE',
		path,
		...(add
			? { body: actor.type === 'user' ? { user: [actor.id] } : { groupId: [actor.id] } }
			: { qs: actor.type === 'user' ? { user: actor.id } : { groupId: actor.id } }),
		idempotent: true,
		permission: JIRA_PERMISSION.administerProject,
		itemIndex,
	});
	return { ...result, changed: true };
}

export const addActor = {
	execute(this: IExecuteFunctions, itemIndex: number) {
		return changeActor.call(this, itemIndex, true);
	},
};

export const removeActor = {
	execute(this: IExecuteFunctions, itemIndex: number) {
		return changeActor.call(this, itemIndex, false);
	},
};
