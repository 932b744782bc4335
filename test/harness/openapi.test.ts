import { request as httpsRequest } from 'https';

import nock from 'nock';

import { captureRequests, expectValidRequest, validateRequest } from '../helpers/openapi';
import { teardownHarness } from '../helpers/workflow-harness';

afterAll(() => teardownHarness());

const createIssueBody = {
	fields: {
		project: { key: 'ESM' },
		issuetype: { name: 'Task' },
		summary: 'Printer on fire',
		description: {
			type: 'doc',
			version: 1,
			content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Third floor' }] }],
		},
		labels: ['esm'],
	},
	update: { comment: [{ add: { body: { type: 'doc', version: 1, content: [] } } }] },
};

describe('openapi: Jira', () => {
	it('accepts a valid create-issue request, and the first use is fast', () => {
		const started = Date.now();
		const problems = validateRequest('jira', { method: 'POST', path: '/rest/api/3/issue', body: createIssueBody });
		const firstUseMs = Date.now() - started;
		expect(problems).toEqual([]);
		expect(firstUseMs).toBeLessThan(2000);
		expect(() =>
			expectValidRequest('jira', { method: 'POST', path: '/rest/api/3/issue?updateHistory=true', body: createIssueBody }),
		).not.toThrow();
	});

	it('rejects fields as a string', () => {
		const problems = validateRequest('jira', {
			method: 'POST',
			path: '/rest/api/3/issue',
			body: { fields: 'summary=Printer on fire' },
		});
		expect(problems).toEqual(['POST /rest/api/3/issue: body/fields must be object']);
		expect(() =>
			expectValidRequest('jira', { method: 'POST', path: '/rest/api/3/issue', body: { fields: 'x' } }),
		).toThrow(/does not conform to the jira spec:\n {2}- POST \/rest\/api\/3\/issue: body\/fields must be object/);
	});

	it('rejects a body that is not valid in nested, referenced schemas', () => {
		const problems = validateRequest('jira', {
			method: 'POST',
			path: '/rest/api/3/issue',
			body: { ...createIssueBody, update: { comment: [{ append: 'text' }] }, historyMetadata: { actor: 'bob' } },
		});
		expect(problems.sort()).toEqual([
			// HistoryMetadata.actor: allOf [$ref HistoryMetadataParticipant]
			'POST /rest/api/3/issue: body/historyMetadata/actor must be object',
			// FieldUpdateOperation: additionalProperties false
			'POST /rest/api/3/issue: body/update/comment/0 has unknown property "append"',
		]);
	});

	it('rejects an unknown path, and a method the path does not have', () => {
		const unknown = validateRequest('jira', { method: 'GET', path: '/rest/api/3/issues/ESM-1' });
		expect(unknown).toHaveLength(1);
		expect(unknown[0]).toMatch(/^GET \/rest\/api\/3\/issues\/ESM-1: unknown path.*\/rest\/api\/3\/issue\/\{issueIdOrKey\}/);

		const method = validateRequest('jira', { method: 'PATCH', path: '/rest/api/3/issue/ESM-1' });
		expect(method).toEqual([
			expect.stringMatching(/no PATCH operation here \(\/rest\/api\/3\/issue\/\{issueIdOrKey\} allows GET, PUT, DELETE\)/),
		]);
	});

	it('checks query parameters of GET /rest/api/3/search/jql', () => {
		const ok = '/rest/api/3/search/jql?jql=project%20%3D%20ESM&maxResults=100&fields=summary&fields=status&nextPageToken=abc';
		expect(validateRequest('jira', { method: 'GET', path: ok })).toEqual([]);

		expect(validateRequest('jira', { method: 'GET', path: '/rest/api/3/search/jql?jql=x&startAt=0' })).toEqual([
			expect.stringMatching(/unknown query parameter "startAt" \(known: jql, nextPageToken, maxResults, fields, /),
		]);
		expect(validateRequest('jira', { method: 'GET', path: '/rest/api/3/search/jql?jql=x&maxResults=many' })).toEqual([
			expect.stringContaining('query parameter "maxResults" = "many" must be integer'),
		]);
	});

	it('prefers literal path segments over templates', () => {
		// /issue/createmeta (literal) and /issue/{issueIdOrKey} both have GET; projectKeys exists only on the former.
		expect(validateRequest('jira', { method: 'GET', path: '/rest/api/3/issue/createmeta?projectKeys=ESM' })).toEqual([]);
		expect(validateRequest('jira', { method: 'GET', path: '/rest/api/3/issue/ESM-1?projectKeys=ESM' })).toEqual([
			expect.stringContaining('unknown query parameter "projectKeys"'),
		]);
	});

	it('follows the spec on POST /rest/api/3/issue/{key}/transitions', () => {
		const path = '/rest/api/3/issue/ESM-1/transitions';
		// IssueUpdateDetails has no `required` list: the spec accepts a body without `transition`
		// (Jira itself answers 400, the spec does not say so).
		expect(validateRequest('jira', { method: 'POST', path, body: { fields: { resolution: { name: 'Done' } } } })).toEqual([]);
		expect(validateRequest('jira', { method: 'POST', path, body: { transition: { id: '31' } } })).toEqual([]);
		expect(validateRequest('jira', { method: 'POST', path, body: { transition: '31' } })).toEqual([
			`POST /rest/api/3/issue/{issueIdOrKey}/transitions: body/transition must be object`,
		]);
		// The request body itself is required.
		expect(validateRequest('jira', { method: 'POST', path })).toEqual([
			'POST /rest/api/3/issue/{issueIdOrKey}/transitions: the request body is required but none was sent',
		]);
	});

	it('rejects a body sent to an operation that takes none', () => {
		expect(validateRequest('jira', { method: 'GET', path: '/rest/api/3/issue/ESM-1', body: { a: 1 } })).toEqual([
			'GET /rest/api/3/issue/{issueIdOrKey}: the operation takes no request body, but one was sent',
		]);
	});

	it('accepts full URLs and JSON bodies as strings', () => {
		expect(
			validateRequest('jira', {
				method: 'post',
				path: 'https://acme.atlassian.net/rest/api/3/issue',
				body: JSON.stringify(createIssueBody),
				headers: { 'Content-Type': 'application/json; charset=utf-8' },
			}),
		).toEqual([]);
	});
});

describe('openapi: ESM', () => {
	it('validates paths relative to the server base, with or without it', () => {
		const list = '/dc/incident/data?limit=50&filter=%24status%24%20%3D%20%27open%27&dataCards=true';
		expect(validateRequest('esm', { method: 'GET', path: `/rest-api/itsm/v1${list}` })).toEqual([]);
		expect(validateRequest('esm', { method: 'GET', path: list })).toEqual([]);
		expect(validateRequest('esm', { method: 'GET', path: `/esm/rest-api/itsm/v1${list}` }, { basePath: '/esm/rest-api/itsm/v1' })).toEqual([]);
	});

	it('reports missing and ill-typed query parameters', () => {
		expect(validateRequest('esm', { method: 'GET', path: '/rest-api/itsm/v1/dc/incident/data' })).toEqual([
			'GET /dc/{templateCode}/data: required query parameter "limit" is missing',
		]);
		expect(validateRequest('esm', { method: 'GET', path: '/rest-api/itsm/v1/dc/incident/data?limit=500' })).toEqual([
			'GET /dc/{templateCode}/data: query parameter "limit" = 500 must be <= 200',
		]);
		expect(validateRequest('esm', { method: 'GET', path: '/dc/incident/data?limit=5&dataCards=yes' })).toEqual([
			'GET /dc/{templateCode}/data: query parameter "dataCards" = "yes" must be boolean',
		]);
	});

	it('validates bulk PUT bodies and login forms', () => {
		const card = { folderCode: 'incidents', dataCardId: '12', data: { subject: { values: [{ value: 'x' }] } } };
		expect(validateRequest('esm', { method: 'PUT', path: '/rest-api/itsm/v1/dc/incident/data', body: [card] })).toEqual([]);
		expect(validateRequest('esm', { method: 'PUT', path: '/rest-api/itsm/v1/dc/incident/data', body: card })).toEqual([
			'PUT /dc/{templateCode}/data: body must be array',
		]);
		const problems = validateRequest('esm', { method: 'PUT', path: '/rest-api/itsm/v1/dc/incident/data', body: [{ data: {} }] });
		expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('body/0 misses required property "dataCardId"')]));

		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		expect(validateRequest('esm', { method: 'POST', path: '/rest-api/itsm/v1/users/login', body: 'login=n8n&password=x', headers: form })).toEqual([]);
		expect(validateRequest('esm', { method: 'POST', path: '/rest-api/itsm/v1/users/login', body: 'login=n8n', headers: form })).toEqual([
			'POST /users/login: body misses required property "password"',
		]);
	});

	it('prefers /data/stream over /data/{dataCardId}', () => {
		expect(validateRequest('esm', { method: 'GET', path: '/rest-api/itsm/v1/dc/incident/data/stream?filter=x' })).toEqual([]);
		expect(validateRequest('esm', { method: 'GET', path: '/rest-api/itsm/v1/dc/incident/data/42?filter=x' })).toEqual([
			'GET /dc/{templateCode}/data/{dataCardId}: unknown query parameter "filter" (known: selectedAttributes)',
		]);
	});
});

