import { startEsm, type EsmSandbox } from '../../sandbox';
import { admin, esmClient, esmLogin, esmValue, httpRequest, listener } from './kit';

function payload(token: string): { exp: number; iat: number; sub: string } {
	return JSON.parse(Buffer.from(token.replace(/^Bearer /, '').split('.')[1], 'base64url').toString('utf8'));
}

describe('ESM emulator: JWT login', () => {
	let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
	let esm: EsmSandbox;
	let other: EsmSandbox;

	beforeAll(async () => {
		esm = await startEsm({ port: 0, now: () => clock });
		other = await startEsm({ port: 0, instance: 'remote' });
	});
	afterAll(async () => {
		await Promise.all([esm.stop(), other.stop()]);
	});

	const echo = (token?: string) => httpRequest('GET', `${esm.apiUrl}/echo/jwt`, { headers: token ? { Authorization: token } : {} });

	test('login answers the JWT in the Authorization header and as body token "Bearer ..."; exp = iat + 900 s by default', async () => {
		const login = await esmLogin(esm);
		expect(login.status).toBe(200);
		expect(login.body).toEqual({ code: 200, message: 'Authentication successful', timestamp: expect.any(String), token: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/) });
		expect(login.headers.authorization).toBe(login.body.token);
		const claims = payload(login.body.token);
		expect(claims.exp - claims.iat).toBe(900);
		expect(claims.sub).toBe('integration');
		expect((await echo(login.body.token)).body).toMatchObject({ code: 200, message: 'Hello integration' });
	});

	test('wrong password, missing token, tampered or foreign tokens: 401 ApiException', async () => {
		const wrong = await esmLogin(esm, 'integration', 'nope');
		expect(wrong.status).toBe(401);
		expect(wrong.body).toMatchObject({ code: 401, error: 'Unauthorized', message: 'Wrong credentials provided.' });
		const json = await httpRequest('POST', `${esm.apiUrl}/users/login`, { body: { login: 'integration', password: 'sandbox-esm-password' } });
		expect(json.status).toBe(401);

		expect((await echo()).status).toBe(401);
		const token = (await esmLogin(esm)).body.token as string;
		const [header, body, signature] = token.split('.');
		const tampered = `${header}.${Buffer.from(JSON.stringify({ ...payload(token), sub: 'admin' })).toString('base64url')}.${signature}`;
		expect((await echo(tampered)).body).toMatchObject({ code: 401, message: 'Invalid JWT token' });
		expect((await echo(`${header}.${body}.${signature.slice(0, -2)}xx`)).status).toBe(401);
		const foreign = (await esmLogin(other)).body.token as string;
		expect((await echo(foreign)).status).toBe(401);
	});

	test('401 after exp; tokenTtlSec fault shortens new tokens; revokeTokens ends all sessions', async () => {
		const token = (await esmLogin(esm)).body.token as string;
		clock += 899_000;
		expect((await echo(token)).status).toBe(200);
		clock += 1_000;
		const expired = await echo(token);
		expect(expired.status).toBe(401);
		expect(expired.body.message).toBe('JWT token has expired');

		expect((await admin(esm.url).post('/faults', { tokenTtlSec: 5 })).status).toBe(200);
		const short = (await esmLogin(esm)).body.token as string;
		expect(payload(short).exp - payload(short).iat).toBe(5);
		clock += 5_000;
		expect((await echo(short)).status).toBe(401);

		const fresh = (await esmLogin(esm)).body.token as string;
		await admin(esm.url).post('/faults', { revokeTokens: true });
		expect((await echo(fresh)).status).toBe(401);
		const after = (await esmLogin(esm)).body.token as string;
		expect(payload(after).exp - payload(after).iat).toBe(900);
		expect((await echo(after)).status).toBe(200);
	});
});

