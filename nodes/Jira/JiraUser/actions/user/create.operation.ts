import { requiredString, shortText } from '../../../../shared/parameters';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError } from '../../../../shared/execute';
import { jiraApiRequest, JIRA_PERMISSION } from '../../../transport';
import { findUsersByEmail, shapeUser } from '../../../users';


export const JIRA_PRODUCTS = [
	{ name: 'Jira Software', value: 'jira-software' },
	{ name: 'Jira Service Management', value: 'jira-servicedesk' },
	{ name: 'Jira Work Management (Core)', value: 'jira-core' },
	{ name: 'Jira Product Discovery', value: 'jira-product-discovery' },
];

const properties: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		description: 'Email of the new user; Atlassian invites them to set up their account',
	},
	{
		displayName: 'Products',
		name: 'products',
		type: 'multiOptions',
		options: JIRA_PRODUCTS,
		default: ['jira-software'],
		description: 'Products the user gets access to; Jira requires the list (empty grants no product access)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['create'] } }, properties);

async function existing(this: IExecuteFunctions, email: string, itemIndex: number): Promise<IDataObject | undefined> {
	const matches = await findUsersByEmail.call(this, email, itemIndex);
	return matches.length === 1 ? matches[0] : undefined;
}

/** Idempotent: a user that already exists is returned with created: false, so re-runs are safe. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const email = requiredString.call(this, 'email', 'Email', itemIndex, 'enter the email of the user to create');
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
		throw new NodeOperationError(this.getNode(), `Email "${shortText(email)}" is not an email address`, { itemIndex });
	}
	const products = (this.getNodeParameter('products', itemIndex, []) as string[]) ?? [];

	const before = await existing.call(this, email, itemIndex);
	if (before) return { ...shapeUser(before), created: false };

	try {
		const user = (await jiraApiRequest.call(this, {
			method: 'POST',
			path: '/rest/api/3/user',
			body: { emailAddress: email, products },
			permission: JIRA_PERMISSION.administerJira,
			itemIndex,
			verifyAfterFailure: async () => await existing.call(this, email, itemIndex),
		})) as IDataObject;
		return { ...shapeUser(user), created: true };
	} catch (error) {
		// Created meanwhile (or invisible to the search before): Jira says it exists.
		if (error instanceof NodeApiError && error.httpCode === '400' && /already exists|exists already/i.test(error.message)) {
			const after = await existing.call(this, email, itemIndex);
			if (after) return { ...shapeUser(after), created: false };
		}
		throw asNodeError(this, error, itemIndex);
	}
}
