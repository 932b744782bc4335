import type { IDataObject } from 'n8n-workflow';

import { eqlOrChunks } from './eql';
import { ESM_PAGE_SIZE, paginateCards, type CardQuery, type EsmContext } from './transport';
import { simplifyCard } from './values';

/** The cards matching a query, up to a limit: for key lookups, where one or two are expected. */
export async function collectCards(this: EsmContext, query: CardQuery, limit?: number): Promise<IDataObject[]> {
	const cards: IDataObject[] = [];
	for await (const page of paginateCards.call(this, query, { limit })) cards.push(...page);
	return cards;
}

/** How cards are found by key: OR-chunks of the keys, the template listed once, or the cheaper of both. */
export type KeyLookupMode = 'auto' | 'chunks' | 'listAll';

/** Up to this many OR-chunks, Automatic sends them at once: a probing listing page would not pay off. */
const AUTO_CHUNKS_WITHOUT_LISTING = 8;

/**
 * The cards of a template whose `attribute` holds one of `keys` (possibly more: a listing returns the
 * template's other cards too), without EQL IN.
 * - chunks: `$attribute$ = 'a' OR ...` filters (one request per ~1500 characters of keys);
 * - listAll: the template listed once (200 cards a request);
 * - auto: a few chunks (an incremental run's keys) go out at once; for more, the listing while it
 *   costs no more requests than the OR-chunks would, judged after every full page from the share of
 *   the wanted keys among the cards seen (an empty or small template ends on its first page);
 *   otherwise the keys not seen yet go out in OR-chunks (one page spent).
 */
export async function cardsByKeys(
	this: EsmContext,
	template: string,
	attribute: string,
	keys: string[],
	mode: KeyLookupMode = 'auto',
	itemIndex?: number,
): Promise<IDataObject[]> {
	const query: CardQuery = { template, dataCards: true, selectedAttributes: [attribute], itemIndex };
	let filters = eqlOrChunks(attribute, keys);
	if (!filters.length) return [];
	const cards: IDataObject[] = [];
	if (mode === 'listAll' || (mode === 'auto' && filters.length > AUTO_CHUNKS_WITHOUT_LISTING)) {
		const keyOf = (card: IDataObject) => String((simplifyCard(card) as IDataObject)[attribute] ?? '');
		const wanted = new Set(keys.map(String));
		let hits = 0;
		let pages = 0;
		let complete = true;
		for await (const page of paginateCards.call(this, query)) {
			cards.push(...page);
			pages++;
			if (mode === 'listAll' || page.length < ESM_PAGE_SIZE) continue;
			// Auto: estimate the template's size from the share of our keys among the cards seen so far;
			// stop listing as soon as the listing would cost more requests than the OR-chunks.
			hits += page.filter((card) => wanted.has(keyOf(card))).length;
			const estimatedPages = hits ? Math.ceil((cards.length * wanted.size) / hits / ESM_PAGE_SIZE) : Number.POSITIVE_INFINITY;
			if (pages >= filters.length || estimatedPages > filters.length) {
				complete = false;
				break;
			}
		}
		if (complete) return cards;
		const seen = new Set(cards.map(keyOf));
		filters = eqlOrChunks(attribute, keys.filter((key) => !seen.has(String(key))));
	}
	for (const filter of filters) cards.push(...(await collectCards.call(this, { ...query, filter })));
	return cards;
}
