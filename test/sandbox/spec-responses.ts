/**
 * Checks the emulators' answers against the response schemas of the official OpenAPI specs in
 * ../shared/specs, so that the sandbox cannot drift into a convenient fiction.
 *
 * OpenAPI 3.0 -> JSON Schema for ajv 8: `nullable` becomes a null type, `$ref`s resolve into the
 * spec's components (registered once under a document id), `example`/`xml`/`discriminator` are
 * dropped. Unlike the request checker (test/helpers/openapi.ts), read-only properties stay
 * required and `additionalProperties: false` is enforced: extra properties are drift.
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type SpecName = 'jira' | 'esm';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SPECS_DIR = path.resolve(__dirname, '../../../shared/specs');
const FILES: Record<SpecName, string> = { jira: 'jira-cloud-platform-v3.openapi.json', esm: 'efecte-esm-rest-v1.openapi.json' };

/** Jira writes offsets as +0000, ESM drops milliseconds: both are RFC 3339 in spirit. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * Known artefacts of the vendor-generated ESM spec, relaxed on purpose and only here:
 * `Attribute.value` is declared `type: object` but its own example says "string | number |
 * date", and a dropdown entry's `value` (RESTStaticValueInfo) is text in every sample.
 */
const ESM_ARTEFACTS: Array<{ schema: string; property: string; replacement: JsonObject }> = [
	{ schema: 'Attribute', property: 'value', replacement: {} },
	{ schema: 'RESTStaticValueInfo', property: 'value', replacement: { type: 'string' } },
];

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function convert(schema: Json, docId: string): Json {
	if (Array.isArray(schema)) return schema.map((entry) => convert(entry, docId));
	if (!isObject(schema)) return schema;
	const out: JsonObject = {};
	for (const [key, value] of Object.entries(schema)) {
		if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out.$ref = `${docId}${value}`;
		else if (key === 'properties' && isObject(value)) {
			out.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, convert(property, docId)]));
		} else if (key === 'example' || key === 'examples' || key === 'xml' || key === 'discriminator') continue;
		// Generated specs write oneOf where "any of" is meant (ESM's value element: a static value
		// and a worklog entry both match {value: "text"}); servers do not mean exclusivity.
		else if (key === 'oneOf') out.anyOf = convert(value, docId);
		else out[key] = convert(value, docId);
	}
	if (out.nullable === true) {
		delete out.nullable;
		if (typeof out.type === 'string' && !Array.isArray(out.enum)) out.type = [out.type, 'null'];
		else return { anyOf: [{ type: 'null' }, out] };
	} else delete out.nullable;
	return out;
}

interface Template {
	template: string;
	segments: Array<string | RegExp>;
	item: JsonObject;
}

export interface ResponseCheck {
	method: string;
	/** Path below the API base, with or without query. */
	path: string;
	status: number;
	body: unknown;
	/** Raw text of the body ('' for none). */
	text: string;
	/** The answer's Content-Type, when known: a binary answer is checked for its media type only. */
	contentType?: string;
}

export class SpecResponses {
	private readonly doc: JsonObject;
	private readonly docId: string;
	private readonly ajv: Ajv;
	private readonly templates: Template[];
	private readonly cache = new Map<string, ValidateFunction>();

	constructor(readonly api: SpecName) {
		this.doc = JSON.parse(readFileSync(path.join(SPECS_DIR, FILES[api]), 'utf8')) as JsonObject;
		this.docId = `https://specs.invalid/${api}-responses.json`;
		this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
		addFormats(this.ajv);
		this.ajv.addFormat('date-time', DATE_TIME);
		const components = this.doc.components as JsonObject;
		const schemas = structuredClone(components.schemas as JsonObject);
		if (api === 'esm') {
			for (const fix of ESM_ARTEFACTS) ((schemas[fix.schema] as JsonObject).properties as JsonObject)[fix.property] = fix.replacement;
		}
		this.ajv.addSchema({ $id: this.docId, components: { schemas: convert(schemas, this.docId) } });
		this.templates = Object.entries(this.doc.paths as JsonObject).map(([template, item]) => ({
			template,
			item: item as JsonObject,
			segments: template
				.split('/')
				.slice(1)
				.map((segment) => (segment.includes('{') ? new RegExp(`^${segment.replace(/\{[^}]+\}/g, '[^/]+')}$`) : segment)),
		}));
	}

