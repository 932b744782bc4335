import type { ResourceMapperValue } from 'n8n-workflow';
import nock from 'nock';

import { teardownHarness } from '../../helpers/workflow-harness';
import { eqlOrChunks } from '../../../nodes/CoreProIga/eql';
import { allowLogins, API, card, ESM, incidentTemplate, requests, runEsm, setupNock } from './esm-kit';

setupNock();
afterAll(() => teardownHarness());

const template = { __rl: true, mode: 'code', value: 'incident' };
const server = () => nock(ESM);
const personTemplate = { name: 'Person', code: 'person', allowedFolders: [{ folderName: 'People', folderCode: 'people' }], attributes: { efecte_id: { name: 'Efecte ID', type: 'string', multiValue: false } } };

function mapped(value: Record<string, unknown>, matchingColumns: string[] = []) {
	return { mappingMode: 'defineBelow', value, matchingColumns, schema: [], attemptToConvertTypes: false, convertFieldsToString: false } as unknown as ResourceMapperValue;
}

beforeEach(() => {
	allowLogins();
	server().get(`${API}/dc/incident`).optionally().times(10).reply(200, incidentTemplate);
});

describe('CoreProIGA Data Card: search', () => {
	it('follows keyset pages (200 a page, filterId from links.next) across 3 pages, with bound filter values', async () => {
		const all = Array.from({ length: 450 }, (_, i) => card(1000 - i, { subject: `S${i}`, tags: [{ value: 'a' }] }));
		const seen: Array<Record<string, string | null>> = [];
		server()
			.get(`${API}/dc/incident/data`)
			.query(true)
			.times(3)
			.reply(200, (uri) => {
				const params = new URL(uri, ESM).searchParams;
				seen.push({ limit: params.get('limit'), filterId: params.get('filterId'), filter: params.get('filter'), dataCards: params.get('dataCards') });
				const below = params.get('filterId') ? all.filter((c) => Number(c.dataCardId) < Number(params.get('filterId'))) : all;
				const data = below.slice(0, Number(params.get('limit')));
				const last = data[data.length - 1];
				return { meta: { count: data.length, limit: Number(params.get('limit')), links: data.length === 200 ? { next: `${ESM}${API}/dc/incident/data?limit=200&filterId=${last.dataCardId}` } : {} }, data };
			});
		const run = await runEsm({
			resource: 'dataCard',
			operation: 'search',
			template,
			filter: "$status$ <> '07 - Closed' AND $subject$ = :subject",
			filterValues: { values: [{ name: 'subject', value: "it's broken" }] },
			returnAll: true,
		});
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(450);
		expect(seen.map((s) => [s.limit, s.filterId])).toEqual([
			['200', null],
			['200', '801'],
			['200', '601'],
		]);
		expect(seen[0].filter).toBe("$status$ <> '07 - Closed' AND $subject$ = 'it''s broken'");
		expect(seen[0].dataCards).toBe('true');
		expect(run.items[0]).toMatchObject({ dataCardId: '1000', templateCode: 'incident', folderCode: 'incident_management', subject: 'S0', tags: ['a'] });
	});

	it('stops at the limit and asks only for what is left', async () => {
		const all = Array.from({ length: 300 }, (_, i) => card(1000 - i));
		const limits: string[] = [];
		server()
			.get(`${API}/dc/incident/data`)
			.query(true)
			.times(2)
			.reply(200, (uri) => {
				const params = new URL(uri, ESM).searchParams;
				limits.push(String(params.get('limit')));
				const below = params.get('filterId') ? all.filter((c) => Number(c.dataCardId) < Number(params.get('filterId'))) : all;
				return { meta: { count: 0, limit: 0, links: {} }, data: below.slice(0, Number(params.get('limit'))) };
			});
		const run = await runEsm({ resource: 'dataCard', operation: 'search', template, returnAll: false, limit: 250 });
		expect(run.items).toHaveLength(250);
		expect(limits).toEqual(['200', '50']);
	});

	it('reads everything through the stream endpoint when asked, raw output', async () => {
		server()
			.get(`${API}/dc/incident/data/stream`)
			.query({ filter: '$efecte_id$ IS NULL', selectedAttributes: 'subject,status' })
			.reply(200, { meta: {}, data: [{ dataCardId: '1', name: 'One' }, { dataCardId: '2', name: 'Two' }] });
		const run = await runEsm({
			resource: 'dataCard',
			operation: 'search',
			template,
			filter: '$efecte_id$ IS NULL',
			returnAll: true,
			options: { stream: true, fullCards: false, selectedAttributes: ['subject', 'status'], output: 'raw' },
		});
		expect(run.items).toEqual([
			{ dataCardId: '1', name: 'One' },
			{ dataCardId: '2', name: 'Two' },
		]);
	});

	it('refuses a filter value with a control character before asking ESM', async () => {
		const run = await runEsm({
			resource: 'dataCard',
			operation: 'search',
			template,
			filter: '$subject$ = :s',
			filterValues: { values: [{ name: 's', value: '={{ "a\\nb" }}' }] },
			returnAll: true,
		});
		expect(run.error?.message).toMatch(/control character/);
		expect(requests(run, 'GET', '/dc/incident/data')).toEqual([]);
	});
});

