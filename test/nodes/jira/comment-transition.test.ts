import { adfText, JIRA, jira, runJira, sent, setupNock } from './jira-kit';
import { teardownHarness } from '../../helpers/workflow-harness';

setupNock();
afterAll(() => teardownHarness());

const issueKey = (value: string) => ({ __rl: true, mode: 'id', value });
const me = { accountId: 'integration-1', displayName: 'Integration', active: true };

function comment(id: string, body: unknown, author = me) {
	return { id, body, author, created: '2026-11-23T10:00:00.000+0000', updated: '2026-11-23T10:00:00.000+0000' };
}

describe('Jira Issue: comments', () => {
	it('adds a Markdown comment as ADF with internal visibility and returns it as Markdown', async () => {
		jira()
			.post('/rest/api/3/issue/ABC-1/comment')
			.reply(201, (_uri, body) => comment('10100', (body as { body: unknown }).body));
		const run = await runJira({
			resource: 'comment',
			operation: 'add',
			issueKey: issueKey('ABC-1'),
			body: 'Steps:\n\n1. Reboot\n2. Check [status](https://status.example)',
			format: 'markdown',
			options: { visibility: { restriction: { type: 'role', value: 'Administrators' } } },
		});
		const request = sent(run, 'POST', '/rest/api/3/issue/ABC-1/comment').body as Record<string, unknown>;
		expect(request.visibility).toEqual({ type: 'role', value: 'Administrators' });
		expect(request.body).toEqual({
			type: 'doc',
			version: 1,
			content: [
				{ type: 'paragraph', content: [{ type: 'text', text: 'Steps:' }] },
				{
					type: 'orderedList',
					content: [
						{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Reboot' }] }] },
						{
							type: 'listItem',
							content: [
								{
									type: 'paragraph',
									content: [
										{ type: 'text', text: 'Check ' },
										{ type: 'text', text: 'status', marks: [{ type: 'link', attrs: { href: 'https://status.example' } }] },
									],
								},
							],
						},
					],
				},
			],
		});
		expect(run.items[0]).toMatchObject({ issueKey: 'ABC-1', id: '10100', body: 'Steps:\n\n1. Reboot\n2. Check [status](https://status.example)' });
	});

	it('restricts to a group by id when given a group id', async () => {
		jira().post('/rest/api/3/issue/ABC-1/comment').reply(201, comment('1', adfText('x')));
		const run = await runJira({
			resource: 'comment',
			operation: 'add',
			issueKey: issueKey('ABC-1'),
			body: 'x',
			options: { visibility: { restriction: { type: 'group', value: '276f955c-63d7-42c8-9520-92d01dca0625' } } },
		});
		expect((sent(run, 'POST', '/rest/api/3/issue/ABC-1/comment').body as Record<string, unknown>).visibility).toEqual({
			type: 'group',
			identifier: '276f955c-63d7-42c8-9520-92d01dca0625',
		});
	});

	it('after a lost answer finds its own comment instead of posting it twice', async () => {
		jira().post('/rest/api/3/issue/ABC-1/comment').reply(504, 'timeout');
		jira().get('/rest/api/3/myself').reply(200, me);
		jira()
			.get('/rest/api/3/issue/ABC-1/comment')
			.query({ orderBy: '-created', maxResults: 20 })
			.reply(200, {
				startAt: 0,
				maxResults: 20,
				total: 3,
				comments: [comment('3', adfText('Same text'), { ...me, accountId: 'a-human' }), comment('2', adfText('Same text')), comment('1', adfText('older'))],
			});
		const run = await runJira({ resource: 'comment', operation: 'add', issueKey: issueKey('ABC-1'), body: 'Same text' });
		expect(run.items[0]).toMatchObject({ id: '2', body: 'Same text' });
		expect(run.capture.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
	});

	it('refuses an empty comment', async () => {
		const run = await runJira({ resource: 'comment', operation: 'add', issueKey: issueKey('ABC-1'), body: '={{ $json.none }}' });
		expect(run.error?.message).toBe('Comment is empty: enter the comment text');
		expect(run.capture.requests).toEqual([]);
	});

	it('lists every page of comments (startAt / total)', async () => {
		const all = Array.from({ length: 205 }, (_, i) => comment(String(i), adfText(`c${i}`)));
		const starts: number[] = [];
		jira()
			.get('/rest/api/3/issue/ABC-1/comment')
			.query(true)
			.times(3)
			.reply(200, (uri) => {
				const params = new URL(uri, JIRA).searchParams;
				const startAt = Number(params.get('startAt'));
				starts.push(startAt);
				expect(params.get('orderBy')).toBe('-created');
				return { startAt, maxResults: 100, total: 205, comments: all.slice(startAt, startAt + 100) };
			});
		const run = await runJira({
			resource: 'comment',
			operation: 'getAll',
			issueKey: issueKey('ABC-1'),
			returnAll: true,
			options: { order: '-created' },
		});
		expect(run.items).toHaveLength(205);
		expect(run.items[204]).toMatchObject({ issueKey: 'ABC-1', id: '204', body: 'c204' });
		expect(starts).toEqual([0, 100, 200]);
	});

	it('updates a comment without notifying', async () => {
		jira().put('/rest/api/3/issue/ABC-1/comment/10100').query({ notifyUsers: false }).reply(200, comment('10100', adfText('new')));
		const run = await runJira({
			resource: 'comment',
			operation: 'update',
			issueKey: issueKey('ABC-1'),
			commentId: '10100',
			body: 'new',
			options: { notifyUsers: false },
		});
		expect(sent(run, 'PUT', '/rest/api/3/issue/ABC-1/comment/10100').body).toEqual({ body: adfText('new') });
		expect(run.items[0]).toMatchObject({ id: '10100', body: 'new' });
	});

	it('deletes a comment', async () => {
		jira().delete('/rest/api/3/issue/ABC-1/comment/10100').reply(204);
		const run = await runJira({ resource: 'comment', operation: 'delete', issueKey: issueKey('ABC-1'), commentId: '10100' });
		expect(run.items).toEqual([{ issueKey: 'ABC-1', commentId: '10100', deleted: true }]);
	});
});

const transitions = {
	transitions: [
		{ id: '11', name: 'Start Progress', to: { id: '3', name: 'In Progress' }, isAvailable: true, fields: {} },
		{
			id: '31',
			name: 'Resolve',
			to: { id: '5', name: 'Done' },
			isAvailable: true,
			fields: { resolution: { required: true, name: 'Resolution', schema: { type: 'resolution' }, allowedValues: [{ id: '10000', name: 'Fixed' }] } },
		},
		{ id: '41', name: 'Close', to: { id: '6', name: 'Closed' }, isAvailable: true, fields: {} },
	],
};

describe('Jira Issue: transitions', () => {
	it('lists transitions with their screen fields', async () => {
		jira().get('/rest/api/3/issue/ABC-1/transitions').query({ expand: 'transitions.fields', includeUnavailableTransitions: 'true' }).reply(200, transitions);
		const run = await runJira({
			resource: 'transition',
			operation: 'getAll',
			issueKey: issueKey('ABC-1'),
			options: { includeFields: true, includeUnavailable: true },
		});
		expect(run.items.map((t) => [t.issueKey, t.id])).toEqual([
			['ABC-1', '11'],
			['ABC-1', '31'],
			['ABC-1', '41'],
		]);
	});

	it('moves to a status by name with resolution and comment in one call', async () => {
		jira().get('/rest/api/3/issue/ABC-1/transitions').query({ expand: 'transitions.fields' }).reply(200, transitions);
		jira().post('/rest/api/3/issue/ABC-1/transitions').reply(204);
		const run = await runJira({
			resource: 'transition',
			operation: 'do',
			issueKey: issueKey('ABC-1'),
			transitionBy: 'status',
			targetStatus: 'done',
			options: { resolution: 'Fixed', comment: 'Solved in ESM', commentFormat: 'text' },
		});
		expect(sent(run, 'POST', '/rest/api/3/issue/ABC-1/transitions').body).toEqual({
			transition: { id: '31' },
			fields: { resolution: { name: 'Fixed' } },
			update: { comment: [{ add: { body: adfText('Solved in ESM') } }] },
		});
		expect(run.items[0]).toEqual({
			issueKey: 'ABC-1',
			changed: true,
			transitionId: '31',
			transitionName: 'Resolve',
			toStatus: 'Done',
			resolution: 'Fixed',
			commentAdded: true,
		});
	});

	it('refuses a resolution that the transition screen does not show, before writing', async () => {
		jira().get('/rest/api/3/issue/ABC-1/transitions').query(true).reply(200, transitions);
		const run = await runJira({
			resource: 'transition',
			operation: 'do',
			issueKey: issueKey('ABC-1'),
			transitionBy: 'id',
			transitionId: '41',
			options: { resolution: 'Fixed' },
		});
		expect(run.error?.message).toBe('The transition "Close" does not show the Resolution field, so Jira cannot set a resolution in it');
		expect(run.capture.requests.filter((r) => r.method === 'POST')).toEqual([]);
	});

	it('succeeds without a change when the issue is already in the target status', async () => {
		jira().get('/rest/api/3/issue/ABC-1/transitions').query(true).reply(200, { transitions: [transitions.transitions[0]] });
		jira().get('/rest/api/3/issue/ABC-1').query({ fields: 'status' }).reply(200, { id: '1', key: 'ABC-1', fields: { status: { id: '5', name: 'Done' } } });
		const run = await runJira({ resource: 'transition', operation: 'do', issueKey: issueKey('ABC-1'), transitionBy: 'status', targetStatus: 'Done' });
		expect(run.items[0]).toMatchObject({ issueKey: 'ABC-1', changed: false, toStatus: 'Done' });
	});

	it('names the reachable statuses when no transition leads to the target', async () => {
		jira().get('/rest/api/3/issue/ABC-1/transitions').query(true).reply(200, transitions);
		jira().get('/rest/api/3/issue/ABC-1').query({ fields: 'status' }).reply(200, { id: '1', key: 'ABC-1', fields: { status: { id: '1', name: 'Open' } } });
		const run = await runJira({ resource: 'transition', operation: 'do', issueKey: issueKey('ABC-1'), transitionBy: 'status', targetStatus: 'Rejected' });
		expect(run.error?.message).toBe('No transition leads issue ABC-1 from "Open" to "Rejected"; reachable statuses: In Progress, Done, Closed');
	});

	it('after a lost answer checks the status instead of transitioning twice', async () => {
		jira().get('/rest/api/3/issue/ABC-1/transitions').query(true).reply(200, transitions);
		jira().post('/rest/api/3/issue/ABC-1/transitions').reply(502, '');
		jira().get('/rest/api/3/issue/ABC-1').query({ fields: 'status' }).reply(200, { id: '1', key: 'ABC-1', fields: { status: { id: '6', name: 'Closed' } } });
		const run = await runJira({ resource: 'transition', operation: 'do', issueKey: issueKey('ABC-1'), transitionBy: 'id', transitionId: '41' });
		expect(run.items[0]).toMatchObject({ changed: true, toStatus: 'Closed' });
		expect(run.capture.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
	});
});
