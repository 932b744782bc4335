/**
 * A JQL parser for the subset our nodes and templates use: clauses `field op value` with
 * = != ~ !~ > >= < <= IN / NOT IN / IS [NOT] EMPTY, AND / OR / NOT, parentheses, functions
 * (currentUser(), now(), startOfDay() ...) and ORDER BY. Quoted strings take Jira's escapes
 * (`\"`, `\'`, `\\`, `\n`, `\t`, `\r`, `\ `, `\uXXXX`). Anything else is a JqlError, which the
 * emulator answers with Jira's 400 `{errorMessages, errors}` instead of guessing a meaning.
 *
 * This file knows grammar only; which fields exist and what values mean is in search.ts.
 */

export class JqlError extends Error {}

export type JqlOperator = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=' | 'IN' | 'NOT IN' | 'IS' | 'IS NOT';

export type JqlValue =
	| { kind: 'string'; value: string; quoted: boolean; position: number }
	| { kind: 'function'; name: string; args: string[]; position: number }
	| { kind: 'empty'; position: number }
	| { kind: 'list'; items: JqlValue[]; position: number };

export interface JqlClause {
	kind: 'clause';
	field: string;
	operator: JqlOperator;
	value: JqlValue;
	position: number;
}

export type JqlExpression =
	| JqlClause
	| { kind: 'and' | 'or'; items: JqlExpression[] }
	| { kind: 'not'; expression: JqlExpression };

export interface JqlSort {
	field: string;
	direction: 'ASC' | 'DESC';
	position: number;
}

export interface JqlQuery {
	where?: JqlExpression;
	orderBy: JqlSort[];
}

type TokenType = 'word' | 'string' | 'op' | '(' | ')' | ',' | 'end';

interface Token {
	type: TokenType;
	text: string;
	/** 0-based offset in the query. */
	position: number;
}

/** Characters that end an unquoted word. */
const DELIMITERS = new Set([' ', '\t', '\n', '\r', '(', ')', ',', '=', '!', '<', '>', '~', '"', "'", '&', '|']);

function where(position: number): string {
	return `(line 1, character ${position + 1})`;
}

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
		if (ch === '(' || ch === ')' || ch === ',') {
			tokens.push({ type: ch, text: ch, position: start });
			i++;
			continue;
		}
		if (ch === '"' || ch === "'") {
			let value = '';
			i++;
			let closed = false;
			while (i < text.length) {
				const c = text[i];
				if (c === '\\') {
					const next = text[i + 1];
					const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t', ' ': ' ' };
					if (next !== undefined && next in simple) {
						value += simple[next];
						i += 2;
						continue;
					}
					if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
						value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
						i += 6;
						continue;
					}
					throw new JqlError(
						`Error in the JQL Query: The escape sequence '\\${next ?? ''}' in the quoted string '${value}' is invalid. ${where(i)}`,
					);
				}
				if (c === ch) {
					closed = true;
					i++;
					break;
				}
				value += c;
				i++;
			}
			if (!closed) {
				throw new JqlError(`Error in the JQL Query: The quoted string '${value}' has not been completed. ${where(start)}`);
			}
			tokens.push({ type: 'string', text: value, position: start });
			continue;
		}
		const two = text.slice(i, i + 2);
		if (['!=', '>=', '<=', '!~', '&&', '||'].includes(two)) {
			tokens.push({ type: two === '&&' || two === '||' ? 'word' : 'op', text: two === '&&' ? 'AND' : two === '||' ? 'OR' : two, position: start });
			i += 2;
			continue;
		}
		if (['=', '>', '<', '~'].includes(ch)) {
			tokens.push({ type: 'op', text: ch, position: start });
			i++;
			continue;
		}
		if (ch === '&' || ch === '|') {
			tokens.push({ type: 'word', text: ch === '&' ? 'AND' : 'OR', position: start });
			i++;
			continue;
		}
		if (ch === '!') {
			tokens.push({ type: 'word', text: 'NOT', position: start });
			i++;
			continue;
		}
		while (i < text.length && !DELIMITERS.has(text[i])) i++;
		tokens.push({ type: 'word', text: text.slice(start, i), position: start });
	}
	tokens.push({ type: 'end', text: '', position: text.length });
	return tokens;
}

const RESERVED_WORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'EMPTY', 'NULL', 'ORDER', 'BY', 'ASC', 'DESC']);
/** Real JQL, but history searches the emulator does not keep: refused, not silently ignored. */
const UNSUPPORTED_WORDS = new Set(['WAS', 'CHANGED', 'BEFORE', 'AFTER', 'DURING', 'ON', 'FROM', 'TO']);

class Parser {
	private index = 0;

	constructor(private readonly tokens: Token[]) {}

	private peek(offset = 0): Token {
		return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
	}

	private next(): Token {
		const token = this.peek();
		if (token.type !== 'end') this.index++;
		return token;
	}

	private isWord(token: Token, word: string): boolean {
		return token.type === 'word' && token.text.toUpperCase() === word;
	}

	private describe(token: Token): string {
		return token.type === 'end' ? 'end of query' : `'${token.text}'`;
	}

