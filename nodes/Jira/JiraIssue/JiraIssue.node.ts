import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getFields, getIssueTypes, getResolutions, getTransitions } from '../methods/loadOptions';
import { searchIssues, searchProjects } from '../methods/listSearch';
import { getCreateFields, getUpdateFields } from '../methods/resourceMapping';
import * as comment from './actions/comment';
import * as issue from './actions/issue';
import { router } from './actions/router';
import * as transition from './actions/transition';

export class JiraIssue implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jira Issue',
		name: 'jiraIssue',
		icon: { light: 'file:../../../icons/jira.svg', dark: 'file:../../../icons/jira.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create, read, search and transition Jira Cloud issues and comments (REST API v3)',
		defaults: { name: 'Jira Issue' },
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
					{ name: 'Comment', value: 'comment' },
					{ name: 'Issue', value: 'issue' },
					{ name: 'Transition', value: 'transition' },
				],
				default: 'issue',
			},
			...issue.description,
			...comment.description,
			...transition.description,
		],
	};

	methods = {
		loadOptions: { getFields, getIssueTypes, getResolutions, getTransitions },
		listSearch: { searchIssues, searchProjects },
		resourceMapping: { getCreateFields, getUpdateFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
