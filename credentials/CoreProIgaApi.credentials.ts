import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_API_PATH, esmLogin } from '../nodes/CoreProIga/transport/connection';

export class CoreProIgaApi implements ICredentialType {
	name = 'coreProIgaApi';

	displayName = 'M42 CoreProIGA (ESM) API';

	icon = { light: 'file:../icons/esm.svg', dark: 'file:../icons/esm.dark.svg' } as const;

	documentationUrl = 'https://github.com/esm-connectors/n8n-nodes-esm-connectors#coreproiga-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Host URL',
			name: 'hostUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://customer.efectecloud.com',
			description: 'Address of the Matrix42 Core / Pro / IGA (Efecte ESM) solution. Must use https.',
		},
		{
			displayName: 'API Path',
			name: 'apiPath',
			type: 'string',
			default: DEFAULT_API_PATH,
			description: 'Path of the REST API; on-premises installs may use /itsm/api/v1',
		},
		{
			displayName: 'User',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'Login of a local ESM user (WebAPI user) whose role has the External API permission',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Allow Self-Signed Certificates',
			name: 'allowSelfSigned',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server certificate cannot be verified (on-premises installs with their own CA)',
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	// n8n logs in when the session token is empty, once again after a 401, and for the credential
	// test; it stores the token with the credential, so every node, execution and worker shares it.
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await esmLogin.call(this, credentials);
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.hostUrl.trim().replace(/^(?![a-z]+:\\/\\/)/i, "https://").replace(/^([a-z]+:\\/\\/[^\\/?#]+).*$/i, "$1") + "/" + ($credentials.apiPath || "' +
				DEFAULT_API_PATH +
				'").trim().replace(/^\\/+|\\/+$/g, "") }}',
			url: '/echo/jwt',
			method: 'GET',
			qs: { message: 'n8n credential test' },
			skipSslCertificateValidation: '={{ $credentials.allowSelfSigned }}',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'ESM did not accept the session of this user (401): check that its role has the External API permission' },
			},
			{
				type: 'responseCode',
				properties: { value: 404, message: 'No ESM REST API at this Host URL and API Path (404)' },
			},
		],
	};
}