describe('ESM emulator: data cards', () => {
	let esm: EsmSandbox;
	let call: Awaited<ReturnType<typeof esmClient>>;
	let personId: string;

	beforeAll(async () => {
		esm = await startEsm({ port: 0, maxUploadBytes: 1024 });
		call = await esmClient(esm);
		personId = (await call('GET', '/dc/person/data?limit=1')).body.data[0].dataCardId;
	});
	afterAll(async () => {
		await esm.stop();
	});

	test('template detail lists folders, typed attributes, dropdown values and reference targets', async () => {
		const template = (await call('GET', '/dc/incident')).body;
		expect(template.allowedFolders).toEqual([
			{ folderName: 'Incident management', folderCode: 'incident_management' },
			{ folderName: 'Service requests', folderCode: 'service_requests' },
		]);
		expect(template.attributes.status).toMatchObject({ type: 'static-value', multiValue: false, values: expect.arrayContaining([{ code: 'closed', value: '07 - Closed' }]) });
		expect(template.attributes.status.values.map((entry: { value: string }) => entry.value)).toEqual([
			'01 - New',
			'02 - Solving',
			'03 - Waiting for customer',
			'04 - Waiting for 3rd party',
			'05 - Solved',
			'06 - Cancelled',
			'07 - Closed',
		]);
		expect(template.attributes.customer).toEqual({ name: 'Customer', multiValue: false, type: 'reference', file: false, target: ['person'] });
		expect(template.attributes.attachments).toMatchObject({ type: 'external-reference', multiValue: true, file: true });
		expect(template.attributes.worklog).toMatchObject({ type: 'worklog', multiValue: true });
		expect((await call('GET', '/dc/nope')).status).toBe(404);
		expect(Object.keys((await call('GET', '/dc/person')).body.attributes)).toEqual(
			expect.arrayContaining(['efecte_id', 'first_name', 'last_name', 'email', 'accountStatus', 'datasourceid']),
		);
	});

	test('a write with bad values is saved and answers per-attribute errors in its 2xx body', async () => {
		const group = (await call('GET', '/dc/group/data?limit=1')).body.data[0].dataCardId;
		const result = await call('POST', '/dc/incident/data', {
			folderCode: 'incident_management',
			data: {
				subject: esmValue('Per-attribute errors'),
				status: esmValue('5 - Removed'),
				priority: esmValue({ value: '2 - High', code: 'low' }),
				hours_spent: esmValue('many'),
				due_date: esmValue('24.12.2026'),
				customer: esmValue({ dataCardId: group }),
				category: { values: [{ value: 'Hardware' }, { value: 'Network' }] },
				created: esmValue('2020-01-01T00:00:00Z'),
				no_such_attribute: esmValue('x'),
				description: esmValue('kept'),
			},
		});
		expect(result.status).toBe(201);
		expect(result.body.meta.errors).toEqual([
			{ attributeCode: 'status', attributeType: 'static-value', error: 'Bad Request', message: "Couldn't find static-value with value: 5 - Removed and code: null from attribute: Status" },
			{ attributeCode: 'priority', attributeType: 'static-value', error: 'Bad Request', message: "Couldn't find static-value with value: 2 - High and code: low from attribute: Priority" },
			{ attributeCode: 'hours_spent', attributeType: 'number', error: 'Bad Request', message: "Invalid number value 'many' for attribute: Hours spent" },
			{ attributeCode: 'due_date', attributeType: 'date', error: 'Bad Request', message: "Invalid date value '24.12.2026' for attribute: Due date, expected format yyyy-MM-dd" },
			{ attributeCode: 'customer', attributeType: 'reference', error: 'Bad Request', message: expect.stringContaining("is not allowed for attribute: Customer (allowed: person)") },
			{ attributeCode: 'category', attributeType: 'static-value', error: 'Bad Request', message: 'Attribute Category is not multi-value: give at most one value' },
			{ attributeCode: 'created', attributeType: 'datetime', error: 'Bad Request', message: 'Attribute Created is read-only' },
			{ attributeCode: 'no_such_attribute', attributeType: 'unknown', error: 'Bad Request', message: 'Attribute no_such_attribute not found from template: incident' },
		]);
		const card = (await call('GET', `/dc/incident/data/${result.body.dataCard.dataCardId}`)).body;
		expect(card.data.subject.values).toEqual([{ value: 'Per-attribute errors' }]);
		expect(card.data.description.values).toEqual([{ value: 'kept' }]);
		expect(card.data.status.values).toEqual([]);
		expect(card.data.created.values[0].value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

		expect((await call('POST', '/dc/incident/data', { folderCode: 'personnel', data: {} })).body).toMatchObject({ code: 400, message: expect.stringContaining("Folder 'personnel' is not allowed") });
		expect((await call('POST', '/dc/incident/data', { folderCode: 'incident_management' })).body.message).toBe('data is required');
		expect((await call('POST', '/dc/incident/data', '{not json', { 'Content-Type': 'application/json' })).body.message).toBe('Invalid JSON.');
	});

	test('values in and out: references with names, dropdown by code, datetimes in UTC, worklog newest first with the author', async () => {
		const created = await call('POST', '/dc/incident/data?dataCards=true', {
			folderCode: 'service_requests',
			data: {
				subject: esmValue('Values'),
				status: esmValue({ code: 'solving' }),
				customer: esmValue({ dataCardId: personId }),
				tags: esmValue('a', 'b'),
			},
		});
		expect(created.body.dataCard).toMatchObject({ dataCardId: expect.any(String), folderCode: 'service_requests', templateCode: 'incident' });
		const id = created.body.dataCard.dataCardId as string;
		const person = (await call('GET', `/dc/person/data/${personId}`)).body;
		expect(created.body.dataCard.data.customer.values).toEqual([
			{ name: person.name, dataCardId: personId, templateName: 'Person', templateCode: 'person', url: `/dc/person/data/${personId}`, deleted: false, hidden: false },
		]);
		expect(created.body.dataCard.data.status.values).toEqual([{ value: '02 - Solving', code: 'solving' }]);

		await call('POST', `/dc/incident/data/${id}/worklog`, { values: [{ value: 'First' }] });
		await call('PATCH', `/dc/incident/data/${id}`, { dataCardId: id, data: { worklog: esmValue('Second') } });
		const worklog = (await call('GET', `/dc/incident/data/${id}/worklog`)).body.values;
		expect(worklog.map((entry: { value: string }) => entry.value)).toEqual(['Second', 'First']);
		expect(worklog[0]).toEqual({ author: 'n8n Integration', value: 'Second', date: expect.stringMatching(/Z$/) });

		expect((await call('PUT', `/dc/incident/data/${id}/status`, { values: [{ value: '05 - Solved' }] })).status).toBe(200);
		const closedAt = (await call('GET', `/dc/incident/data/${id}/status`)).body;
		expect(closedAt).toEqual({ name: 'Status', type: 'static-value', values: [{ value: '05 - Solved', code: 'solved' }] });
		const single = await call('POST', `/dc/incident/data/${id}/subject`, { values: [{ value: 'second subject' }] });
		expect(single.status).toBe(400);
		expect(single.body.message).toBe('Attribute Subject already has a value and is not multi-value');
		await call('POST', `/dc/incident/data/${id}/tags`, { values: [{ value: 'c' }] });
		expect((await call('GET', `/dc/incident/data/${id}/tags`)).body.values).toEqual([{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
		await call('DELETE', `/dc/incident/data/${id}/tags`);
		expect((await call('GET', `/dc/incident/data/${id}/tags`)).body.values).toEqual([]);
		expect((await call('GET', `/dc/incident/data/${id}/nothing`)).body).toMatchObject({ code: 403, message: 'Resource not found' });
		expect((await call('PATCH', `/dc/incident/data/${id}`, { dataCardId: '1', data: {} })).status).toBe(400);

		const datetime = await call('PATCH', `/dc/failure/data/${(await call('GET', '/dc/failure/data?limit=1')).body.data[0].dataCardId}`, {
			dataCardId: (await call('GET', '/dc/failure/data?limit=1')).body.data[0].dataCardId,
			data: { occurred: esmValue('2026-11-23T12:30:00+02:00') },
		});
		expect(datetime.body.meta.errors).toEqual([]);
		expect(
			(await call('GET', `/dc/failure/data/${datetime.body.dataCard.dataCardId}/occurred`)).body.values,
		).toEqual([{ value: '2026-11-23T10:30:00Z' }]);
	});

	test('bulk PUT answers per item, in request order, and counts what was saved', async () => {
		const existing = (await call('GET', '/dc/incident/data?limit=2')).body.data.map((card: { dataCardId: string }) => card.dataCardId);
		const result = await call('PUT', '/dc/incident/data', [
			{ dataCardId: existing[0], data: { solution: esmValue('Bulk fix') } },
			{ folderCode: 'incident_management', data: { subject: esmValue('Bulk new'), status: esmValue('nope') } },
			{ dataCardId: '999999', data: { solution: esmValue('x') } },
			{ folderCode: 'nowhere', data: { subject: esmValue('x') } },
			'not a card',
			{ dataCardId: existing[1], folderCode: 'service_requests', data: {} },
		]);
		expect(result.status).toBe(200);
		expect(result.body.meta.importResult).toEqual({ handledDataCards: 6, savedDataCards: 3, notSavedDataCards: 3 });
		const data = result.body.data;
		expect(data).toHaveLength(6);
		expect(data[0]).toEqual({ dataCard: expect.objectContaining({ dataCardId: existing[0] }), errors: [] });
		expect(data[1].dataCard.name).toBe('Bulk new');
		expect(data[1].errors).toEqual([expect.objectContaining({ attributeCode: 'status' })]);
		expect(data[2]).toEqual({ errors: [{ message: 'Data card not found: 999999', error: 'Not Found' }] });
		expect(data[3].errors[0].message).toContain("Folder 'nowhere' is not allowed");
		expect(data[4].errors[0].message).toBe('Invalid data card: expected an object');
		expect(data[5]).toEqual({ dataCard: expect.objectContaining({ dataCardId: existing[1] }), errors: [] });
		expect((await call('GET', `/dc/incident/data/${existing[1]}`)).body.folderCode).toBe('service_requests');
		expect((await call('PUT', '/dc/incident/data', { not: 'an array' })).status).toBe(400);
	});

	test('delete moves to the trash (409 the second time); trashed cards refuse writes', async () => {
		const id = (await call('POST', '/dc/incident/data', { folderCode: 'incident_management', data: { subject: esmValue('Trash me') } })).body.dataCard.dataCardId;
		const deleted = await call('DELETE', `/dc/incident/data/${id}`);
		expect(deleted.body).toMatchObject({ code: 200, message: `Data card ${id} moved to the trash can` });
		expect((await call('DELETE', `/dc/incident/data/${id}`)).body).toMatchObject({ code: 409, error: 'Conflict' });
		expect((await call('PATCH', `/dc/incident/data/${id}`, { dataCardId: id, data: {} })).status).toBe(400);
		expect((await call('GET', `/dc/incident/data/${id}`)).body.deleted).toBe(true);
		expect((await call('DELETE', '/dc/incident/data/1')).status).toBe(404);
	});

	test('files: multipart upload onto a file attribute, download, size limit', async () => {
		const id = (await call('POST', '/dc/incident/data', { folderCode: 'incident_management', data: { subject: esmValue('Files') } })).body.dataCard.dataCardId;
		const upload = (name: string, content: Buffer, attribute = 'attachments') => {
			const boundary = '----sandbox';
			const body = Buffer.concat([
				Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileUpload"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
				content,
				Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\n${name}\r\n--${boundary}--\r\n`),
			]);
			return call('POST', `/dc/incident/data/${id}/${attribute}/file`, body, { 'Content-Type': `multipart/form-data; boundary=${boundary}` });
		};
		const binary = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]);
		expect((await upload('dump.bin', binary)).status).toBe(200);
		expect((await upload('second.txt', Buffer.from('two'))).status).toBe(200);
		const values = (await call('GET', `/dc/incident/data/${id}/attachments`)).body.values;
		expect(values).toEqual([
			{ name: 'dump.bin', location: expect.any(String), download: expect.stringContaining(`/dc/incident/data/${id}/attachments/file/`) },
			{ name: 'second.txt', location: expect.any(String), download: expect.any(String) },
		]);
		const download = await httpRequest('GET', values[0].download, { headers: { Authorization: call.token } });
		expect(download.headers['content-type']).toBe('application/octet-stream');
		expect(download.raw.equals(binary)).toBe(true);
		expect((await upload('big.bin', Buffer.alloc(2048))).status).toBe(413);
		expect((await upload('x.txt', Buffer.from('x'), 'subject')).body.message).toBe('Attribute subject does not take files');
		expect((await call('GET', `/dc/incident/data/${id}/attachments/file/nope`)).status).toBe(404);
	});
});

describe('ESM emulator: webhook rules call n8n like an ESM workflow', () => {
	let esm: EsmSandbox;
	let call: Awaited<ReturnType<typeof esmClient>>;
	let target: Awaited<ReturnType<typeof listener>>;

	beforeAll(async () => {
		esm = await startEsm({ port: 0, webhookRetryDelaysMs: [20, 40] });
		call = await esmClient(esm);
	});
	afterEach(async () => {
		await target?.close();
		await admin(esm.url).post('/reset');
	});
	afterAll(async () => {
		await esm.stop();
	});

	const deliveries = async () => (await admin(esm.url).get('/webhook-deliveries?wait=true')).body as Array<Record<string, unknown>>;

	test('a change to a matching card POSTs the simplified card with the rule\'s headers; others do not', async () => {
		target = await listener();
		const rule = await admin(esm.url).post('/webhook-rules', {
			template: 'incident',
			filter: "$status$ = '05 - Solved'",
			url: target.url,
			headers: { 'X-N8N-Auth': 'secret' },
		});
		expect(rule.status).toBe(201);
		expect(rule.body).toMatchObject({ id: expect.any(String), template: 'incident', events: ['created', 'updated', 'deleted'] });

		const [first, second] = (await call('GET', '/dc/incident/data?limit=2')).body.data.map((card: { dataCardId: string }) => card.dataCardId);
		await call('PATCH', `/dc/incident/data/${first}`, { dataCardId: first, data: { status: esmValue('05 - Solved'), solution: esmValue('Replaced the cable') } });
		await call('PATCH', `/dc/incident/data/${second}`, { dataCardId: second, data: { status: esmValue('02 - Solving') } });
		const created = await call('POST', '/dc/incident/data', { folderCode: 'incident_management', data: { subject: esmValue('Born solved'), status: esmValue('05 - Solved') } });
		await deliveries();

		expect(target.received.map((entry) => [entry.body.event, entry.body.dataCardId])).toEqual([
			['updated', first],
			['created', created.body.dataCard.dataCardId],
		]);
		const sent = target.received[0];
		expect(sent.headers['x-n8n-auth']).toBe('secret');
		expect(sent.body).toMatchObject({
			event: 'updated',
			ruleId: rule.body.id,
			template: 'incident',
			changedAttributes: ['status', 'solution'],
			card: {
				dataCardId: first,
				templateCode: 'incident',
				deleted: false,
				data: { status: '05 - Solved', solution: 'Replaced the cable', worklog: expect.any(Array), attachments: [] },
			},
		});
		expect(sent.body.card.data.customer).toEqual({ dataCardId: expect.any(String), name: expect.any(String) });

		// Deleting a card that matched is a change too; after removing the rule nothing fires.
		await call('DELETE', `/dc/incident/data/${first}`);
		await deliveries();
		expect(target.received.map((entry) => entry.body.event)).toEqual(['updated', 'created', 'deleted']);
		expect((await admin(esm.url).delete(`/webhook-rules/${rule.body.id}`)).status).toBe(200);
		await call('PATCH', `/dc/incident/data/${second}`, { dataCardId: second, data: { status: esmValue('05 - Solved') } });
		await deliveries();
		expect(target.received).toHaveLength(3);
	});

	test('failed deliveries are retried shortly; the outcome is kept for assertions', async () => {
		target = await listener((count) => (count === 1 ? 500 : 204));
		await admin(esm.url).post('/webhook-rules', { template: 'person', url: target.url, events: ['updated'] });
		const person = (await call('GET', '/dc/person/data?limit=1')).body.data[0].dataCardId;
		await call('PUT', `/dc/person/data/${person}/title`, { values: [{ value: 'Director' }] });
		const [delivery] = await deliveries();
		expect(delivery).toMatchObject({ event: 'updated', dataCardId: person, attempts: 2, ok: true, status: 204 });
		expect(target.received.map((entry) => entry.status)).toEqual([500, 204]);
		expect((await admin(esm.url).get('/state?include=webhookDeliveries')).body.webhookDeliveries).toHaveLength(1);

		await target.close();
		await call('PUT', `/dc/person/data/${person}/title`, { values: [{ value: 'CEO' }] });
		const failed = (await deliveries())[1];
		expect(failed).toMatchObject({ ok: false, attempts: 3, error: expect.any(String) });
	});

	test('rules are checked when added', async () => {
		const bad = async (rule: Record<string, unknown>, message: string) => {
			const result = await admin(esm.url).post('/webhook-rules', rule);
			expect(result.status).toBe(400);
			expect(result.body.error).toContain(message);
		};
		await bad({ template: 'incident', filter: "$status$ IN ('x')", url: 'http://127.0.0.1:1/x' }, 'IN is not supported');
		await bad({ template: 'nope', url: 'http://127.0.0.1:1/x' }, "unknown template 'nope'");
		await bad({ template: 'incident', url: 'not a url' }, 'is not a URL');
		await bad({ template: 'incident', url: 'http://127.0.0.1:1/x', events: ['touched'] }, 'events are created, updated');
	});
});
