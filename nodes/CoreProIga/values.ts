import { DateTime } from 'luxon';
import { shortText } from '../shared/parameters';

/**
 * Attribute values to and from the ESM REST v1 JSON. Every attribute is written as
 * `{ values: [...] }` (an empty list clears it); the element shape depends on the attribute type:
 * `{value}` for text, numbers, dates, dropdowns and worklog entries, `{dataCardId}` for references,
 * `{name, location}` for external references.
 */

/**
 * Attribute types as the API reports them. The spec's enum for card data is string, number, date,
 * worklog, reference, external-reference and static-value (its example reports a datetime
 * attribute as `date`, a decimal as `number` and a static date as `static-value`); the other names
 * are accepted in case a template detail is more precise. Any other string is tolerated.
 */
export type EsmAttributeType =
	| 'string'
	| 'text'
	| 'number'
	| 'decimal'
	| 'date'
	| 'datetime'
	| 'static-value'
	| 'reference'
	| 'external-reference'
	| 'worklog'
	| (string & Record<never, never>);

export interface EsmAttributeMeta {
	code: string;
	name: string;
	type: EsmAttributeType;
	multiValue: boolean;
	file?: boolean;
	/** Dropdown (static-value) choices: `value` is the display text that is written and read. */
	values?: Array<{ code?: string; value: string }>;
	/** Templates a reference may point to. */
	target?: string[];
}

export interface EsmTemplate {
	code: string;
	name: string;
	folders: Array<{ code: string; name: string }>;
	attributes: EsmAttributeMeta[];
}

export interface EsmValueOptions {
	/**
	 * Resolves a reference given by a unique value (e.g. an efecte_id) to a dataCardId. Synchronous:
	 * callers look the values up beforehand (one EQL query for many keys) and pass a map lookup.
	 */
	resolveReference?: (meta: EsmAttributeMeta, value: string) => string | undefined;
	/** toEsmData only: leave out keys whose value is empty instead of clearing the attribute. */
	skipEmpty?: boolean;
}

export type EsmValue = Record<string, unknown>;
export type EsmAttributeData = { values: EsmValue[] };

/** A problem with a value the user gave; the message names the attribute and says what would work. */
export class EsmValueError extends Error {
	readonly attribute: string | undefined;

