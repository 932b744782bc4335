import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { collectCards } from '../../../cards';
import { eqlEquals, EqlValueError } from '../../../eql';
import { inputError } from '../common';

/**
 * The one card whose unique attribute has this value; undefined when there is none. Two or more is
 * an error: the attribute is not unique, and writing to one of them would be a guess.
 */
export async function findCardByKey(
	this: IExecuteFunctions,
	template: string,
	attribute: string,
	value: unknown,
	itemIndex: number,
	extra: { dataCards?: boolean; selectedAttributes?: string[] } = {},
): Promise<IDataObject | undefined> {
	let filter: string;
	try {
		filter = eqlEquals(attribute, value);
	} catch (error) {
		throw inputError.call(this, error instanceof EqlValueError ? new EqlValueError(`Value: ${error.message}`) : error, itemIndex);
	}
	const cards = await collectCards.call(this, { template, filter, itemIndex, ...extra }, 2);
	if (cards.length > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Several ${template} cards have ${attribute} = "${String(value)}" (IDs ${cards.map((card) => card.dataCardId).join(', ')}): the attribute is not unique`,
			{ itemIndex, description: 'Match on an attribute that is unique in ESM, such as efecte_id.' },
		);
	}
	return cards[0];
}