	/** The spec path template of a path (literal segments preferred), if any. */
	templateOf(pathname: string): string | undefined {
		const parts = pathname.split('?')[0].split('/').slice(1);
		const candidates = this.templates
			.filter((template) => template.segments.length === parts.length)
			.filter((template) => template.segments.every((segment, i) => (typeof segment === 'string' ? segment === parts[i] : segment.test(parts[i]))))
			.map((template) => ({ template, score: template.segments.map((segment) => (typeof segment === 'string' ? '1' : '0')).join('') }))
			.sort((a, b) => b.score.localeCompare(a.score));
		return candidates[0]?.template.template;
	}

	hasOperation(method: string, template: string): boolean {
		const item = (this.doc.paths as JsonObject)[template];
		return isObject(item) && isObject(item[method.toLowerCase()]);
	}

	private validator(key: string, schema: JsonObject): ValidateFunction {
		let validate = this.cache.get(key);
		if (!validate) {
			validate = this.ajv.compile(convert(schema, this.docId) as JsonObject);
			this.cache.set(key, validate);
		}
		return validate;
	}

	/** Validates a value against a component schema (e.g. `StatusDetails` for an issue's status field). */
	component(name: string, value: unknown, where: string): string[] {
		const validate = this.validator(`component ${name}`, { $ref: `#/components/schemas/${name}` });
		return validate(value) ? [] : (validate.errors ?? []).map((error) => `${where}: ${describe(error)}`);
	}

	/** Problems of one answer against its operation's documented response; empty when it conforms. */
	check(answer: ResponseCheck): string[] {
		const label = `${answer.method} ${answer.path.split('?')[0]} -> ${answer.status}`;
		const template = this.templateOf(answer.path);
		if (!template) return [`${label}: no path of the ${this.api} spec matches`];
		const operation = ((this.doc.paths as JsonObject)[template] as JsonObject)[answer.method.toLowerCase()];
		if (!isObject(operation)) return [`${label}: the ${this.api} spec has no ${answer.method} operation on ${template}`];
		const responses = operation.responses as JsonObject;
		const status = String(answer.status);
		const response = (responses[status] ?? responses[`${status[0]}XX`] ?? responses.default) as JsonObject | undefined;
		if (!response) return [`${label}: status ${status} is not documented for ${answer.method} ${template} (documented: ${Object.keys(responses).join(', ')})`];
		const content = response.content as JsonObject | undefined;
		const type = answer.contentType?.split(';')[0].trim().toLowerCase();
		if (content && type && !/json/.test(type)) {
			// A binary answer (file download): the spec must list its media type; there is no JSON to check.
			return type in content ? [] : [`${label}: media type ${type} is not documented (documented: ${Object.keys(content).join(', ')})`];
		}
		const media = content ? ((content['application/json'] ?? Object.values(content)[0]) as JsonObject) : undefined;
		const schema = media?.schema as JsonObject | undefined;
		if (!schema) {
			// No documented body: a success must come without one (errors may still carry Jira's ErrorCollection).
			return answer.status < 300 && answer.text !== '' ? [`${label}: the spec documents no body, but one was sent`] : [];
		}
		if (Object.keys(schema).length === 0) return [];
		const validate = this.validator(`${answer.method} ${template} ${status}`, schema);
		if (validate(answer.body)) return [];
		return (validate.errors ?? []).slice(0, 10).map((error) => `${label}: ${describe(error)}`);
	}
}

function describe(error: ErrorObject): string {
	const params = error.params as Record<string, unknown>;
	const at = error.instancePath || '(body)';
	switch (error.keyword) {
		case 'additionalProperties':
			return `${at} has a property the spec does not define: "${String(params.additionalProperty)}"`;
		case 'required':
			return `${at} misses required property "${String(params.missingProperty)}"`;
		case 'enum':
			return `${at} must be one of ${JSON.stringify(params.allowedValues)}`;
		default:
			return `${at} ${error.message ?? error.keyword}`;
	}
}
