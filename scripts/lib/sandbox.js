'use strict';
// The emulators as a child process: compile the sandbox's TypeScript CLI with the project's own
// TypeScript into <localDir>/sandbox-build (Node 20 cannot run .ts), start it, wait until each
// emulator's admin API answers, and read from it where the emulator is and how to log in.
//
// Contract with sandbox/cli.ts (see the report of issue #7):
// - `node <build>/sandbox/cli.js [--persist <dir>] [--empty]` starts Jira, ESM local and ESM remote on
//   SANDBOX_JIRA_PORT / SANDBOX_ESM_LOCAL_PORT / SANDBOX_ESM_REMOTE_PORT (defaults 8401/8402/8403) and
//   runs until SIGTERM / SIGINT; it exits non-zero when it cannot start.
// - `GET <url>/__admin/` answers {kind: 'jira'|'esm', api: '<url><basePath>',
//   credentials: [{email, apiToken} | {login, password}], ...} once the emulator serves requests.
// The CLI's printed lines are logged, not parsed; sandbox/credentials.ts is the fallback for logins.

const { existsSync, mkdirSync, writeFileSync } = require('fs');
const { join, relative, resolve } = require('path');

const { cleanEnv, run, startProcess, stopProcess } = require('./proc');
const { REPO_ROOT, portFree, request, waitFor } = require('./util');

const DEFAULT_PORTS = { jira: 8401, esmLocal: 8402, esmRemote: 8403 };
const PORT_ENV = { jira: 'SANDBOX_JIRA_PORT', esmLocal: 'SANDBOX_ESM_LOCAL_PORT', esmRemote: 'SANDBOX_ESM_REMOTE_PORT' };
const KIND = { jira: 'jira', esmLocal: 'esm', esmRemote: 'esm' };
const DEFAULT_ESM_API_PATH = '/rest-api/itsm/v1';
/** Header for n8n's Header Auth credential `esmWebhookAuth` when the sandbox defines none. */
const DEFAULT_WEBHOOK_AUTH = { name: 'X-ESM-Webhook-Token', value: 'sandbox-webhook-secret' };

/**
 * Compiles `cliSource` (default sandbox/cli.ts; a .js file is used as it is) and everything it
 * imports into <localDir>/sandbox-build, keeping paths relative to the repository.
 * Type errors are reported as warnings: tsc still emits, and a half-finished emulator may run.
 * Returns the path of the compiled entry.
 */
async function compileSandbox({ repo = REPO_ROOT, localDir: givenDir, cliSource = join(repo, 'sandbox', 'cli.ts'), log }) {
	const localDir = resolve(givenDir);
	if (!existsSync(cliSource)) throw new Error(`The sandbox CLI ${cliSource} does not exist (yet)`);
	if (cliSource.endsWith('.js')) return cliSource;
	const outDir = join(localDir, 'sandbox-build');
	mkdirSync(localDir, { recursive: true });
	const tsconfig = join(localDir, 'tsconfig.sandbox.json');
	writeFileSync(
		tsconfig,
		`${JSON.stringify(
			{
				compilerOptions: {
					module: 'commonjs',
					moduleResolution: 'node',
					target: 'es2022',
					lib: ['es2022'],
					esModuleInterop: true,
					resolveJsonModule: true,
					skipLibCheck: true,
					strict: true,
					sourceMap: false,
					declaration: false,
					incremental: false,
					noEmitOnError: false,
					rootDir: repo,
					outDir,
					types: ['node'],
					typeRoots: [join(repo, 'node_modules', '@types')],
				},
				files: [cliSource, join(repo, 'sandbox', 'credentials.ts')].filter((file) => existsSync(file)),
			},
			null,
			2,
		)}\n`,
	);
	const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
	const result = await run(process.execPath, [tsc, '-p', tsconfig], { cwd: repo, name: 'tsc (sandbox)', allowFailure: true, env: cleanEnv() });
	const entry = join(outDir, relative(repo, cliSource)).replace(/\.ts$/, '.js');
	if (!existsSync(entry)) throw new Error(`Compiling the sandbox produced no ${entry}:\n${result.stdout}\n${result.stderr}`);
	if (result.code !== 0) {
		const errors = result.stdout.split('\n').filter((line) => /error TS/.test(line));
		if (result.signal || errors.length === 0) throw new Error(`Compiling the sandbox failed (${result.signal ?? `exit code ${result.code}`}):\n${result.stdout}\n${result.stderr}`.trim());
		log.warn(`The sandbox compiles with ${errors.length} type error(s); running it anyway:\n  ${errors.slice(0, 5).join('\n  ')}`);
	}
	return entry;
}

/** Logins the sandbox declares in sandbox/credentials.ts (compiled), if any. */
function sandboxDefaults(entry) {
	const file = join(entry, '..', 'credentials.js');
	try {
		return require(file);
	} catch {
		return {};
	}
}

