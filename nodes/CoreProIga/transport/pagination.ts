import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { asNodeError } from '../../shared/execute';
import { esmApiRequest, type EsmContext } from './request';

/** ESM's list maximum (keyset pages, newest id first). */
export const ESM_PAGE_SIZE = 200;

export interface CardQuery {
	template: string;
	/** EQL WHERE part, as the API takes it. */
	filter?: string;
	/** Full cards (with their attributes) rather than id and name only. */
	dataCards?: boolean;
	selectedAttributes?: string[];
	itemIndex?: number;
}

function cardQuery(query: CardQuery): IDataObject {
	const qs: IDataObject = {};
	if (query.filter) qs.filter = query.filter;
	if (query.dataCards) qs.dataCards = true;
	if (query.selectedAttributes?.length) qs.selectedAttributes = query.selectedAttributes.join(',');
	return qs;
}

function filterIdOfNextLink(page: IDataObject): number | undefined {
	const next = ((page.meta as IDataObject | undefined)?.links as IDataObject | undefined)?.next;
	if (typeof next !== 'string' || !next) return undefined;
	const match = /[?&]filterId=(\d+)/.exec(next);
	return match ? Number(match[1]) : undefined;
}

function lowestId(cards: IDataObject[]): number | undefined {
	const ids = cards.map((card) => Number(card.dataCardId)).filter((id) => Number.isFinite(id));
	return ids.length ? Math.min(...ids) : undefined;
}

/**
 * Keyset pages: ids descending, the next page holds ids below `filterId`. Follows `meta.links.next`,
 * else the lowest id seen; ends on a short or empty page, and whenever `filterId` would not go down
 * (a server that ignored it must not loop us forever).
 */
export async function* paginateCards(
	this: EsmContext,
	query: CardQuery,
	{ limit, pageSize = ESM_PAGE_SIZE }: { limit?: number; pageSize?: number } = {},
): AsyncGenerator<IDataObject[]> {
	let filterId: number | undefined;
	let seen = 0;
	const path = `/dc/${encodeURIComponent(query.template)}/data`;
	while (limit === undefined || seen < limit) {
		const asked = Math.min(pageSize, limit === undefined ? pageSize : limit - seen);
		let page: IDataObject;
		try {
			page = (await esmApiRequest.call(this, {
				method: 'GET',
				path,
				qs: { ...cardQuery(query), limit: asked, ...(filterId ? { filterId } : {}) },
				itemIndex: query.itemIndex,
			})) as IDataObject;
		} catch (error) {
			// Some ESM versions answer 404 instead of an empty page past the last card (GUESSED).
			if (filterId && error instanceof NodeApiError && error.httpCode === '404') return;
			throw asNodeError(this, error, query.itemIndex);
		}
		const cards = (page.data as IDataObject[] | undefined) ?? [];
		if (cards.length) yield cards.slice(0, asked);
		seen += Math.min(cards.length, asked);
		if (cards.length < asked) return;
		// A page that links itself but no `next` is the last one (no extra, empty request when a listing
		// is a multiple of the page size); a server without links is paged by the lowest id.
		const links = (page.meta as IDataObject | undefined)?.links as IDataObject | undefined;
		if (links?.self && !links.next) return;
		const next = filterIdOfNextLink(page) ?? lowestId(cards);
		if (next === undefined || (filterId !== undefined && next >= filterId)) return;
		filterId = next;
	}
}

/** The unpaged stream endpoint: everything in one answer, for heavy reads where ESM prefers it. */
export async function streamCards(this: EsmContext, query: CardQuery): Promise<IDataObject[]> {
	const page = (await esmApiRequest.call(this, {
		method: 'GET',
		path: `/dc/${encodeURIComponent(query.template)}/data/stream`,
		qs: cardQuery(query),
		itemIndex: query.itemIndex,
	})) as IDataObject;
	return (page.data as IDataObject[] | undefined) ?? [];
}

/**
 * Every card of a query as pages: one streamed answer (one request, whatever the count), or keyset
 * pages of 200. A server without the stream endpoint (404 for a template that exists) is read page
 * by page instead.
 */
export async function* cardPages(this: EsmContext, query: CardQuery, { stream }: { stream: boolean }): AsyncGenerator<IDataObject[]> {
	if (stream) {
		let cards: IDataObject[] | undefined;
		try {
			cards = await streamCards.call(this, query);
		} catch (error) {
			if (!(error instanceof NodeApiError && error.httpCode === '404')) throw asNodeError(this, error, query.itemIndex);
		}
		if (cards) {
			if (cards.length) yield cards;
			return;
		}
	}
	yield* paginateCards.call(this, query);
}
