import { RENEW_BEFORE_EXPIRY_MS, renewalMarginMs, tokenNeedsRenewal } from '../../nodes/CoreProIga/transport/connection';

/** An unsigned JWT (the node reads `iat` and `exp` only) issued at `iat` for `lifetimeSec`. */
function token(iat: number | undefined, lifetimeSec: number, base = 1_800_000_000): string {
	const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const claims = { sub: 'webapi', ...(iat === undefined ? {} : { iat: base + iat }), exp: base + (iat ?? 0) + lifetimeSec };
	return `Bearer ${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.c2ln`;
}
const at = (secondsAfterBase: number) => (1_800_000_000 + secondsAfterBase) * 1000;

describe('ESM token renewal', () => {
	it('renews a 15-minute token 60 s before it expires', () => {
		const fifteenMinutes = token(0, 900);
		expect(renewalMarginMs(fifteenMinutes)).toBe(RENEW_BEFORE_EXPIRY_MS);
		expect(tokenNeedsRenewal(fifteenMinutes, at(839))).toBe(false);
		expect(tokenNeedsRenewal(fifteenMinutes, at(841))).toBe(true);
	});

	it('renews a token shorter than four minutes a quarter of its lifetime early, not before every request', () => {
		const thirtySeconds = token(0, 30);
		expect(renewalMarginMs(thirtySeconds)).toBe(7_500);
		expect(tokenNeedsRenewal(thirtySeconds, at(1))).toBe(false);
		expect(tokenNeedsRenewal(thirtySeconds, at(22))).toBe(false);
		expect(tokenNeedsRenewal(thirtySeconds, at(23))).toBe(true);
	});

	it('keeps the 60 s margin when the token does not say when it was issued', () => {
		const noIat = token(undefined, 30);
		expect(renewalMarginMs(noIat)).toBe(RENEW_BEFORE_EXPIRY_MS);
		expect(tokenNeedsRenewal(noIat, at(0))).toBe(true);
	});

	it('logs in when there is no token, and never renews one whose expiry it cannot read', () => {
		expect(tokenNeedsRenewal('', at(0))).toBe(true);
		expect(tokenNeedsRenewal(undefined, at(0))).toBe(true);
		expect(tokenNeedsRenewal('opaque-session-token', at(0))).toBe(false);
	});
});
