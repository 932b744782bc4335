import { bindJql, jqlAnd, jqlDateTime, jqlString, jqlUpdatedSince, jqlValue, JqlValueError, splitOrderBy } from '../../nodes/Jira/jql';

describe('jqlString', () => {
	it('quotes and escapes quotes and backslashes', () => {
		expect(jqlString('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
	});

	it('keeps an injection attempt inside the literal', () => {
		const hostile = 'x" OR project = SECRET OR summary ~ "y';
		expect(`summary ~ ${jqlString(hostile)}`).toBe('summary ~ "x\\" OR project = SECRET OR summary ~ \\"y"');
	});

	it('writes line breaks and tabs as escapes', () => {
		expect(jqlString('a\nb\r\nc\td')).toBe('"a\\nb\\nc\\td"');
	});

	it('refuses control characters', () => {
		expect(() => jqlString('bad\u0007bell')).toThrow(JqlValueError);
	});
});

describe('jqlValue', () => {
	it('renders lists for IN, numbers bare, null as EMPTY', () => {
		expect(jqlValue(['A-1', 'B "2"'])).toBe('("A-1", "B \\"2\\"")');
		expect(jqlValue(42)).toBe('42');
		expect(jqlValue(null)).toBe('EMPTY');
	});

	it('refuses an empty list', () => {
		expect(() => jqlValue([])).toThrow('empty list');
	});
});

describe('bindJql', () => {
	it('replaces :name placeholders with escaped values', () => {
		expect(bindJql('project = :project AND summary ~ :text ORDER BY updated', { project: 'ABC', text: 'he said "no"' })).toBe(
			'project = "ABC" AND summary ~ "he said \\"no\\"" ORDER BY updated',
		);
	});

	it('leaves placeholders inside string literals alone', () => {
		expect(bindJql('summary ~ "time :now" AND key = :key', { key: 'A-1' })).toBe('summary ~ "time :now" AND key = "A-1"');
	});

	it('does not treat cf[10010]:x or times as placeholders', () => {
		expect(bindJql('updated >= "2024-01-01 10:00" AND key in (:keys)', { keys: ['A-1', 'A-2'] })).toBe(
			'updated >= "2024-01-01 10:00" AND key in (("A-1", "A-2"))',
		);
	});

	it('names an undefined placeholder', () => {
		expect(() => bindJql('project = :proj', { project: 'ABC' })).toThrow('no JQL value named "proj"');
	});

	it('names a placeholder that only the prototype of an object has (it is not a JQL value)', () => {
		expect(() => bindJql('project = :constructor', {})).toThrow('no JQL value named "constructor"');
		expect(() => bindJql('summary ~ :toString', { text: 'x' })).toThrow('no JQL value named "toString"');
	});
});

describe('ORDER BY handling', () => {
	it('splits a trailing ORDER BY outside literals', () => {
		expect(splitOrderBy('summary ~ "order by x" ORDER BY created DESC')).toEqual({
			where: 'summary ~ "order by x"',
			orderBy: 'ORDER BY created DESC',
		});
	});

	it('adds a clause so that an OR in the user JQL cannot swallow it', () => {
		expect(jqlAnd('project = A OR project = B order by updated', 'updated >= "2026-01-01 00:00"')).toBe(
			'(project = A OR project = B) AND updated >= "2026-01-01 00:00" order by updated',
		);
		expect(jqlAnd('', 'updated >= -1d')).toBe('updated >= -1d');
	});
});

describe('dates', () => {
	it('formats minutes in the account time zone', () => {
		expect(jqlDateTime('2026-11-23T10:15:59Z', 'Europe/Helsinki')).toBe('2026-11-23 12:15');
		expect(jqlDateTime(new Date('2026-11-23T10:15:00Z'))).toBe('2026-11-23 10:15');
	});

	it('builds the incremental clause with overlap', () => {
		expect(jqlUpdatedSince('2026-11-23T10:15:30Z', 1, 'UTC')).toBe('updated >= "2026-11-23 10:14"');
	});

	it('refuses a watermark that is not a date', () => {
		expect(() => jqlUpdatedSince('yesterday', 1)).toThrow(JqlValueError);
	});
});
