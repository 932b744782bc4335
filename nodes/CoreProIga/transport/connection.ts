import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY, sendWithRetries, type HttpAnswer } from '../../shared/retry';

/** A problem with the ESM credential itself; the message names the field and the fix. */
export class EsmCredentialProblem extends Error {
	constructor(
		readonly field: string,
		message: string,
		/** The status ESM answered the login with (not named httpCode: n8n would replace the message). */
		readonly loginStatus?: number,
	) {
		super(message);
		this.name = 'EsmCredentialProblem';
		this.description = credentialHint(field, loginStatus);
	}

	/** What to do; n8n keeps it when it wraps a failed preAuthentication in its own error. */
	readonly description: string;
}

const HINT = /^Open the CoreProIGA credential and fix "([^"]+)"(?: \(ESM answered the login with (\d{3})\))?\.$/;

function credentialHint(field: string, loginStatus?: number): string {
	return `Open the CoreProIGA credential and fix "${field}"${loginStatus ? ` (ESM answered the login with ${loginStatus})` : ''}.`;
}

/**
 * The credential problem behind an error. n8n wraps a failed preAuthentication in a NodeApiError
 * that keeps only the message and the description (not the error itself), so it is read back
 * from the description this class writes.
 */
export function credentialProblemOf(error: unknown): EsmCredentialProblem | undefined {
	if (error instanceof EsmCredentialProblem) return error;
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	const match = typeof description === 'string' ? HINT.exec(description) : null;
	if (!match || typeof message !== 'string') return undefined;
	return new EsmCredentialProblem(match[1], message, match[2] ? Number(match[2]) : undefined);
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
export const DEFAULT_API_PATH = '/rest-api/itsm/v1';

function parseUrl(text: string): URL | undefined {
	return URL.canParse(text) ? new URL(text) : undefined;
}

/**
 * `https://host[:port]` + API path, from what people paste (a UI link, a trailing slash). https
 * only, except on this machine, so that the sandbox can use http.
 */
export function esmBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const raw = typeof credentials.hostUrl === 'string' ? credentials.hostUrl.trim() : '';
	if (!raw) throw new EsmCredentialProblem('Host URL', 'Host URL is empty: enter the ESM address, e.g. https://customer.efectecloud.com');
	const url = parseUrl(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
	if (!url) throw new EsmCredentialProblem('Host URL', `Host URL "${raw}" is not a URL: enter e.g. https://customer.efectecloud.com`);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) {
		throw new EsmCredentialProblem(
			'Host URL',
			`Host URL "${raw}" must start with https:// (http:// is only accepted for localhost / 127.0.0.1)`,
		);
	}
	const configured = typeof credentials.apiPath === 'string' && credentials.apiPath.trim() ? credentials.apiPath.trim() : DEFAULT_API_PATH;
	const apiPath = `/${configured.replace(/^\/+|\/+$/g, '')}`;
	return `${url.origin}${apiPath}`;
}

/** The JWT's `iat` and `exp` (seconds since the epoch), where it says (the signature is the server's business). */
function jwtTimes(token: unknown): { iat?: number; exp?: number } {
	if (typeof token !== 'string') return {};
	const payload = token.replace(/^Bearer\s+/i, '').split('.')[1];
	if (!payload) return {};
	try {
		const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { iat?: unknown; exp?: unknown };
		return {
			iat: typeof json.iat === 'number' ? json.iat : undefined,
			exp: typeof json.exp === 'number' ? json.exp : undefined,
		};
	} catch {
		return {};
	}
}

/** Seconds since the epoch at which a JWT expires, if it says. */
export function jwtExpiry(token: unknown): number | undefined {
	return jwtTimes(token).exp;
}

/** Renew this long before the token's `exp`, so that no request is spent on a 401. */
export const RENEW_BEFORE_EXPIRY_MS = 60_000;

/**
 * The renewal margin of one token: 60 s, or a quarter of its lifetime when that is shorter (a
 * 30-second token renewed 60 s early would be renewed before every request).
 */
export function renewalMarginMs(token: unknown): number {
	const { iat, exp } = jwtTimes(token);
	if (iat === undefined || exp === undefined || exp <= iat) return RENEW_BEFORE_EXPIRY_MS;
	return Math.min(RENEW_BEFORE_EXPIRY_MS, ((exp - iat) * 1000) / 4);
}

