import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** Days before the recorded expiry date from which every run warns. */
export const TOKEN_WARNING_DAYS = 14;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const TOKEN_PAGE = 'https://id.atlassian.com/manage-profile/security/api-tokens';

/** A problem with the credential itself: message names the field and the fix. */
export class JiraCredentialProblem extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'JiraCredentialProblem';
	}
}

export interface TokenExpiry {
	state: 'unknown' | 'valid' | 'expiresSoon' | 'expired';
	expiresOn?: string;
	daysLeft?: number;
}

export interface CheckedJiraCredentials {
	baseUrl: string;
	email: string;
	expiry: TokenExpiry;
}

function parseUrl(text: string): URL | undefined {
	return URL.canParse(text) ? new URL(text) : undefined;
}

/**
 * Accepts what people paste (`https://acme.atlassian.net/jira/software/...`, trailing slashes) and
 * returns the site origin. https only, except on this machine so that the sandbox can use http.
 */
export function normaliseSiteUrl(raw: unknown): string {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!text) {
		throw new JiraCredentialProblem('Site URL', 'Site URL is empty: enter your Jira Cloud address, e.g. https://your-domain.atlassian.net');
	}
	const url = parseUrl(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`);
	if (!url) {
		throw new JiraCredentialProblem('Site URL', `Site URL "${text}" is not a URL: enter e.g. https://your-domain.atlassian.net`);
	}
	const local = LOCAL_HOSTS.has(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
		throw new JiraCredentialProblem(
			'Site URL',
			`Site URL "${text}" must start with https:// (http:// is only accepted for localhost / 127.0.0.1)`,
		);
	}
	return url.origin;
}

/** Expiry is recorded as a date (or date-time); a bare date means the token works through that day (UTC). */
export function tokenExpiry(raw: unknown, nowMs: number): TokenExpiry {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!text) return { state: 'unknown' };
	const datePart = text.slice(0, 10);
	const hasTime = /T\d{2}:\d{2}/.test(text) && !/T00:00(:00(\.0+)?)?(Z|[+-]00:?00)?$/.test(text);
	const endMs = hasTime ? Date.parse(text) : Date.parse(`${datePart}T23:59:59.999Z`);
	if (Number.isNaN(endMs)) {
		throw new JiraCredentialProblem('Token Expires On', `Token Expires On "${text}" is not a date: use YYYY-MM-DD or leave it empty`);
	}
	const daysLeft = Math.floor((endMs - nowMs) / 86_400_000);
	if (endMs < nowMs) return { state: 'expired', expiresOn: datePart, daysLeft };
	if (daysLeft < TOKEN_WARNING_DAYS) return { state: 'expiresSoon', expiresOn: datePart, daysLeft };
	return { state: 'valid', expiresOn: datePart, daysLeft };
}

export function expiredTokenMessage(expiry: TokenExpiry): string {
	return `The Jira API token expired on ${expiry.expiresOn} (Token Expires On in the Jira Cloud credential): create a new token at ${TOKEN_PAGE}, then update the credential's API Token and Token Expires On`;
}

export function expiringTokenMessage(expiry: TokenExpiry): string {
	const when = expiry.daysLeft === 0 ? 'today' : `in ${expiry.daysLeft} day${expiry.daysLeft === 1 ? '' : 's'}`;
	return `The Jira API token expires ${when} (${expiry.expiresOn}): create a new token at ${TOKEN_PAGE} and update the Jira Cloud credential before then`;
}

/** Every check that can be made without calling Jira. Throws JiraCredentialProblem. */
export function checkJiraCredentials(credentials: ICredentialDataDecryptedObject, nowMs = Date.now()): CheckedJiraCredentials {
	const baseUrl = normaliseSiteUrl(credentials.siteUrl);
	const email = typeof credentials.email === 'string' ? credentials.email.trim() : '';
	if (!email) {
		throw new JiraCredentialProblem('Email', 'Email is empty: enter the email of the Atlassian account that created the API token');
	}
	if (typeof credentials.apiToken !== 'string' || credentials.apiToken === '') {
		throw new JiraCredentialProblem('API Token', `API Token is empty: create one at ${TOKEN_PAGE}`);
	}
	const expiry = tokenExpiry(credentials.expiresOn, nowMs);
	if (expiry.state === 'expired') throw new JiraCredentialProblem('Token Expires On', expiredTokenMessage(expiry));
	return { baseUrl, email, expiry };
}
