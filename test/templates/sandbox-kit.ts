import { readFileSync } from 'fs';
import * as path from 'path';

import type { IDataObject } from 'n8n-workflow';

import { startEsm, startJira, type EsmSandbox, type JiraSandbox } from '../../sandbox';
import type { HarnessCredential, WorkflowJson, WorkflowRunResult } from '../helpers/workflow-harness';

/** The emulators in-process, and the credentials the templates reference (fixed ids of design.md). */
export interface Sandboxes {
	jira: JiraSandbox;
	esmLocal: EsmSandbox;
	esmRemote: EsmSandbox;
	credentials: HarnessCredential[];
	stop(): Promise<void>;
}

/** Which data each emulator starts with (default: the demo data of every emulator). */
export interface SandboxSeeds {
	jira?: 'demo' | 'empty';
	esmLocal?: 'demo' | 'empty';
	esmRemote?: 'demo' | 'empty';
}

export async function startSandboxes(seeds: SandboxSeeds = {}): Promise<Sandboxes> {
	const jira = await startJira({ port: 0, seed: seeds.jira });
	const esmLocal = await startEsm({ port: 0, instance: 'local', seed: seeds.esmLocal });
	const esmRemote = await startEsm({ port: 0, instance: 'remote', seed: seeds.esmRemote });
	const esmCredential = (id: string, name: string, sandbox: EsmSandbox): HarnessCredential => ({
		id,
		name,
		type: 'coreProIgaApi',
		data: { ...sandbox.credentials, allowSelfSigned: false, sessionToken: '' },
	});
	return {
		jira,
		esmLocal,
		esmRemote,
		credentials: [
			{ id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi', data: { ...jira.credentials } },
			esmCredential('esmLocal', 'ESM (local)', esmLocal),
			esmCredential('esmRemote', 'ESM (remote)', esmRemote),
			{ id: 'esmWebhookAuth', name: 'ESM webhook (header auth)', type: 'httpHeaderAuth', data: { name: 'X-ESM-Webhook-Token', value: 'sandbox-webhook-secret' } },
		],
		async stop() {
			await Promise.all([jira.stop(), esmLocal.stop(), esmRemote.stop()]);
		},
	};
}

/** The fixed credentials with jiraCloud pointing at another Jira emulator (e.g. one on the test's clock). */
export function credentialsWithJira(sandboxes: Sandboxes, jira: JiraSandbox): HarnessCredential[] {
	return [
		{ id: 'jiraCloud', name: 'Jira Cloud', type: 'jiraCloudApi', data: { ...jira.credentials } },
		...sandboxes.credentials.filter((credential) => credential.id !== 'jiraCloud'),
	];
}

export function loadTemplate(file: string): WorkflowJson {
	return JSON.parse(readFileSync(path.join(__dirname, '../../templates', file), 'utf8')) as WorkflowJson;
}

/** JSON from an emulator's own API or admin API. */
export async function call(url: string, init: RequestInit & { auth?: string } = {}): Promise<any> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) };
	if (init.auth) headers.Authorization = `Basic ${Buffer.from(init.auth).toString('base64')}`;
	const response = await fetch(url, { ...init, headers });
	const text = await response.text();
	if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
	return text ? JSON.parse(text) : undefined;
}

/**
 * How a scheduled template run must end: without an error, or, when its Run Summary counts failed
 * records, failed on purpose at *Fail the Run* naming the count (so n8n runs the error workflow and
 * the failure card is written).
 */
export function expectRunOutcome(result: WorkflowRunResult): void {
	const summary = result.executedNodes.includes('Run Summary') ? result.json('Run Summary')[0] : undefined;
	const failed = Number(summary?.failed ?? 0);
	if (failed > 0) {
		expect(result.error?.message).toContain(`${failed} record(s) could not be synced in this run`);
		expect(result.run.data.resultData.lastNodeExecuted).toBe('Fail the Run');
	} else {
		expect(result.error).toBeUndefined();
		if (summary) expect(runResult(result)).toEqual([summary]);
	}
}

/**
 * What a caller of the run receives (Run Task Now, an Execute Workflow node, a webhook answering with
 * its last node): the first output of the node that ran last.
 */
export function runResult(result: WorkflowRunResult): IDataObject[] {
	const last = result.run.data.resultData.lastNodeExecuted;
	return last ? result.json(last, 0) : [];
}
