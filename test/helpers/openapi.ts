/**
 * Checks requests against the official OpenAPI specs in ../shared/specs (Jira Cloud platform v3,
 * Efecte ESM REST v1), and captures the requests nock intercepts so tests can check what was sent.
 *
 * Validators are built lazily per operation (the Jira spec is 2.4 MB) and cached per test file.
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type ApiName = 'jira' | 'esm';

export interface ApiRequest {
	method: string;
	/** Path, optionally with query string; a full URL is accepted too (its origin is ignored). */
	path: string;
	body?: unknown;
	headers?: Record<string, string | string[] | undefined>;
}

export interface ValidateOptions {
	/**
	 * Prefix the API lives under on the server (e.g. `/rest-api/itsm/v1` for ESM, or a context
	 * path). Paths with or without it are accepted; the spec's `servers` paths are always tried.
	 */
	basePath?: string;
}

export const SPECS_DIR = path.resolve(__dirname, '../../../shared/specs');

const SPEC_FILES: Record<ApiName, string> = {
	jira: 'jira-cloud-platform-v3.openapi.json',
	esm: 'efecte-esm-rest-v1.openapi.json',
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Parameter {
	name: string;
	in: 'query' | 'path' | 'header' | 'cookie';
	required?: boolean;
	schema?: JsonObject;
}

interface Operation {
	template: string;
	method: string;
	key: string;
	parameters: Parameter[];
	requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonObject }> };
}

interface PathTemplate {
	template: string;
	/** Per segment: a literal string, or a matcher for a segment holding `{params}`. */
	segments: Array<string | { regex: RegExp; names: string[] }>;
	item: JsonObject;
}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegex(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lenient RFC 3339 date-time: Jira writes offsets as +0000. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 schema -> JSON Schema as ajv understands it (for requests)

class SchemaConverter {
	constructor(private readonly docId: string) {}

	convert(schema: Json): Json {
		if (Array.isArray(schema)) return schema.map((entry) => this.convert(entry));
		if (!isObject(schema)) return schema;
		const out: JsonObject = {};
		for (const [key, value] of Object.entries(schema)) {
			if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
				out.$ref = `${this.docId}${value}`;
			} else if (key === 'properties' && isObject(value)) {
				// Property names are data, not keywords.
				out.properties = Object.fromEntries(
					Object.entries(value).map(([name, property]) => [name, this.convert(property)]),
				);
			} else if (key === 'example' || key === 'examples' || key === 'xml' || key === 'discriminator') {
				continue;
			} else if (key === 'oneOf') {
				// Generated specs write oneOf where any match is meant (ESM's RESTDataCardRequest is
				// oneOf [modify, create] and a card carrying both dataCardId and folderCode matches both);
				// servers do not enforce exclusivity, so neither do we.
				out.anyOf = this.convert(value);
			} else {
				out[key] = this.convert(value);
			}
		}
		// A request need not carry read-only properties, even required ones.
		if (Array.isArray(out.required) && isObject(out.properties)) {
			const properties = out.properties;
			out.required = out.required.filter((name) => {
				const property = properties[String(name)];
				return !(isObject(property) && property.readOnly === true);
			});
			if (out.required.length === 0) delete out.required;
		}
		if (out.nullable === true) {
			delete out.nullable;
			if (typeof out.type === 'string' && !Array.isArray(out.enum)) {
				out.type = [out.type, 'null'];
			} else {
				return { anyOf: [{ type: 'null' }, out] };
			}
		} else if ('nullable' in out) {
			delete out.nullable;
		}
		return out;
	}
}

// ---------------------------------------------------------------------------------------------
// One API

class ApiSpec {
	private readonly doc: JsonObject;
	private readonly docId: string;
	private readonly converter: SchemaConverter;
	private readonly ajv: Ajv;
	private readonly templates: PathTemplate[];
	readonly serverBasePaths: string[];
	private readonly validators = new Map<string, ValidateFunction>();
	private componentsRegistered = false;

