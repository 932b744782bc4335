import { startEsm, type EsmSandbox } from '../../sandbox';
import { EqlError, parseEql, parseEqlDate } from '../../sandbox/esm/eql';
import { esmClient, esmValue, httpRequest } from './kit';

/** EQL string literal as design.md fixes the convention: single quotes, a quote inside doubled. */
function eqlString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

describe('EQL parser', () => {
	test('comparisons, LIKE, IS NULL, AND/OR/NOT and parentheses', () => {
		expect(parseEql("$status$ = '02 - Solving' AND ($priority$ = '1 - Critical' OR $priority$ <> '4 - Low')")).toEqual({
			kind: 'and',
			items: [
				{ kind: 'compare', operand: { kind: 'attribute', code: 'status', position: 0 }, operator: '=', literal: { kind: 'string', value: '02 - Solving' } },
				{
					kind: 'or',
					items: [
						{ kind: 'compare', operand: expect.objectContaining({ code: 'priority' }), operator: '=', literal: { kind: 'string', value: '1 - Critical' } },
						{ kind: 'compare', operand: expect.objectContaining({ code: 'priority' }), operator: '<>', literal: { kind: 'string', value: '4 - Low' } },
					],
				},
			],
		});
		expect(parseEql("$subject$ LIKE '%vpn%' and not $solution$ IS NULL")).toMatchObject({
			kind: 'and',
			items: [{ kind: 'like', pattern: '%vpn%', negated: false }, { kind: 'not', expression: { kind: 'null', negated: false } }],
		});
		expect(parseEql("$email$ IS NOT NULL OR $x$ NOT LIKE 'a_'")).toMatchObject({ kind: 'or', items: [{ kind: 'null', negated: true }, { kind: 'like', negated: true }] });
		expect(parseEql('entity.deleted = 0 AND entity.id >= 100 AND template.code = \'incident\'')).toMatchObject({
			items: [{ operand: { kind: 'property', name: 'entity.deleted' }, literal: { kind: 'number', value: 0 } }, { operator: '>=' }, { operand: { name: 'template.code' } }],
		});
		expect(parseEql('entity.hidden = false')).toMatchObject({ literal: { kind: 'boolean', value: false } });
	});

	test('a quote inside a literal is doubled, as the nodes\' helper writes it', () => {
		expect(parseEql(`$last_name$ = ${eqlString("O'Brien")}`)).toMatchObject({ literal: { value: "O'Brien" } });
		expect(parseEql("$subject$ = 'It''s ''quoted'''")).toMatchObject({ literal: { value: "It's 'quoted'" } });
	});

	test.each([
		["$status$ IN ('01 - New', '02 - Solving')", /IN is not supported/],
		["$status$ NOT IN ('01 - New')", /IN is not supported/],
		['$status$ = "01 - New"', /single quotes, not double quotes/],
		["$subject$ = 'open", /unterminated string literal/],
		["$status = 'x'", /unterminated attribute code/],
		["status = 'x'", /expected an attribute/],
		["entity.owner = 'x'", /unknown property 'entity.owner'/],
		["$status$ = '01' AND", /expected an attribute .* but got end of filter/],
		["$status$ '01'", /expected an operator/],
		["$a$ = 'x' $b$ = 'y'", /expected AND, OR or the end of the filter/],
		['', /the filter is empty/],
	])('refuses %s', (filter, message) => {
		expect(() => parseEql(filter)).toThrow(EqlError);
		expect(() => parseEql(filter)).toThrow(message);
	});

	test('relative dates ESM filters use', () => {
		const now = Date.UTC(2026, 10, 25, 15, 30); // a Wednesday
		expect(parseEqlDate('now', now)).toBe(now);
		expect(parseEqlDate('now - 2w', now)).toBe(now - 14 * 86_400_000);
		expect(parseEqlDate('now+1d', now)).toBe(now + 86_400_000);
		expect(parseEqlDate('start_day', now)).toBe(Date.UTC(2026, 10, 25));
		expect(parseEqlDate('start_week', now)).toBe(Date.UTC(2026, 10, 23));
		expect(parseEqlDate('start_month', now)).toBe(Date.UTC(2026, 10, 1));
		expect(parseEqlDate('2026-01-02', now)).toBe(Date.UTC(2026, 0, 2));
		expect(parseEqlDate('2026-01-02 10:15', now)).toBe(Date.UTC(2026, 0, 2, 10, 15));
		expect(parseEqlDate('02.01.2026', now)).toBe(Date.UTC(2026, 0, 2));
		expect(parseEqlDate('2026-01-02T10:15:00+02:00', now)).toBe(Date.UTC(2026, 0, 2, 8, 15));
		expect(parseEqlDate('someday', now)).toBeUndefined();
	});
});