function resolvePorts(ports = {}, env = process.env) {
	const resolved = {};
	for (const key of Object.keys(DEFAULT_PORTS)) {
		const fromEnv = env[PORT_ENV[key]];
		resolved[key] = Number(ports[key] ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_PORTS[key]));
	}
	return resolved;
}

/**
 * Starts the emulators. Options: localDir, logDir (default <localDir>/logs), ports {jira, esmLocal, esmRemote} (default env / 8401-8403),
 * cliSource, persistDir (keep data across restarts), empty (no demo data), echo (print the CLI's
 * output), log. Returns {jira: {url, siteUrl, email, apiToken, admin},
 * esmLocal/esmRemote: {url, hostUrl, apiPath, username, password, admin}, webhookAuth, pid, stop()}.
 */
async function startSandbox({ repo = REPO_ROOT, localDir: givenDir, logDir: givenLogDir, ports, cliSource, persistDir, empty = false, echo = false, log, readyTimeoutMs = 180000 }) {
	const localDir = resolve(givenDir);
	const logDir = resolve(givenLogDir ?? join(localDir, 'logs'));
	const wanted = resolvePorts(ports);
	for (const [key, port] of Object.entries(wanted)) {
		if (port !== 0 && !(await portFree(port))) {
			throw new Error(`Port ${port} (${key} emulator) is in use: a previous npm start may still run; stop it or set ${PORT_ENV[key]}`);
		}
	}
	if (Object.values(wanted).includes(0)) throw new Error('Sandbox ports must be fixed numbers here (0 would hide where the emulators listen)');
	const entry = await compileSandbox({ repo, localDir, cliSource, log });
	const args = [entry];
	if (persistDir) args.push('--persist', persistDir);
	if (empty) args.push('--empty');
	const env = cleanEnv({ SANDBOX_JIRA_PORT: wanted.jira, SANDBOX_ESM_LOCAL_PORT: wanted.esmLocal, SANDBOX_ESM_REMOTE_PORT: wanted.esmRemote });
	const logFile = join(logDir, 'sandbox.log');
	const started = startProcess(process.execPath, args, { cwd: repo, env, name: 'sandbox', logFile, logMode: 'w', echo });
	let exitedWith;
	started.exited.then((result) => {
		exitedWith = result;
	});
	const abort = () => (exitedWith ? `the sandbox CLI exited (code ${exitedWith.code}${exitedWith.signal ? `, ${exitedWith.signal}` : ''}); see ${logFile}` : undefined);

	const defaults = sandboxDefaults(entry);
	const endpoints = {};
	try {
		for (const key of Object.keys(wanted)) {
			const url = `http://127.0.0.1:${wanted[key]}`;
			const info = await waitFor(
				`${key} emulator on ${url}`,
				async () => {
					const answer = await request(`${url}/__admin/`, { timeoutMs: 3000 });
					return answer.status === 200 && answer.json ? answer.json : undefined;
				},
				{ timeoutMs: readyTimeoutMs, intervalMs: 300, abort },
			);
			if (info.kind && info.kind !== KIND[key]) throw new Error(`Port ${wanted[key]} answers as a '${info.kind}' emulator, expected '${KIND[key]}'`);
			const login = Array.isArray(info.credentials) ? info.credentials[0] ?? {} : {};
			if (KIND[key] === 'jira') {
				const fallback = defaults.SANDBOX_JIRA_USER ?? {};
				endpoints[key] = {
					url,
					siteUrl: url,
					email: login.email ?? fallback.email,
					apiToken: login.apiToken ?? fallback.apiToken,
					admin: `${url}/__admin`,
				};
			} else {
				const fallback = defaults.SANDBOX_ESM_USER ?? {};
				const apiPath = info.api ? new URL(info.api).pathname : DEFAULT_ESM_API_PATH;
				endpoints[key] = {
					url,
					hostUrl: url,
					apiPath,
					username: login.login ?? login.username ?? fallback.login ?? fallback.username,
					password: login.password ?? fallback.password,
					admin: `${url}/__admin`,
				};
			}
		}
	} catch (error) {
		await stopProcess(started, { graceMs: 5000 });
		throw error;
	}
	const webhookAuth = defaults.SANDBOX_WEBHOOK_AUTH ?? DEFAULT_WEBHOOK_AUTH;
	log.info(`Emulators ready: Jira ${endpoints.jira.url}, ESM local ${endpoints.esmLocal.url}, ESM remote ${endpoints.esmRemote.url} (log: ${logFile}).`);
	return {
		...endpoints,
		webhookAuth,
		persistDir,
		pid: started.pid,
		process: started,
		logFile,
		stop: () => stopProcess(started, { graceMs: 10000 }),
	};
}

module.exports = { compileSandbox, startSandbox, resolvePorts, DEFAULT_PORTS, PORT_ENV, DEFAULT_WEBHOOK_AUTH, DEFAULT_ESM_API_PATH };
