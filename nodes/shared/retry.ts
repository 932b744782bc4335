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

export function networkErrorCode(error: unknown): string | undefined {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	for (const candidate of candidates) {
		const code = (candidate as { code?: unknown } | undefined)?.code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
	}
	return undefined;
}

export function isTransientNetworkError(error: unknown): boolean {
	const code = networkErrorCode(error);
	return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}
