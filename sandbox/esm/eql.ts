/**
 * The EQL WHERE part the REST `filter` parameter takes, as far as our nodes and templates use it:
 * `$attribute$` and entity properties (entity.id, entity.deleted, entity.hidden,
 * entity.folder.code / .name, template.code) compared with = <> != > >= < <=, LIKE / NOT LIKE
 * (% and _), IS [NOT] NULL, combined with AND / OR / NOT and parentheses.
 *
 * String literals are single-quoted; a quote inside is doubled ('O''Brien'), the SQL way our
 * nodes' EQL helper writes it (GUESSED for real ESM, see design.md "Conventions"). `IN` is not
 * verified in real EQL, so it is refused with an error rather than given a meaning.
 *
 * Grammar only here; evaluation against cards is in `compileEql` below, given a value reader.
 */

export class EqlError extends Error {}

export type EqlOperand = { kind: 'attribute'; code: string; position: number } | { kind: 'property'; name: string; position: number };

export type EqlLiteral = { kind: 'string'; value: string } | { kind: 'number'; value: number; text: string } | { kind: 'boolean'; value: boolean };

export type EqlComparison = '=' | '<>' | '>' | '>=' | '<' | '<=';

export type EqlExpression =
	| { kind: 'compare'; operand: EqlOperand; operator: EqlComparison; literal: EqlLiteral }
	| { kind: 'like'; operand: EqlOperand; pattern: string; negated: boolean }
	| { kind: 'null'; operand: EqlOperand; negated: boolean }
	| { kind: 'and' | 'or'; items: EqlExpression[] }
	| { kind: 'not'; expression: EqlExpression };

type TokenType = 'attribute' | 'identifier' | 'string' | 'number' | 'operator' | '(' | ')' | ',' | 'end';

interface Token {
	type: TokenType;
	text: string;
	position: number;
}

/** Entity properties the filter may name, lower case. */
export const ENTITY_PROPERTIES = ['entity.id', 'entity.deleted', 'entity.hidden', 'entity.folder.code', 'entity.folder.name', 'template.code', 'entity.template.code'];

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (/\s/.test(ch)) {
			i++;
			continue;
		}
		const start = i;
		if (ch === '$') {
			const end = text.indexOf('$', i + 1);
			if (end < 0) throw new EqlError(`Invalid filter: unterminated attribute code at position ${start + 1}`);
			const code = text.slice(i + 1, end);
			if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(code)) throw new EqlError(`Invalid filter: '$${code}$' is not an attribute code (position ${start + 1})`);
			tokens.push({ type: 'attribute', text: code, position: start });
			i = end + 1;
			continue;
		}
		if (ch === "'") {
			let value = '';
			i++;
			let closed = false;
			while (i < text.length) {
				if (text[i] === "'") {
					if (text[i + 1] === "'") {
						value += "'";
						i += 2;
						continue;
					}
					closed = true;
					i++;
					break;
				}
				value += text[i++];
			}
			if (!closed) throw new EqlError(`Invalid filter: unterminated string literal starting at position ${start + 1}`);
			tokens.push({ type: 'string', text: value, position: start });
			continue;
		}
		if (ch === '(' || ch === ')' || ch === ',') {
			tokens.push({ type: ch, text: ch, position: start });
			i++;
			continue;
		}
		const two = text.slice(i, i + 2);
		if (['<>', '!=', '>=', '<='].includes(two)) {
			tokens.push({ type: 'operator', text: two === '!=' ? '<>' : two, position: start });
			i += 2;
			continue;
		}
		if (['=', '<', '>'].includes(ch)) {
			tokens.push({ type: 'operator', text: ch, position: start });
			i++;
			continue;
		}
		const number = /^-?\d+(\.\d+)?/.exec(text.slice(i));
		if (number) {
			tokens.push({ type: 'number', text: number[0], position: start });
			i += number[0].length;
			continue;
		}
		const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
		if (word) {
			tokens.push({ type: 'identifier', text: word[0], position: start });
			i += word[0].length;
			continue;
		}
		if (ch === '"') throw new EqlError(`Invalid filter: string literals take single quotes, not double quotes (position ${start + 1})`);
		throw new EqlError(`Invalid filter: unexpected character '${ch}' at position ${start + 1}`);
	}
	tokens.push({ type: 'end', text: '', position: text.length });
	return tokens;
}

class Parser {
	private index = 0;

	constructor(private readonly tokens: Token[]) {}

	private peek(): Token {
		return this.tokens[this.index];
	}

	private next(): Token {
		const token = this.tokens[this.index];
		if (token.type !== 'end') this.index++;
		return token;
	}

	private keyword(token: Token, word: string): boolean {
		return token.type === 'identifier' && token.text.toUpperCase() === word;
	}

