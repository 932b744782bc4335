import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Real HS256 JWTs with `exp`, signed with a secret of this emulator instance: clients that read
 * `exp` (to renew early) see a true token, and a token of another instance, a tampered one or an
 * expired one gets the 401 that makes a client log in again.
 */

export interface JwtPayload {
	sub: string;
	iat: number;
	exp: number;
	iss: string;
	jti: string;
}

export type Verification = { ok: true; payload: JwtPayload } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

function base64url(data: Buffer | string): string {
	return Buffer.from(data).toString('base64url');
}

export class JwtIssuer {
	private secret = randomBytes(32);
	private counter = 0;

	constructor(private readonly issuer: string) {}

	/** Every token issued so far stops working (admin fault `revokeTokens`). */
	rotate(): void {
		this.secret = randomBytes(32);
	}

	private signature(input: string): string {
		return createHmac('sha256', this.secret).update(input).digest('base64url');
	}

	sign(subject: string, ttlSec: number, nowMs: number): string {
		const iat = Math.floor(nowMs / 1000);
		const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const payload: JwtPayload = { sub: subject, iat, exp: iat + ttlSec, iss: this.issuer, jti: `${iat}-${++this.counter}` };
		const body = base64url(JSON.stringify(payload));
		return `${header}.${body}.${this.signature(`${header}.${body}`)}`;
	}

	verify(token: string, nowMs: number): Verification {
		const parts = token.split('.');
		if (parts.length !== 3) return { ok: false, reason: 'malformed' };
		const expected = Buffer.from(this.signature(`${parts[0]}.${parts[1]}`));
		const given = Buffer.from(parts[2]);
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature' };
		let payload: JwtPayload;
		try {
			payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtPayload;
		} catch {
			return { ok: false, reason: 'malformed' };
		}
		if (typeof payload.exp !== 'number' || payload.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
		return { ok: true, payload };
	}
}
