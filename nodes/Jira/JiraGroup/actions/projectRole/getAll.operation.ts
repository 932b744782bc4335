import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { requiredString } from '../../../../shared/parameters';
import { projectLocator } from '../../../descriptions';
import { getRole, listRoles, shapeActors } from './roles';

const properties: INodeProperties[] = [
	projectLocator(),
	{
		displayName: 'Include Actors',
		name: 'includeActors',
		type: 'boolean',
		default: true,
		description: 'Whether to return the users and groups in each role (one request per role)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['projectRole'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const project = requiredString.call(this, 'project', 'Project', itemIndex, 'choose a project');
	const includeActors = this.getNodeParameter('includeActors', itemIndex, true) as boolean;
	const roles = await listRoles.call(this, project, itemIndex);
	const output: IDataObject[] = [];
	for (const role of roles) {
		const item: IDataObject = { project, roleId: role.id, name: role.name };
		if (includeActors) item.actors = shapeActors(await getRole.call(this, project, role.id, itemIndex));
		output.push(item);
	}
	return output;
}
