'use strict';
// The four credentials templates reference by fixed id and name (design.md "Names"), filled either
// from the emulators or from environment variables that point at a real Jira Cloud site / real ESM.
// The result is what `n8n import:credentials --input=<file>` takes: a JSON array of
// {id, name, type, data} with plaintext data (n8n encrypts it on import).

const CREDENTIAL_IDS = {
	jira: { id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi' },
	esmLocal: { id: 'esmLocal', name: 'ESM (local)', type: 'coreProIgaApi' },
	esmRemote: { id: 'esmRemote', name: 'ESM (remote)', type: 'coreProIgaApi' },
	webhookAuth: { id: 'esmWebhookAuth', name: 'ESM webhook (header auth)', type: 'httpHeaderAuth' },
};

/** Environment variables for real systems, per target: [variable, field, required]. */
const ENV_TARGETS = {
	jira: [
		['JIRA_SITE_URL', 'siteUrl', true],
		['JIRA_EMAIL', 'email', true],
		['JIRA_API_TOKEN', 'apiToken', true],
		['JIRA_TOKEN_EXPIRES_ON', 'expiresOn', false],
	],
	esmLocal: [
		['ESM_LOCAL_URL', 'hostUrl', true],
		['ESM_LOCAL_USER', 'username', true],
		['ESM_LOCAL_PASSWORD', 'password', true],
		['ESM_LOCAL_API_PATH', 'apiPath', false],
		['ESM_LOCAL_ALLOW_SELF_SIGNED', 'allowSelfSigned', false],
	],
	esmRemote: [
		['ESM_REMOTE_URL', 'hostUrl', true],
		['ESM_REMOTE_USER', 'username', true],
		['ESM_REMOTE_PASSWORD', 'password', true],
		['ESM_REMOTE_API_PATH', 'apiPath', false],
		['ESM_REMOTE_ALLOW_SELF_SIGNED', 'allowSelfSigned', false],
	],
	webhookAuth: [
		['ESM_WEBHOOK_HEADER_NAME', 'name', false],
		['ESM_WEBHOOK_HEADER_VALUE', 'value', false],
	],
};

const truthy = (value) => /^(1|true|yes|on)$/i.test(String(value ?? '').trim());

/**
 * Real targets named by the environment: {jira?, esmLocal?, esmRemote?, webhookAuth?}, each a
 * partial credential. A target with some but not all required variables is an error (better than
 * silently talking to the emulator).
 */
function targetsFromEnv(env = process.env) {
	const targets = {};
	for (const [key, fields] of Object.entries(ENV_TARGETS)) {
		const present = fields.filter(([variable]) => env[variable] !== undefined && env[variable] !== '');
		if (present.length === 0) continue;
		const missing = fields.filter(([variable, , required]) => required && (env[variable] === undefined || env[variable] === ''));
		if (missing.length > 0) {
			throw new Error(`${present.map(([variable]) => variable).join(', ')} set, but ${missing.map(([variable]) => variable).join(', ')} missing: set all of them to use a real system`);
		}
		const target = {};
		for (const [variable, field] of present) target[field] = field === 'allowSelfSigned' ? truthy(env[variable]) : env[variable];
		targets[key] = target;
	}
	return targets;
}

/** Which emulators are still needed when `targets` replaces some of them. */
function needsSandbox(targets) {
	return !(targets.jira && targets.esmLocal && targets.esmRemote);
}

/**
 * The import array. `sandbox` is what startSandbox returned (may be undefined when every target
 * is real); `targets` wins over it per credential.
 */
function buildCredentials({ sandbox, targets = {}, defaultWebhookAuth }) {
	const pick = (key) => {
		if (targets[key]) return { ...targets[key], source: 'env' };
		if (sandbox && sandbox[key]) return { ...sandbox[key], source: 'sandbox' };
		throw new Error(`No ${key} target: neither an emulator nor environment variables`);
	};
	const jira = pick('jira');
	const esm = (key) => {
		const target = pick(key);
		return {
			hostUrl: target.hostUrl,
			apiPath: target.apiPath ?? '/rest-api/itsm/v1',
			username: target.username,
			password: target.password,
			allowSelfSigned: Boolean(target.allowSelfSigned),
			sessionToken: '',
		};
	};
	const webhook = { ...(sandbox?.webhookAuth ?? defaultWebhookAuth ?? {}), ...(targets.webhookAuth ?? {}) };
	if (!webhook.name || !webhook.value) throw new Error('The ESM webhook header auth needs a header name and value (ESM_WEBHOOK_HEADER_NAME / ESM_WEBHOOK_HEADER_VALUE)');
	const jiraData = { siteUrl: jira.siteUrl ?? jira.url, email: jira.email, apiToken: jira.apiToken };
	if (jira.expiresOn) jiraData.expiresOn = jira.expiresOn;
	return [
		{ ...CREDENTIAL_IDS.jira, data: jiraData },
		{ ...CREDENTIAL_IDS.esmLocal, data: esm('esmLocal') },
		{ ...CREDENTIAL_IDS.esmRemote, data: esm('esmRemote') },
		{ ...CREDENTIAL_IDS.webhookAuth, data: { name: webhook.name, value: webhook.value } },
	];
}

/** Where each credential points, without secrets (for the banner). */
function describeCredentials(credentials, targets = {}) {
	const source = { jiraCloud: 'jira', esmLocal: 'esmLocal', esmRemote: 'esmRemote', esmWebhookAuth: 'webhookAuth' };
	return credentials.map((credential) => {
		const where = credential.data.siteUrl ?? credential.data.hostUrl ?? `header ${credential.data.name}`;
		const real = targets[source[credential.id]] ? ' (from environment)' : '';
		return `${credential.name} [${credential.id}]: ${where}${real}`;
	});
}

module.exports = { CREDENTIAL_IDS, ENV_TARGETS, targetsFromEnv, needsSandbox, buildCredentials, describeCredentials };