describe('CoreProIGA Data Card: get', () => {
	it('gets by unique attribute through an EQL filter', async () => {
		server()
			.get(`${API}/dc/incident/data`)
			.query({ filter: "$efecte_id$ = 'INC-000123'", limit: 2, dataCards: true })
			.reply(200, { meta: {}, data: [card(77, { efecte_id: 'INC-000123', status: [{ value: '02 - Solving', code: 'solving' }], customer: [{ dataCardId: '5', name: 'Ann' }] })] });
		const run = await runEsm({ resource: 'dataCard', operation: 'get', template, findBy: 'unique', keyAttribute: 'efecte_id', keyValue: 'INC-000123' });
		expect(run.items[0]).toMatchObject({ dataCardId: '77', efecte_id: 'INC-000123', status: '02 - Solving', customer: { dataCardId: '5', name: 'Ann' } });
	});

	it('says when no card, or several cards, have the value', async () => {
		server().get(`${API}/dc/incident/data`).query(true).reply(200, { meta: {}, data: [] });
		server().get(`${API}/dc/incident/data`).query(true).reply(200, { meta: {}, data: [card(1), card(2)] });
		const run = await runEsm(
			{ resource: 'dataCard', operation: 'get', template, findBy: 'unique', keyAttribute: 'efecte_id', keyValue: '={{ $json.key }}' },
			{ items: [{ key: 'INC-1' }, { key: 'INC-2' }], continueOnFail: true },
		);
		expect(run.items[0].error).toBe('No incident card has efecte_id = "INC-1"');
		// "Not found" carries 404, so a workflow tells it from a failure by the code.
		expect(run.items[0].httpCode).toBe('404');
		expect(run.items[1].httpCode).toBeUndefined();
		expect(run.items[1].error).toMatch(/^Several incident cards have efecte_id = "INC-2" \(IDs 1, 2\)/);
	});
});

