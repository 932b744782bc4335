import { DEFAULT_TEMPLATES, type TemplateDef } from './templates';

/**
 * The ESM emulator's data: templates, data cards (values kept in the API's own JSON form),
 * uploaded files, and per-template id lists kept sorted for keyset paging (newest id first).
 */

/** One value as the API writes it: {value}, {value, code}, {dataCardId}, {name, location}, {author, value, date}. */
export type StoredValue = Record<string, unknown>;

export interface Card {
	id: number;
	template: string;
	folder: string;
	deleted: boolean;
	hidden: boolean;
	created: number;
	updated: number;
	data: Record<string, StoredValue[]>;
}

export interface StoredFile {
	location: string;
	name: string;
	contentType: string;
	data: Buffer;
	cardId: number;
	attribute: string;
}

export interface EsmStateJson {
	format: 'esm-sandbox/1';
	templates: TemplateDef[];
	cards: Array<Omit<Card, 'created' | 'updated'> & { created: string; updated: string }>;
	files: Array<Omit<StoredFile, 'data'> & { base64: string }>;
	nextId: number;
}

/** ISO-8601 UTC with `Z` and no milliseconds, as ESM writes datetimes. */
export function esmTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class EsmStore {
	templates = new Map<string, TemplateDef>();
	cards = new Map<number, Card>();
	files = new Map<string, StoredFile>();
	private byTemplate = new Map<string, number[]>();
	nextId: number;
	version = 0;
	private lastStamp = 0;
	private fileCounter = 0;

	constructor(
		private readonly clock: () => number,
		private readonly firstId: number,
	) {
		this.nextId = firstId;
		this.clear();
	}

	clear(): void {
		this.templates = new Map(DEFAULT_TEMPLATES.map((template) => [template.code, structuredClone(template)]));
		this.cards.clear();
		this.files.clear();
		this.byTemplate.clear();
		this.nextId = this.firstId;
		this.fileCounter = 0;
		this.changed();
	}

	changed(): void {
		this.version++;
	}

	/** Now, strictly later than any earlier stamp (ms inside; answers show whole seconds as ESM does). */
	stamp(): number {
		this.lastStamp = Math.max(this.clock(), this.lastStamp + 1);
		return this.lastStamp;
	}

	now(): number {
		return this.clock();
	}

	/** Ids of a template's cards, ascending. */
	ids(template: string): number[] {
		return this.byTemplate.get(template) ?? [];
	}

	addCard(card: Omit<Card, 'id'> & { id?: number }): Card {
		const id = card.id ?? this.nextId++;
		if (this.cards.has(id)) throw new Error(`Duplicate data card id ${id}`);
		this.nextId = Math.max(this.nextId, id + 1);
		const stored: Card = { ...card, id };
		this.cards.set(id, stored);
		let list = this.byTemplate.get(stored.template);
		if (!list) {
			list = [];
			this.byTemplate.set(stored.template, list);
		}
		if (!list.length || list[list.length - 1] < id) list.push(id);
		else list.splice(lowerBound(list, id), 0, id);
		this.changed();
		return stored;
	}

	newFileLocation(cardId: number): string {
		this.fileCounter += 1;
		return `f${cardId}-${this.fileCounter}`;
	}

	exportState(): EsmStateJson {
		return {
			format: 'esm-sandbox/1',
			templates: [...this.templates.values()],
			cards: [...this.cards.values()].map((card) => ({ ...card, created: esmTime(card.created), updated: esmTime(card.updated) })),
			files: [...this.files.values()].map(({ data, ...file }) => ({ ...file, base64: data.toString('base64') })),
			nextId: this.nextId,
		};
	}

	importState(raw: unknown): void {
		const state = raw as EsmStateJson;
		if (!state || state.format !== 'esm-sandbox/1') throw new Error('Not an ESM sandbox state (format esm-sandbox/1)');
		this.clear();
		this.templates = new Map(state.templates.map((template) => [template.code, template]));
		for (const card of state.cards) this.addCard({ ...card, created: Date.parse(card.created), updated: Date.parse(card.updated) });
		for (const { base64, ...file } of state.files) this.files.set(file.location, { ...file, data: Buffer.from(base64, 'base64') });
		this.nextId = Math.max(this.nextId, state.nextId);
		this.changed();
	}
}

/** First index whose value is >= target (ascending list). */
export function lowerBound(list: number[], target: number): number {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (list[mid] < target) low = mid + 1;
		else high = mid;
	}
	return low;
}
