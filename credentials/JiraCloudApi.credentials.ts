import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { checkJiraCredentials, TOKEN_WARNING_DAYS } from '../nodes/Jira/transport/credentialChecks';

export class JiraCloudApi implements ICredentialType {
	name = 'jiraCloudApi';

	displayName = 'Jira Cloud API';

	icon = { light: 'file:../icons/jira.svg', dark: 'file:../icons/jira.dark.svg' } as const;

	documentationUrl = 'https://github.com/esm-connectors/n8n-nodes-esm-connectors#jira-cloud-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Site URL',
			name: 'siteUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://your-domain.atlassian.net',
			description: 'Address of the Jira Cloud site. Must use https.',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'name@email.com',
			description: 'Email of the Atlassian account that created the API token',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create one at https://id.atlassian.com/manage-profile/security/api-tokens',
		},
		{
			displayName: 'Token Expires On',
			name: 'expiresOn',
			type: 'dateTime',
			default: '',
			description: `Optional. Atlassian API tokens expire after at most one year. When set, every run warns during the last ${TOKEN_WARNING_DAYS} days and fails with a clear message after this date.`,
		},
	];

	// A function rather than a generic block so that a bad Site URL or an expired token fails with
	// its own message, in the credential test and in n8n's HTTP Request node alike.
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		checkJiraCredentials(credentials);
		return {
			...requestOptions,
			auth: { username: String(credentials.email).trim(), password: String(credentials.apiToken) },
		};
	};

	test: ICredentialTestRequest = {
		request: {
			// The site origin, as the nodes use it: scheme added when missing, any pasted path dropped.
			baseURL:
				'={{ $credentials.siteUrl.trim().replace(/^(?![a-z]+:\\/\\/)/i, "https://").replace(/^([a-z]+:\\/\\/[^\\/?#]+).*$/i, "$1") }}',
			url: '/rest/api/3/myself',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Jira rejected the Email or API Token (401): check both; tokens expire after at most a year',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The account may not use the Jira REST API (403): check that it has access to Jira on this site',
				},
			},
			{
				type: 'responseCode',
				properties: { value: 404, message: 'No Jira Cloud site answered at this Site URL (404): check the Site URL' },
			},
		],
	};
}