describe('CoreProIGA Data Card: write', () => {
	it('creates with converted values, a reference by unique value and the Task ID stamp', async () => {
		server().get(`${API}/dc/person`).optionally().reply(200, personTemplate);
		// Reference values are looked up all at once (OR-chunks of the lookup attribute).
		server()
			.get(`${API}/dc/person/data`)
			.query({ filter: "$efecte_id$ = 'PER-000042'", limit: 200, dataCards: true, selectedAttributes: 'efecte_id' })
			.reply(200, { meta: {}, data: [{ dataCardId: '4242', name: 'Ann', data: { efecte_id: { type: 'string', values: [{ value: 'PER-000042' }] } } }] });
		server().post(`${API}/dc/incident/data`).reply(201, { meta: { errors: [] }, dataCard: { dataCardId: '9001' } });
		const run = await runEsm({
			resource: 'dataCard',
			operation: 'create',
			template,
			folder: 'incident_management',
			attributes: mapped({ subject: 'Printer on fire', status: 'solving', due_date: '2026-12-01T10:00:00+02:00', customer: 'PER-000042', jira_key: '' }),
			options: { taskId: 'jira-issues-full', dataJson: '{"Tags": ["printer", "floor-2"]}' },
		});
		expect(run.error).toBeUndefined();
		expect(run.items[0]).toEqual({ dataCardId: '9001', templateCode: 'incident', folderCode: 'incident_management', action: 'created' });
		expect(requests(run, 'POST', '/dc/incident/data')[0].body).toEqual({
			folderCode: 'incident_management',
			data: {
				subject: { values: [{ value: 'Printer on fire' }] },
				status: { values: [{ value: '02 - Solving' }] },
				due_date: { values: [{ value: '2026-12-01T08:00:00Z' }] },
				customer: { values: [{ dataCardId: '4242' }] },
				tags: { values: [{ value: 'printer' }, { value: 'floor-2' }] },
				datasourceid: { values: [{ value: 'jira-issues-full' }] },
			},
		});
	});

	it('maps the item’s own fields automatically when asked, leaving other fields out', async () => {
		server().post(`${API}/dc/incident/data`).reply(201, { meta: {}, dataCard: { dataCardId: '9003' } });
		const run = await runEsm(
			{
				resource: 'dataCard',
				operation: 'create',
				template,
				folder: 'incident_management',
				attributes: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] } as unknown as ResourceMapperValue,
			},
			{ items: [{ subject: 'Auto', Status: '01 - New', notAnAttribute: 'ignored' }] },
		);
		expect(run.error).toBeUndefined();
		expect(requests(run, 'POST', '/dc/incident/data')[0].body).toEqual({
			folderCode: 'incident_management',
			data: { subject: { values: [{ value: 'Auto' }] }, status: { values: [{ value: '01 - New' }] } },
		});
	});

	it('names an unknown dropdown value and the allowed ones, and writes nothing', async () => {
		const run = await runEsm({ resource: 'dataCard', operation: 'create', template, folder: 'incident_management', attributes: mapped({ status: 'Removed' }) });
		expect(run.error?.message).toMatch(/Removed.*status.*01 - New, 02 - Solving, 07 - Closed/);
		expect(requests(run, 'POST', '/dc/incident/data')).toEqual([]);
	});

	it('refuses a folder the template does not have', async () => {
		const run = await runEsm({ resource: 'dataCard', operation: 'create', template, folder: 'nope', attributes: mapped({ subject: 'x' }) });
		expect(run.error?.message).toBe('Folder "nope" is not a folder of template incident; allowed: incident_management, archive');
	});

	it('treats attribute errors inside a 2xx answer as a failed write', async () => {
		server()
			.post(`${API}/dc/incident/data`)
			.reply(201, { meta: { errors: [{ attributeCode: 'status', attributeType: 'static-value', message: "Couldn't find static-value with value: 09 - Odd", error: 'Bad Request' }] }, dataCard: { dataCardId: '9002' } });
		const run = await runEsm(
			{ resource: 'dataCard', operation: 'create', template, folder: 'incident_management', attributes: mapped({ subject: 'x' }) },
			{ continueOnFail: true },
		);
		expect(run.items[0].error).toMatch(/^ESM did not save .*status.*09 - Odd/);
	});

	it('updates only the given attributes with PATCH', async () => {
		server().patch(`${API}/dc/incident/data/77`).reply(200, { meta: { errors: [] }, dataCard: { dataCardId: '77' } });
		const run = await runEsm({
			resource: 'dataCard',
			operation: 'update',
			template,
			dataCardId: '77',
			attributes: mapped({ status: '07 - Closed', subject: '' }),
			options: { dataJson: '{"jira_key": null}' },
		});
		expect(requests(run, 'PATCH', '/dc/incident/data/77')[0].body).toEqual({
			dataCardId: '77',
			data: { status: { values: [{ value: '07 - Closed' }] }, jira_key: { values: [] } },
		});
		expect(run.items[0]).toEqual({ dataCardId: '77', templateCode: 'incident', action: 'updated', updatedAttributes: ['status', 'jira_key'] });
	});

	it('clears attributes whose mapped value is empty when Empty Mapped Values = Clear', async () => {
		server().patch(`${API}/dc/incident/data/78`).reply(200, { meta: { errors: [] }, dataCard: { dataCardId: '78' } });
		const run = await runEsm({
			resource: 'dataCard',
			operation: 'update',
			template,
			dataCardId: '78',
			attributes: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] } as unknown as ResourceMapperValue,
			options: { emptyValues: 'clear' },
		}, { items: [{ subject: 'Still here', description: '', jira_key: null }] });
		expect(requests(run, 'PATCH', '/dc/incident/data/78')[0].body).toEqual({
			dataCardId: '78',
			data: { subject: { values: [{ value: 'Still here' }] }, description: { values: [] }, jira_key: { values: [] } },
		});
	});

	it('deletes to the trash; a card already there is success with a flag', async () => {
		server().delete(`${API}/dc/incident/data/1`).reply(200, { code: 200, message: 'moved to trash' });
		server().delete(`${API}/dc/incident/data/2`).reply(409, { code: 409, message: 'Already in trash', error: 'Conflict' });
		const run = await runEsm({ resource: 'dataCard', operation: 'delete', template, dataCardId: '={{ $json.id }}' }, { items: [{ id: '1' }, { id: '2' }] });
		expect(run.items).toEqual([
			{ dataCardId: '1', templateCode: 'incident', deleted: true, alreadyInTrash: false },
			{ dataCardId: '2', templateCode: 'incident', deleted: false, alreadyInTrash: true },
		]);
	});

	it('upserts: updates the card with the key, creates the one without', async () => {
		server().get(`${API}/dc/incident/data`).query({ filter: "$efecte_id$ = 'INC-1'", limit: 2 }).reply(200, { meta: {}, data: [{ dataCardId: '11' }] });
		server().patch(`${API}/dc/incident/data/11`).reply(200, { meta: {}, dataCard: { dataCardId: '11' } });
		server().get(`${API}/dc/incident/data`).query({ filter: "$efecte_id$ = 'INC-2'", limit: 2 }).reply(200, { meta: {}, data: [] });
		server().post(`${API}/dc/incident/data`).reply(201, { meta: {}, dataCard: { dataCardId: '12' } });
		const run = await runEsm(
			{
				resource: 'dataCard',
				operation: 'upsert',
				template,
				folder: 'incident_management',
				attributes: mapped({ efecte_id: '={{ $json.key }}', subject: '={{ $json.subject }}' }, ['efecte_id']),
			},
			{ items: [{ key: 'INC-1', subject: 'a' }, { key: 'INC-2', subject: 'b' }] },
		);
		expect(run.items).toEqual([
			{ dataCardId: '11', templateCode: 'incident', action: 'updated', efecte_id: 'INC-1' },
			{ dataCardId: '12', templateCode: 'incident', folderCode: 'incident_management', action: 'created', efecte_id: 'INC-2' },
		]);
	});

	it('after a lost create answer finds the card by its key instead of creating it twice', async () => {
		server().get(`${API}/dc/incident/data`).query({ filter: "$efecte_id$ = 'INC-3'", limit: 2 }).reply(200, { meta: {}, data: [] });
		server().post(`${API}/dc/incident/data`).reply(502, 'Bad gateway');
		server().get(`${API}/dc/incident/data`).query({ filter: "$efecte_id$ = 'INC-3'", limit: 2 }).reply(200, { meta: {}, data: [{ dataCardId: '13' }] });
		const run = await runEsm(
			{ resource: 'dataCard', operation: 'upsert', template, folder: 'incident_management', attributes: mapped({ efecte_id: 'INC-3' }, ['efecte_id']) },
		);
		expect(run.items[0]).toMatchObject({ dataCardId: '13', action: 'created' });
		expect(requests(run, 'POST', '/dc/incident/data')).toHaveLength(1);
	});
});