	private unexpected(token: Token, expected: string): never {
		const got = token.type === 'end' ? 'end of filter' : `'${token.text}'`;
		throw new EqlError(`Invalid filter: expected ${expected} but got ${got} at position ${token.position + 1}`);
	}

	parse(): EqlExpression {
		const expression = this.or();
		if (this.peek().type !== 'end') this.unexpected(this.peek(), 'AND, OR or the end of the filter');
		return expression;
	}

	private or(): EqlExpression {
		const items = [this.and()];
		while (this.keyword(this.peek(), 'OR')) {
			this.next();
			items.push(this.and());
		}
		return items.length === 1 ? items[0] : { kind: 'or', items };
	}

	private and(): EqlExpression {
		const items = [this.not()];
		while (this.keyword(this.peek(), 'AND')) {
			this.next();
			items.push(this.not());
		}
		return items.length === 1 ? items[0] : { kind: 'and', items };
	}

	private not(): EqlExpression {
		if (this.keyword(this.peek(), 'NOT')) {
			this.next();
			return { kind: 'not', expression: this.not() };
		}
		if (this.peek().type === '(') {
			this.next();
			const inner = this.or();
			if (this.peek().type !== ')') this.unexpected(this.peek(), "')'");
			this.next();
			return inner;
		}
		return this.condition();
	}

	private operand(): EqlOperand {
		const token = this.next();
		if (token.type === 'attribute') return { kind: 'attribute', code: token.text, position: token.position };
		if (token.type === 'identifier' && ENTITY_PROPERTIES.includes(token.text.toLowerCase())) {
			const name = token.text.toLowerCase() === 'entity.template.code' ? 'template.code' : token.text.toLowerCase();
			return { kind: 'property', name, position: token.position };
		}
		if (token.type === 'identifier' && token.text.includes('.')) {
			throw new EqlError(`Invalid filter: unknown property '${token.text}' at position ${token.position + 1}`);
		}
		return this.unexpected(token, 'an attribute ($code$) or an entity property');
	}

	private condition(): EqlExpression {
		const operand = this.operand();
		const token = this.next();
		if (this.keyword(token, 'IS')) {
			const negated = this.keyword(this.peek(), 'NOT');
			if (negated) this.next();
			const nullToken = this.next();
			if (!this.keyword(nullToken, 'NULL')) this.unexpected(nullToken, 'NULL');
			return { kind: 'null', operand, negated };
		}
		const notLike = this.keyword(token, 'NOT');
		if (notLike || this.keyword(token, 'LIKE')) {
			if (notLike) {
				const like = this.next();
				if (this.keyword(like, 'IN')) this.refuseIn(like);
				if (!this.keyword(like, 'LIKE')) this.unexpected(like, 'LIKE');
			}
			const pattern = this.next();
			if (pattern.type !== 'string') this.unexpected(pattern, 'a quoted pattern');
			return { kind: 'like', operand, pattern: pattern.text, negated: notLike };
		}
		if (this.keyword(token, 'IN')) this.refuseIn(token);
		if (token.type !== 'operator') this.unexpected(token, 'an operator (=, <>, >, >=, <, <=, LIKE, IS NULL)');
		return { kind: 'compare', operand, operator: token.text as EqlComparison, literal: this.literal() };
	}

	private refuseIn(token: Token): never {
		throw new EqlError(
			`Invalid filter: IN is not supported by this ESM sandbox (unverified in EQL) at position ${token.position + 1}; use OR of = comparisons`,
		);
	}

	private literal(): EqlLiteral {
		const token = this.next();
		if (token.type === 'string') return { kind: 'string', value: token.text };
		if (token.type === 'number') return { kind: 'number', value: Number(token.text), text: token.text };
		if (this.keyword(token, 'TRUE') || this.keyword(token, 'FALSE')) return { kind: 'boolean', value: token.text.toUpperCase() === 'TRUE' };
		return this.unexpected(token, "a value ('text', number, true or false)");
	}
}

export function parseEql(text: string): EqlExpression {
	if (!text.trim()) throw new EqlError('Invalid filter: the filter is empty');
	return new Parser(tokenize(text)).parse();
}

/** Every operand an expression names (to validate codes, and to see whether it mentions entity.deleted). */
export function operandsOf(expression: EqlExpression): EqlOperand[] {
	switch (expression.kind) {
		case 'and':
		case 'or':
			return expression.items.flatMap(operandsOf);
		case 'not':
			return operandsOf(expression.expression);
		default:
			return [expression.operand];
	}
}

// Evaluation ---------------------------------------------------------------------------------------

/** What a card offers a filter: per operand, its comparable values (empty = NULL) and their kind. */
export interface EqlValueReader<T> {
	values(item: T, operand: EqlOperand): Array<string | number | boolean>;
	kind(operand: EqlOperand): 'text' | 'number' | 'date' | 'boolean';
}