	constructor(readonly api: ApiName) {
		const file = path.join(SPECS_DIR, SPEC_FILES[api]);
		this.doc = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
		this.docId = `https://specs.invalid/${api}.json`;
		this.converter = new SchemaConverter(this.docId);
		this.ajv = new Ajv({
			strict: false,
			allErrors: true,
			validateSchema: false,
			logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
		});
		addFormats(this.ajv);
		this.ajv.addFormat('date-time', DATE_TIME);

		const servers = Array.isArray(this.doc.servers) ? this.doc.servers : [];
		this.serverBasePaths = servers
			.map((server) => (isObject(server) && typeof server.url === 'string' ? server.url : ''))
			.map((url) => new URL(url, 'http://base.invalid').pathname.replace(/\/$/, ''))
			.filter((base) => base !== '');

		const paths = isObject(this.doc.paths) ? this.doc.paths : {};
		this.templates = Object.entries(paths).map(([template, item]) => ({
			template,
			item: isObject(item) ? item : {},
			segments: template
				.split('/')
				.slice(1)
				.map((segment) => {
					if (!segment.includes('{')) return segment;
					const names: string[] = [];
					const source = segment
						.split(/(\{[^}]+\})/)
						.map((part) => {
							const match = /^\{([^}]+)\}$/.exec(part);
							if (!match) return escapeRegex(part);
							names.push(match[1]);
							return '([^/]+)';
						})
						.join('');
					return { regex: new RegExp(`^${source}$`), names };
				}),
		}));
	}

	/** Resolves a local `$ref` (`#/components/...`) to its target. */
	private deref<T>(value: unknown): T {
		let current = value;
		for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 20; hops++) {
			const pointer = current.$ref.replace(/^#\//, '').split('/');
			let target: Json | undefined = this.doc;
			for (const raw of pointer) {
				const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
				target = isObject(target) ? target[part] : undefined;
			}
			current = target;
		}
		return current as T;
	}

	private registerComponents(): void {
		if (this.componentsRegistered) return;
		const components = isObject(this.doc.components) ? this.doc.components : {};
		const schemas = isObject(components.schemas) ? components.schemas : {};
		this.ajv.addSchema({
			$id: this.docId,
			components: { schemas: this.converter.convert(schemas) },
		});
		this.componentsRegistered = true;
	}

	/** A cached validator for a schema of an operation (compiled on first use). */
	validator(cacheKey: string, schema: JsonObject): ValidateFunction {
		let validate = this.validators.get(cacheKey);
		if (!validate) {
			this.registerComponents();
			validate = this.ajv.compile(this.converter.convert(schema) as JsonObject);
			this.validators.set(cacheKey, validate);
		}
		return validate;
	}

	/** Path templates matching a path, most specific (literal segments first) first. */
	private matches(pathname: string): Array<{ template: PathTemplate; params: Record<string, string> }> {
		const parts = pathname.split('/').slice(1);
		const found: Array<{ template: PathTemplate; params: Record<string, string>; rank: number[] }> = [];
		for (const template of this.templates) {
			if (template.segments.length !== parts.length) continue;
			const params: Record<string, string> = {};
			const rank: number[] = [];
			let ok = true;
			for (let i = 0; i < parts.length && ok; i++) {
				const segment = template.segments[i];
				if (typeof segment === 'string') {
					ok = segment === parts[i];
					rank.push(0);
				} else {
					const match = segment.regex.exec(parts[i]);
					ok = match !== null && match.slice(1).every((value) => value !== '');
					if (match) segment.names.forEach((name, index) => (params[name] = decodeURIComponent(match[index + 1])));
					rank.push(1);
				}
			}
			if (ok) found.push({ template, params, rank });
		}
		found.sort((a, b) => {
			for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] - b.rank[i];
			return 0;
		});
		return found;
	}

	private similarTemplates(pathname: string): string[] {
		const parts = pathname.split('/').slice(1);
		// Equal literal 3, near literal (issues/issue) 2, any value for a {param} 1.
		const segmentScore = (segment: PathTemplate['segments'][number], part: string): number => {
			if (typeof segment !== 'string') return 1;
			if (segment === part) return 3;
			const [shorter, longer] = segment.length < part.length ? [segment, part] : [part, segment];
			return shorter.length >= 3 && longer.toLowerCase().startsWith(shorter.toLowerCase()) ? 2 : 0;
		};
		return this.templates
			.filter((template) => template.segments.length === parts.length)
			.map((template) => ({
				template: template.template,
				score: template.segments.reduce((sum, segment, i) => sum + segmentScore(segment, parts[i]), 0),
			}))
			.filter((entry) => entry.score > 0)
			.sort((a, b) => b.score - a.score)
			.slice(0, 3)
			.map((entry) => entry.template);
	}

	private operation(template: PathTemplate, method: string): Operation | undefined {
		const op = template.item[method];
		if (!isObject(op)) return undefined;
		const byKey = new Map<string, Parameter>();
		const shared = Array.isArray(template.item.parameters) ? template.item.parameters : [];
		const own = Array.isArray(op.parameters) ? op.parameters : [];
		for (const raw of [...shared, ...own]) {
			const parameter = this.deref<Parameter>(raw);
			if (parameter?.name) byKey.set(`${parameter.in}:${parameter.name}`, parameter);
		}
		return {
			template: template.template,
			method,
			key: `${method} ${template.template}`,
			parameters: [...byKey.values()],
			requestBody: op.requestBody ? this.deref(op.requestBody) : undefined,
		};
	}

	/** Strips an origin and a base path: candidate paths relative to the API root. */
	private candidatePaths(pathname: string, basePath: string | undefined): string[] {
		const bases = [basePath, ...this.serverBasePaths]
			.filter((base): base is string => Boolean(base))
			.map((base) => `/${base.replace(/^\/+|\/+$/g, '')}`);
		const candidates: string[] = [];
		for (const base of bases) {
			if (pathname === base || pathname.startsWith(`${base}/`)) {
				candidates.push(pathname.slice(base.length) || '/');
			}
		}
		candidates.push(pathname);
		return [...new Set(candidates)];
	}

	validate(request: ApiRequest, options: ValidateOptions = {}): string[] {
		const method = request.method.toLowerCase();
		const url = new URL(request.path, 'http://request.invalid');
		const pathname = url.pathname.replace(/(.)\/$/, '$1');
		const label = `${request.method.toUpperCase()} ${pathname}`;
		if (!HTTP_METHODS.includes(method)) return [`${label}: unknown HTTP method`];

		let matched: { template: PathTemplate; params: Record<string, string> } | undefined;
		let operation: Operation | undefined;
		const otherMethods = new Map<string, string[]>();
		for (const candidate of this.candidatePaths(pathname, options.basePath)) {
			for (const match of this.matches(candidate)) {
				const op = this.operation(match.template, method);
				if (op) {
					matched = match;
					operation = op;
					break;
				}
				otherMethods.set(
					match.template.template,
					HTTP_METHODS.filter((m) => isObject(match.template.item[m])).map((m) => m.toUpperCase()),
				);
			}
			if (operation) break;
		}
		if (!operation || !matched) {
			if (otherMethods.size > 0) {
				const which = [...otherMethods.entries()]
					.map(([template, methods]) => `${template} allows ${methods.join(', ')}`)
					.join('; ');
				return [`${label}: the ${this.api} spec has no ${request.method.toUpperCase()} operation here (${which})`];
			}
			const similar = this.similarTemplates(pathname);
			return [
				`${label}: unknown path, no path in the ${this.api} spec matches` +
					(similar.length ? ` (similar: ${similar.join(', ')})` : ''),
			];
		}

		const problems: string[] = [];
		const where = `${request.method.toUpperCase()} ${operation.template}`;
		this.checkPathParameters(operation, matched.params, where, problems);
		this.checkQuery(operation, url.searchParams, where, problems);
		this.checkHeaders(operation, request.headers, where, problems);
		this.checkBody(operation, request, where, problems);
		return problems;
	}

	private checkValue(
		operation: Operation,
		parameter: Parameter,
		value: unknown,
		where: string,
		problems: string[],
	): void {
		if (!parameter.schema) return;
		const validate = this.validator(`${operation.key} ${parameter.in}:${parameter.name}`, parameter.schema);
		if (!validate(value)) {
			for (const error of validate.errors ?? []) {
				problems.push(
					`${where}: ${parameter.in} parameter "${parameter.name}"${error.instancePath} = ${JSON.stringify(value)} ${describeError(error)}`,
				);
			}
		}
	}

	private checkPathParameters(
		operation: Operation,
		params: Record<string, string>,
		where: string,
		problems: string[],
	): void {
		for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
			if (params[parameter.name] === undefined) continue;
			this.checkValue(operation, parameter, coerce(params[parameter.name], this.resolvedSchema(parameter.schema)), where, problems);
		}
	}

	private resolvedSchema(schema: JsonObject | undefined): JsonObject | undefined {
		const resolved = this.deref<JsonObject | undefined>(schema);
		if (resolved && Array.isArray(resolved.allOf) && resolved.allOf.length === 1 && !resolved.type) {
			return this.deref<JsonObject>(resolved.allOf[0]);
		}
		return resolved;
	}

	private checkQuery(operation: Operation, query: URLSearchParams, where: string, problems: string[]): void {
		const values = new Map<string, string[]>();
		for (const [name, value] of query) values.set(name, [...(values.get(name) ?? []), value]);
		const declared = operation.parameters.filter((p) => p.in === 'query');
		for (const parameter of declared) {
			const given = values.get(parameter.name);
			if (!given) {
				if (parameter.required) problems.push(`${where}: required query parameter "${parameter.name}" is missing`);
				continue;
			}
			const schema = this.resolvedSchema(parameter.schema);
			const value = schema?.type === 'array'
				? given.map((entry) => coerce(entry, this.resolvedSchema(isObject(schema.items) ? schema.items : undefined)))
				: given.length === 1
					? coerce(given[0], schema)
					: given;
			this.checkValue(operation, parameter, value, where, problems);
		}
		const known = new Set(declared.map((p) => p.name));
		for (const name of values.keys()) {
			if (!known.has(name)) {
				problems.push(
					`${where}: unknown query parameter "${name}"` +
						(known.size ? ` (known: ${[...known].join(', ')})` : ' (the operation takes none)'),
				);
			}
		}
	}

	private checkHeaders(
		operation: Operation,
		headers: ApiRequest['headers'],
		where: string,
		problems: string[],
	): void {
		if (!headers) return;
		const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
		for (const parameter of operation.parameters.filter((p) => p.in === 'header')) {
			const value = lower.get(parameter.name.toLowerCase());
			if (value === undefined) {
				if (parameter.required) problems.push(`${where}: required header "${parameter.name}" is missing`);
				continue;
			}
			this.checkValue(operation, parameter, coerce(String(value), this.resolvedSchema(parameter.schema)), where, problems);
		}
	}

	private checkBody(operation: Operation, request: ApiRequest, where: string, problems: string[]): void {
		const hasBody = request.body !== undefined && request.body !== null && request.body !== '';
		const requestBody = operation.requestBody;
		if (!requestBody) {
			if (hasBody) problems.push(`${where}: the operation takes no request body, but one was sent`);
			return;
		}
		if (!hasBody) {
			if (requestBody.required) problems.push(`${where}: the request body is required but none was sent`);
			return;
		}
		const content = requestBody.content ?? {};
		const types = Object.keys(content);
		const headerType = Object.entries(request.headers ?? {})
			.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
			?.toString()
			.split(';')[0]
			.trim()
			.toLowerCase();
		const isJsonType = (type: string) => /^application\/([\w.+-]+\+)?json$/.test(type) || type === '*/*';
		let mediaType: string | undefined;
		if (headerType) {
			mediaType = types.find((type) => type.toLowerCase() === headerType);
			if (!mediaType && types.includes('*/*')) mediaType = '*/*';
			if (!mediaType) {
				problems.push(`${where}: content type ${headerType} is not accepted (spec: ${types.join(', ')})`);
				return;
			}
		} else {
			mediaType = types.find((type) => type === 'application/json') ?? types.find(isJsonType) ?? types[0];
		}
		const schema = content[mediaType]?.schema;
		if (!schema) return;

		let body = request.body;
		if (mediaType === 'application/x-www-form-urlencoded') {
			const form = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body;
			const resolved = this.resolvedSchema(schema);
			const properties = resolved && isObject(resolved.properties) ? resolved.properties : {};
			body = isObject(form as Json)
				? Object.fromEntries(
						Object.entries(form as JsonObject).map(([name, value]) => [
							name,
							typeof value === 'string' ? coerce(value, this.resolvedSchema(properties[name] as JsonObject)) : value,
						]),
					)
				: form;
		} else if (!isJsonType(mediaType)) {
			return; // multipart, text: not checked
		} else if (typeof body === 'string' || Buffer.isBuffer(body)) {
			try {
				body = JSON.parse(body.toString());
			} catch {
				problems.push(`${where}: the body is not valid JSON`);
				return;
			}
		}
		const validate = this.validator(`${operation.key} body ${mediaType}`, schema);
		if (!validate(body)) {
			for (const error of validate.errors ?? []) {
				problems.push(`${where}: body${error.instancePath} ${describeError(error)}`);
			}
		}
	}
}

