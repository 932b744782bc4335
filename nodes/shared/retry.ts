import { sleep } from 'n8n-workflow';

/** How a transport retries a request that the server refused for now (429) or failed on (5xx). */
export interface RetryPolicy {
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the run fails with a clear message instead. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 5,
	baseDelayMs: 1000,
	maxDelayMs: 60_000,
	maxRetryAfterMs: 300_000,
};

/** Indirection so that tests can observe and skip the waits without fake timers. */
export const retryClock = {
	sleep: (ms: number): Promise<void> => sleep(ms),
	now: (): number => Date.now(),
	random: (): number => Math.random(),
};

/** Retry-After is either delta-seconds or an HTTP date; returns milliseconds to wait, if parseable. */
export function parseRetryAfter(value: unknown, nowMs = retryClock.now()): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(Array.isArray(value) ? value[0] : value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(parseFloat(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - nowMs);
}

/**
 * Delay before retry number `attempt` (1-based). A server-given Retry-After wins (plus up to 10 %
 * jitter so parallel workers do not return in lockstep); otherwise exponential backoff with full
 * jitter, capped.
 */
export function retryDelayMs(
	attempt: number,
	retryAfterMs: number | undefined,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number {
	if (retryAfterMs !== undefined) {
		return retryAfterMs + Math.floor(retryAfterMs * 0.1 * retryClock.random());
	}
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.max(100, Math.floor(ceiling * retryClock.random()));
}

/** Network failures worth another try: the connection broke, not the configuration. */
const TRANSIENT_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ECONNABORTED',
	'EAI_AGAIN',
	'ENETUNREACH',
]);

/**
 * The system error code of a failure below HTTP (ECONNRESET…): on the error, on its cause, or in the
 * httpCode of the NodeApiError n8n wraps a broken connection in (whose cause it does not keep).
 */
export function networkErrorCode(error: unknown): string | undefined {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	for (const candidate of candidates) {
		for (const code of [(candidate as { code?: unknown } | undefined)?.code, (candidate as { httpCode?: unknown } | undefined)?.httpCode]) {
			if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		}
	}
	return undefined;
}

export function isTransientNetworkError(error: unknown): boolean {
	const code = networkErrorCode(error);
	return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

/** A full HTTP answer (n8n's `returnFullResponse` with `ignoreHttpStatusErrors`). */
export interface HttpAnswer {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

export interface RetryingSend<T> {
	/** Sends the request once; throws only below HTTP (network, TLS). */
	send: (attempt: number) => Promise<HttpAnswer>;
	/** May the request be sent again after a 5xx or a broken connection? */
	idempotent: boolean;
	/**
	 * For a write that must not be repeated blindly: after a 5xx or a lost answer, tells whether
	 * the write happened (returns its result) or not (undefined: it is then sent again).
	 */
	verifyAfterFailure?: () => Promise<unknown>;
	/** Lets a transport act on an answer first (e.g. log in again on 401); return true to send again at once. */
	beforeRetryDecision?: (answer: HttpAnswer) => Promise<boolean>;
	/** Builds the error for an answer that is final (4xx, or 429/5xx after the retries). */
	httpError: (answer: HttpAnswer) => Error;
	/** Builds the error for a failure below HTTP that is final. */
	networkError: (error: unknown) => Error;
	policy: RetryPolicy;
	/** How a 2xx answer becomes the result. */
	result: (answer: HttpAnswer) => T;
}

/**
 * The retry rules every transport shares: 429 (and 503 with Retry-After) is retried for every
 * method, since nothing was processed; 5xx and broken connections only when repeating is safe;
 * a write whose answer was lost is looked up before it is sent again (after the wait, so that
 * eventually consistent searches can see it).
 */
export async function sendWithRetries<T>(request: RetryingSend<T>): Promise<T> {
	const { policy } = request;
	const mayRepeat = request.idempotent || request.verifyAfterFailure !== undefined;
	const recover = async (attempt: number, retryAfterMs: number | undefined): Promise<{ done: true; value: unknown } | { done: false }> => {
		await retryClock.sleep(retryDelayMs(attempt, retryAfterMs, policy));
		if (request.idempotent) return { done: false };
		const happened = await request.verifyAfterFailure!();
		return happened === undefined ? { done: false } : { done: true, value: happened };
	};

	for (let attempt = 1; ; attempt++) {
		const canRetry = attempt <= policy.maxRetries;
		let answer: HttpAnswer;
		try {
			answer = await request.send(attempt);
		} catch (error) {
			if (canRetry && mayRepeat && isTransientNetworkError(error)) {
				const recovered = await recover(attempt, undefined);
				if (recovered.done) return recovered.value as T;
				continue;
			}
			throw request.networkError(error);
		}

		const status = answer.statusCode;
		if (status >= 200 && status < 300) return request.result(answer);
		if (request.beforeRetryDecision && (await request.beforeRetryDecision(answer))) continue;

		// Retry-After first; Jira's X-RateLimit-Reset (an ISO time) when a 429 comes without it.
		const retryAfterMs =
			parseRetryAfter(answer.headers?.['retry-after']) ??
			(status === 429 ? parseRetryAfter(answer.headers?.['x-ratelimit-reset']) : undefined);
		const rateLimited = status === 429 || (status === 503 && retryAfterMs !== undefined);
		if (canRetry && rateLimited && (retryAfterMs ?? 0) <= policy.maxRetryAfterMs) {
			await retryClock.sleep(retryDelayMs(attempt, retryAfterMs, policy));
			continue;
		}
		if (canRetry && status >= 500 && mayRepeat) {
			const recovered = await recover(attempt, retryAfterMs);
			if (recovered.done) return recovered.value as T;
			continue;
		}
		throw request.httpError(answer);
	}
}