/** Relative dates ESM filters use: now, now - 2w, start_day, start_week, start_month, start_year, today. */
export function parseEqlDate(text: string, now: number): number | undefined {
	const trimmed = text.trim();
	const relative = /^now\s*(?:([+-])\s*(\d+)\s*([smhdwMy]))?$/i.exec(trimmed);
	if (relative) {
		if (!relative[1]) return now;
		const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };
		const unit = relative[3] === 'M' ? 'M' : relative[3].toLowerCase() === 'm' ? 'm' : relative[3].toLowerCase();
		return now + (relative[1] === '-' ? -1 : 1) * Number(relative[2]) * units[unit];
	}
	const day = new Date(now);
	day.setUTCHours(0, 0, 0, 0);
	switch (trimmed.toLowerCase()) {
		case 'start_day':
		case 'today':
			return day.getTime();
		case 'start_week':
			day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
			return day.getTime();
		case 'start_month':
			day.setUTCDate(1);
			return day.getTime();
		case 'start_year':
			day.setUTCMonth(0, 1);
			return day.getTime();
	}
	const finnish = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(trimmed);
	if (finnish) return Date.UTC(Number(finnish[3]), Number(finnish[2]) - 1, Number(finnish[1]));
	const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(trimmed);
	if (iso) {
		const [, y, mo, d, h, mi, s, zone] = iso;
		if (zone) return Date.parse(trimmed.replace(' ', 'T'));
		return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
	}
	return undefined;
}

function likeToRegex(pattern: string): RegExp {
	const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
	return new RegExp(`^${source}$`, 'is');
}

function literalFor(literal: EqlLiteral, kind: ReturnType<EqlValueReader<unknown>['kind']>, now: number, where: string): string | number | boolean {
	switch (kind) {
		case 'number': {
			const value = literal.kind === 'number' ? literal.value : Number(literal.value);
			if (typeof value !== 'number' || Number.isNaN(value)) throw new EqlError(`Invalid filter: ${where} needs a number, not '${String(literal.value)}'`);
			return value;
		}
		case 'date': {
			const value = literal.kind === 'string' ? parseEqlDate(literal.value, now) : literal.kind === 'number' ? literal.value : undefined;
			if (value === undefined) throw new EqlError(`Invalid filter: '${String(literal.value)}' is not a date for ${where}`);
			return value;
		}
		case 'boolean':
			if (literal.kind === 'boolean') return literal.value;
			if (literal.kind === 'number' && (literal.value === 0 || literal.value === 1)) return literal.value === 1;
			if (literal.kind === 'string' && ['true', 'false', '0', '1'].includes(literal.value.toLowerCase())) {
				return ['true', '1'].includes(literal.value.toLowerCase());
			}
			throw new EqlError(`Invalid filter: ${where} is 0/1 or true/false, not '${String(literal.value)}'`);
		default:
			return literal.kind === 'number' ? literal.text : String(literal.value);
	}
}

function describeOperand(operand: EqlOperand): string {
	return operand.kind === 'attribute' ? `$${operand.code}$` : operand.name;
}

/** Compiles a parsed filter into a predicate; literals are checked against the operand kinds now (400 early). */
export function compileEql<T>(expression: EqlExpression, reader: EqlValueReader<T>, now: number): (item: T) => boolean {
	switch (expression.kind) {
		case 'and': {
			const items = expression.items.map((item) => compileEql(item, reader, now));
			return (item) => items.every((predicate) => predicate(item));
		}
		case 'or': {
			const items = expression.items.map((item) => compileEql(item, reader, now));
			return (item) => items.some((predicate) => predicate(item));
		}
		case 'not': {
			const inner = compileEql(expression.expression, reader, now);
			return (item) => !inner(item);
		}
		case 'null':
			return (item) => (reader.values(item, expression.operand).length === 0) !== expression.negated;
		case 'like': {
			const regex = likeToRegex(expression.pattern);
			return (item) => {
				const values = reader.values(item, expression.operand).map(String);
				// SQL semantics: NULL is neither LIKE nor NOT LIKE anything.
				if (!values.length) return false;
				const hit = values.some((value) => regex.test(value));
				return expression.negated ? !hit : hit;
			};
		}
		case 'compare': {
			const kind = reader.kind(expression.operand);
			const target = literalFor(expression.literal, kind, now, describeOperand(expression.operand));
			const op = expression.operator;
			const test = (value: string | number | boolean): boolean => {
				if (op === '=') return value === target;
				if (op === '<>') return value !== target;
				if (typeof value === 'boolean' || typeof target === 'boolean') return false;
				if (op === '>') return value > target;
				if (op === '>=') return value >= target;
				if (op === '<') return value < target;
				return value <= target;
			};
			return (item) => {
				const values = reader.values(item, expression.operand);
				if (!values.length) return false;
				// A multi-value attribute is "<> x" only when none of its values is x.
				return op === '<>' ? values.every(test) : values.some(test);
			};
		}
	}
}
