import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../descriptions';
import { JIRA_PAGE_SIZE, JIRA_PERMISSION, paginateArray } from '../../../transport';
import { shapeUser } from '../../../users';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Account Types',
				name: 'accountTypes',
				type: 'multiOptions',
				options: [
					{ name: 'App (Bots and Integrations)', value: 'app' },
					{ name: 'Atlassian (People)', value: 'atlassian' },
					{ name: 'Customer (Jira Service Management Portal)', value: 'customer' },
					{ name: 'Unknown', value: 'unknown' },
				],
				default: [],
				description: 'Only these account types; empty means all. Choose Atlassian to skip JSM customers and apps.',
			},
			{
				displayName: 'Active Only',
				name: 'activeOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to skip deactivated accounts (keep them for imports that mark removed accounts)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['getAll'] } }, properties);

/** Every user of the site, 1,000 a page; the filters apply page by page so only one page is held. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const types = new Set((filters.accountTypes as string[] | undefined) ?? []);
	const keep = (user: IDataObject) =>
		(types.size === 0 || types.has(String(user.accountType ?? 'unknown'))) && (!filters.activeOnly || user.active === true);

	const users: IDataObject[] = [];
	const pages = paginateArray.call(
		this,
		{ method: 'GET', path: '/rest/api/3/users/search', permission: JIRA_PERMISSION.browseUsers, itemIndex },
		{ pageSize: JIRA_PAGE_SIZE.users },
	);
	for await (const page of pages) {
		for (const user of page) {
			if (!keep(user)) continue;
			users.push(shapeUser(user));
			if (limit !== undefined && users.length >= limit) return users;
		}
	}
	return users;
}
