import { DateTime } from 'luxon';

import {
	bindEql,
	eqlAnd,
	eqlAttribute,
	eqlDate,
	eqlEquals,
	eqlIsNull,
	eqlOr,
	eqlOrChunks,
	eqlString,
	eqlValue,
	EqlValueError,
} from '../../nodes/CoreProIga/eql';

describe('eqlString', () => {
	it('single-quotes and doubles quotes inside', () => {
		expect(eqlString("O'Brien")).toBe("'O''Brien'");
		expect(eqlString("''")).toBe("''''''");
		expect(eqlString('')).toBe("''");
	});

	it('keeps an injection attempt inside the literal', () => {
		const hostile = "x' OR $status$ <> 'y";
		expect(`$name$ = ${eqlString(hostile)}`).toBe("$name$ = 'x'' OR $status$ <> ''y'");
	});

	it.each([
		['line feed', 'a\nb'],
		['carriage return', 'a\rb'],
		['tab', 'a\tb'],
		['NUL', 'a\u0000b'],
		['DEL', 'a\u007fb'],
	])('refuses a %s and names the value', (_name, value) => {
		expect(() => eqlString(value)).toThrow(EqlValueError);
		expect(() => eqlString(value)).toThrow(JSON.stringify(value));
	});

	it('keeps non-ASCII text', () => {
		expect(eqlString('Jyväskylä – ÅÄÖ')).toBe("'Jyväskylä – ÅÄÖ'");
	});
});

describe('eqlValue', () => {
	it('writes numbers bare, booleans as 1 / 0 and strings quoted', () => {
		expect(eqlValue(42)).toBe('42');
		expect(eqlValue(-0.5)).toBe('-0.5');
		expect(eqlValue(true)).toBe('1');
		expect(eqlValue(false)).toBe('0');
		expect(eqlValue("it's")).toBe("'it''s'");
	});

	it('writes dates as quoted yyyy-MM-dd', () => {
		expect(eqlValue(new Date('2024-03-05T23:30:00Z'))).toBe("'2024-03-05'");
		expect(eqlValue(DateTime.fromISO('2024-03-06T00:30:00', { zone: 'Europe/Helsinki' }))).toBe("'2024-03-06'");
	});

	it('refuses null, undefined, NaN, lists and objects', () => {
		expect(() => eqlValue(null)).toThrow('IS NULL');
		expect(() => eqlValue(undefined)).toThrow(EqlValueError);
		expect(() => eqlValue(Number.NaN)).toThrow(EqlValueError);
		expect(() => eqlValue(['a', 'b'])).toThrow('eqlOrChunks');
		expect(() => eqlValue({ a: 1 })).toThrow(EqlValueError);
	});
});

describe('eqlDate', () => {
	it('formats with time in UTC or a given zone', () => {
		expect(eqlDate('2024-03-05T10:15:30+02:00', { withTime: true, timeZone: 'UTC' })).toBe("'2024-03-05 08:15:30'");
		expect(eqlDate(new Date('2024-03-05T10:15:30Z'), { withTime: true })).toBe("'2024-03-05 10:15:30'");
		expect(eqlDate(new Date('2024-03-05T23:15:30Z'), { timeZone: 'Europe/Helsinki' })).toBe("'2024-03-06'");
	});

	it('refuses what is not a date', () => {
		expect(() => eqlDate('next tuesday')).toThrow(EqlValueError);
	});
});

describe('eqlAttribute / eqlEquals / eqlIsNull', () => {
	it('wraps codes in $...$', () => {
		expect(eqlAttribute('efecte_id')).toBe('$efecte_id$');
		expect(eqlEquals('status', '5 - Removed')).toBe("$status$ = '5 - Removed'");
		expect(eqlEquals('count', 3)).toBe('$count$ = 3');
		expect(eqlIsNull('external_id')).toBe('$external_id$ IS NULL');
	});

	it.each(['', 'bad code', 'a$b', "x$ = 'y' OR $z", 'ä', 'a-b'])('refuses the code %j', (code) => {
		expect(() => eqlAttribute(code)).toThrow(EqlValueError);
		expect(() => eqlAttribute(code)).toThrow('letters, digits and underscores');
	});

	it('refuses comparing with null', () => {
		expect(() => eqlEquals('status', null)).toThrow('IS NULL');
	});
});