describe('captureRequests', () => {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => nock.cleanAll());
	afterAll(() => {
		nock.enableNetConnect();
		// Dispose nock's interceptor, or the next test file touches it after jest's globals cleanup.
		nock.restore();
	});

	function send(method: string, url: string, body?: unknown): Promise<number> {
		return new Promise((resolve, reject) => {
			const data = body === undefined ? undefined : JSON.stringify(body);
			const req = httpsRequest(url, { method, headers: data ? { 'content-type': 'application/json' } : {} }, (res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			});
			req.on('error', reject);
			req.end(data);
		});
	}

	it('collects every intercepted request, from scopes made before and after it started', async () => {
		nock('https://acme.atlassian.net').post('/rest/api/3/issue').reply(201, { key: 'ESM-1' });
		const capture = captureRequests();
		nock('https://esm.example.com')
			.get('/rest-api/itsm/v1/dc/incident/data')
			.query(true)
			.reply(200, { data: [] });

		await send('POST', 'https://acme.atlassian.net/rest/api/3/issue', { fields: 'bad' });
		await send('GET', 'https://esm.example.com/rest-api/itsm/v1/dc/incident/data?limit=10&colour=red');
		capture.stop();
		nock('https://acme.atlassian.net').get('/rest/api/3/myself').reply(200, {});
		await send('GET', 'https://acme.atlassian.net/rest/api/3/myself');

		expect(capture.requests).toHaveLength(2);
		expect(capture.requests[0]).toMatchObject({
			method: 'POST',
			origin: 'https://acme.atlassian.net:443',
			path: '/rest/api/3/issue',
			body: { fields: 'bad' },
			headers: expect.objectContaining({ 'content-type': 'application/json' }),
		});
		expect(capture.requests[1]).toMatchObject({
			method: 'GET',
			pathname: '/rest-api/itsm/v1/dc/incident/data',
			query: { limit: '10', colour: 'red' },
			body: undefined,
		});
		expect(capture.problems('jira', { filter: (r) => r.origin.includes('atlassian') })).toEqual([
			'#0 POST /rest/api/3/issue: body/fields must be object',
		]);
		expect(() => capture.expectAllValid('esm', { filter: (r) => r.origin.includes('esm') })).toThrow(
			/#1 GET \/dc\/\{templateCode\}\/data: unknown query parameter "colour"/,
		);
	});
});
