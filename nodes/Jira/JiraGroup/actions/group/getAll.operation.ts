import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../descriptions';
import { shapeGroup } from '../../../groups';
import { JIRA_PAGE_SIZE, JIRA_PERMISSION, paginateByOffset } from '../../../transport';
import { mapWithConcurrency } from '../../../../shared/concurrency';
import { memberPages } from './members';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Export With Members',
				name: 'withMembers',
				type: 'boolean',
				default: false,
				description:
					'Whether to add each group’s member account IDs (memberAccountIds) for a group import; one member listing per group, 50 members a request',
			},
			{
				displayName: 'Member Account Types',
				name: 'memberAccountTypes',
				type: 'multiOptions',
				options: [
					{ name: 'App (Bots and Integrations)', value: 'app' },
					{ name: 'Atlassian (People)', value: 'atlassian' },
					{ name: 'Customer (Jira Service Management Portal)', value: 'customer' },
					{ name: 'Unknown', value: 'unknown' },
				],
				default: [],
				description: 'Only members of these account types in the export; empty means all. Atlassian matches a users import of people only.',
			},
			{
				displayName: 'Parallel Requests',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 16 },
				default: 4,
				description: 'Member listings of different groups sent at the same time',
			},
			{
				displayName: 'Include Inactive Members',
				name: 'includeInactive',
				type: 'boolean',
				default: false,
				description: 'Whether deactivated users count as members when exporting members',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['getAll'] } }, properties);

/** All groups, 50 a page; with members, each group's member ids in the fewest requests the API allows. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const groups: IDataObject[] = [];
	const pages = paginateByOffset.call(
		this,
		{ method: 'GET', path: '/rest/api/3/group/bulk', permission: JIRA_PERMISSION.browseUsers, itemIndex },
		'values',
		{ pageSize: JIRA_PAGE_SIZE.groups, limit },
	);
	const types = new Set((options.memberAccountTypes as string[] | undefined) ?? []);
	const concurrency = Number(options.concurrency ?? 4);
	for await (const page of pages) {
		// One member listing per group, several groups at once; the page's order is kept.
		const shapedPage = await mapWithConcurrency(page, options.withMembers ? concurrency : 1, async (group) => {
			const shaped = shapeGroup(group);
			if (options.withMembers) {
				const memberAccountIds: string[] = [];
				const groupQs = group.groupId ? { groupId: group.groupId } : { groupname: group.name };
				for await (const members of memberPages.call(this, groupQs, options.includeInactive === true, itemIndex)) {
					for (const member of members) {
						if (types.size === 0 || types.has(String(member.accountType ?? 'unknown'))) memberAccountIds.push(String(member.accountId));
					}
				}
				shaped.memberAccountIds = memberAccountIds;
				shaped.memberCount = memberAccountIds.length;
			}
			return shaped;
		});
		groups.push(...shapedPage);
	}
	return groups;
}