/** Query/path/header values are strings: turn them into what the schema's type expects. */
function coerce(value: string, schema: JsonObject | undefined): unknown {
	const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
	if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return Number(value);
	if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
	return value;
}

function describeError(error: ErrorObject): string {
	const params = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'additionalProperties':
			return `has unknown property "${String(params.additionalProperty)}"`;
		case 'enum':
			return `must be one of ${JSON.stringify(params.allowedValues)}`;
		case 'required':
			return `misses required property "${String(params.missingProperty)}"`;
		default:
			return error.message ?? error.keyword;
	}
}

// ---------------------------------------------------------------------------------------------
// Public API

const specs = new Map<ApiName, ApiSpec>();
const defaultBasePaths = new Map<ApiName, string>();

function spec(api: ApiName): ApiSpec {
	let found = specs.get(api);
	if (!found) {
		if (!SPEC_FILES[api]) throw new Error(`Unknown API "${api}" (known: ${Object.keys(SPEC_FILES).join(', ')})`);
		found = new ApiSpec(api);
		specs.set(api, found);
	}
	return found;
}

/** Sets the base path (e.g. a context path before `/rest-api/itsm/v1`) used when none is passed. */
export function setBasePath(api: ApiName, basePath: string | undefined): void {
	if (basePath === undefined) defaultBasePaths.delete(api);
	else defaultBasePaths.set(api, basePath);
}