describe('CoreProIGA Data Card: bulk upsert', () => {
	function keyLookup(existing: Record<string, string>) {
		return (uri: string) => {
			const filter = String(new URL(uri, ESM).searchParams.get('filter'));
			const keys = [...filter.matchAll(/'([^']*)'/g)].map((m) => m[1]);
			return {
				meta: {},
				data: keys.filter((key) => existing[key]).map((key) => card(Number(existing[key]), { efecte_id: key })),
			};
		};
	}

	it('writes 250 items in batches of 100, creates and updates mapped back by position, partial failures on their item', async () => {
		const existing: Record<string, string> = { 'INC-0': '500', 'INC-7': '507' };
		let lookups = 0;
		server()
			.get(`${API}/dc/incident/data`)
			.query(true)
			.times(20)
			.optionally()
			.reply(200, (uri) => {
				lookups++;
				return keyLookup(existing)(uri);
			});
		const bodies: unknown[][] = [];
		server()
			.put(`${API}/dc/incident/data`)
			.times(3)
			.reply(200, (_uri, body) => {
				const batch = body as Array<{ dataCardId?: string; data: { efecte_id: { values: Array<{ value: string }> } } }>;
				bodies.push(batch);
				return {
					meta: { importResult: { handledDataCards: batch.length } },
					data: batch.map((entry) => {
						const key = entry.data.efecte_id.values[0].value;
						if (key === 'INC-42') return { dataCard: { dataCardId: '' }, errors: [{ attributeCode: 'status', message: 'Couldn\'t find static-value', error: 'Bad Request' }] };
						return { dataCard: { dataCardId: entry.dataCardId ?? String(10000 + Number(key.slice(4))), name: key } };
					}),
				};
			});
		const items = Array.from({ length: 250 }, (_, i) => ({ key: `INC-${i}`, subject: `Subject ${i}` }));
		const run = await runEsm(
			{
				resource: 'dataCard',
				operation: 'bulkUpsert',
				template,
				folder: 'incident_management',
				attributes: mapped({ efecte_id: '={{ $json.key }}', subject: '={{ $json.subject }}' }, ['efecte_id']),
				options: { taskId: 'esm-read', concurrency: 2, keyLookup: 'chunks' },
			},
			{ items, continueOnFail: true },
		);
		expect(run.error).toBeUndefined();
		expect(bodies.map((b) => b.length).sort()).toEqual([100, 100, 50]);
		expect(run.items).toHaveLength(250);
		expect(run.items[0]).toEqual({ dataCardId: '500', templateCode: 'incident', action: 'updated', efecte_id: 'INC-0' });
		expect(run.items[1]).toEqual({ dataCardId: '10001', templateCode: 'incident', action: 'created', efecte_id: 'INC-1' });
		expect(run.items[7]).toMatchObject({ dataCardId: '507', action: 'updated' });
		expect(run.items[42].error).toMatch(/^ESM did not save .*status.*Couldn't find static-value/);
		// Keys are found with OR-chunks of the match attribute (no IN), the fewest that fit the URL limit.
		expect(lookups).toBe(eqlOrChunks('efecte_id', items.map((item) => item.key)).length);
		expect(run.result.output('ESM').map((item) => (item.pairedItem as { item: number }).item)).toEqual(items.map((_, i) => i));
		const first = bodies.flat().find((entry) => (entry as { dataCardId?: string }).dataCardId === '500') as Record<string, unknown>;
		expect(first).toEqual({ dataCardId: '500', data: { efecte_id: { values: [{ value: 'INC-0' }] }, subject: { values: [{ value: 'Subject 0' }] }, datasourceid: { values: [{ value: 'esm-read' }] } } });
		const created = bodies.flat().find((entry) => !(entry as { dataCardId?: string }).dataCardId) as Record<string, unknown>;
		expect(created.folderCode).toBe('incident_management');
	});

	it('looks references up once for all items and fails only the item whose value is ambiguous', async () => {
		server().get(`${API}/dc/person`).optionally().reply(200, personTemplate);
		const lookups: string[] = [];
		server()
			.get(`${API}/dc/person/data`)
			.query(true)
			.reply(200, (uri) => {
				lookups.push(String(new URL(uri, ESM).searchParams.get('filter')));
				const person = (id: string, key: string) => ({ dataCardId: id, data: { efecte_id: { type: 'string', values: [{ value: key }] } } });
				return { meta: {}, data: [person('41', 'PER-1'), person('42', 'PER-2'), person('43', 'PER-2')] };
			});
		server().get(`${API}/dc/incident/data`).query(true).reply(200, { meta: {}, data: [] });
		const bodies: unknown[] = [];
		server()
			.put(`${API}/dc/incident/data`)
			.reply(200, (_uri, body) => {
				bodies.push(...(body as unknown[]));
				return { meta: {}, data: (body as unknown[]).map((_e, i) => ({ dataCard: { dataCardId: String(900 + i) } })) };
			});
		const run = await runEsm(
			{
				resource: 'dataCard',
				operation: 'bulkUpsert',
				template,
				folder: 'incident_management',
				attributes: mapped({ efecte_id: '={{ $json.key }}', customer: '={{ $json.customer }}' }, ['efecte_id']),
			},
			{ items: [{ key: 'A', customer: 'PER-1' }, { key: 'B', customer: 'PER-2' }, { key: 'C', customer: 'PER-1' }], continueOnFail: true },
		);
		expect(lookups).toEqual(["$efecte_id$ = 'PER-1' OR $efecte_id$ = 'PER-2'"]);
		expect(run.items[1].error).toMatch(/"PER-2" is the efecte_id of several cards \(person 42, person 43\)/);
		expect(bodies).toEqual([
			{ folderCode: 'incident_management', data: { efecte_id: { values: [{ value: 'A' }] }, customer: { values: [{ dataCardId: '41' }] } } },
			{ folderCode: 'incident_management', data: { efecte_id: { values: [{ value: 'C' }] }, customer: { values: [{ dataCardId: '41' }] } } },
		]);
	});

	it('finds existing cards by listing the template once when asked', async () => {
		const listed: Array<string | null> = [];
		server()
			.get(`${API}/dc/incident/data`)
			.query(true)
			.reply(200, (uri) => {
				listed.push(new URL(uri, ESM).searchParams.get('filter'));
				return { meta: {}, data: [card(61, { efecte_id: 'K-1' })] };
			});
		server()
			.put(`${API}/dc/incident/data`)
			.reply(200, (_uri, body) => ({ meta: {}, data: (body as Array<{ dataCardId?: string }>).map((entry, i) => ({ dataCard: { dataCardId: entry.dataCardId ?? String(70 + i) } })) }));
		const run = await runEsm(
			{
				resource: 'dataCard',
				operation: 'bulkUpsert',
				template,
				folder: 'incident_management',
				attributes: mapped({ efecte_id: '={{ $json.key }}' }, ['efecte_id']),
				options: { keyLookup: 'listAll' },
			},
			{ items: [{ key: 'K-1' }, { key: 'K-2' }] },
		);
		expect(listed).toEqual([null]);
		expect(run.items.map((item) => item.action)).toEqual(['updated', 'created']);
		expect(run.items[0].dataCardId).toBe('61');
	});

	describe('Automatic key lookup', () => {
		const lookups = (filters: Array<string | null>) => {
			server()
				.get(`${API}/dc/incident/data`)
				.query(true)
				.reply(200, (uri) => {
					filters.push(new URL(uri, ESM).searchParams.get('filter'));
					return { meta: {}, data: [card(61, { efecte_id: 'K-1' })] };
				});
			server()
				.put(`${API}/dc/incident/data`)
				.times(20)
				.optionally()
				.reply(200, (_uri, body) => ({ meta: {}, data: (body as Array<{ dataCardId?: string }>).map((entry, i) => ({ dataCard: { dataCardId: entry.dataCardId ?? String(700 + i) } })) }));
		};
		const bulk = (keys: string[]) =>
			runEsm(
				{ resource: 'dataCard', operation: 'bulkUpsert', template, folder: 'incident_management', attributes: mapped({ efecte_id: '={{ $json.key }}' }, ['efecte_id']) },
				{ items: keys.map((key) => ({ key })) },
			);

		it('sends a few keys as one OR-query, without listing', async () => {
			const filters: Array<string | null> = [];
			lookups(filters);
			const run = await bulk(['K-1', 'K-2']);
			expect(filters).toHaveLength(1);
			expect(filters[0]).toMatch(/\$efecte_id\$ = 'K-1' OR/);
			expect(run.items.map((item) => item.action)).toEqual(['updated', 'created']);
		});

		it('lists the template for many keys (far more than 8 OR-chunks); a short page ends it', async () => {
			const filters: Array<string | null> = [];
			lookups(filters);
			const run = await bulk(Array.from({ length: 2000 }, (_, index) => `K-${index + 1}`));
			expect(run.error).toBeUndefined();
			expect(filters).toEqual([null]);
			expect(run.items[0]).toMatchObject({ action: 'updated', dataCardId: '61' });
			expect(run.items[1]).toMatchObject({ action: 'created' });
		});
	});

	it('does not write a key twice in one run', async () => {
		server().get(`${API}/dc/incident/data`).query(true).reply(200, keyLookup({}));
		server()
			.put(`${API}/dc/incident/data`)
			.reply(200, (_uri, body) => ({ meta: {}, data: (body as unknown[]).map((_e, i) => ({ dataCard: { dataCardId: String(i + 1) } })) }));
		const run = await runEsm(
			{ resource: 'dataCard', operation: 'bulkUpsert', template, folder: 'incident_management', attributes: mapped({ efecte_id: '={{ $json.key }}' }, ['efecte_id']) },
			{ items: [{ key: 'A' }, { key: 'B' }, { key: 'A' }], continueOnFail: true },
		);
		expect(run.items[0]).toMatchObject({ action: 'created', efecte_id: 'A' });
		expect(run.items[2].error).toMatch(/efecte_id = "A" appears again in this run \(item 0 was written\)/);
	});

	it('after a lost bulk answer turns the cards that were created into updates before sending again', async () => {
		let lookups = 0;
		server()
			.get(`${API}/dc/incident/data`)
			.query(true)
			.times(2)
			.reply(200, (uri) => keyLookup(lookups++ === 0 ? {} : { X: '71' })(uri));
		server().put(`${API}/dc/incident/data`).reply(503, 'unavailable');
		const second: unknown[] = [];
		server()
			.put(`${API}/dc/incident/data`)
			.reply(200, (_uri, body) => {
				second.push(...(body as unknown[]));
				return { meta: {}, data: [{ dataCard: { dataCardId: '71' } }, { dataCard: { dataCardId: '72' } }] };
			});
		const run = await runEsm(
			{ resource: 'dataCard', operation: 'bulkUpsert', template, folder: 'incident_management', attributes: mapped({ efecte_id: '={{ $json.key }}' }, ['efecte_id']) },
			{ items: [{ key: 'X' }, { key: 'Y' }] },
		);
		expect(second).toEqual([
			{ dataCardId: '71', data: { efecte_id: { values: [{ value: 'X' }] } } },
			{ folderCode: 'incident_management', data: { efecte_id: { values: [{ value: 'Y' }] } } },
		]);
		expect(run.items).toEqual([
			{ dataCardId: '71', templateCode: 'incident', action: 'updated', efecte_id: 'X' },
			{ dataCardId: '72', templateCode: 'incident', action: 'created', efecte_id: 'Y' },
		]);
	});
});

describe('CoreProIGA Data Card: attributes, files, templates', () => {
	it('gets, replaces, adds and clears attribute values', async () => {
		server().get(`${API}/dc/incident/data/5/status`).reply(200, { name: 'Status', type: 'static-value', values: [{ value: '01 - New', code: 'new' }] });
		server().put(`${API}/dc/incident/data/5/tags`, { values: [{ value: 'a' }, { value: 'b' }] }).reply(200, { meta: {} });
		server().post(`${API}/dc/incident/data/5/worklog`).reply(200, { meta: {} });
		server().delete(`${API}/dc/incident/data/5/jira_key`).reply(200, { meta: {} });
		const get = await runEsm({ resource: 'attribute', operation: 'get', template, dataCardId: '5', attributeCode: 'status' });
		expect(get.items[0]).toMatchObject({ dataCardId: '5', attributeCode: 'status', type: 'static-value', value: '01 - New' });
		const replace = await runEsm({ resource: 'attribute', operation: 'replace', template, dataCardId: '5', attributeCode: 'tags', value: '["a","b"]' });
		expect(replace.error?.message).toBeUndefined();
		expect(replace.items[0]).toMatchObject({ action: 'replaced' });
		const add = await runEsm({ resource: 'attribute', operation: 'add', template, dataCardId: '5', attributeCode: 'worklog', value: 'Called the user' });
		expect(add.items[0]).toMatchObject({ action: 'added' });
		expect(requests(add, 'POST', '/dc/incident/data/5/worklog')[0].body).toEqual({ values: [{ value: 'Called the user' }] });
		// A worklog entry that looks like JSON is still one comment.
		server().post(`${API}/dc/incident/data/5/worklog`).reply(200, { meta: {} });
		const bracketed = await runEsm({ resource: 'attribute', operation: 'add', template, dataCardId: '5', attributeCode: 'worklog', value: '["a"]' });
		expect(requests(bracketed, 'POST', '/dc/incident/data/5/worklog')[0].body).toEqual({ values: [{ value: '["a"]' }] });
		const clear = await runEsm({ resource: 'attribute', operation: 'clear', template, dataCardId: '5', attributeCode: 'jira_key' });
		expect(clear.error?.message).toBeUndefined();
		expect(clear.items[0]).toMatchObject({ action: 'cleared' });
	});

	it('uploads a binary file as multipart and downloads it again', async () => {
		let uploaded = '';
		server()
			.post(`${API}/dc/incident/data/5/attachment/file`)
			.reply(200, (_uri, body) => {
				uploaded = String(body);
				return { meta: {} };
			});
		const upload = await runEsm(
			{ resource: 'attribute', operation: 'upload', template, dataCardId: '5', attributeCode: 'attachment', binaryProperty: 'data' },
			{ binary: { data: { data: Buffer.from('hello esm').toString('base64'), mimeType: 'text/plain', fileName: 'note.txt' } } },
		);
		expect(upload.error).toBeUndefined();
		expect(upload.items[0]).toMatchObject({ fileName: 'note.txt', size: 9, action: 'uploaded' });
		expect(uploaded).toContain('name="fileUpload"; filename="note.txt"');
		expect(uploaded).toContain('hello esm');

		server().get(`${API}/dc/incident/data/5/attachment`).reply(200, { name: 'Attachment', type: 'external-reference', values: [{ name: 'note.txt', location: 'abc-123' }] });
		server().get(`${API}/dc/incident/data/5/attachment/file/abc-123`).reply(200, Buffer.from('hello esm'), { 'Content-Type': 'text/plain' });
		const download = await runEsm({ resource: 'attribute', operation: 'download', template, dataCardId: '5', attributeCode: 'attachment', outputBinaryProperty: 'file' });
		expect(download.error).toBeUndefined();
		const binary = download.result.output('ESM')[0].binary!.file;
		expect(Buffer.from(binary.data, 'base64').toString()).toBe('hello esm');
		expect(binary.fileName).toBe('note.txt');
	});

	it('lists templates and gets one with folders and typed attributes', async () => {
		server().get(`${API}/dc`).reply(200, [{ name: 'Incident', templateCode: 'incident', url: '/dc/incident' }]);
		const all = await runEsm({ resource: 'template', operation: 'getAll' });
		expect(all.items).toEqual([{ code: 'incident', name: 'Incident' }]);
		const one = await runEsm({ resource: 'template', operation: 'get', template });
		expect(one.items[0]).toMatchObject({ code: 'incident', folders: [{ code: 'incident_management', name: 'Incident management' }, { code: 'archive', name: 'Archive' }] });
		expect((one.items[0].attributes as Array<{ code: string }>).map((a) => a.code)).toContain('status');
	});
});