describe('EQL filters and keyset paging in the ESM emulator', () => {
	let esm: EsmSandbox;
	let call: Awaited<ReturnType<typeof esmClient>>;
	const list = async (template: string, filter: string, extra = '') =>
		call('GET', `/dc/${template}/data?limit=200&filter=${encodeURIComponent(filter)}${extra}`);
	const names = async (template: string, filter: string) => {
		const result = await list(template, filter);
		expect(result.status).toBe(200);
		return (result.body.data as Array<{ name: string }>).map((card) => card.name).sort();
	};

	beforeAll(async () => {
		esm = await startEsm({ port: 0 });
		call = await esmClient(esm);
	});
	afterAll(async () => {
		await esm.stop();
	});

	test('dropdowns by display value or code, references by name or id, LIKE, IS NULL, numbers, dates', async () => {
		const cards = [...esm.store.cards.values()].filter((card) => card.template === 'incident');
		const solving = cards.filter((card) => card.data.status?.[0]?.value === '02 - Solving').length;
		expect((await list('incident', "$status$ = '02 - Solving'")).body.meta.count).toBe(solving);
		expect((await list('incident', "$status$ = 'solving'")).body.meta.count).toBe(solving);
		expect((await list('incident', "$status$ <> '02 - Solving'")).body.meta.count).toBe(cards.length - solving);
		expect((await names('incident', "$subject$ LIKE '%vpn%'"))[0]).toBe('VPN connection drops every few minutes');
		expect((await list('incident', '$jira_key$ IS NOT NULL')).body.meta.count).toBe(10);

		const incident = cards.find((card) => card.data.customer?.length)!;
		const customerId = String(incident.data.customer[0].dataCardId);
		const customer = (await call('GET', `/dc/person/data/${customerId}`)).body.name as string;
		const byName = await list('incident', `$customer$ = ${eqlString(customer)}`);
		const byId = await list('incident', `$customer$ = '${customerId}'`);
		expect(byName.body.meta.count).toBeGreaterThan(0);
		expect(byName.body.data).toEqual(byId.body.data);

		const created = await call('POST', '/dc/person/data', {
			folderCode: 'personnel',
			data: { first_name: esmValue('Siobhan'), last_name: esmValue("O'Brien"), efecte_id: esmValue('PER-QUOTE-1') },
		});
		expect(created.status).toBe(201);
		expect(await names('person', `$last_name$ = ${eqlString("O'Brien")} AND $first_name$ = 'Siobhan'`)).toEqual(["Siobhan O'Brien"]);
		expect(await names('person', "$efecte_id$ = 'PER-QUOTE-1' AND $created$ > 'now - 1h'")).toEqual(["Siobhan O'Brien"]);
		expect(await names('person', "$efecte_id$ = 'PER-QUOTE-1' AND $created$ < 'start_year'")).toEqual([]);

		await call('PATCH', `/dc/incident/data/${incident.id}`, { dataCardId: String(incident.id), data: { hours_spent: esmValue(12.5), due_date: esmValue('2026-12-24') } });
		expect((await list('incident', "$hours_spent$ > 12 AND $due_date$ >= '2026-12-01'")).body.data.map((card: { dataCardId: string }) => card.dataCardId)).toEqual([
			String(incident.id),
		]);
	});

	test('trashed cards stay out unless the filter names entity.deleted', async () => {
		const target = (await list('incident', "$subject$ = 'MFA prompt loops on login'")).body.data[0].dataCardId as string;
		expect((await call('DELETE', `/dc/incident/data/${target}`)).status).toBe(200);
		expect((await list('incident', "$subject$ = 'MFA prompt loops on login'")).body.data).toEqual([]);
		expect((await call('GET', `/dc/incident/data/stream?filter=${encodeURIComponent("$subject$ = 'MFA prompt loops on login'")}`)).body.data).toEqual([]);
		const trashed = await list('incident', "entity.deleted = 1 AND $subject$ = 'MFA prompt loops on login'");
		expect(trashed.body.data.map((card: { dataCardId: string }) => card.dataCardId)).toEqual([target]);
		expect((await list('incident', "entity.deleted = false AND $subject$ = 'MFA prompt loops on login'")).body.data).toEqual([]);
		expect((await call('GET', `/dc/incident/data/${target}`)).body.deleted).toBe(true);
	});

	test.each([
		["$status$ IN ('01 - New')", 'IN is not supported'],
		["$nope$ = 'x'", 'unknown attribute $nope$ for template incident'],
		["$hours_spent$ > 'lots'", 'needs a number'],
		["$due_date$ > 'someday'", "'someday' is not a date"],
		["entity.deleted = 'maybe'", 'is 0/1 or true/false'],
	])('answers 400 ApiException for %s', async (filter, message) => {
		const result = await list('incident', filter);
		expect(result.status).toBe(400);
		expect(result.body).toMatchObject({ code: 400, error: 'Bad Request', message: expect.stringContaining(message) });
	});

	test('keyset pages: ids descending, filterId excludes, links.next until the end, limit 1..200', async () => {
		const batch = (start: number) =>
			Array.from({ length: 150 }, (_, i) => ({ folderCode: 'personnel', data: { first_name: esmValue('Page'), last_name: esmValue(`Person ${start + i}`), datasourceid: esmValue('paging') } }));
		for (const start of [0, 150, 300]) {
			const result = await call('PUT', '/dc/person/data', batch(start));
			expect(result.body.meta.importResult).toEqual({ handledDataCards: 150, savedDataCards: 150, notSavedDataCards: 0 });
		}
		const filter = encodeURIComponent("$datasourceid$ = 'paging'");
		let url: string | undefined = `${esm.apiUrl}/dc/person/data?limit=200&filter=${filter}`;
		const ids: number[] = [];
		const counts: number[] = [];
		while (url) {
			const page = await httpRequest('GET', url, { headers: { Authorization: call.token } });
			expect(page.status).toBe(200);
			const pageIds = (page.body.data as Array<{ dataCardId: string }>).map((card) => Number(card.dataCardId));
			if (ids.length) expect(Math.max(...pageIds)).toBeLessThan(ids[ids.length - 1]);
			ids.push(...pageIds);
			counts.push(page.body.meta.count);
			url = page.body.meta.links.next;
			if (url) expect(new URL(url).searchParams.get('filterId')).toBe(String(pageIds[pageIds.length - 1]));
		}
		expect(counts).toEqual([200, 200, 50]);
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
		expect(new Set(ids).size).toBe(450);

		const middle = ids[100];
		const after = await call('GET', `/dc/person/data?limit=5&filterId=${middle}&filter=${filter}`);
		expect(after.body.data.map((card: { dataCardId: string }) => Number(card.dataCardId))).toEqual(ids.slice(101, 106));
		const stream = await call('GET', `/dc/person/data/stream?filter=${filter}`);
		expect(stream.body.meta.count).toBe(450);
		expect(stream.body.meta.links.next).toBeUndefined();

		for (const limit of ['0', '201', 'ten']) {
			const bad = await call('GET', `/dc/person/data?limit=${limit}`);
			expect(bad.status).toBe(400);
			expect(bad.body.message).toContain('between 1 and 200');
		}
		expect((await call('GET', '/dc/person/data')).body.meta.limit).toBe(50);
	});
});
