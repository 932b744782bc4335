import { HttpError } from '../core/router';
import { compileEql, EqlError, operandsOf, parseEql, type EqlOperand, type EqlValueReader } from './eql';
import type { Card, EsmStore } from './store';
import type { TemplateDef } from './templates';
import { cardName, storedValues } from './values';

/**
 * Binds an EQL filter to a template's cards: checks attribute codes, reads comparable values
 * (dropdowns by display value or code, references by card name or id, dates as instants) and
 * keeps trashed cards out unless the filter names entity.deleted (as ESM lists do).
 */

export interface CardFilter {
	matches(card: Card): boolean;
	/** The filter names entity.deleted itself, so trashed cards are not excluded by default. */
	includesDeleted: boolean;
}

function dateMs(text: unknown): number | undefined {
	const value = String(text);
	const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

export function cardFilter(store: EsmStore, template: TemplateDef, filter: string | null | undefined, now: number): CardFilter {
	if (filter === undefined || filter === null || filter.trim() === '') return { matches: (card) => !card.deleted, includesDeleted: false };
	try {
		const expression = parseEql(filter);
		const operands = operandsOf(expression);
		for (const operand of operands) {
			if (operand.kind === 'attribute' && !template.attributes.some((attribute) => attribute.code === operand.code)) {
				throw new EqlError(`Invalid filter: unknown attribute $${operand.code}$ for template ${template.code}`);
			}
		}
		const attributeOf = (operand: EqlOperand) =>
			operand.kind === 'attribute' ? template.attributes.find((attribute) => attribute.code === operand.code)! : undefined;
		const reader: EqlValueReader<Card> = {
			kind(operand) {
				if (operand.kind === 'property') {
					if (operand.name === 'entity.id') return 'number';
					if (operand.name === 'entity.deleted' || operand.name === 'entity.hidden') return 'boolean';
					return 'text';
				}
				const type = attributeOf(operand)!.type;
				return type === 'number' ? 'number' : type === 'date' || type === 'datetime' ? 'date' : 'text';
			},
			values(card, operand) {
				if (operand.kind === 'property') {
					switch (operand.name) {
						case 'entity.id':
							return [card.id];
						case 'entity.deleted':
							return [card.deleted];
						case 'entity.hidden':
							return [card.hidden];
						case 'entity.folder.code':
							return [card.folder];
						case 'entity.folder.name':
							return [template.folders.find((folder) => folder.code === card.folder)?.name ?? card.folder];
						default:
							return [card.template];
					}
				}
				const attribute = attributeOf(operand)!;
				return storedValues(card, attribute.code).flatMap((value): Array<string | number> => {
					switch (attribute.type) {
						case 'number':
							return [Number(value.value)];
						case 'date':
						case 'datetime': {
							const ms = dateMs(value.value);
							return ms === undefined ? [] : [ms];
						}
						case 'static-value':
							return [String(value.value), String(value.code)];
						case 'reference': {
							const target = store.cards.get(Number(value.dataCardId));
							const name = target ? cardName(target, store.templates.get(target.template)!, store) : '';
							return [name, String(value.dataCardId)];
						}
						case 'external-reference':
							return [String(value.name), String(value.location)];
						default:
							return [String(value.value)];
					}
				});
			},
		};
		const predicate = compileEql(expression, reader, now);
		const includesDeleted = operands.some((operand) => operand.kind === 'property' && operand.name === 'entity.deleted');
		return { matches: includesDeleted ? predicate : (card) => !card.deleted && predicate(card), includesDeleted };
	} catch (error) {
		if (error instanceof EqlError) throw new HttpError(400, error.message);
		throw error;
	}
}
