import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchGroups, searchProjects, searchUsers } from '../methods/listSearch';
import * as group from './actions/group';
import * as project from './actions/project';
import * as projectRole from './actions/projectRole';
import { getProjectRoles } from './actions/projectRole/roles';
import { router } from './actions/router';

export class JiraGroup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jira Group',
		name: 'jiraGroup',
		icon: { light: 'file:../../../icons/jira.svg', dark: 'file:../../../icons/jira.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Jira Cloud groups, memberships, projects and project roles for entitlement imports and provisioning',
		defaults: { name: 'Jira Group' },
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
				options: [
					{ name: 'Group', value: 'group' },
					{ name: 'Project', value: 'project' },
					{ name: 'Project Role', value: 'projectRole' },
				],
				default: 'group',
			},
			...group.description,
			...project.description,
			...projectRole.description,
		],
	};

	methods = {
		loadOptions: { getProjectRoles },
		listSearch: { searchGroups, searchProjects, searchUsers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
