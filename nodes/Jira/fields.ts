import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { isAdfDocument, toAdf, type BodyFormat } from './adf';
import type { JiraFieldMeta } from './metadata';

/** A problem with a value the user gave; the message names the field. */
export class FieldValueError extends Error {}

const RICH_TEXT_SYSTEM_FIELDS = new Set(['description', 'environment']);
const TEXTAREA_CUSTOM = 'com.atlassian.jira.plugin.system.customfieldtypes:textarea';
/** Object fields that Jira identifies by id or name; options use `value` instead of `name`. */
const NAMED_OBJECT_TYPES = new Set(['priority', 'resolution', 'version', 'component', 'issuetype', 'securitylevel', 'group']);

export function isRichTextField(meta: JiraFieldMeta | undefined): boolean {
	if (!meta) return false;
	return RICH_TEXT_SYSTEM_FIELDS.has(meta.schema?.system ?? meta.id) || meta.schema?.custom === TEXTAREA_CUSTOM;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') {
		const trimmed = value.trim();
		if (trimmed.startsWith('[')) {
			try {
				const parsed = JSON.parse(trimmed) as unknown;
				if (Array.isArray(parsed)) return parsed;
			} catch {
				// Not JSON: a comma-separated list.
			}
		}
		return trimmed.split(',').map((part) => part.trim()).filter(Boolean);
	}
	return [value];
}

/** `{id}` when the value matches an allowed value's id, else by name (or `value` for select options). */
function namedObject(meta: JiraFieldMeta, kind: string, value: unknown): IDataObject {
	if (typeof value === 'object' && value !== null) return value as IDataObject;
	const text = String(value).trim();
	const key = kind === 'option' ? 'value' : 'name';
	const allowed = meta.allowedValues;
	if (allowed?.length) {
		const hit = allowed.find(
			(candidate) =>
				String(candidate.id) === text ||
				String(candidate[key] ?? candidate.name ?? candidate.value ?? '').toLowerCase() === text.toLowerCase(),
		);
		if (!hit) {
			const names = allowed.map((candidate) => String(candidate[key] ?? candidate.name ?? candidate.value ?? candidate.id));
			throw new FieldValueError(
				`"${text}" is not an allowed value of the Jira field "${meta.name}" (${meta.id}); allowed: ${names.join(', ')}`,
			);
		}
		return { id: String(hit.id) };
	}
	if (/^\d+$/.test(text)) return { id: text };
	return { [key]: text };
}

function userValue(value: unknown): IDataObject {
	if (typeof value === 'object' && value !== null) return value as IDataObject;
	return { accountId: String(value).trim() };
}

function jiraDate(meta: JiraFieldMeta, value: unknown, withTime: boolean): string {
	const parsed =
		value instanceof Date
			? DateTime.fromJSDate(value)
			: DateTime.isDateTime(value)
				? value
				: DateTime.fromISO(String(value).trim(), { setZone: true });
	if (!parsed.isValid) {
		throw new FieldValueError(`"${String(value)}" is not a date for the Jira field "${meta.name}" (${meta.id}): use ISO 8601, e.g. 2026-11-23${withTime ? 'T14:30:00Z' : ''}`);
	}
	return withTime ? parsed.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ") : parsed.toFormat('yyyy-MM-dd');
}

/** Converts a value given in n8n (string, number, list, object) into the JSON Jira expects for the field. */
export function toJiraFieldValue(meta: JiraFieldMeta, value: unknown, richText: BodyFormat): unknown {
	const type = meta.schema?.type ?? 'any';
	if (value === null) return null;
	if (isRichTextField(meta)) {
		if (isAdfDocument(value)) return value;
		return toAdf(value, richText);
	}
	switch (type) {
		case 'string':
			return typeof value === 'string' ? value : typeof value === 'object' ? value : String(value);
		case 'number': {
			const number = typeof value === 'number' ? value : Number(String(value).trim());
			if (!Number.isFinite(number)) {
				throw new FieldValueError(`"${String(value)}" is not a number for the Jira field "${meta.name}" (${meta.id})`);
			}
			return number;
		}
		case 'date':
			return jiraDate(meta, value, false);
		case 'datetime':
			return jiraDate(meta, value, true);
		case 'user':
			return userValue(value);
		case 'option':
			return namedObject(meta, 'option', value);
		case 'option-with-child':
			return typeof value === 'object' ? value : { value: String(value) };
		case 'project':
			return typeof value === 'object' ? value : /^\d+$/.test(String(value)) ? { id: String(value) } : { key: String(value) };
		case 'issuelink':
			return typeof value === 'object' ? value : { key: String(value) };
		case 'array': {
			const items = meta.schema?.items ?? 'string';
			const list = asList(value);
			if (items === 'string') return list.map(String);
			if (items === 'user') return list.map(userValue);
			if (items === 'option' || NAMED_OBJECT_TYPES.has(items)) {
				return list.map((entry) => namedObject(meta, items === 'option' ? 'option' : items, entry));
			}
			return list;
		}
		default:
			if (NAMED_OBJECT_TYPES.has(type)) return namedObject(meta, type, value);
			return value;
	}
}

/** Finds a field by id, key or display name (case-insensitive), as people write them. */
export function findField(fields: JiraFieldMeta[], nameOrId: string): JiraFieldMeta | undefined {
	const wanted = nameOrId.trim().toLowerCase();
	return (
		fields.find((field) => field.id.toLowerCase() === wanted) ??
		fields.find((field) => field.name.toLowerCase() === wanted)
	);
}

/**
 * Turns `{ "Story Points": 3, customfield_10020: … }` into `{ customfield_10016: 3, … }`, converting
 * each value. An unknown name is an error that lists what the screen offers.
 */
export function buildFields(
	fields: JiraFieldMeta[],
	values: IDataObject,
	richText: BodyFormat,
	where: string,
	options: { skipEmpty: boolean },
): IDataObject {
	const out: IDataObject = {};
	for (const [nameOrId, value] of Object.entries(values)) {
		if (options.skipEmpty && isEmpty(value)) continue;
		const meta = findField(fields, nameOrId);
		if (!meta) {
			const known = fields.map((field) => `${field.name} (${field.id})`).slice(0, 40);
			throw new FieldValueError(
				`Unknown Jira field "${nameOrId}" in ${where}: ${known.length ? `this screen offers ${known.join(', ')}` : 'this screen offers no fields'}`,
			);
		}
		out[meta.id] = toJiraFieldValue(meta, value, richText) as IDataObject[keyof IDataObject];
	}
	return out;
}

/** Required fields of the create screen that neither the user nor a Jira default fills. */
export function missingRequiredFields(fields: JiraFieldMeta[], given: IDataObject): JiraFieldMeta[] {
	return fields.filter((field) => field.required && !field.hasDefaultValue && isEmpty(given[field.id]));
}

/** Parses the "Fields (JSON)" escape hatch: an object keyed by field id or name. */
export function parseFieldsJson(raw: unknown, parameterName: string): IDataObject {
	if (raw === undefined || raw === null || raw === '') return {};
	if (typeof raw === 'object' && !Array.isArray(raw)) return raw as IDataObject;
	try {
		const parsed = JSON.parse(String(raw)) as unknown;
		if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as IDataObject;
	} catch {
		// Reported below with the same message.
	}
	throw new FieldValueError(`${parameterName} must be a JSON object like {"customfield_10016": 3, "Team": "Ops"}`);
}