/**
 * Problems of a request against the API's spec, human-readable; empty when the request conforms:
 * unknown path or method, missing/unknown/ill-typed query parameters, ill-typed path parameters,
 * missing required headers (when headers are given), unexpected or missing body, body schema
 * violations (JSON and form bodies).
 */
export function validateRequest(api: ApiName, request: ApiRequest, options: ValidateOptions = {}): string[] {
	return spec(api).validate(request, { basePath: options.basePath ?? defaultBasePaths.get(api) });
}

/** Fails (throws) listing the problems when the request does not conform to the spec. */
export function expectValidRequest(api: ApiName, request: ApiRequest, options: ValidateOptions = {}): void {
	const problems = validateRequest(api, request, options);
	if (problems.length > 0) {
		throw new Error(
			`${request.method.toUpperCase()} ${request.path} does not conform to the ${api} spec:\n` +
				problems.map((problem) => `  - ${problem}`).join('\n'),
		);
	}
}

// ---------------------------------------------------------------------------------------------
// Capturing what nock intercepted

export interface CapturedRequest {
	method: string;
	/** Origin nock matched, e.g. `https://example.atlassian.net:443`. */
	origin: string;
	/** Path with query string, as sent. */
	path: string;
	pathname: string;
	query: Record<string, string | string[]>;
	/** Lower-case names. */
	headers: Record<string, string>;
	/** Parsed JSON body when it parses, the raw string otherwise, undefined when empty. */
	body: unknown;
	rawBody: string;
}

