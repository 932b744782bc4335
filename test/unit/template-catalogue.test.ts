import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';

// The rules every shipped template follows (issue 8, design.md "Names"), checked on the JSON so a
// new template cannot slip past them: the catalogue in index.js, ids n8n keeps static data for,
// credentials by their fixed ids, node versions both the tested and the current n8n accept.

const ROOT = path.join(__dirname, '../..');
const TEMPLATE_DIR = path.join(ROOT, 'templates');
const files = readdirSync(TEMPLATE_DIR).filter((file) => file.endsWith('.json')).sort();

interface TemplateNode {
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}
interface Template {
	id: string;
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, unknown>;
	settings?: { errorWorkflow?: string; executionOrder?: string };
}
interface CatalogueEntry {
	id: string;
	file: string;
	name: string;
	/** sync: one workflow with both directions of a pair (a scheduled read and an event webhook). */
	kind: 'scheduled' | 'event' | 'error' | 'sync';
	description: string;
	credentials: string[];
}

const catalogue = (require(path.join(ROOT, 'index.js')) as { templates: CatalogueEntry[] }).templates;
const load = (file: string) => JSON.parse(readFileSync(path.join(TEMPLATE_DIR, file), 'utf8')) as Template;

const CREDENTIALS: Record<string, string> = {
	jiraCloud: 'Jira Cloud',
	esmLocal: 'ESM (local)',
	esmRemote: 'ESM (remote)',
	esmWebhookAuth: 'ESM webhook (header auth)',
};

/** Built-in node versions that n8n 2.8 (the tests' engine) and the current n8n both accept. */
const BUILT_IN_VERSIONS: Record<string, number[]> = {
	'n8n-nodes-base.scheduleTrigger': [1.2],
	'n8n-nodes-base.executeWorkflowTrigger': [1.1],
	'n8n-nodes-base.set': [3.4],
	'n8n-nodes-base.merge': [3],
	'n8n-nodes-base.if': [2.2],
	'n8n-nodes-base.switch': [3.2],
	'n8n-nodes-base.webhook': [2],
	'n8n-nodes-base.respondToWebhook': [1.1],
	'n8n-nodes-base.errorTrigger': [1],
	'n8n-nodes-base.stickyNote': [1],
	'n8n-nodes-base.noOp': [1],
	'n8n-nodes-base.splitOut': [1],
	'n8n-nodes-base.aggregate': [1],
	'n8n-nodes-base.compareDatasets': [2.3],
	'n8n-nodes-base.filter': [2.2],
	'n8n-nodes-base.stopAndError': [1],
};

it('every template file is in the index.js catalogue and every entry has its file', () => {
	expect(catalogue.map((entry) => path.basename(entry.file)).sort()).toEqual(files);
	for (const entry of catalogue) {
		expect(entry.file).toBe(`dist/templates/${path.basename(entry.file)}`);
		expect(entry.id).toBe(load(path.basename(entry.file)).id);
		expect(entry.name && entry.description).toBeTruthy();
	}
	expect(new Set(catalogue.map((entry) => entry.id)).size).toBe(catalogue.length);
});

it('every template is executed by a test against the sandbox', () => {
	const testDir = path.join(ROOT, 'test/templates');
	const tests = readdirSync(testDir)
		.filter((file) => file.endsWith('.test.ts'))
		.map((file) => readFileSync(path.join(testDir, file), 'utf8'))
		.join('\n');
	for (const file of files) expect(tests).toContain(`loadTemplate('${file}')`);
});

