/**
 * The emulators in their own process (node build/sandbox/cli.js --empty), so that the time and the
 * memory measured in the benchmark's process are the product's (n8n-core's engine and our nodes),
 * not the emulators'. Talks to them through the admin API only; stopped by the PID it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');
export const SANDBOX_CLI = path.join(REPO_ROOT, 'build/sandbox/cli.js');

export interface EmulatorInfo {
	url: string;
	credentials: Record<string, string>;
}

export interface RequestCounts {
	total: number;
	byRoute: Record<string, number>;
	byStatus: Record<string, number>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; released before the emulator binds it). */
async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export async function adminCall<T = any>(url: string, method = 'GET', body?: unknown, auth?: string): Promise<T> {
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (auth) headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
	const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
	return (text ? JSON.parse(text) : undefined) as T;
}

/** One emulator seen through its admin API. */
export class Emulator {
	constructor(
		readonly name: string,
		readonly url: string,
	) {}

	admin<T = any>(route: string, method = 'GET', body?: unknown): Promise<T> {
		return adminCall<T>(`${this.url}/__admin/${route}`, method, body);
	}

	reset(): Promise<unknown> {
		return this.admin('reset', 'POST');
	}

	seed(body: unknown): Promise<any> {
		return this.admin('seed', 'POST', body);
	}

	/** Replaces the fault set: only latency for the benchmark. */
	latency(latencyMs: number): Promise<unknown> {
		return this.admin('faults', 'POST', { latencyMs });
	}

	requests(): Promise<RequestCounts> {
		return this.admin<RequestCounts>('requests');
	}

	clearRequests(): Promise<unknown> {
		return this.admin('requests', 'DELETE');
	}

	state<T = any>(query = ''): Promise<T> {
		return this.admin<T>(`state${query ? `?${query}` : ''}`);
	}

	info(): Promise<any> {
		return this.admin('');
	}
}

export interface SandboxProcess {
	pid: number;
	jira: Emulator;
	esmLocal: Emulator;
	esmRemote: Emulator;
	stop(): Promise<void>;
}

/** Starts the built CLI with empty data on three free ports and waits until it says it runs. */
export async function startSandboxProcess(log: (line: string) => void): Promise<SandboxProcess> {
	if (!existsSync(SANDBOX_CLI)) {
		throw new Error(`${path.relative(REPO_ROOT, SANDBOX_CLI)} is missing: run npm run sandbox:build first`);
	}
	const ports = { jira: await freePort(), esmLocal: await freePort(), esmRemote: await freePort() };
	const child: ChildProcess = spawn(process.execPath, ['--max-old-space-size=6144', SANDBOX_CLI, '--empty'], {
		cwd: REPO_ROOT,
		env: {
			...process.env,
			SANDBOX_JIRA_PORT: String(ports.jira),
			SANDBOX_ESM_LOCAL_PORT: String(ports.esmLocal),
			SANDBOX_ESM_REMOTE_PORT: String(ports.esmRemote),
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	let exited: string | undefined;
	const exitPromise = new Promise<void>((resolve) => {
		child.once('exit', (code, signal) => {
			exited = `exited with ${signal ?? code}`;
			resolve();
		});
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`The sandbox did not start within 30 s:\n${output}`)), 30_000);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('Sandbox emulators are running')) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', () => {
			clearTimeout(timer);
			reject(new Error(`The sandbox ${exited ?? 'exited'} before it was ready:\n${output}`));
		});
	});
	// Keep draining its output so that a full pipe never blocks it.
	child.stdout?.removeAllListeners('data');
	child.stderr?.removeAllListeners('data');
	child.stdout?.on('data', () => undefined);
	child.stderr?.on('data', (chunk: Buffer) => log(`[sandbox] ${chunk.toString().trim()}`));
	let stopping = false;
	child.once('exit', (code, signal) => {
		if (!stopping) log(`[sandbox] process ${child.pid} ended unexpectedly (${signal ?? `exit code ${code}`}): every later request fails`);
	});
	const pid = child.pid!;
	log(`Sandbox process ${pid}: Jira :${ports.jira}, ESM local :${ports.esmLocal}, ESM remote :${ports.esmRemote}`);
	return {
		pid,
		jira: new Emulator('jira', `http://127.0.0.1:${ports.jira}`),
		esmLocal: new Emulator('esmLocal', `http://127.0.0.1:${ports.esmLocal}`),
		esmRemote: new Emulator('esmRemote', `http://127.0.0.1:${ports.esmRemote}`),
		async stop() {
			if (exited) return;
			stopping = true;
			// Only the process this module started, by its PID (the CLI stops on SIGTERM).
			process.kill(pid, 'SIGTERM');
			const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
			if ((await Promise.race([exitPromise.then(() => 'done' as const), timeout])) === 'timeout' && !exited) {
				process.kill(pid, 'SIGKILL');
				await exitPromise;
			}
		},
	};
}
