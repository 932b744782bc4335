import { createWorkflowHarness, teardownHarness, type WorkflowHarness, type WorkflowJson } from '../helpers/workflow-harness';
import { call, loadTemplate, runResult, startSandboxes, type Sandboxes } from './sandbox-kit';

// A source that suddenly lists nothing (a JQL typo, a revoked permission, an emptied remote) must
// end the run with a summary that says so, write nothing and mark nothing removed.

let sandboxes: Sandboxes;
let harness: WorkflowHarness;
beforeAll(async () => {
	sandboxes = await startSandboxes({ jira: 'empty', esmRemote: 'empty' });
	harness = createWorkflowHarness({ credentials: sandboxes.credentials });
});
afterAll(async () => {
	await sandboxes.stop();
	teardownHarness();
});

async function esmWrites(): Promise<number> {
	const counts = await call(`${sandboxes.esmLocal.url}/__admin/requests`);
	await call(`${sandboxes.esmLocal.url}/__admin/requests`, { method: 'DELETE' });
	return Object.entries(counts.byRoute as Record<string, number>)
		.filter(([route]) => /^(PUT|PATCH|POST|DELETE) \/dc/.test(route))
		.reduce((sum, [, count]) => sum + Number(count), 0);
}

/** The empty Jira still holds the integration account itself: list only app accounts, of which it has none. */
function onlyAppAccounts(workflow: WorkflowJson): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
	const listUsers = copy.nodes.find((node) => node.name === 'List Users')! as { parameters?: { filters?: unknown } };
	(listUsers.parameters!.filters as { accountTypes: string[] }).accountTypes = ['app'];
	return copy;
}

const cases: Array<[string, WorkflowJson, string]> = [
	['jira-issues-to-esm-full.json', loadTemplate('jira-issues-to-esm-full.json'), 'Check the JQL'],
	['jira-users-to-esm-full.json', onlyAppAccounts(loadTemplate('jira-users-to-esm-full.json')), 'Browse users and groups'],
	['jira-groups-to-esm-full.json', loadTemplate('jira-groups-to-esm-full.json'), 'Browse users and groups'],
	['coreproiga-read-task.json', loadTemplate('coreproiga-read-task.json'), 'remote WebAPI user'],
];

it.each(cases)('%s ends with a "nothing read" summary, writes nothing and removes nothing', async (_file, workflow, hint) => {
	const before = await call(`${sandboxes.esmLocal.url}/__admin/state`);
	await esmWrites();

	const run = await harness.runWorkflow({ workflow, mode: 'trigger', startItems: [{ json: {} }] });

	expect(run.error).toBeUndefined();
	const [summary] = run.json('Run Summary');
	expect(summary).toMatchObject({ status: 'nothing read', extracted: 0, loaded: 0, failed: 0, skippedUnchanged: 0, removed: 0 });
	expect(runResult(run)).toEqual([summary]);
	expect(summary.message).toContain('The source listed nothing');
	expect(summary.message).toContain(hint);
	expect(run.executedNodes).not.toContain('Reconcile Removed');
	expect(run.executedNodes).not.toContain('Filter Changed');
	expect(await esmWrites()).toBe(0);
	expect(await call(`${sandboxes.esmLocal.url}/__admin/state`)).toEqual(before);
});

it('a run that reads records says "completed"', async () => {
	await call(`${sandboxes.jira.url}/__admin/seed`, { method: 'POST', body: JSON.stringify({ demo: true }) });
	const run = await harness.runWorkflow({ workflow: loadTemplate('jira-issues-to-esm-full.json'), mode: 'trigger', startItems: [{ json: {} }] });
	expect(run.error).toBeUndefined();
	const [summary] = run.json('Run Summary');
	expect(summary.status).toBe('completed');
	expect(summary.message).toBe('');
	// Nothing failed: the summary is what Run Task Now and other callers receive.
	expect(runResult(run)).toEqual([summary]);
	expect(summary.extracted).toBeGreaterThan(0);
});

it('the incremental task says "nothing read" on an empty first run and "no changes" when nothing was updated', async () => {
	await call(`${sandboxes.jira.url}/__admin/seed`, { method: 'POST', body: JSON.stringify({}) });
	await esmWrites();
	const workflow = loadTemplate('jira-issues-to-esm-incr.json');
	const first = await harness.runWorkflow({ workflow, mode: 'trigger', startItems: [{ json: {} }] });
	expect(first.error).toBeUndefined();
	expect(first.json('Run Summary')[0]).toMatchObject({ status: 'nothing read', extracted: 0, loaded: 0, firstRun: true, watermarkMoved: true });
	const second = await harness.runWorkflow({ workflow, mode: 'trigger', startItems: [{ json: {} }], staticData: first.staticData });
	expect(second.json('Run Summary')[0]).toMatchObject({ status: 'no changes', extracted: 0, firstRun: false });
	expect(await esmWrites()).toBe(0);
});
