import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError } from '../../../../shared/execute';
import { requiredString } from '../../../../shared/parameters';
import { groupLocator, userLocator } from '../../../descriptions';
import { groupParameter } from '../../../groups';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';

/** Add Member and Remove Member share their parameters and their idempotency rule. */
const properties: INodeProperties[] = [groupLocator(), userLocator({ description: 'The user to add or remove, by account ID' })];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['addMember', 'removeMember'] } }, properties);

const ALREADY_MEMBER = /already a member/i;
const NOT_A_MEMBER = /not a member|is not in the group|does not belong/i;

async function changeMembership(this: IExecuteFunctions, itemIndex: number, add: boolean): Promise<IDataObject> {
	const group = groupParameter.call(this, itemIndex);
	const accountId = requiredString.call(this, 'accountId', 'User', itemIndex, 'choose a user or enter an account ID');
	const result = { group: group.label, accountId };
	try {
		await jiraApiRequest.call(this, {
			method: add ? 'POST' : 'DELETE',
			path: '/rest/api/3/group/user',
			qs: add ? group.qs : { ...group.qs, accountId },
			...(add ? { body: { accountId } } : {}),
			// Adding a member twice changes nothing: safe to resend after a lost answer.
			idempotent: true,
			permission: JIRA_PERMISSION.siteAdmin,
			itemIndex,
		});
		return { ...result, changed: true };
	} catch (error) {
		if (error instanceof NodeApiError && (add ? ALREADY_MEMBER : NOT_A_MEMBER).test(error.message)) {
			return { ...result, changed: false, reason: add ? 'already a member' : 'not a member' };
		}
		throw asNodeError(this, error, itemIndex);
	}
}

export const addMember = {
	execute(this: IExecuteFunctions, itemIndex: number) {
		return changeMembership.call(this, itemIndex, true);
	},
};

export const removeMember = {
	execute(this: IExecuteFunctions, itemIndex: number) {
		return changeMembership.call(this, itemIndex, false);
	},
};
