import { esmTime, type Card, type EsmStore, type StoredValue } from './store';
import { elementType, type AttributeDef, type TemplateDef } from './templates';

/**
 * Attribute values as ESM takes and gives them: `{values: [...]}` per attribute, checked per
 * type (dropdown entries by display value and/or code, reference targets, date formats). A bad
 * value does not fail the request: the attribute is left as it was and a per-attribute error
 * (RESTError) goes into the 2xx answer, as esm-api.md describes.
 */

export interface RestError {
	attributeCode: string;
	attributeType: string;
	message: string;
	error: string;
}

export interface WriteContext {
	store: EsmStore;
	/** Worklog author: the logged-in user's display name. */
	author: string;
	now: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function validDate(text: string): boolean {
	const match = DATE.exec(text);
	if (!match) return false;
	const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
	return date.getUTCDate() === Number(match[3]) && date.getUTCMonth() === Number(match[2]) - 1;
}

/** One value of a write into its stored form, or the message of the per-attribute error. */
export function parseValue(attribute: AttributeDef, raw: unknown, ctx: WriteContext): { value: StoredValue } | { error: string } {
	if (!isObject(raw)) return { error: `Invalid value for attribute: ${attribute.name}: each value must be an object, e.g. {"value": ...}` };
	switch (attribute.type) {
		case 'string': {
			const value = raw.value;
			if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
				return { error: `Invalid value '${JSON.stringify(value)}' for string attribute: ${attribute.name}` };
			}
			return { value: { value: String(value) } };
		}
		case 'number': {
			const value = typeof raw.value === 'string' && raw.value.trim() !== '' ? Number(raw.value) : raw.value;
			if (typeof value !== 'number' || !Number.isFinite(value)) {
				return { error: `Invalid number value '${String(raw.value)}' for attribute: ${attribute.name}` };
			}
			return { value: { value } };
		}
		case 'date': {
			if (typeof raw.value !== 'string' || !validDate(raw.value)) {
				return { error: `Invalid date value '${String(raw.value)}' for attribute: ${attribute.name}, expected format yyyy-MM-dd` };
			}
			return { value: { value: raw.value } };
		}
		case 'datetime': {
			const ms = typeof raw.value === 'string' && DATETIME.test(raw.value) ? Date.parse(raw.value) : NaN;
			if (Number.isNaN(ms)) {
				return { error: `Invalid datetime value '${String(raw.value)}' for attribute: ${attribute.name}, expected ISO-8601 with time zone, e.g. 2021-03-24T10:57:57Z` };
			}
			return { value: { value: esmTime(ms) } };
		}
		case 'static-value': {
			const value = raw.value === undefined || raw.value === null ? undefined : String(raw.value);
			const code = raw.code === undefined || raw.code === null ? undefined : String(raw.code);
			const entry =
				value === undefined && code === undefined
					? undefined
					: (attribute.values ?? []).find((candidate) => (value === undefined || candidate.value === value) && (code === undefined || candidate.code === code));
			if (!entry) {
				return { error: `Couldn't find static-value with value: ${value ?? null} and code: ${code ?? null} from attribute: ${attribute.name}` };
			}
			return { value: { value: entry.value, code: entry.code } };
		}
		case 'reference': {
			const id = Number(raw.dataCardId);
			const target = Number.isInteger(id) ? ctx.store.cards.get(id) : undefined;
			if (!target || target.deleted) return { error: `Couldn't find data card with id: ${String(raw.dataCardId)} for attribute: ${attribute.name}` };
			if (attribute.target?.length && !attribute.target.includes(target.template)) {
				return { error: `Data card ${id} (template '${target.template}') is not allowed for attribute: ${attribute.name} (allowed: ${attribute.target.join(', ')})` };
			}
			return { value: { dataCardId: String(id) } };
		}
		case 'external-reference': {
			if (typeof raw.location !== 'string' || raw.location === '') {
				return { error: `Invalid external reference for attribute: ${attribute.name}: location is required` };
			}
			return { value: { name: typeof raw.name === 'string' && raw.name ? raw.name : raw.location, location: raw.location } };
		}
		case 'worklog': {
			if (typeof raw.value !== 'string' || raw.value === '') return { error: `Invalid worklog entry for attribute: ${attribute.name}: value must be text` };
			return { value: { author: ctx.author, value: raw.value, date: esmTime(ctx.now) } };
		}
	}
}

export type WriteMode = 'replace' | 'add';

/**
 * Writes one attribute's values on a card (replace, or add for the attribute POST endpoint).
 * Worklogs always add: a worklog entry cannot be overwritten. Answers the error, if any.
 */
export function writeAttribute(card: Card, attribute: AttributeDef, raw: unknown, ctx: WriteContext, mode: WriteMode = 'replace'): RestError | undefined {
	const fail = (message: string): RestError => ({ attributeCode: attribute.code, attributeType: attribute.type, message, error: 'Bad Request' });
	if (attribute.readOnly) return fail(`Attribute ${attribute.name} is read-only`);
	if (!Array.isArray(raw)) return fail(`Invalid data for attribute: ${attribute.name}: expected {"values": [...]}`);
	const parsed: StoredValue[] = [];
	for (const value of raw) {
		const result = parseValue(attribute, value, ctx);
		if ('error' in result) return fail(result.error);
		parsed.push(result.value);
	}
	const current = card.data[attribute.code] ?? [];
	const adding = mode === 'add' || attribute.type === 'worklog';
	const next = adding ? (attribute.type === 'worklog' ? [...parsed, ...current] : [...current, ...parsed]) : parsed;
	if (!attribute.multiValue && next.length > 1) {
		return fail(
			adding && current.length
				? `Attribute ${attribute.name} already has a value and is not multi-value`
				: `Attribute ${attribute.name} is not multi-value: give at most one value`,
		);
	}
	card.data[attribute.code] = next;
	return undefined;
}

