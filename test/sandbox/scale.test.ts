/**
 * The benchmark sizes: 50,000 users, 7,000 groups, 20,000 issues generated deterministically in
 * seconds and with a sane memory footprint, and listed page by page at the APIs' page sizes.
 */
import { startEsm, startJira, type EsmSandbox, type JiraSandbox } from '../../sandbox';
import { esmClient, httpRequest, jiraClient } from './kit';

const SIZES = { users: 50_000, groups: 7_000, issues: 20_000, seed: 42 };

function mb(bytes: number): number {
	return Math.round(bytes / 1024 / 1024);
}

describe('large deterministic data sets', () => {
	let jira: JiraSandbox;
	let esm: EsmSandbox;
	let generatedInMs = 0;
	let heapGrowthMb = 0;

	beforeAll(async () => {
		const heapBefore = process.memoryUsage().heapUsed;
		const started = Date.now();
		jira = await startJira({ port: 0, seed: { generate: SIZES } });
		generatedInMs = Date.now() - started;
		heapGrowthMb = mb(process.memoryUsage().heapUsed - heapBefore);
		esm = await startEsm({ port: 0, seed: { generate: { persons: 50_000, groups: 7_000, seed: 42 } } });
	}, 60_000);
	afterAll(async () => {
		await Promise.all([jira?.stop(), esm?.stop()]);
	});

	test('generating 50k users, 7k groups, 20k issues takes seconds and little memory', async () => {
		const summary = (await httpRequest('GET', `${jira.url}/__admin/state?summary=true`)).body;
		expect(summary).toMatchObject({ users: SIZES.users + 1, groups: SIZES.groups, issues: SIZES.issues });
		expect(summary.memberships).toBeGreaterThan(SIZES.users);
		console.log(`sandbox scale: generated in ${generatedInMs} ms, heap +${heapGrowthMb} MB, ${summary.memberships} memberships`);
		expect(generatedInMs).toBeLessThan(10_000);
		expect(heapGrowthMb).toBeLessThan(600);
	});

	test('users/search lists every user in pages of 1000 and ends on an empty page', async () => {
		const call = jiraClient(jira);
		const started = Date.now();
		const ids = new Set<string>();
		let requests = 0;
		for (let startAt = 0; ; startAt += 1000) {
			const page = await call('GET', `/rest/api/3/users/search?startAt=${startAt}&maxResults=1000`);
			requests++;
			expect(page.status).toBe(200);
			if (!page.body.length) break;
			for (const user of page.body) ids.add(user.accountId);
		}
		expect(ids.size).toBe(SIZES.users + 1);
		expect(requests).toBe(Math.ceil((SIZES.users + 1) / 1000) + 1);
		console.log(`sandbox scale: ${requests} users/search pages in ${Date.now() - started} ms`);
		expect(Date.now() - started).toBeLessThan(20_000);
	}, 30_000);

	test('group/bulk pages of 50 and ids-only JQL pages of 5000 cover everything', async () => {
		const call = jiraClient(jira);
		let groups = 0;
		for (let startAt = 0; ; startAt += 50) {
			const page = (await call('GET', `/rest/api/3/group/bulk?startAt=${startAt}&maxResults=50`)).body;
			groups += page.values.length;
			if (page.isLast) break;
		}
		expect(groups).toBe(SIZES.groups);

		const seen = new Set<string>();
		let token: string | undefined;
		let pages = 0;
		do {
			const page = (await call('POST', '/rest/api/3/search/jql', { jql: 'project IN (SD, OPS) ORDER BY created DESC', fields: ['id'], maxResults: 5000, ...(token ? { nextPageToken: token } : {}) })).body;
			page.issues.forEach((issue: { id: string }) => seen.add(issue.id));
			token = page.nextPageToken;
			pages++;
		} while (token);
		expect(pages).toBe(4);
		expect(seen.size).toBe(SIZES.issues);
		const withFields = (await call('POST', '/rest/api/3/search/jql', { jql: 'project = OPS AND status = Done', fields: ['*navigable'], maxResults: 100 })).body;
		expect(withFields.issues).toHaveLength(100);
	}, 30_000);

	test('ESM: 50k person cards page by keyset, 200 a page', async () => {
		const call = await esmClient(esm);
		const started = Date.now();
		let url: string | undefined = `${esm.apiUrl}/dc/person/data?limit=200`;
		let cards = 0;
		let pages = 0;
		while (url) {
			const page = await httpRequest('GET', url, { headers: { Authorization: call.token } });
			cards += page.body.meta.count;
			pages++;
			url = page.body.meta.links.next;
		}
		expect(cards).toBe(50_000);
		expect(pages).toBe(250);
		console.log(`sandbox scale: 250 ESM keyset pages in ${Date.now() - started} ms`);
		const filtered = await call('GET', `/dc/person/data?limit=200&filter=${encodeURIComponent("$efecte_id$ = 'GEN-PER-0049999'")}`);
		expect(filtered.body.data).toHaveLength(1);
	}, 30_000);
});
