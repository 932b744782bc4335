import { teardownHarness, createWorkflowHarness } from '../../helpers/workflow-harness';
import { API, card, esm, esmCredential, expectLogins, incidentTemplate, jwt, PASSWORD, runEsm, setupNock, ESM } from './esm-kit';

setupNock();
afterAll(() => teardownHarness());

const getCard = { resource: 'dataCard', operation: 'get', template: { __rl: true, mode: 'code', value: 'incident' }, findBy: 'id', dataCardId: '={{ $json.id }}' };

describe('CoreProIGA login through n8n’s credential mechanism', () => {
	it('logs in once for many requests and sends the JWT as Bearer', async () => {
		const tokens = expectLogins(1);
		esm(() => tokens[0]).get(`${API}/dc/incident`).reply(200, incidentTemplate);
		esm(() => tokens[0]).get(`${API}/dc/incident/data/1`).reply(200, card(1));
		esm(() => tokens[0]).get(`${API}/dc/incident/data/2`).reply(200, card(2));
		const run = await runEsm(getCard, { items: [{ id: '1' }, { id: '2' }] });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.dataCardId)).toEqual(['1', '2']);
		expect(run.harness.preAuthCount('esmLocal')).toBe(1);
		const login = run.capture.requests.find((request) => request.pathname === `${API}/users/login`)!;
		expect(login.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
	});

	it('logs in again exactly once on a 401 and repeats the request', async () => {
		const tokens = expectLogins(2);
		esm().get(`${API}/dc/incident`).reply(200, incidentTemplate);
		esm(() => tokens[0]).get(`${API}/dc/incident/data/1`).reply(401, { code: 401, message: 'Token expired', error: 'Unauthorized' });
		esm(() => tokens[1]).get(`${API}/dc/incident/data/1`).reply(200, card(1));
		const run = await runEsm(getCard, { items: [{ id: '1' }] });
		expect(run.error).toBeUndefined();
		expect(run.items[0].dataCardId).toBe('1');
		expect(run.harness.preAuthCount('esmLocal')).toBe(2);
	});

	it('fails clearly when the session is refused even after a new login', async () => {
		expectLogins(2);
		esm().get(`${API}/dc/incident`).reply(200, incidentTemplate);
		esm().get(`${API}/dc/incident/data/1`).times(2).reply(401, { code: 401, message: 'No External API permission', error: 'Unauthorized' });
		const run = await runEsm(getCard, { items: [{ id: '1' }] });
		expect(run.error?.message).toBe('ESM rejected the session even after a new login (401)');
		expect(run.harness.preAuthCount('esmLocal')).toBe(2);
	});

	it('renews a token that is about to expire before using it (no wasted 401)', async () => {
		const harness = createWorkflowHarness({ credentials: [esmCredential({ sessionToken: jwt(20, 'old') })] });
		const tokens = expectLogins(1);
		esm(() => tokens[0]).get(`${API}/dc/incident`).reply(200, incidentTemplate);
		esm(() => tokens[0]).get(`${API}/dc/incident/data/1`).reply(200, card(1));
		const run = await runEsm(getCard, { items: [{ id: '1' }], harness });
		expect(run.error).toBeUndefined();
		expect(harness.preAuthCount('esmLocal')).toBe(1);
		expect(harness.credentialData('esmLocal').sessionToken).toBe(tokens[0]);
		expect(run.capture.requests.map((request) => request.pathname)).toEqual([`${API}/users/login`, `${API}/dc/incident`, `${API}/dc/incident/data/1`]);
	});

	it('keeps using a valid stored token without logging in', async () => {
		const stored = jwt(900, 'stored');
		const harness = createWorkflowHarness({ credentials: [esmCredential({ sessionToken: stored })] });
		esm(() => stored).get(`${API}/dc/incident`).reply(200, incidentTemplate);
		esm(() => stored).get(`${API}/dc/incident/data/1`).reply(200, card(1));
		const run = await runEsm(getCard, { items: [{ id: '1' }], harness });
		expect(run.items[0].dataCardId).toBe('1');
		expect(harness.preAuthCount('esmLocal')).toBe(0);
	});

	it('reads a wrong password as such and never shows it', async () => {
		require('nock')(ESM).post(`${API}/users/login`).reply(401, { code: 401, message: 'Invalid credentials', error: 'Unauthorized' });
		const run = await runEsm(getCard, { items: [{ id: '1' }] });
		// A refused login, not a connection failure: the message says what to fix, with ESM's status.
		expect(run.error?.message).toMatch(/^ESM rejected the login of "webapi" \(401\): check User and Password/);
		expect((run.error as { httpCode?: string } | undefined)?.httpCode).toBe('401');
		expect(JSON.stringify(run.result.run)).not.toContain(PASSWORD);
	});

	it('refuses http to anything but this machine, before sending the password', async () => {
		const run = await runEsm(getCard, { items: [{ id: '1' }], credential: { hostUrl: 'http://esm.acme.example' } });
		expect(run.error?.message).toMatch(/Host URL "http:\/\/esm.acme.example" must start with https:\/\//);
		expect(run.capture.requests).toEqual([]);
	});

	it('uses a configured API path', async () => {
		const path = '/itsm/api/v1';
		require('nock')(ESM).post(`${path}/users/login`).reply(200, { token: `Bearer ${jwt(900)}` });
		require('nock')(ESM).get(`${path}/dc/incident`).reply(200, incidentTemplate);
		require('nock')(ESM).get(`${path}/dc/incident/data/1`).reply(200, card(1));
		const harness = createWorkflowHarness({ credentials: [esmCredential({ apiPath: 'itsm/api/v1/' })] });
		const sleepless = await harness.runWorkflow({
			workflow: (await import('./esm-kit')).esmWorkflow(getCard, { items: [{ id: '1' }] }),
		});
		expect(sleepless.json('ESM')[0].dataCardId).toBe('1');
	});
});
