import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { groupLocator, returnAllAndLimit } from '../../../descriptions';
import { groupParameter } from '../../../groups';
import { shapeUser } from '../../../users';
import { memberPages } from './members';

const properties: INodeProperties[] = [
	groupLocator(),
	...returnAllAndLimit(),
	{
		displayName: 'Include Inactive Users',
		name: 'includeInactive',
		type: 'boolean',
		default: false,
		description: 'Whether to list deactivated members too',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['getMembers'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const group = groupParameter.call(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const includeInactive = this.getNodeParameter('includeInactive', itemIndex, false) as boolean;
	const members: IDataObject[] = [];
	for await (const page of memberPages.call(this, group.qs, includeInactive, itemIndex, limit)) {
		for (const member of page) members.push({ group: group.label, ...shapeUser(member) });
	}
	return members;
}
