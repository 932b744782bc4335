import { join } from 'node:path';

import { SANDBOX_PORTS } from './credentials';
import { start as startEsm, type EsmSandbox } from './esm';
import { start as startJira, type JiraSandbox } from './jira';

/**
 * `npm start`'s emulators: Jira on 8401, ESM local on 8402, ESM remote on 8403 (ports from
 * SANDBOX_JIRA_PORT, SANDBOX_ESM_LOCAL_PORT, SANDBOX_ESM_REMOTE_PORT), with demo data; prints
 * where they are and how to log in; stops on SIGINT / SIGTERM when run as a program.
 *
 *   node <build>/sandbox/cli.js [--host 127.0.0.1] [--persist <dir>] [--empty]
 */

export interface SandboxHandle {
	jira: JiraSandbox;
	esmLocal: EsmSandbox;
	esmRemote: EsmSandbox;
	stop(): Promise<void>;
}

export interface CliOptions {
	env?: NodeJS.ProcessEnv;
	log?: (line: string) => void;
}

const USAGE = `Usage: sandbox [--host <address>] [--persist <dir>] [--empty]
  --host     address to listen on (default 127.0.0.1)
  --persist  keep the emulators' data in <dir>/{jira,esm-local,esm-remote}.json across restarts
  --empty    start without demo data (ESM templates and Jira projects only)
Ports: SANDBOX_JIRA_PORT (8401), SANDBOX_ESM_LOCAL_PORT (8402), SANDBOX_ESM_REMOTE_PORT (8403); 0 = any free port.`;

function parseArgs(argv: string[]): { host: string; persist?: string; empty: boolean; help: boolean } {
	const args = { host: '127.0.0.1', persist: undefined as string | undefined, empty: false, help: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') args.help = true;
		else if (arg === '--empty') args.empty = true;
		else if (arg === '--host') args.host = argv[++i] ?? args.host;
		else if (arg === '--persist') args.persist = argv[++i];
		else if (arg.startsWith('--host=')) args.host = arg.slice(7);
		else if (arg.startsWith('--persist=')) args.persist = arg.slice(10);
		else throw new Error(`Unknown argument '${arg}'\n${USAGE}`);
	}
	return args;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name}=${raw} is not a port number`);
	return value;
}

async function listen<T>(what: string, variable: string, starter: () => Promise<T>): Promise<T> {
	try {
		return await starter();
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
			throw new Error(`${what}: the port is in use; set ${variable} to another port (0 = any free port)`);
		}
		throw error;
	}
}

export async function main(argv: string[] = process.argv.slice(2), options: CliOptions = {}): Promise<SandboxHandle | undefined> {
	const env = options.env ?? process.env;
	const log = options.log ?? ((line: string) => console.log(line));
	const args = parseArgs(argv);
	if (args.help) {
		log(USAGE);
		return undefined;
	}
	const persist = (name: string) => (args.persist ? join(args.persist, `${name}.json`) : undefined);
	const seed = args.empty ? 'empty' : 'demo';
	const started: Array<{ stop(): Promise<void> }> = [];
	try {
		const jira = await listen('Jira emulator', 'SANDBOX_JIRA_PORT', () =>
			startJira({ host: args.host, port: port(env, 'SANDBOX_JIRA_PORT', SANDBOX_PORTS.jira), seed, persistFile: persist('jira') }),
		);
		started.push(jira);
		const esmLocal = await listen('ESM (local) emulator', 'SANDBOX_ESM_LOCAL_PORT', () =>
			startEsm({ host: args.host, port: port(env, 'SANDBOX_ESM_LOCAL_PORT', SANDBOX_PORTS.esmLocal), seed, instance: 'local', persistFile: persist('esm-local') }),
		);
		started.push(esmLocal);
		const esmRemote = await listen('ESM (remote) emulator', 'SANDBOX_ESM_REMOTE_PORT', () =>
			startEsm({ host: args.host, port: port(env, 'SANDBOX_ESM_REMOTE_PORT', SANDBOX_PORTS.esmRemote), seed, instance: 'remote', persistFile: persist('esm-remote') }),
		);
		started.push(esmRemote);

		log('Sandbox emulators are running (Ctrl-C stops them):');
		log(`  Jira Cloud    ${jira.url}  email ${jira.credentials.email}  API token ${jira.credentials.apiToken}`);
		for (const [label, esm] of [['ESM (local) ', esmLocal], ['ESM (remote)', esmRemote]] as const) {
			log(`  ${label}  ${esm.url}  API path ${esm.basePath}  user ${esm.credentials.username}  password ${esm.credentials.password}`);
		}
		log(`  Admin API:    <url>/__admin/ (POST reset, POST seed, GET state, POST faults, GET requests; ESM: POST webhook-rules)`);
		if (args.persist) log(`  Data is kept in ${args.persist}`);

		let stopping: Promise<void> | undefined;
		return {
			jira,
			esmLocal,
			esmRemote,
			stop: () => (stopping ??= Promise.all(started.map((server) => server.stop())).then(() => undefined)),
		};
	} catch (error) {
		await Promise.all(started.map((server) => server.stop()));
		throw error;
	}
}

if (require.main === module) {
	main().then(
		(handle) => {
			if (!handle) return;
			const shutdown = (signal: string) => {
				console.log(`\n${signal}: stopping the emulators`);
				void handle.stop().then(() => process.exit(0));
			};
			process.once('SIGINT', () => shutdown('SIGINT'));
			process.once('SIGTERM', () => shutdown('SIGTERM'));
		},
		(error: Error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