	constructor(message: string, attribute?: string) {
		super(message);
		this.name = 'EsmValueError';
		this.attribute = attribute;
	}
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

function label(meta: EsmAttributeMeta): string {
	return meta.name && meta.name !== meta.code ? `${meta.code} (${meta.name})` : meta.code;
}

function show(value: unknown): string {
	if (typeof value === 'string') return `'${value}'`;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
	if (DateTime.isDateTime(value)) return value.isValid ? (value.toISO() ?? String(value)) : 'an invalid DateTime';
	const json = JSON.stringify(value);
	return json === undefined ? String(value) : json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

// ---------------------------------------------------------------------------------------------
// Template detail

/** `GET /dc/{templateCode}` -> template with folders and attributes; missing parts become empty lists. */
export function parseTemplate(raw: unknown): EsmTemplate {
	const body = isObject(raw) ? raw : {};
	const code = text(body.code) ?? text(body.templateCode) ?? '';
	const folders = (Array.isArray(body.allowedFolders) ? body.allowedFolders : []).filter(isObject).map((folder) => {
		const folderCode = text(folder.folderCode) ?? text(folder.code) ?? '';
		return { code: folderCode, name: text(folder.folderName) ?? text(folder.name) ?? folderCode };
	});
	return { code, name: text(body.name) ?? code, folders, attributes: parseAttributes(body.attributes) };
}

function parseAttributes(raw: unknown): EsmAttributeMeta[] {
	// The spec returns a map keyed by attribute code; a list of `{code, ...}` is accepted as well.
	const entries: Array<[string, unknown]> = Array.isArray(raw)
		? raw.filter(isObject).map((attribute) => [text(attribute.code) ?? '', attribute])
		: isObject(raw)
			? Object.entries(raw)
			: [];
	return entries.filter(([code]) => code !== '').map(([code, attribute]) => parseAttribute(code, isObject(attribute) ? attribute : {}));
}

function parseAttribute(code: string, raw: JsonObject): EsmAttributeMeta {
	const meta: EsmAttributeMeta = {
		code,
		name: text(raw.name) ?? code,
		type: (text(raw.type) ?? 'string').trim().toLowerCase(),
		multiValue: raw.multiValue === true,
	};
	if (typeof raw.file === 'boolean') meta.file = raw.file;
	if (Array.isArray(raw.values)) meta.values = raw.values.map(parseChoice).filter((choice) => choice !== undefined);
	if (Array.isArray(raw.target)) meta.target = raw.target.map(text).filter((target) => target !== undefined);
	return meta;
}

/** A dropdown choice; the spec types `value` as an object, so strings, numbers and `{value}` are all read. */
function parseChoice(raw: unknown): { code?: string; value: string } | undefined {
	if (!isObject(raw)) {
		const value = text(raw);
		return value === undefined ? undefined : { value };
	}
	const value = text(raw.value) ?? (isObject(raw.value) ? (text(raw.value.value) ?? text(raw.value.name)) : undefined);
	if (value === undefined) return undefined;
	const code = text(raw.code);
	return code === undefined ? { value } : { code, value };
}

// ---------------------------------------------------------------------------------------------
// n8n values -> ESM JSON

/**
 * Converts what a user gives for one attribute into `{ values: [...] }`. Empty (null, undefined,
 * '' or an empty list) clears the attribute. Lists give several values and are refused for
 * single-value attributes (worklogs excepted: each entry is one comment).
 */
export function toEsmValues(meta: EsmAttributeMeta, input: unknown, options: EsmValueOptions = {}): EsmAttributeData {
	if (isEmpty(input)) return { values: [] };
	const list = (Array.isArray(input) ? input : [input]).filter((entry) => !isEmpty(entry));
	if (list.length > 1 && !meta.multiValue && typeKind(meta.type) !== 'worklog') {
		throw new EsmValueError(
			`The attribute ${label(meta)} takes one value, but ${list.length} were given (${show(input)}): pass a single value`,
			meta.code,
		);
	}
	return { values: list.map((entry) => toEsmValue(meta, entry, options)) };
}

type TypeKind = 'text' | 'number' | 'date' | 'datetime' | 'static' | 'reference' | 'external' | 'worklog' | 'unknown';

function typeKind(type: string): TypeKind {
	switch (type) {
		case 'string':
		case 'text':
			return 'text';
		case 'number':
		case 'decimal':
		case 'integer':
		case 'float':
			return 'number';
		case 'date':
			return 'date';
		case 'datetime':
		case 'date-time':
			return 'datetime';
		case 'static-value':
			return 'static';
		case 'reference':
			return 'reference';
		case 'external-reference':
			return 'external';
		case 'worklog':
			return 'worklog';
		default:
			return 'unknown';
	}
}

function toEsmValue(meta: EsmAttributeMeta, value: unknown, options: EsmValueOptions): EsmValue {
	switch (typeKind(meta.type)) {
		case 'text':
			return { value: textValue(meta, value) };
		case 'number':
			return { value: numberValue(meta, value) };
		case 'date':
			return { value: dateValue(meta, value, false) };
		case 'datetime':
			return { value: dateValue(meta, value, true) };
		case 'static':
			return { value: staticValue(meta, value) };
		case 'reference':
			return { dataCardId: referenceValue(meta, value, options) };
		case 'external':
			return externalReferenceValue(meta, value);
		case 'worklog':
			return { value: worklogValue(meta, value) };
		default:
			if (value instanceof Date || DateTime.isDateTime(value)) return { value: formatDateTime(meta, value) };
			return isObject(value) ? value : { value: String(value) };
	}
}

function textValue(meta: EsmAttributeMeta, value: unknown): string {
	if (value instanceof Date || DateTime.isDateTime(value)) return formatDateTime(meta, value);
	if (isObject(value) && 'value' in value) return textValue(meta, value.value);
	const result = text(value);
	if (result === undefined) {
		throw new EsmValueError(`${show(value)} is not text for the attribute ${label(meta)}: pass a string`, meta.code);
	}
	return result;
}

/** Plain decimal notation only: '1,5', '0x10' and 'Infinity' are refused rather than guessed at. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function numberValue(meta: EsmAttributeMeta, value: unknown): number {
	const unwrapped = isObject(value) && 'value' in value ? value.value : value;
	const number =
		typeof unwrapped === 'number'
			? unwrapped
			: typeof unwrapped === 'string' && DECIMAL.test(unwrapped.trim())
				? Number(unwrapped.trim())
				: Number.NaN;
	if (!Number.isFinite(number)) {
		throw new EsmValueError(
			`${show(value)} is not a number for the attribute ${label(meta)}: use digits with a dot for decimals, e.g. 42 or 0.25`,
			meta.code,
		);
	}
	return number;
}

// Dates -----------------------------------------------------------------------------------------

const DATE_ONLY = /^(\d{4}-\d{2}-\d{2}|\d{8}|\d{1,2}\.\d{1,2}\.\d{4})$/;
const EPOCH_DIGITS = /^-?\d{9,}$/;
/**
 * Numbers are epoch milliseconds from 1e11 up, epoch seconds below: 1e11 ms is March 1973 and
 * 1e11 s is the year 5138, so real timestamps of either kind are told apart.
 */
const EPOCH_MS_FROM = 1e11;

interface ParsedDate {
	date: DateTime;
	/** The input named a day without a time of day. */
	dateOnly: boolean;
}

function dateError(meta: EsmAttributeMeta, value: unknown): EsmValueError {
	return new EsmValueError(
		`${show(value)} is not a date for the attribute ${label(meta)}: use ISO 8601 (2026-11-23 or 2026-11-23T14:30:00+02:00), ` +
			'epoch milliseconds or seconds, a JavaScript Date or a luxon DateTime',
		meta.code,
	);
}

function parseDate(meta: EsmAttributeMeta, value: unknown): ParsedDate {
	let parsed: ParsedDate | undefined;
	if (DateTime.isDateTime(value)) parsed = { date: value, dateOnly: false };
	else if (value instanceof Date) parsed = { date: DateTime.fromJSDate(value, { zone: 'utc' }), dateOnly: false };
	else if (typeof value === 'number') parsed = { date: fromEpoch(value), dateOnly: false };
	else if (typeof value === 'string') parsed = parseDateString(value.trim());
	if (!parsed || !parsed.date.isValid) throw dateError(meta, value);
	return parsed;
}

function fromEpoch(value: number): DateTime {
	if (!Number.isFinite(value)) return DateTime.invalid('not a finite number');
	const millis = Math.abs(value) >= EPOCH_MS_FROM ? value : value * 1000;
	return DateTime.fromMillis(millis, { zone: 'utc' });
}

/** ISO 8601 (no offset = UTC), 'yyyy-MM-dd HH:mm:ss', ESM's static-date form 'dd.MM.yyyy', or epoch digits. */
function parseDateString(value: string): ParsedDate | undefined {
	if (EPOCH_DIGITS.test(value)) return { date: fromEpoch(Number(value)), dateOnly: false };
	const dateOnly = DATE_ONLY.test(value);
	if (/^\d{1,2}\.\d{1,2}\.\d{4}/.test(value)) {
		const format = value.includes(':') ? (value.split(':').length > 2 ? 'd.M.yyyy H:mm:ss' : 'd.M.yyyy H:mm') : 'd.M.yyyy';
		return { date: DateTime.fromFormat(value, format, { zone: 'utc' }), dateOnly };
	}
	// luxon reads a bare time ('10:00') as today: a date must start with its year.
	if (!/^\d{4}/.test(value)) return undefined;
	const iso = DateTime.fromISO(value, { zone: 'utc', setZone: true });
	return { date: iso.isValid ? iso : DateTime.fromSQL(value, { zone: 'utc', setZone: true }), dateOnly };
}

function formatDateTime(meta: EsmAttributeMeta, value: unknown): string {
	return parseDate(meta, value).date.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

/**
 * `datetime` -> ISO 8601 in UTC with Z, seconds precision. `date` -> 'yyyy-MM-dd' for a day (a
 * date-only string, or a Date / DateTime / epoch exactly at midnight: midnight UTC for Dates and
 * epochs, midnight in its own zone for a luxon DateTime such as n8n's `$today`). A `date` given
 * WITH a time of day is sent as a UTC date-time: the API reports datetime attributes with type
 * `date` as well (spec example), so dropping the time could lose data; a true date-only attribute
 * that refuses it answers with a per-attribute error (GUESSED).
 */
function dateValue(meta: EsmAttributeMeta, value: unknown, withTime: boolean): string {
	const { date, dateOnly } = parseDate(meta, value);
	const midnight = date.hour === 0 && date.minute === 0 && date.second === 0 && date.millisecond === 0;
	if (!withTime && (dateOnly || midnight)) return date.toFormat('yyyy-MM-dd');
	return date.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

// Dropdowns, references, external references, worklogs ----------------------------------------------

const MAX_LISTED_CHOICES = 50;

/** The exact display text of the matching choice (by display text, then by code; case-insensitive). */
function staticValue(meta: EsmAttributeMeta, value: unknown): string {
	const given = isObject(value) ? (text(value.value) ?? text(value.code)) : text(value);
	if (given === undefined) {
		throw new EsmValueError(`${show(value)} is not a dropdown value for the attribute ${label(meta)}: pass its display text`, meta.code);
	}
	const choices = meta.values ?? [];
	// Without the template's choices nothing can be checked: the server reports a mismatch itself.
	if (choices.length === 0) return given;
	const wanted = given.trim().toLowerCase();
	const hit =
		choices.find((choice) => choice.value.trim().toLowerCase() === wanted) ??
		choices.find((choice) => choice.code !== undefined && choice.code.trim().toLowerCase() === wanted);
	if (!hit) {
		const shown = choices.slice(0, MAX_LISTED_CHOICES).map((choice) => choice.value);
		const more = choices.length > MAX_LISTED_CHOICES ? ` (and ${choices.length - MAX_LISTED_CHOICES} more)` : '';
		throw new EsmValueError(`'${shortText(given)}' is not a value of dropdown ${label(meta)}; allowed: ${shown.join(', ')}${more}`, meta.code);
	}
	return hit.value;
}

/**
 * A dataCardId from a number, a digits-only string or an object with `dataCardId` (a card read
 * with simplifyCard gives `{dataCardId, name}`). Anything else is a unique value (e.g. an
 * efecte_id) that `resolveReference` must turn into an id.
 */
function referenceValue(meta: EsmAttributeMeta, value: unknown, options: EsmValueOptions): string {
	const id = isObject(value) ? value.dataCardId : value;
	if (typeof id === 'number' && Number.isInteger(id) && id > 0) return String(id);
	const given = typeof id === 'string' ? id.trim() : undefined;
	if (given !== undefined && /^\d+$/.test(given)) return given;
	const targets = meta.target?.length ? ` of template ${meta.target.join(' / ')}` : '';
	if (given === undefined || given === '' || isObject(value)) {
		throw new EsmValueError(
			`${show(value)} is not a reference for the attribute ${label(meta)}: pass the dataCardId${targets} (e.g. 21357) or an object with dataCardId`,
			meta.code,
		);
	}
	if (!options.resolveReference) {
		throw new EsmValueError(
			`'${given}' is not a dataCardId for the reference attribute ${label(meta)}: pass the numeric dataCardId${targets}, ` +
				'or set up the lookup of references by a unique value (e.g. efecte_id)',
			meta.code,
		);
	}
	const resolved = options.resolveReference(meta, given);
	if (resolved === undefined || resolved === '') {
		throw new EsmValueError(
			`No data card${targets} was found for '${given}' (reference attribute ${label(meta)}): check the value, or pass the dataCardId`,
			meta.code,
		);
	}
	return String(resolved);
}

/** `{name, location}` from a URL (used as both) or an object; `url` is read as the location too. */
function externalReferenceValue(meta: EsmAttributeMeta, value: unknown): EsmValue {
	if (typeof value === 'string') return { name: value.trim(), location: value.trim() };
	if (isObject(value)) {
		const location = text(value.location) ?? text(value.url);
		if (location) return { name: text(value.name) ?? location, location };
	}
	throw new EsmValueError(
		`${show(value)} is not an external reference for the attribute ${label(meta)}: pass a URL or {"name": "...", "location": "https://..."}`,
		meta.code,
	);
}

/** A worklog entry is its text; author and date are set by ESM, so they are not sent. */
function worklogValue(meta: EsmAttributeMeta, value: unknown): string {
	const result = isObject(value) ? text(value.value) : text(value);
	if (result === undefined) {
		throw new EsmValueError(`${show(value)} is not a worklog comment for the attribute ${label(meta)}: pass the comment text`, meta.code);
	}
	return result;
}

// Whole records ------------------------------------------------------------------------------------

const MAX_LISTED_ATTRIBUTES = 40;

/** An attribute by code (exact, then case-insensitive) or by display name (case-insensitive). */
export function findAttribute(attributes: EsmAttributeMeta[], codeOrName: string): EsmAttributeMeta | undefined {
	const wanted = codeOrName.trim().toLowerCase();
	return (
		attributes.find((attribute) => attribute.code === codeOrName) ??
		attributes.find((attribute) => attribute.code.toLowerCase() === wanted) ??
		attributes.find((attribute) => attribute.name.trim().toLowerCase() === wanted)
	);
}

/**
 * The `data` object of a create / patch / bulk body from a record keyed by attribute code or
 * display name. An unknown key is an error listing the template's codes; two keys naming the same
 * attribute (its code and its name) are an error too, as one would silently win.
 */
export function toEsmData(
	attributes: EsmAttributeMeta[],
	input: Record<string, unknown>,
	options: EsmValueOptions = {},
): Record<string, EsmAttributeData> {
	const data: Record<string, EsmAttributeData> = {};
	const keyFor: Record<string, string> = {};
	for (const [key, value] of Object.entries(input ?? {})) {
		if (options.skipEmpty && (isEmpty(value) || (Array.isArray(value) && value.length === 0))) continue;
		const meta = findAttribute(attributes, key);
		if (!meta) {
			const codes = attributes.map((attribute) => attribute.code);
			const listed = codes.slice(0, MAX_LISTED_ATTRIBUTES).join(', ');
			const more = codes.length > MAX_LISTED_ATTRIBUTES ? ` (and ${codes.length - MAX_LISTED_ATTRIBUTES} more)` : '';
			throw new EsmValueError(
				`Unknown attribute "${key}": ${codes.length ? `the template has ${listed}${more}` : 'the template has no attributes'}`,
				key,
			);
		}
		if (keyFor[meta.code] !== undefined) {
			throw new EsmValueError(`The attribute ${label(meta)} is given twice ("${keyFor[meta.code]}" and "${key}"): keep one`, meta.code);
		}
		keyFor[meta.code] = key;
		data[meta.code] = toEsmValues(meta, value, options);
	}
	return data;
}

// ---------------------------------------------------------------------------------------------
// ESM JSON -> n8n values

/**
 * Card-level keys of a simplified card. An attribute whose code is one of these goes under
 * `attr_<code>` instead, so the card's own id, name and flags are never overwritten. (The card's
 * name is `cardName`, not `name`, so that an attribute called `name` keeps its code.)
 */
const CARD_KEYS = new Set(['dataCardId', 'templateCode', 'folderCode', 'cardName', 'deleted', 'hidden']);

/**
 * Flat form of a RESTDataCard (a single GET or an item of a `dataCards=true` list; a plain list item
 * without `data` gives the card keys only). Attribute values: single-value attributes as the value
 * or null, multi-value ones and worklogs as lists. Pass the template (or its attributes) to know
 * which attributes are multi-value; without it an attribute with more than one value becomes a list.
 */
export function simplifyCard(card: unknown, template?: EsmTemplate | EsmAttributeMeta[]): Record<string, unknown> {
	if (!isObject(card)) return {};
	const out: Record<string, unknown> = {
		dataCardId: card.dataCardId === undefined || card.dataCardId === null ? null : String(card.dataCardId),
		templateCode: card.templateCode ?? null,
		folderCode: card.folderCode ?? null,
		cardName: card.name ?? null,
		deleted: card.deleted ?? null,
	};
	if (card.hidden !== undefined) out.hidden = card.hidden;
	const metas = Array.isArray(template) ? template : (template?.attributes ?? []);
	const data = isObject(card.data) ? card.data : {};
	for (const [code, element] of Object.entries(data)) {
		const key = CARD_KEYS.has(code) ? `attr_${code}` : code;
		out[key] = simplifyAttribute(element, metas.find((meta) => meta.code === code));
	}
	return out;
}

function simplifyAttribute(element: unknown, meta: EsmAttributeMeta | undefined): unknown {
	const body = isObject(element) ? element : {};
	const type = text(body.type)?.toLowerCase() ?? meta?.type ?? 'string';
	const values = (Array.isArray(body.values) ? body.values : []).map((value) => simplifyValue(typeKind(type), value));
	if (typeKind(type) === 'worklog') return values;
	const multi = meta ? meta.multiValue : values.length > 1;
	if (multi) return values;
	return values.length ? values[0] : null;
}

function simplifyValue(kind: TypeKind, value: unknown): unknown {
	if (!isObject(value)) return value;
	switch (kind) {
		case 'reference':
			return { dataCardId: value.dataCardId === undefined ? null : String(value.dataCardId), name: value.name ?? null };
		case 'external':
			return { name: value.name ?? null, location: value.location ?? null };
		case 'worklog':
			return { author: value.author ?? null, value: value.value ?? null, date: value.date ?? null };
		default:
			// Text, numbers, dates (as given) and the display text of dropdowns.
			return 'value' in value ? value.value : value;
	}
}

// ---------------------------------------------------------------------------------------------
// Errors in write responses

export interface EsmCardError {
	attributeCode?: string;
	message: string;
	/** Position of the item in a bulk request / response. */
	index?: number;
	dataCardId?: string;
}

/**
 * Per-attribute problems reported by a write, also inside 2xx answers: `meta.errors`, the `errors`
 * of each bulk item (`data[i].errors`) and of created references, a top-level `errors` list, and an
 * ApiException body. When nothing is itemised but `importResult.notSavedDataCards` is above zero,
 * that alone is reported, so a failed save is never silent.
 */
export function cardErrors(response: unknown): EsmCardError[] {
	const errors: EsmCardError[] = [];
	const body = isObject(response) ? response : {};
	const meta = isObject(body.meta) ? body.meta : {};
	collectErrors(meta.errors, errors, {});
	collectErrors(body.errors, errors, {});
	const items = Array.isArray(response) ? response : Array.isArray(body.data) ? body.data : [];
	items.forEach((item, index) => {
		if (!isObject(item)) return;
		const card = isObject(item.dataCard) ? item.dataCard : {};
		const dataCardId = text(card.dataCardId);
		collectErrors(item.errors, errors, { index, dataCardId });
	});
	if (Array.isArray(meta.createdReferences)) {
		for (const reference of meta.createdReferences.filter(isObject)) {
			const card = isObject(reference.dataCard) ? reference.dataCard : {};
			collectErrors(reference.errors, errors, { dataCardId: text(card.dataCardId), prefix: 'Created reference' });
		}
	}
	const apiError = apiExceptionMessage(body);
	if (apiError) errors.push({ message: apiError });
	const notSaved = isObject(meta.importResult) ? Number(meta.importResult.notSavedDataCards) : 0;
	if (errors.length === 0 && notSaved > 0) {
		errors.push({ message: `${notSaved} data card(s) were not saved, and ESM gave no reason` });
	}
	return errors;
}

function collectErrors(
	raw: unknown,
	into: EsmCardError[],
	where: { index?: number; dataCardId?: string; prefix?: string },
): void {
	if (!Array.isArray(raw)) return;
	for (const entry of raw) {
		const error: EsmCardError = { message: errorMessage(entry, where) };
		if (isObject(entry) && text(entry.attributeCode)) error.attributeCode = text(entry.attributeCode);
		if (where.index !== undefined) error.index = where.index;
		if (where.dataCardId !== undefined) error.dataCardId = where.dataCardId;
		into.push(error);
	}
}

function errorMessage(entry: unknown, where: { index?: number; dataCardId?: string; prefix?: string }): string {
	const parts: string[] = [];
	if (where.prefix) parts.push(where.prefix);
	if (where.index !== undefined) parts.push(`Item ${where.index + 1}`);
	if (where.dataCardId) parts.push(`data card ${where.dataCardId}`);
	let detail: string;
	if (isObject(entry)) {
		const attribute = text(entry.attributeCode);
		const type = text(entry.attributeType);
		const message = text(entry.message) ?? text(entry.error) ?? show(entry);
		const status = text(entry.error) && text(entry.message) ? ` (${text(entry.error)})` : '';
		detail = attribute ? `attribute ${attribute}${type ? ` [${type}]` : ''}: ${message}${status}` : `${message}${status}`;
	} else detail = text(entry) ?? show(entry);
	return parts.length ? `${parts.join(', ')}: ${detail}` : detail.charAt(0).toUpperCase() + detail.slice(1);
}

/** `{code: 4xx, message, error}` (ApiException) as one line, or undefined for any other body. */
function apiExceptionMessage(body: JsonObject): string | undefined {
	const code = typeof body.code === 'number' ? body.code : Number.NaN;
	if (!(code >= 400)) return undefined;
	const reason = [text(body.error), text(body.message)].filter(Boolean).join(': ');
	return `ESM answered ${code}${reason ? ` ${reason}` : ''}`;
}
