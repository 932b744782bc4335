import { DateTime } from 'luxon';

import {
	cardErrors,
	EsmValueError,
	findAttribute,
	parseTemplate,
	simplifyCard,
	toEsmData,
	toEsmValues,
	type EsmAttributeMeta,
} from '../../nodes/CoreProIga/values';

/** A `GET /dc/{templateCode}` body in the shape of the spec's RESTTemplateInfo. */
const templateDetail = {
	name: 'Person',
	code: 'person',
	allowedFolders: [
		{ folderName: 'Personnel', folderCode: 'personnel' },
		{ folderName: 'Former staff', folderCode: 'former' },
	],
	attributes: {
		subject: { name: 'Subject', multiValue: false, type: 'string', file: false },
		tags: { name: 'Tags', multiValue: true, type: 'string' },
		count: { name: 'Count', multiValue: false, type: 'number' },
		start_date: { name: 'Start date', multiValue: false, type: 'date' },
		updated_at: { name: 'Updated at', multiValue: false, type: 'datetime' },
		status: {
			name: 'Status',
			multiValue: false,
			type: 'static-value',
			values: [
				{ code: 'st_new', value: '1 - New' },
				{ code: 'st_active', value: '2 - Active' },
				{ code: 'st_removed', value: '5 - Removed' },
			],
		},
		roles: {
			name: 'Roles',
			multiValue: true,
			type: 'static-value',
			values: [
				{ code: 'admin', value: 'Administrator' },
				{ code: 'user', value: 'User' },
			],
		},
		manager: { name: 'Manager', multiValue: false, type: 'reference', target: ['person'] },
		groups: { name: 'Groups', multiValue: true, type: 'reference', target: ['group'] },
		homepage: { name: 'Home page', multiValue: false, type: 'external-reference', file: false },
		attachment: { name: 'Attachment', multiValue: false, type: 'external-reference', file: true },
		notes: { name: 'Notes', multiValue: false, type: 'worklog' },
		mystery: { name: 'Mystery', multiValue: false, type: 'geo-point' },
	},
};

const template = parseTemplate(templateDetail);
const attr = (code: string): EsmAttributeMeta => {
	const meta = template.attributes.find((attribute) => attribute.code === code);
	if (!meta) throw new Error(`fixture has no ${code}`);
	return meta;
};

describe('parseTemplate', () => {
	it('reads code, name, folders and attributes', () => {
		expect(template.code).toBe('person');
		expect(template.name).toBe('Person');
		expect(template.folders).toEqual([
			{ code: 'personnel', name: 'Personnel' },
			{ code: 'former', name: 'Former staff' },
		]);
		expect(template.attributes.map((attribute) => attribute.code)).toEqual(Object.keys(templateDetail.attributes));
		expect(attr('status')).toEqual({
			code: 'status',
			name: 'Status',
			type: 'static-value',
			multiValue: false,
			values: [
				{ code: 'st_new', value: '1 - New' },
				{ code: 'st_active', value: '2 - Active' },
				{ code: 'st_removed', value: '5 - Removed' },
			],
		});
		expect(attr('groups')).toEqual({ code: 'groups', name: 'Groups', type: 'reference', multiValue: true, target: ['group'] });
		expect(attr('attachment').file).toBe(true);
	});

	it('tolerates missing parts and odd choice shapes', () => {
		expect(parseTemplate(undefined)).toEqual({ code: '', name: '', folders: [], attributes: [] });
		expect(parseTemplate({ code: 'x' })).toEqual({ code: 'x', name: 'x', folders: [], attributes: [] });
		const parsed = parseTemplate({
			code: 'x',
			attributes: {
				a: {},
				b: { type: 'static-value', values: [{ code: null, value: '02.02.2011' }, { value: 7 }, { value: { value: 'nested' } }, null] },
			},
		});
		expect(parsed.attributes).toEqual([
			{ code: 'a', name: 'a', type: 'string', multiValue: false },
			{ code: 'b', name: 'b', type: 'static-value', multiValue: false, values: [{ value: '02.02.2011' }, { value: '7' }, { value: 'nested' }] },
		]);
	});
});

