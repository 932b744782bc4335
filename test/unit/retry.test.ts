import { DEFAULT_RETRY_POLICY, isTransientNetworkError, parseRetryAfter, retryClock, retryDelayMs } from '../../nodes/shared/retry';

describe('parseRetryAfter', () => {
	it('reads delta seconds', () => {
		expect(parseRetryAfter('7')).toBe(7000);
		expect(parseRetryAfter(['2'])).toBe(2000);
	});

	it('reads an HTTP date relative to now', () => {
		const now = Date.parse('2026-11-23T10:00:00Z');
		expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
	});

	it('ignores garbage', () => {
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
	});
});

describe('retryDelayMs', () => {
	afterEach(() => jest.restoreAllMocks());

	it('honours Retry-After with at most 10 % jitter', () => {
		jest.spyOn(retryClock, 'random').mockReturnValue(0.999);
		expect(retryDelayMs(1, 3000)).toBe(3299);
		jest.spyOn(retryClock, 'random').mockReturnValue(0);
		expect(retryDelayMs(4, 3000)).toBe(3000);
	});

	it('backs off exponentially with full jitter, capped', () => {
		jest.spyOn(retryClock, 'random').mockReturnValue(0.999);
		expect(retryDelayMs(1, undefined)).toBe(999);
		expect(retryDelayMs(3, undefined)).toBe(3996);
		expect(retryDelayMs(20, undefined)).toBe(Math.floor(DEFAULT_RETRY_POLICY.maxDelayMs * 0.999));
	});
});

describe('isTransientNetworkError', () => {
	it('retries broken connections, not configuration errors', () => {
		expect(isTransientNetworkError({ code: 'ECONNRESET' })).toBe(true);
		expect(isTransientNetworkError({ cause: { code: 'ETIMEDOUT' } })).toBe(true);
		expect(isTransientNetworkError({ code: 'ENOTFOUND' })).toBe(false);
		expect(isTransientNetworkError(new Error('x'))).toBe(false);
	});
});