export interface RequestCapture {
	requests: CapturedRequest[];
	/** Problems of every captured request (those of `filter` only) against a spec, prefixed per request. */
	problems(api: ApiName, options?: ValidateOptions & { filter?: (request: CapturedRequest) => boolean }): string[];
	/** Throws listing the problems of every captured request (matching `filter`). */
	expectAllValid(api: ApiName, options?: ValidateOptions & { filter?: (request: CapturedRequest) => boolean }): void;
	stop(): void;
}

type Listener = (request: CapturedRequest) => void;
const listeners = new Set<Listener>();
let originalEmit: ((event: string | symbol, ...args: unknown[]) => boolean) | undefined;
let scopePrototype: { emit: (event: string | symbol, ...args: unknown[]) => boolean } | undefined;

function toCaptured(req: unknown, interceptor: unknown, bodyString: unknown): CapturedRequest {
	const request = req as { method?: string; path?: string; headers?: Record<string, unknown> };
	const origin = String((interceptor as { basePath?: unknown })?.basePath ?? '');
	const pathWithQuery = request.path ?? '/';
	const url = new URL(pathWithQuery, 'http://request.invalid');
	const query: Record<string, string | string[]> = {};
	for (const [name, value] of url.searchParams) {
		const previous = query[name];
		query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
	}
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers ?? {})) {
		headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	const rawBody = typeof bodyString === 'string' ? bodyString : '';
	let body: unknown = rawBody === '' ? undefined : rawBody;
	if (rawBody !== '') {
		try {
			body = JSON.parse(rawBody);
		} catch {
			// not JSON: keep the string
		}
	}
	return {
		method: (request.method ?? 'GET').toUpperCase(),
		origin,
		path: pathWithQuery,
		pathname: url.pathname,
		query,
		headers,
		body,
		rawBody,
	};
}

