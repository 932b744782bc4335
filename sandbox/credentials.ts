/**
 * Credentials the emulators accept by default, in one place so that `npm start`, the CLI and
 * tests agree. Sandbox-only values: they open nothing outside this machine.
 */
export const SANDBOX_JIRA_USER = {
	email: 'integration@sandbox.example',
	apiToken: 'sandbox-jira-token',
	displayName: 'n8n Integration',
	accountId: '5f0c1e2d3b4a59687a6b5c4d',
};

export const SANDBOX_ESM_USER = {
	login: 'integration',
	password: 'sandbox-esm-password',
	displayName: 'n8n Integration',
};

/** Default ports of `npm start` (env SANDBOX_JIRA_PORT, SANDBOX_ESM_LOCAL_PORT, SANDBOX_ESM_REMOTE_PORT). */
export const SANDBOX_PORTS = { jira: 8401, esmLocal: 8402, esmRemote: 8403 };