describe('toEsmValues: empty, single and multi value', () => {
	it.each([null, undefined, '', '   ', []])('clears the attribute for %j', (input) => {
		expect(toEsmValues(attr('subject'), input)).toEqual({ values: [] });
	});

	it('writes text', () => {
		expect(toEsmValues(attr('subject'), 'Hello')).toEqual({ values: [{ value: 'Hello' }] });
		expect(toEsmValues(attr('subject'), 12)).toEqual({ values: [{ value: '12' }] });
		expect(toEsmValues(attr('subject'), ['only one'])).toEqual({ values: [{ value: 'only one' }] });
	});

	it('writes several values for a multi-value attribute', () => {
		expect(toEsmValues(attr('tags'), ['a', 'b', null, 'c'])).toEqual({ values: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
	});

	it('refuses several values for a single-value attribute', () => {
		expect(() => toEsmValues(attr('subject'), ['a', 'b'])).toThrow(EsmValueError);
		expect(() => toEsmValues(attr('subject'), ['a', 'b'])).toThrow('The attribute subject (Subject) takes one value, but 2 were given');
		try {
			toEsmValues(attr('subject'), ['a', 'b']);
		} catch (error) {
			expect((error as EsmValueError).attribute).toBe('subject');
		}
	});

	it('refuses an object for text', () => {
		expect(() => toEsmValues(attr('subject'), { a: 1 })).toThrow('is not text for the attribute subject (Subject)');
	});
});

describe('toEsmValues: numbers', () => {
	it('keeps numbers and converts numeric strings', () => {
		expect(toEsmValues(attr('count'), 42)).toEqual({ values: [{ value: 42 }] });
		expect(toEsmValues(attr('count'), 0.2425432341)).toEqual({ values: [{ value: 0.2425432341 }] });
		expect(toEsmValues(attr('count'), ' 17 ')).toEqual({ values: [{ value: 17 }] });
		expect(toEsmValues(attr('count'), '-1.5e3')).toEqual({ values: [{ value: -1500 }] });
		expect(toEsmValues(attr('count'), 0)).toEqual({ values: [{ value: 0 }] });
	});

	it.each(['abc', '1,5', '0x10', 'Infinity', Number.NaN, Number.POSITIVE_INFINITY, true, { x: 1 }])('refuses %j', (input) => {
		expect(() => toEsmValues(attr('count'), input)).toThrow(EsmValueError);
		expect(() => toEsmValues(attr('count'), input)).toThrow('is not a number for the attribute count (Count)');
	});
});

describe('toEsmValues: dates', () => {
	it('writes datetime attributes as UTC ISO with Z and no millis', () => {
		const write = (input: unknown) => toEsmValues(attr('updated_at'), input).values[0].value;
		expect(write('2021-03-24T12:57:57.123+02:00')).toBe('2021-03-24T10:57:57Z');
		expect(write('2021-03-24T10:57:57')).toBe('2021-03-24T10:57:57Z');
		expect(write('2021-03-24 10:57:57')).toBe('2021-03-24T10:57:57Z');
		expect(write('2021-03-24')).toBe('2021-03-24T00:00:00Z');
		expect(write(1616583477000)).toBe('2021-03-24T10:57:57Z');
		expect(write(1616583477)).toBe('2021-03-24T10:57:57Z');
		expect(write('1616583477000')).toBe('2021-03-24T10:57:57Z');
		expect(write(new Date('2021-03-24T10:57:57.999Z'))).toBe('2021-03-24T10:57:57Z');
		expect(write(DateTime.fromISO('2021-03-24T12:57:57', { zone: 'Europe/Helsinki' }))).toBe('2021-03-24T10:57:57Z');
		expect(write('24.03.2021 12:57')).toBe('2021-03-24T12:57:00Z');
	});

	it('writes date attributes as yyyy-MM-dd for a day', () => {
		const write = (input: unknown) => toEsmValues(attr('start_date'), input).values[0].value;
		expect(write('2021-03-24')).toBe('2021-03-24');
		expect(write('20210324')).toBe('2021-03-24');
		expect(write('24.03.2021')).toBe('2021-03-24');
		expect(write(new Date('2021-03-24T00:00:00Z'))).toBe('2021-03-24');
		expect(write(Date.UTC(2021, 2, 24))).toBe('2021-03-24');
		expect(write(Date.UTC(2021, 2, 24) / 1000)).toBe('2021-03-24');
		// n8n's $today: midnight in the workflow's zone is that day, not the previous UTC day.
		expect(write(DateTime.fromISO('2021-03-24T00:00:00', { zone: 'Europe/Helsinki' }))).toBe('2021-03-24');
		expect(write('2021-03-24T00:00:00+02:00')).toBe('2021-03-24');
	});

	it('keeps the time of day given for a date attribute (datetimes are reported as type date too)', () => {
		expect(toEsmValues(attr('start_date'), '2021-03-24T12:57:57+02:00')).toEqual({ values: [{ value: '2021-03-24T10:57:57Z' }] });
	});

	it.each(['tomorrow', '10:00', '2021-13-40', '31.02.2021', new Date('nope'), DateTime.invalid('bad'), Number.NaN, { date: '2021-03-24' }, true])(
		'refuses %p, naming the attribute and the accepted forms',
		(input) => {
			expect(() => toEsmValues(attr('updated_at'), input)).toThrow(EsmValueError);
			expect(() => toEsmValues(attr('updated_at'), input)).toThrow(
				/is not a date for the attribute updated_at \(Updated at\): use ISO 8601 .*epoch milliseconds or seconds, a JavaScript Date or a luxon DateTime/,
			);
		},
	);
});

describe('toEsmValues: dropdowns (static-value)', () => {
	it('matches by display text, by code and case-insensitively, writing the canonical text', () => {
		expect(toEsmValues(attr('status'), '5 - Removed')).toEqual({ values: [{ value: '5 - Removed' }] });
		expect(toEsmValues(attr('status'), '5 - removed ')).toEqual({ values: [{ value: '5 - Removed' }] });
		expect(toEsmValues(attr('status'), 'ST_REMOVED')).toEqual({ values: [{ value: '5 - Removed' }] });
		expect(toEsmValues(attr('status'), { value: '2 - active' })).toEqual({ values: [{ value: '2 - Active' }] });
		expect(toEsmValues(attr('status'), { code: 'st_new' })).toEqual({ values: [{ value: '1 - New' }] });
	});

	it('lists the allowed values for an unknown one', () => {
		expect(() => toEsmValues(attr('status'), 'Removed')).toThrow(
			"'Removed' is not a value of dropdown status (Status); allowed: 1 - New, 2 - Active, 5 - Removed",
		);
	});

	it('writes several choices of a multi-value dropdown', () => {
		expect(toEsmValues(attr('roles'), ['admin', 'user'])).toEqual({ values: [{ value: 'Administrator' }, { value: 'User' }] });
	});

	it('passes the text through when the template lists no choices', () => {
		const meta: EsmAttributeMeta = { code: 'state', name: 'State', type: 'static-value', multiValue: false };
		expect(toEsmValues(meta, '02 - Solving')).toEqual({ values: [{ value: '02 - Solving' }] });
	});
});

describe('toEsmValues: references', () => {
	it('takes a number, a numeric string or an object with dataCardId', () => {
		expect(toEsmValues(attr('manager'), 21357)).toEqual({ values: [{ dataCardId: '21357' }] });
		expect(toEsmValues(attr('manager'), ' 21357 ')).toEqual({ values: [{ dataCardId: '21357' }] });
		expect(toEsmValues(attr('manager'), { dataCardId: '21357', name: 'Disk capacity low' })).toEqual({ values: [{ dataCardId: '21357' }] });
		expect(toEsmValues(attr('manager'), { dataCardId: 21357 })).toEqual({ values: [{ dataCardId: '21357' }] });
		expect(toEsmValues(attr('groups'), [1, '2', { dataCardId: '3' }])).toEqual({
			values: [{ dataCardId: '1' }, { dataCardId: '2' }, { dataCardId: '3' }],
		});
	});

	it('resolves a unique value through the resolver', () => {
		const seen: Array<[string, string]> = [];
		const resolveReference = (meta: EsmAttributeMeta, value: string) => {
			seen.push([meta.code, value]);
			return ({ 'PER-000123': '777' } as Record<string, string>)[value];
		};
		expect(toEsmValues(attr('manager'), 'PER-000123', { resolveReference })).toEqual({ values: [{ dataCardId: '777' }] });
		expect(seen).toEqual([['manager', 'PER-000123']]);
		expect(() => toEsmValues(attr('manager'), 'PER-999', { resolveReference })).toThrow(
			"No data card of template person was found for 'PER-999' (reference attribute manager (Manager))",
		);
	});

	it('says what to do without a resolver', () => {
		expect(() => toEsmValues(attr('manager'), 'PER-000123')).toThrow(
			"'PER-000123' is not a dataCardId for the reference attribute manager (Manager): pass the numeric dataCardId of template person",
		);
	});

	it('refuses objects without dataCardId and non-integer numbers', () => {
		expect(() => toEsmValues(attr('manager'), { name: 'Someone' })).toThrow('is not a reference for the attribute manager (Manager)');
		expect(() => toEsmValues(attr('manager'), 1.5)).toThrow(EsmValueError);
	});
});

describe('toEsmValues: external references, worklogs, unknown types', () => {
	it('writes an external reference from a URL or an object', () => {
		expect(toEsmValues(attr('homepage'), 'https://www.efecte.com')).toEqual({
			values: [{ name: 'https://www.efecte.com', location: 'https://www.efecte.com' }],
		});
		expect(toEsmValues(attr('homepage'), { name: 'Efecte', location: 'https://www.efecte.com' })).toEqual({
			values: [{ name: 'Efecte', location: 'https://www.efecte.com' }],
		});
		expect(toEsmValues(attr('homepage'), { url: 'https://x.test' })).toEqual({ values: [{ name: 'https://x.test', location: 'https://x.test' }] });
		expect(() => toEsmValues(attr('homepage'), { name: 'no location' })).toThrow('is not an external reference for the attribute homepage (Home page)');
	});

	it('writes one worklog value per entry, also on a single-value worklog', () => {
		expect(toEsmValues(attr('notes'), 'First comment')).toEqual({ values: [{ value: 'First comment' }] });
		expect(toEsmValues(attr('notes'), ['Second comment', { value: 'First comment', author: 'ignored' }])).toEqual({
			values: [{ value: 'Second comment' }, { value: 'First comment' }],
		});
	});

	it('passes unknown types through: scalars as text, objects as they are', () => {
		expect(toEsmValues(attr('mystery'), 60.17)).toEqual({ values: [{ value: '60.17' }] });
		expect(toEsmValues(attr('mystery'), { lat: 60.17, lon: 24.94 })).toEqual({ values: [{ lat: 60.17, lon: 24.94 }] });
	});
});

describe('toEsmData', () => {
	it('converts a record keyed by code or display name (case-insensitive)', () => {
		expect(
			toEsmData(template.attributes, {
				subject: 'Printer jam',
				'start DATE': '2021-03-24',
				Status: 'st_active',
				MANAGER: 12,
				Tags: ['x', 'y'],
				homepage: null,
			}),
		).toEqual({
			subject: { values: [{ value: 'Printer jam' }] },
			start_date: { values: [{ value: '2021-03-24' }] },
			status: { values: [{ value: '2 - Active' }] },
			manager: { values: [{ dataCardId: '12' }] },
			tags: { values: [{ value: 'x' }, { value: 'y' }] },
			homepage: { values: [] },
		});
	});

	it('skips empty values on request instead of clearing', () => {
		expect(toEsmData(template.attributes, { subject: '', count: '3', tags: [] }, { skipEmpty: true })).toEqual({
			count: { values: [{ value: 3 }] },
		});
	});

	it('passes the resolver on', () => {
		expect(toEsmData(template.attributes, { Manager: 'PER-1' }, { resolveReference: () => '5' })).toEqual({
			manager: { values: [{ dataCardId: '5' }] },
		});
	});

	it('lists the template attribute codes for an unknown key', () => {
		expect(() => toEsmData(template.attributes, { subjet: 'x' })).toThrow(
			'Unknown attribute "subjet": the template has subject, tags, count, start_date, updated_at, status, roles, manager, groups, homepage, attachment, notes, mystery',
		);
		const many = Array.from({ length: 45 }, (_, i): EsmAttributeMeta => ({ code: `a${i}`, name: `A ${i}`, type: 'string', multiValue: false }));
		let message = '';
		try {
			toEsmData(many, { nope: 1 });
		} catch (error) {
			message = (error as Error).message;
			expect((error as EsmValueError).attribute).toBe('nope');
		}
		expect(message).toContain('a39 (and 5 more)');
		expect(message).not.toContain('a40');
	});

	it('refuses the same attribute given twice', () => {
		expect(() => toEsmData(template.attributes, { subject: 'a', Subject: 'b' })).toThrow('is given twice');
	});

	it('finds attributes by exact code before names', () => {
		const attributes: EsmAttributeMeta[] = [
			{ code: 'title', name: 'Name', type: 'string', multiValue: false },
			{ code: 'name', name: 'Full name', type: 'string', multiValue: false },
		];
		expect(findAttribute(attributes, 'name')?.code).toBe('name');
		expect(findAttribute(attributes, 'full NAME')?.code).toBe('name');
		expect(findAttribute(attributes, 'TITLE')?.code).toBe('title');
	});
});

/** The spec's RESTDataCard example, as esm-api.md 3b shows it (abridged), plus the spec's other attributes. */
const exampleCard = {
	name: 'REST-api example',
	dataCardId: '378180',
	templateName: 'REST example model',
	templateCode: 'rest_example_model',
	templateId: '362524',
	folderName: 'Incident management',
	folderCode: 'incident_management',
	deleted: false,
	hidden: false,
	data: {
		subject: { name: 'Subject', type: 'string', values: [{ value: 'Critical Microsoft Patch Missing' }] },
		empty_or_unauthorized_attribute_code: { name: 'Empty or Unauthorized -attribute', type: 'string', values: [] },
		date_attribute_code: { name: 'Date-attribute', type: 'date', values: [{ value: '2021-03-24' }] },
		datetime_attribute_code: { name: 'Datetime-attribute', type: 'date', values: [{ value: '2021-03-24T10:57:57Z' }] },
		number_attribute_code: { name: 'Number-attribute', type: 'number', values: [{ value: 42 }] },
		reference_attribute_code: {
			name: 'Reference-attribute',
			type: 'reference',
			values: [
				{ name: 'Disk capacity low', dataCardId: '21357', templateName: 'Alert', templateCode: 'alert', deleted: false, hidden: false },
			],
		},
		external_reference_code: {
			name: 'External-reference',
			type: 'external-reference',
			values: [{ name: 'https://www.efecte.com', location: 'https://www.efecte.com' }],
		},
		multi_value_attribute_code: { name: 'Multi value -attribute', type: 'string', values: [{ value: '1' }, { value: '2' }, { value: '3' }] },
		static_value_attribute_code: { name: 'Static-value', type: 'static-value', values: [{ value: '02', code: 'second' }] },
		static_date_attribute_code: { name: 'Static-date', type: 'static-value', values: [{ value: '02.02.2011', code: null }] },
		worklog_attribute_code: {
			name: 'Worklog attribute',
			type: 'worklog',
			values: [
				{ author: 'Abraham Administrator', value: 'Second comment', date: '2021-03-24T08:58:55Z' },
				{ author: 'Ulysses User', value: 'First comment', date: '2021-03-24T08:58:50Z' },
			],
		},
	},
};

describe('simplifyCard', () => {
	it('flattens the spec example card', () => {
		expect(simplifyCard(exampleCard)).toEqual({
			dataCardId: '378180',
			templateCode: 'rest_example_model',
			folderCode: 'incident_management',
			cardName: 'REST-api example',
			deleted: false,
			hidden: false,
			subject: 'Critical Microsoft Patch Missing',
			empty_or_unauthorized_attribute_code: null,
			date_attribute_code: '2021-03-24',
			datetime_attribute_code: '2021-03-24T10:57:57Z',
			number_attribute_code: 42,
			reference_attribute_code: { dataCardId: '21357', name: 'Disk capacity low' },
			external_reference_code: { name: 'https://www.efecte.com', location: 'https://www.efecte.com' },
			multi_value_attribute_code: ['1', '2', '3'],
			static_value_attribute_code: '02',
			static_date_attribute_code: '02.02.2011',
			worklog_attribute_code: [
				{ author: 'Abraham Administrator', value: 'Second comment', date: '2021-03-24T08:58:55Z' },
				{ author: 'Ulysses User', value: 'First comment', date: '2021-03-24T08:58:50Z' },
			],
		});
	});

	it('uses the template to give multi-value attributes lists, also when empty or single', () => {
		const metas: EsmAttributeMeta[] = [
			{ code: 'reference_attribute_code', name: 'Reference-attribute', type: 'reference', multiValue: true },
			{ code: 'empty_or_unauthorized_attribute_code', name: 'Empty', type: 'string', multiValue: true },
			{ code: 'subject', name: 'Subject', type: 'string', multiValue: false },
		];
		const simple = simplifyCard(exampleCard, metas);
		expect(simple.reference_attribute_code).toEqual([{ dataCardId: '21357', name: 'Disk capacity low' }]);
		expect(simple.empty_or_unauthorized_attribute_code).toEqual([]);
		expect(simple.subject).toBe('Critical Microsoft Patch Missing');
		expect(simplifyCard({ ...exampleCard, data: { worklog_attribute_code: { type: 'worklog', values: [] } } }, template).worklog_attribute_code).toEqual(
			[],
		);
	});

	it('simplifies a plain list item (no data) to the card keys', () => {
		expect(simplifyCard({ dataCardId: '34567', name: 'Display is not working.', url: '/dc/incident/data/34567' })).toEqual({
			dataCardId: '34567',
			templateCode: null,
			folderCode: null,
			cardName: 'Display is not working.',
			deleted: null,
		});
	});

	it('moves attributes named like card keys to attr_<code>', () => {
		const simple = simplifyCard({
			dataCardId: '1',
			templateCode: 't',
			folderCode: 'f',
			name: 'Card',
			deleted: false,
			data: {
				deleted: { name: 'Deleted', type: 'string', values: [{ value: 'yes' }] },
				dataCardId: { name: 'Id', type: 'string', values: [{ value: 'X-1' }] },
				name: { name: 'Name', type: 'string', values: [{ value: 'Attribute name' }] },
			},
		});
		expect(simple).toEqual({
			dataCardId: '1',
			templateCode: 't',
			folderCode: 'f',
			cardName: 'Card',
			deleted: false,
			attr_deleted: 'yes',
			attr_dataCardId: 'X-1',
			name: 'Attribute name',
		});
	});

	it('returns nothing for what is not a card', () => {
		expect(simplifyCard(null)).toEqual({});
		expect(simplifyCard('378180')).toEqual({});
	});

	it('round-trips: simplified values are accepted by toEsmValues', () => {
		const simple = simplifyCard(exampleCard);
		const reference: EsmAttributeMeta = { code: 'r', name: 'R', type: 'reference', multiValue: false };
		expect(toEsmValues(reference, simple.reference_attribute_code)).toEqual({ values: [{ dataCardId: '21357' }] });
		const external: EsmAttributeMeta = { code: 'e', name: 'E', type: 'external-reference', multiValue: false };
		expect(toEsmValues(external, simple.external_reference_code)).toEqual({
			values: [{ name: 'https://www.efecte.com', location: 'https://www.efecte.com' }],
		});
	});
});

describe('cardErrors', () => {
	it('collects the errors of the failed item of a bulk response', () => {
		const bulk = {
			meta: {
				timestamp: '2021-07-23T12:11:40Z',
				url: 'http://localhost:8080/efecte/api/v1/dc/template_code/data',
				errors: [],
				importResult: { handledDataCards: 2, savedDataCards: 1, notSavedDataCards: 1 },
			},
			data: [
				{ dataCard: { dataCardId: '100', name: 'Ok', url: '/dc/person/data/100' }, errors: [] },
				{
					dataCard: { dataCardId: '101', name: 'Bad', url: '/dc/person/data/101' },
					errors: [
						{
							attributeCode: 'status',
							attributeType: 'static-value',
							message: "Couldn't find static-value with value: Removed and code: null from attribute: Status",
							error: 'Bad Request',
						},
					],
				},
			],
		};
		expect(cardErrors(bulk)).toEqual([
			{
				attributeCode: 'status',
				index: 1,
				dataCardId: '101',
				message:
					"Item 2, data card 101: attribute status [static-value]: Couldn't find static-value with value: Removed and code: null from attribute: Status (Bad Request)",
			},
		]);
	});

	it('reads meta.errors of a create / patch response', () => {
		expect(
			cardErrors({
				meta: { errors: [{ attributeCode: 'count', attributeType: 'number', message: 'Invalid number', error: 'Bad Request' }] },
				dataCard: { dataCardId: '5' },
			}),
		).toEqual([{ attributeCode: 'count', message: 'Attribute count [number]: Invalid number (Bad Request)' }]);
	});

	it('reads errors of created references and ApiException bodies', () => {
		expect(
			cardErrors({
				meta: { createdReferences: [{ dataCard: { dataCardId: '9' }, errors: [{ attributeCode: 'x', message: 'Missing' }] }] },
			}),
		).toEqual([{ attributeCode: 'x', dataCardId: '9', message: 'Created reference, data card 9: attribute x: Missing' }]);
		expect(cardErrors({ code: 400, message: 'Invalid JSON.', error: 'Bad Request', url: '/x', timestamp: '2021-07-23T12:11:40Z' })).toEqual([
			{ message: 'ESM answered 400 Bad Request: Invalid JSON.' },
		]);
	});

	it('reports unsaved cards that come without a reason', () => {
		expect(cardErrors({ meta: { importResult: { handledDataCards: 1, savedDataCards: 0, notSavedDataCards: 1 } }, data: [] })).toEqual([
			{ message: '1 data card(s) were not saved, and ESM gave no reason' },
		]);
	});

	it('finds nothing in a clean answer', () => {
		expect(cardErrors({ meta: { errors: [], importResult: { notSavedDataCards: 0 } }, dataCard: { dataCardId: '1' } })).toEqual([]);
		expect(cardErrors({ code: 200, message: 'OK' })).toEqual([]);
		expect(cardErrors(undefined)).toEqual([]);
	});
});
