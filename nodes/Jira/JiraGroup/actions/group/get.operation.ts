import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundError } from '../../../../shared/execute';
import { groupLocator } from '../../../descriptions';
import { findGroup, groupParameter, shapeGroup } from '../../../groups';

const properties: INodeProperties[] = [groupLocator()];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const ref = groupParameter.call(this, itemIndex);
	const group = await findGroup.call(this, ref, itemIndex);
	if (!group) throw notFoundError(this, `No Jira group "${ref.label}" exists`, itemIndex);
	return shapeGroup(group);
}