	parse(): JqlQuery {
		let where: JqlExpression | undefined;
		if (this.peek().type !== 'end' && !this.isOrderBy()) where = this.orExpression();
		const orderBy: JqlSort[] = [];
		if (this.isOrderBy()) {
			this.next();
			this.next();
			do {
				const token = this.next();
				if (token.type !== 'word' && token.type !== 'string') {
					throw new JqlError(`Error in the JQL Query: Expecting a field name but got ${this.describe(token)}. ${where_(token)}`);
				}
				let direction: 'ASC' | 'DESC' = 'ASC';
				if (this.isWord(this.peek(), 'ASC') || this.isWord(this.peek(), 'DESC')) {
					direction = this.next().text.toUpperCase() as 'ASC' | 'DESC';
				}
				orderBy.push({ field: token.text, direction, position: token.position });
			} while (this.peek().type === ',' && this.next());
		}
		const rest = this.peek();
		if (rest.type !== 'end') {
			throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got ${this.describe(rest)}. ${where_(rest)}`);
		}
		return { where, orderBy };
	}

	private isOrderBy(): boolean {
		return this.isWord(this.peek(), 'ORDER') && this.isWord(this.peek(1), 'BY');
	}

	private orExpression(): JqlExpression {
		const items = [this.andExpression()];
		while (this.isWord(this.peek(), 'OR')) {
			this.next();
			items.push(this.andExpression());
		}
		return items.length === 1 ? items[0] : { kind: 'or', items };
	}

	private andExpression(): JqlExpression {
		const items = [this.notExpression()];
		while (this.isWord(this.peek(), 'AND')) {
			this.next();
			items.push(this.notExpression());
		}
		return items.length === 1 ? items[0] : { kind: 'and', items };
	}

	private notExpression(): JqlExpression {
		if (this.isWord(this.peek(), 'NOT')) {
			this.next();
			return { kind: 'not', expression: this.notExpression() };
		}
		if (this.peek().type === '(') {
			this.next();
			const inner = this.orExpression();
			const close = this.next();
			if (close.type !== ')') {
				throw new JqlError(`Error in the JQL Query: Expecting ')' but got ${this.describe(close)}. ${where_(close)}`);
			}
			return inner;
		}
		return this.clause();
	}

	private clause(): JqlClause {
		const field = this.next();
		if ((field.type !== 'word' && field.type !== 'string') || (field.type === 'word' && RESERVED_WORDS.has(field.text.toUpperCase()))) {
			throw new JqlError(`Error in the JQL Query: Expecting a field name but got ${this.describe(field)}. ${where_(field)}`);
		}
		const operator = this.operator();
		let value: JqlValue;
		if (operator === 'IS' || operator === 'IS NOT') {
			const token = this.next();
			if (!this.isWord(token, 'EMPTY') && !this.isWord(token, 'NULL')) {
				throw new JqlError(
					`Error in the JQL Query: Expecting 'EMPTY' or 'NULL' after '${operator}' but got ${this.describe(token)}. ${where_(token)}`,
				);
			}
			value = { kind: 'empty', position: token.position };
		} else if (operator === 'IN' || operator === 'NOT IN') {
			const open = this.next();
			if (open.type !== '(') {
				throw new JqlError(`Error in the JQL Query: Expecting '(' but got ${this.describe(open)}. ${where_(open)}`);
			}
			const items: JqlValue[] = [];
			do {
				items.push(this.value());
			} while (this.peek().type === ',' && this.next());
			const close = this.next();
			if (close.type !== ')') {
				throw new JqlError(`Error in the JQL Query: Expecting ')' but got ${this.describe(close)}. ${where_(close)}`);
			}
			value = { kind: 'list', items, position: open.position };
		} else {
			value = this.value();
		}
		return { kind: 'clause', field: field.text, operator, value, position: field.position };
	}

	private operator(): JqlOperator {
		const token = this.next();
		if (token.type === 'op') return token.text as JqlOperator;
		if (token.type === 'word') {
			const word = token.text.toUpperCase();
			if (word === 'IN') return 'IN';
			if (word === 'NOT' && this.isWord(this.peek(), 'IN')) {
				this.next();
				return 'NOT IN';
			}
			if (word === 'IS') {
				if (this.isWord(this.peek(), 'NOT')) {
					this.next();
					return 'IS NOT';
				}
				return 'IS';
			}
			if (UNSUPPORTED_WORDS.has(word)) {
				throw new JqlError(
					`Error in the JQL Query: The operator '${word}' (history search) is not supported by this Jira sandbox. ${where_(token)}`,
				);
			}
		}
		throw new JqlError(
			`Error in the JQL Query: Expecting operator but got ${this.describe(token)}. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. ${where_(token)}`,
		);
	}

	private value(): JqlValue {
		const token = this.next();
		if (token.type === 'string') return { kind: 'string', value: token.text, quoted: true, position: token.position };
		if (token.type === 'word' && !RESERVED_WORDS.has(token.text.toUpperCase())) {
			if (this.peek().type === '(') {
				this.next();
				const args: string[] = [];
				if (this.peek().type !== ')') {
					do {
						const arg = this.next();
						if (arg.type !== 'word' && arg.type !== 'string') {
							throw new JqlError(`Error in the JQL Query: Expecting a function argument but got ${this.describe(arg)}. ${where_(arg)}`);
						}
						args.push(arg.text);
					} while (this.peek().type === ',' && this.next());
				}
				const close = this.next();
				if (close.type !== ')') {
					throw new JqlError(`Error in the JQL Query: Expecting ')' but got ${this.describe(close)}. ${where_(close)}`);
				}
				return { kind: 'function', name: token.text, args, position: token.position };
			}
			return { kind: 'string', value: token.text, quoted: false, position: token.position };
		}
		if (this.isWord(token, 'EMPTY') || this.isWord(token, 'NULL')) return { kind: 'empty', position: token.position };
		throw new JqlError(
			`Error in the JQL Query: Expecting either a value, list or function but got ${this.describe(token)}.${
				token.type === 'end' ? '' : ` You must surround ${this.describe(token)} in quotation marks to use it as a value.`
			} ${where_(token)}`,
		);
	}
}

function where_(token: Token): string {
	return where(token.position);
}

export function parseJql(text: string): JqlQuery {
	return new Parser(tokenize(text)).parse();
}