/** Applies a write's `data` object to a card; unknown attributes and bad values become errors. */
export function writeData(card: Card, template: TemplateDef, data: unknown, ctx: WriteContext): RestError[] {
	if (!isObject(data)) return [{ attributeCode: '', attributeType: '', message: 'Invalid data: expected an object of attributes', error: 'Bad Request' }];
	const errors: RestError[] = [];
	for (const [code, element] of Object.entries(data)) {
		const attribute = template.attributes.find((candidate) => candidate.code === code);
		if (!attribute) {
			errors.push({ attributeCode: code, attributeType: 'unknown', message: `Attribute ${code} not found from template: ${template.code}`, error: 'Bad Request' });
			continue;
		}
		const values = isObject(element) ? element.values : undefined;
		const error = writeAttribute(card, attribute, values, ctx);
		if (error) errors.push(error);
	}
	return errors;
}

// Reading ----------------------------------------------------------------------------------------------

export function cardName(card: Card, template: TemplateDef, store: EsmStore): string {
	const parts = template.nameAttributes.flatMap((code) =>
		(card.data[code] ?? []).map((value) => {
			if (value.dataCardId !== undefined) {
				const target = store.cards.get(Number(value.dataCardId));
				return target ? cardName(target, store.templates.get(target.template)!, store) : '';
			}
			return String(value.value ?? value.name ?? '');
		}),
	);
	const name = parts.filter(Boolean).join(' ');
	return name || `${template.name} ${card.id}`;
}

/** Stored values of an attribute, created/updated included. */
export function storedValues(card: Card, code: string): StoredValue[] {
	if (code === 'created') return [{ value: esmTime(card.created) }];
	if (code === 'updated') return [{ value: esmTime(card.updated) }];
	return card.data[code] ?? [];
}

export interface RenderContext {
	store: EsmStore;
	/** origin + base path, for file download links. */
	baseUrl: string;
}

function renderValue(card: Card, attribute: AttributeDef, value: StoredValue, ctx: RenderContext): StoredValue {
	if (attribute.type === 'reference') {
		const target = ctx.store.cards.get(Number(value.dataCardId));
		const template = target ? ctx.store.templates.get(target.template) : undefined;
		return {
			name: target && template ? cardName(target, template, ctx.store) : '',
			dataCardId: String(value.dataCardId),
			templateName: template?.name ?? '',
			templateCode: target?.template ?? '',
			url: `/dc/${target?.template ?? ''}/data/${String(value.dataCardId)}`,
			deleted: target?.deleted ?? true,
			hidden: target?.hidden ?? false,
		};
	}
	if (attribute.type === 'external-reference' && attribute.file && ctx.store.files.has(String(value.location))) {
		return { ...value, download: `${ctx.baseUrl}/dc/${card.template}/data/${card.id}/${attribute.code}/file/${String(value.location)}` };
	}
	return { ...value };
}

/** RESTDataCardElement. */
export function renderElement(card: Card, attribute: AttributeDef, ctx: RenderContext): Record<string, unknown> {
	return {
		name: attribute.name,
		type: elementType(attribute.type),
		values: storedValues(card, attribute.code).map((value) => renderValue(card, attribute, value, ctx)),
	};
}

/** RESTDataCard; `selected` limits the attributes (selectedAttributes). */
export function renderCard(card: Card, ctx: RenderContext, selected?: string[]): Record<string, unknown> {
	const template = ctx.store.templates.get(card.template)!;
	const folder = template.folders.find((candidate) => candidate.code === card.folder);
	const attributes = selected?.length ? template.attributes.filter((attribute) => selected.includes(attribute.code)) : template.attributes;
	return {
		name: cardName(card, template, ctx.store),
		dataCardId: String(card.id),
		templateName: template.name,
		templateCode: template.code,
		templateId: String(template.id),
		folderName: folder?.name ?? card.folder,
		folderCode: card.folder,
		deleted: card.deleted,
		hidden: card.hidden,
		data: Object.fromEntries(attributes.map((attribute) => [attribute.code, renderElement(card, attribute, ctx)])),
	};
}

/**
 * The simplified card a webhook rule posts (what an ESM workflow's HTTP call would send): one
 * value per single-value attribute (null when empty), lists for multi-value ones, references as
 * {dataCardId, name}.
 */
export function simplifyCard(card: Card, store: EsmStore): Record<string, unknown> {
	const template = store.templates.get(card.template)!;
	const data: Record<string, unknown> = {};
	for (const attribute of template.attributes) {
		const values = storedValues(card, attribute.code).map((value) => {
			if (attribute.type === 'reference') {
				const target = store.cards.get(Number(value.dataCardId));
				return { dataCardId: String(value.dataCardId), name: target ? cardName(target, store.templates.get(target.template)!, store) : '' };
			}
			if (attribute.type === 'external-reference') return { name: value.name, location: value.location };
			if (attribute.type === 'worklog') return { author: value.author, value: value.value, date: value.date };
			return value.value;
		});
		data[attribute.code] = attribute.multiValue ? values : (values[0] ?? null);
	}
	return {
		dataCardId: String(card.id),
		templateCode: card.template,
		folderCode: card.folder,
		name: cardName(card, template, store),
		deleted: card.deleted,
		data,
	};
}
