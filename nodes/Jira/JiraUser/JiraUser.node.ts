import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchUsers } from '../methods/listSearch';
import { router } from './actions/router';
import * as user from './actions/user';

export class JiraUser implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jira User',
		name: 'jiraUser',
		icon: { light: 'file:../../../icons/jira.svg', dark: 'file:../../../icons/jira.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'List, get, create and delete Jira Cloud users for identity imports and provisioning',
		defaults: { name: 'Jira User' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'jiraCloudApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'User', value: 'user' }],
				default: 'user',
			},
			...user.description,
		],
	};

	methods = {
		listSearch: { searchUsers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