describe('eqlAnd / eqlOr', () => {
	it('parenthesises conditions with a top-level OR and drops empty ones', () => {
		expect(eqlAnd("$a$ = '1' OR $b$ = '2'", '', "$c$ = '3'", '  ')).toBe("($a$ = '1' OR $b$ = '2') AND $c$ = '3'");
	});

	it('leaves OR inside literals, codes and parentheses alone', () => {
		expect(eqlAnd("$a$ = 'this OR that'", '$or$ = 1', "($x$ = 1 OR $y$ = 2)", 'entity.deleted = 0')).toBe(
			"$a$ = 'this OR that' AND $or$ = 1 AND ($x$ = 1 OR $y$ = 2) AND entity.deleted = 0",
		);
		expect(eqlAnd("$a$ = 'it''s OR' AND $b$ = 2", '$c$ = 3')).toBe("$a$ = 'it''s OR' AND $b$ = 2 AND $c$ = 3");
	});

	it('matches OR case-insensitively as a word only', () => {
		expect(eqlAnd('$a$ = 1 or $b$ = 2', '$c$ = 3')).toBe('($a$ = 1 or $b$ = 2) AND $c$ = 3');
		expect(eqlAnd('$order$ = 1', '$c$ = 3')).toBe('$order$ = 1 AND $c$ = 3');
	});

	it('returns a single condition as it is, and nothing for nothing', () => {
		expect(eqlAnd('', "$a$ = '1' OR $b$ = '2'")).toBe("$a$ = '1' OR $b$ = '2'");
		expect(eqlAnd()).toBe('');
		expect(eqlOr('', '')).toBe('');
	});

	it('joins with OR, parenthesising AND groups', () => {
		expect(eqlOr('$a$ = 1', '$b$ = 2 AND $c$ = 3', '')).toBe('$a$ = 1 OR ($b$ = 2 AND $c$ = 3)');
	});
});

describe('eqlOrChunks', () => {
	it('de-duplicates and joins with OR', () => {
		expect(eqlOrChunks('efecte_id', ['A-1', 'B-2', 'A-1', '', "C'3"])).toEqual([
			"$efecte_id$ = 'A-1' OR $efecte_id$ = 'B-2' OR $efecte_id$ = 'C''3'",
		]);
	});

	it('keeps every chunk within maxLength and loses no value', () => {
		const values = Array.from({ length: 200 }, (_, i) => `PER-${String(i).padStart(6, '0')}`);
		const chunks = eqlOrChunks('efecte_id', [...values, ...values], 300);
		expect(chunks.length).toBeGreaterThan(1);
		for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(300);
		const found = chunks.flatMap((chunk) => chunk.split(' OR ').map((part) => part.replace(/^\$efecte_id\$ = '(.*)'$/, '$1')));
		expect(found).toEqual(values);
	});

	it('packs exactly up to the limit', () => {
		// "$k$ = 'a'" is 9 characters, " OR " 4: two fit in 22, not in 21.
		expect(eqlOrChunks('k', ['a', 'b'], 22)).toEqual(["$k$ = 'a' OR $k$ = 'b'"]);
		expect(eqlOrChunks('k', ['a', 'b'], 21)).toEqual(["$k$ = 'a'", "$k$ = 'b'"]);
	});

	it('gives a value longer than maxLength its own chunk', () => {
		const long = 'x'.repeat(50);
		expect(eqlOrChunks('k', ['a', long, 'b'], 30)).toEqual(["$k$ = 'a'", `$k$ = '${long}'`, "$k$ = 'b'"]);
	});

	it('returns no chunk for no values and validates code and values', () => {
		expect(eqlOrChunks('k', [])).toEqual([]);
		expect(() => eqlOrChunks('bad code', ['a'])).toThrow(EqlValueError);
		expect(() => eqlOrChunks('k', ['a\nb'])).toThrow(EqlValueError);
	});
});

describe('bindEql', () => {
	it('replaces :name placeholders with EQL values', () => {
		expect(bindEql('$efecte_id$ = :key AND $count$ > :n AND entity.deleted = :deleted', { key: "O'Brien", n: 5, deleted: false })).toBe(
			"$efecte_id$ = 'O''Brien' AND $count$ > 5 AND entity.deleted = 0",
		);
	});

	it('leaves placeholders inside literals alone, also after doubled quotes', () => {
		expect(bindEql("$a$ = 'at :time' AND $b$ = 'it'':s :x' AND $c$ = :c", { c: 'v' })).toBe(
			"$a$ = 'at :time' AND $b$ = 'it'':s :x' AND $c$ = 'v'",
		);
	});

	it('does not take word:word as a placeholder', () => {
		expect(bindEql('$a$ = x:y AND $b$ = :b', { b: 1 })).toBe('$a$ = x:y AND $b$ = 1');
	});

	it('names an unknown placeholder', () => {
		expect(() => bindEql('$a$ = :missing', { other: 1 })).toThrow(EqlValueError);
		expect(() => bindEql('$a$ = :missing', { other: 1 })).toThrow('no EQL value named "missing"');
		expect(() => bindEql('$a$ = :constructor', {})).toThrow('no EQL value named "constructor"');
		expect(() => bindEql('$a$ = :toString', {})).toThrow('"toString"');
	});

	it('refuses an unclosed quote and bad values', () => {
		expect(() => bindEql("$a$ = 'open AND $b$ = :b", { b: 1 })).toThrow('unclosed quote');
		expect(() => bindEql('$a$ = :v', { v: 'a\tb' })).toThrow(EqlValueError);
		expect(() => bindEql('$a$ = :v', { v: null })).toThrow('IS NULL');
	});
});