function installEmitHook(): void {
	if (originalEmit) return;
	// Every nock scope emits 'request' (req, interceptor, body) when one of its interceptors
	// answers; watching the Scope class catches all scopes, including ones created later.
	const { Scope } = require('nock/lib/scope') as { Scope: { prototype: NonNullable<typeof scopePrototype> } };
	scopePrototype = Scope.prototype;
	const emit = scopePrototype.emit;
	originalEmit = emit;
	scopePrototype.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
		if (event === 'request' && listeners.size > 0) {
			const captured = toCaptured(args[0], args[1], args[2]);
			for (const listener of listeners) listener(captured);
		}
		return emit.call(this, event, ...args);
	};
}

function uninstallEmitHook(): void {
	if (!originalEmit || !scopePrototype || listeners.size > 0) return;
	scopePrototype.emit = originalEmit;
	originalEmit = undefined;
}

/**
 * Collects every request any nock interceptor answers from now until `stop()`.
 * Requests nock did not match (or let through to 127.0.0.1) are not included.
 */
export function captureRequests(): RequestCapture {
	const requests: CapturedRequest[] = [];
	const listener: Listener = (request) => requests.push(request);
	listeners.add(listener);
	installEmitHook();
	const problems: RequestCapture['problems'] = (api, options = {}) =>
		requests
			.filter((request) => !options.filter || options.filter(request))
			.flatMap((request) =>
				validateRequest(api, { method: request.method, path: request.path, body: request.body, headers: request.headers }, options).map(
					(problem) => `#${requests.indexOf(request)} ${problem}`,
				),
			);
	return {
		requests,
		problems,
		expectAllValid(api, options = {}) {
			const found = problems(api, options);
			if (found.length > 0) {
				throw new Error(`Captured requests do not conform to the ${api} spec:\n${found.map((p) => `  - ${p}`).join('\n')}`);
			}
		},
		stop() {
			listeners.delete(listener);
			uninstallEmitHook();
		},
	};
}