/** An empty token needs a login too: the first request of a run logs in for the others. */
export function tokenNeedsRenewal(token: unknown, nowMs: number): boolean {
	if (typeof token !== 'string' || token === '') return true;
	const exp = jwtExpiry(token);
	return exp !== undefined && exp * 1000 - nowMs < renewalMarginMs(token);
}

/**
 * The login n8n runs for the credential (`preAuthentication`): when the session token is empty,
 * after a 401, and for the credential test. The password goes only into the form body.
 */
export async function esmLogin(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<{ sessionToken: string }> {
	const baseUrl = esmBaseUrl(credentials);
	const login = typeof credentials.username === 'string' ? credentials.username.trim() : '';
	if (!login) throw new EsmCredentialProblem('User', 'User is empty: enter the login of a local ESM user with the External API permission');
	if (typeof credentials.password !== 'string' || credentials.password === '') {
		throw new EsmCredentialProblem('Password', 'Password is empty: enter the password of the ESM WebAPI user');
	}
	const send = async (): Promise<HttpAnswer> =>
		(await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/users/login`,
			body: new URLSearchParams({ login, password: credentials.password as string }).toString(),
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			skipSslCertificateValidation: credentials.allowSelfSigned === true,
		})) as HttpAnswer;
	// Logging in again is always safe: a rate limit (429), a busy ESM (5xx) and a broken connection
	// are retried by the shared rules; every other answer is read below.
	const response = (await sendWithRetries<HttpAnswer>({
		send,
		idempotent: true,
		policy: DEFAULT_RETRY_POLICY,
		result: (answer) => answer,
		httpError: (answer) => new FinalAnswer(answer),
		networkError: (error) => error as Error,
	}).catch((error: unknown) => {
		if (error instanceof FinalAnswer) return error.answer;
		throw error;
	})) as HttpAnswer & { headers: Record<string, unknown> };

	if (response.statusCode === 429 || response.statusCode >= 500) {
		// Not a credential problem: the request reports it as ESM being unreachable.
		throw new Error(`ESM did not accept the login at ${baseUrl} (${response.statusCode}) after ${DEFAULT_RETRY_POLICY.maxRetries} retries: it is busy or down; the next run tries again`);
	}
	if (response.statusCode === 401 || response.statusCode === 403) {
		throw new EsmCredentialProblem(
			'Password',
			`ESM rejected the login of "${login}" (${response.statusCode}): check User and Password; the user must be a local ESM user whose role has the External API permission`,
			response.statusCode,
		);
	}
	if (response.statusCode === 404) {
		throw new EsmCredentialProblem('API Path', `No ESM REST API answered at ${baseUrl} (404): check Host URL and API Path (on-premises installs may use /itsm/api/v1)`, 404);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) {
		throw new EsmCredentialProblem('Host URL', `The ESM login at ${baseUrl} failed (${response.statusCode}): check that the REST API module is enabled`, response.statusCode);
	}
	const token = tokenFrom(response);
	if (!token) throw new EsmCredentialProblem('Host URL', `The ESM login at ${baseUrl} answered without a token: is this the ESM REST API?`);
	return { sessionToken: token };
}

/** A login answer the retries did not get past (any status but 2xx, 429 and 5xx at first). */
class FinalAnswer extends Error {
	constructor(readonly answer: HttpAnswer) {
		super(`ESM answered the login with ${answer.statusCode}`);
	}
}

/** ESM returns the JWT in the Authorization header and as body `token`, both as "Bearer <jwt>". */
function tokenFrom(response: { headers: Record<string, unknown>; body: unknown }): string | undefined {
	let body = response.body;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body) as unknown;
		} catch {
			body = undefined;
		}
	}
	const candidates = [(body as { token?: unknown } | undefined)?.token, response.headers?.authorization];
	for (const candidate of candidates) {
		const text = Array.isArray(candidate) ? candidate[0] : candidate;
		if (typeof text === 'string' && text.trim()) return text.replace(/^Bearer\s+/i, '').trim();
	}
	return undefined;
}
