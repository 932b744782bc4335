import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../descriptions';
import { collectPages, JIRA_PAGE_SIZE, paginateByOffset } from '../../../transport';

const properties: INodeProperties[] = [...returnAllAndLimit()];

export const description = updateDisplayOptions({ show: { resource: ['project'], operation: ['getAll'] } }, properties);

/** Every project the account can see, 100 a page (all of them, not only the first 50). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const projects = await collectPages(
		paginateByOffset.call(
			this,
			{ method: 'GET', path: '/rest/api/3/project/search', qs: { orderBy: 'key', expand: 'lead' }, itemIndex },
			'values',
			{ pageSize: JIRA_PAGE_SIZE.projects, limit },
		),
	);
	return projects.map((project) => ({
		id: project.id,
		key: project.key,
		name: project.name,
		projectTypeKey: project.projectTypeKey,
		leadAccountId: (project.lead as IDataObject | undefined)?.accountId ?? null,
		archived: project.archived === true,
	}));
}
