import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { notFoundError } from '../../../../shared/execute';
import { requiredString } from '../../../../shared/parameters';

import { userLocator } from '../../../descriptions';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';
import { findUsersByEmail, shapeUser } from '../../../users';


const properties: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		options: [
			{ name: 'Account ID', value: 'accountId' },
			{ name: 'Email', value: 'email', description: 'Exact email; users whose email is hidden are found when the search matches only them' },
		],
		default: 'accountId',
	},
	userLocator({ displayOptions: { show: { findBy: ['accountId'] } } }),
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		displayOptions: { show: { findBy: ['email'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Groups',
				name: 'includeGroups',
				type: 'boolean',
				default: false,
				description: 'Whether to return the groups the user belongs to',
			},
			{
				displayName: 'Include Application Roles',
				name: 'includeApplicationRoles',
				type: 'boolean',
				default: false,
				description: 'Whether to return the products the user has access to',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['get'] } }, properties);

export async function getUser(this: IExecuteFunctions, accountId: string, itemIndex: number, expand: string[] = []): Promise<IDataObject> {
	return (await jiraApiRequest.call(this, {
		method: 'GET',
		path: '/rest/api/3/user',
		qs: { accountId, ...(expand.length ? { expand: expand.join(',') } : {}) },
		permission: JIRA_PERMISSION.browseUsers,
		itemIndex,
	})) as IDataObject;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const expand = [...(options.includeGroups ? ['groups'] : []), ...(options.includeApplicationRoles ? ['applicationRoles'] : [])];
	let accountId: string;
	if (this.getNodeParameter('findBy', itemIndex, 'accountId') === 'email') {
		const email = requiredString.call(this, 'email', 'Email', itemIndex, 'enter the email of the user to find');
		const matches = await findUsersByEmail.call(this, email, itemIndex);
		const hint = 'Only active users can be found by email; inactive ones need their account ID.';
		if (!matches.length) throw notFoundError(this, `No Jira user has the email ${email}`, itemIndex, hint);
		if (matches.length > 1) {
			throw new NodeOperationError(this.getNode(), `${matches.length} Jira users have the email ${email}`, { itemIndex, description: hint });
		}
		accountId = String(matches[0].accountId);
	} else {
		accountId = requiredString.call(this, 'accountId', 'User', itemIndex, 'choose a user or enter an account ID');
	}
	return shapeUser(await getUser.call(this, accountId, itemIndex, expand));
}