describe.each(files)('%s', (file) => {
	const template = load(file);
	const entry = catalogue.find((candidate) => candidate.file.endsWith(`/${file}`))!;

	it('has a short fixed id (n8n keeps no static data for ids over 21 characters) and a kebab-case file name', () => {
		expect(template.id).toMatch(/^[a-zA-Z][a-zA-Z0-9]{0,20}$/);
		expect(file).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.json$/);
	});

	it('references credentials only by their fixed ids and names, and the catalogue lists exactly those', () => {
		const used = new Set<string>();
		for (const node of template.nodes) {
			for (const reference of Object.values(node.credentials ?? {})) {
				expect(CREDENTIALS[reference.id]).toBe(reference.name);
				used.add(reference.id);
			}
		}
		expect([...used].sort()).toEqual([...entry.credentials].sort());
	});

	it('uses node versions both n8n lines accept, our nodes, and no Code node', () => {
		for (const node of template.nodes) {
			if (node.type.startsWith('n8n-nodes-esm-connectors.')) {
				expect(['jiraIssue', 'jiraUser', 'jiraGroup', 'coreProIgaDataCard', 'reconcileRemoved', 'taskCache']).toContain(node.type.split('.')[1]);
				expect(node.typeVersion).toBe(1);
				continue;
			}
			expect({ node: node.name, type: node.type, allowed: BUILT_IN_VERSIONS[node.type]?.includes(node.typeVersion) ?? false }).toEqual({
				node: node.name,
				type: node.type,
				allowed: true,
			});
		}
	});

	it('names the failure-card workflow as its error workflow (except that workflow itself) and has a set-up note', () => {
		if (template.id === 'esmFailureCard') expect(template.settings?.errorWorkflow).toBeUndefined();
		else expect(template.settings?.errorWorkflow).toBe('esmFailureCard');
		expect(template.nodes.some((node) => node.type === 'n8n-nodes-base.stickyNote')).toBe(true);
	});

	it('lays its set-up note beside the nodes, not over them', () => {
		const setUp = template.nodes.find((node) => node.name === 'Set-up' && node.type === 'n8n-nodes-base.stickyNote');
		if (!setUp) return;
		const [left, top] = setUp.position;
		const { width = 240, height = 160 } = setUp.parameters as { width?: number; height?: number };
		// A node is drawn about 100 px square from its position.
		const covered = template.nodes
			.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
			.filter(({ position: [x, y] }) => x + 100 > left && x < left + width && y + 100 > top && y < top + height)
			.map((node) => node.name);
		expect(covered).toEqual([]);
	});

	it('starts as its kind says: Run Task Now first for scheduled tasks, authenticated webhooks with fixed ids for events', () => {
		const types = template.nodes.map((node) => node.type);
		const webhooks = template.nodes.filter((node) => node.type === 'n8n-nodes-base.webhook');
		if (entry.kind === 'error') expect(types).toContain('n8n-nodes-base.errorTrigger');
		if (entry.kind === 'scheduled' || entry.kind === 'sync') {
			const triggers = template.nodes.filter((node) => /Trigger$|\.webhook$/.test(node.type));
			// `n8n execute` starts from the first trigger in the list.
			expect(triggers[0].type).toBe('n8n-nodes-base.executeWorkflowTrigger');
			expect(types).toContain('n8n-nodes-base.scheduleTrigger');
			// The schedule preset is explained against the vendor's volume table.
			const notes = template.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote').map((node) => String(node.parameters?.content ?? ''));
			expect(notes.join('\n')).toMatch(/volume/i);
		}
		if (entry.kind === 'event' || entry.kind === 'sync') expect(webhooks.length).toBeGreaterThan(0);
		for (const webhook of webhooks) {
			expect(webhook.webhookId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
			expect(webhook.parameters).toMatchObject({ authentication: 'headerAuth', responseMode: 'responseNode' });
			expect(String(webhook.parameters?.path)).toMatch(/^esm\/[a-z0-9-]+$/);
		}
	});

	it('holds no secret', () => {
		const text = JSON.stringify(template);
		for (const secret of ['sandbox-jira-token', 'sandbox-esm-password', 'sandbox-webhook-secret', 'apiToken', 'password"']) expect(text).not.toContain(secret);
	});
});
