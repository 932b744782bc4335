import type { IncomingHttpHeaders } from 'node:http';

/** One API request as a handler sees it (path and template are below the emulator's base path). */
export interface ApiRequest {
	method: string;
	/** Path below the API base path, still percent-encoded. */
	path: string;
	/** The matched route's template, e.g. `/rest/api/3/issue/{issueIdOrKey}`. */
	template: string;
	/** Decoded path parameters. */
	params: Record<string, string>;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	/** Parsed JSON, or the fields of a form body; undefined when empty or not parseable. */
	body: unknown;
	/** Set when a JSON body did not parse (the emulator answers in its own error shape). */
	bodyError?: string;
	/** `http://host:port`. */
	origin: string;
	/** origin + base path: what `self` links start with. */
	baseUrl: string;
	/** Who authenticated (set by the emulator's authenticate hook). */
	principal?: unknown;
}

export interface ApiReply {
	status: number;
	/** JSON body; omitted for empty answers (204). */
	body?: unknown;
	/** A non-JSON body (file downloads). */
	raw?: Buffer | string;
	contentType?: string;
	headers?: Record<string, string | number>;
}

export type Handler = (request: ApiRequest) => ApiReply | Promise<ApiReply>;

/** Thrown by handlers; the server turns it into the emulator's own error shape. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		/** Extra parts of the error body (e.g. Jira's field errors). */
		readonly details?: Record<string, unknown>,
	) {
		super(message);
	}
}

export interface RouteOptions {
	/** Reachable without credentials (ESM login and echo). */
	public?: boolean;
}

export interface Route {
	method: string;
	template: string;
	handler: Handler;
	options: RouteOptions;
	segments: Array<string | { name: string }>;
}

export type RouteMatch =
	| { route: Route; params: Record<string, string> }
	| { route?: undefined; allowedMethods: string[] };

/**
 * Path-template routing as the OpenAPI specs write paths. Literal segments win over parameters,
 * so `/issue/picker` is not taken for `/issue/{issueIdOrKey}` and `/data/stream` not for `/data/{id}`.
 */
export class Router {
	private readonly table: Route[] = [];

	add(method: string, template: string, handler: Handler, options: RouteOptions = {}): this {
		const segments = template
			.split('/')
			.slice(1)
			.map((segment) => {
				const param = /^\{([^}]+)\}$/.exec(segment);
				return param ? { name: param[1] } : segment;
			});
		this.table.push({ method: method.toUpperCase(), template, handler, options, segments });
		return this;
	}

	get(template: string, handler: Handler, options?: RouteOptions): this {
		return this.add('GET', template, handler, options);
	}
	post(template: string, handler: Handler, options?: RouteOptions): this {
		return this.add('POST', template, handler, options);
	}
	put(template: string, handler: Handler, options?: RouteOptions): this {
		return this.add('PUT', template, handler, options);
	}
	patch(template: string, handler: Handler, options?: RouteOptions): this {
		return this.add('PATCH', template, handler, options);
	}
	delete(template: string, handler: Handler, options?: RouteOptions): this {
		return this.add('DELETE', template, handler, options);
	}

	/** Every route as `{ method, template }`, e.g. for a test that checks each one against the spec. */
	routes(): Array<{ method: string; template: string }> {
		return this.table.map(({ method, template }) => ({ method, template }));
	}

	match(method: string, path: string): RouteMatch {
		const parts = path.split('/').slice(1);
		let best: { route: Route; params: Record<string, string>; literals: number[] } | undefined;
		const allowed = new Set<string>();
		for (const route of this.table) {
			if (route.segments.length !== parts.length) continue;
			const params: Record<string, string> = {};
			const literals: number[] = [];
			let ok = true;
			for (let i = 0; i < parts.length && ok; i++) {
				const segment = route.segments[i];
				if (typeof segment === 'string') {
					ok = segment === parts[i];
					literals.push(1);
				} else {
					ok = parts[i] !== '';
					if (ok) params[segment.name] = safeDecode(parts[i]);
					literals.push(0);
				}
			}
			if (!ok) continue;
			if (route.method !== method.toUpperCase()) {
				allowed.add(route.method);
				continue;
			}
			if (!best || moreSpecific(literals, best.literals)) best = { route, params, literals };
		}
		if (best) return { route: best.route, params: best.params };
		return { allowedMethods: [...allowed] };
	}
}

function moreSpecific(a: number[], b: number[]): boolean {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
	return false;
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
