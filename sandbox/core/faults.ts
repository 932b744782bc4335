/**
 * Fault injection shared by every emulator: the switches design.md fixes for `POST /__admin/faults`.
 * Kept apart from the HTTP plumbing so that its rules (which request gets which fault) are easy
 * to read and to test.
 */

export type Fail5xxMode = 'beforeApply' | 'afterApply';

export interface Fail5xxConfig {
	/** How many requests still fail; each injected failure takes one. */
	count: number;
	/** beforeApply: nothing happens, the answer is a 5xx. afterApply: the request is applied, then the answer is lost (5xx). */
	mode: Fail5xxMode;
	/** Status to answer, default 503. */
	status?: number;
	/**
	 * Which requests fail (default: every API request): `METHOD /path/template` (e.g.
	 * `POST /rest/api/3/issue`, `PUT /dc/{templateCode}/data`) or `METHOD /actual/path`, with or
	 * without the method; a trailing `*` makes it a prefix (`POST /rest/api/3/issue/SD-1/*`).
	 */
	match?: string;
}

export interface FaultConfig {
	/** Delay before every API request is handled. */
	latencyMs?: number;
	/** Every Nth API request (counting from when this was set) answers 429. */
	status429EveryN?: number;
	/** Retry-After of those 429s, seconds (default 1). */
	retryAfterSec?: number;
	fail5xx?: Fail5xxConfig;
	/** For this many ms from now, API requests get their connection reset (the admin API stays up). */
	downForMs?: number;
	/** ESM only: lifetime of JWTs issued from now on. */
	tokenTtlSec?: number;
	/** ESM only: invalidate every token issued so far (the signing secret changes). */
	revokeTokens?: boolean;
}

export interface FaultState extends FaultConfig {
	/** Epoch ms until which the emulator is down (derived from downForMs). */
	downUntil?: number;
	/** API requests seen since status429EveryN was set. */
	requestsSince429Set: number;
}

export interface RequestIdentity {
	method: string;
	/** Path below the API base, as requested. */
	path: string;
	/** The route's path template, or undefined when no route matched. */
	template?: string;
}

function matches(match: string | undefined, request: RequestIdentity): boolean {
	if (!match) return true;
	const wanted = match.trim();
	const method = request.method.toUpperCase();
	const candidates = [`${method} ${request.path}`, request.path];
	if (request.template) candidates.push(`${method} ${request.template}`, request.template);
	if (wanted.endsWith('*')) return candidates.some((candidate) => candidate.startsWith(wanted.slice(0, -1)));
	return candidates.includes(wanted);
}

export class Faults {
	private state: FaultState = { requestsSince429Set: 0 };

	constructor(private readonly now: () => number) {}

	/** Replaces the whole configuration (or merges into it with `merge: true`). */
	configure(config: FaultConfig & { merge?: boolean }): FaultState {
		const { merge, ...rest } = config;
		const base: FaultState = merge ? { ...this.state } : { requestsSince429Set: 0 };
		const next: FaultState = { ...base, ...rest };
		if (rest.status429EveryN !== undefined) next.requestsSince429Set = 0;
		if (rest.downForMs !== undefined) next.downUntil = rest.downForMs > 0 ? this.now() + rest.downForMs : undefined;
		if (next.fail5xx) {
			const mode = next.fail5xx.mode ?? 'beforeApply';
			if (mode !== 'beforeApply' && mode !== 'afterApply') throw new Error(`fail5xx.mode must be beforeApply or afterApply, not ${String(mode)}`);
			next.fail5xx = { ...next.fail5xx, mode, count: Math.max(0, Number(next.fail5xx.count ?? 1)) };
		}
		delete next.revokeTokens; // an action, not a state
		this.state = next;
		return this.snapshot();
	}

	snapshot(): FaultState {
		const state = { ...this.state, ...(this.state.fail5xx ? { fail5xx: { ...this.state.fail5xx } } : {}) };
		if (state.downUntil !== undefined && state.downUntil <= this.now()) delete state.downUntil;
		return state;
	}

	clear(): void {
		this.state = { requestsSince429Set: 0 };
	}

	get latencyMs(): number {
		return Math.max(0, Number(this.state.latencyMs ?? 0));
	}

	get tokenTtlSec(): number | undefined {
		return this.state.tokenTtlSec;
	}

	isDown(): boolean {
		return this.state.downUntil !== undefined && this.now() < this.state.downUntil;
	}

	/** Counts the request; answers the Retry-After seconds when this one must be a 429. */
	take429(): number | undefined {
		const every = Number(this.state.status429EveryN ?? 0);
		if (!every || every < 1) return undefined;
		this.state.requestsSince429Set += 1;
		return this.state.requestsSince429Set % every === 0 ? Number(this.state.retryAfterSec ?? 1) : undefined;
	}

	/** When this request must fail in this phase, takes one from the count and answers the status. */
	take5xx(phase: Fail5xxMode, request: RequestIdentity): number | undefined {
		const fail = this.state.fail5xx;
		if (!fail || fail.count <= 0 || fail.mode !== phase || !matches(fail.match, request)) return undefined;
		fail.count -= 1;
		return fail.status ?? 503;
	}
}
