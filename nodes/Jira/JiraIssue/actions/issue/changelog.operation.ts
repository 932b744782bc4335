import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { issueLocator, returnAllAndLimit } from '../../../descriptions';
import { collectPages, JIRA_PAGE_SIZE, paginateByOffset } from '../../../transport';
import { issueKeyParameter } from '../common';

const properties: INodeProperties[] = [issueLocator(), ...returnAllAndLimit()];

export const description = updateDisplayOptions({ show: { resource: ['issue'], operation: ['changelog'] } }, properties);

/** The issue's history, oldest first, one item per change set. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const histories = await collectPages(
		paginateByOffset.call(
			this,
			{ method: 'GET', path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/changelog`, itemIndex },
			'values',
			{ pageSize: JIRA_PAGE_SIZE.changelog, limit },
		),
	);
	return histories.map((history) => ({ issueKey, ...history }));
}
