import type { IDataObject } from 'n8n-workflow';

import { paginateCards, type CardQuery, type EsmContext } from './transport';

/** The cards matching a query, up to a limit: for key lookups, where one or two are expected. */
export async function collectCards(this: EsmContext, query: CardQuery, limit?: number): Promise<IDataObject[]> {
	const cards: IDataObject[] = [];
	for await (const page of paginateCards.call(this, query, { limit })) cards.push(...page);
	return cards;
}
