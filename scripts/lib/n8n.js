'use strict';
// Running the installed n8n: its environment, its CLI (import:credentials, import:workflow,
// execute), the server (`n8n start`) with readiness polling, the owner account and REST calls.

const { randomBytes } = require('crypto');
const { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } = require('fs');
const { delimiter, join, resolve } = require('path');

const { cleanEnv, run, startProcess, stopProcess } = require('./proc');
const { freePort, portFree, readJson, request, sleep, waitFor } = require('./util');

/** Longest workflow id n8n treats as an id (utils.isWorkflowIdValid); the database column holds 36. */
const MAX_WORKFLOW_ID_LENGTH = 21;

const DEFAULT_OWNER = {
	email: 'admin@sandbox.example',
	password: 'Sandbox-Admin-2026',
	firstName: 'Sandbox',
	lastName: 'Admin',
};

/**
 * The fixed encryption key of a user folder: created once next to it (<localDir>/encryption-key),
 * so that credentials stay readable across runs. N8N_ENCRYPTION_KEY in the environment wins.
 */
function encryptionKeyFor(localDir, env = process.env) {
	if (env.N8N_ENCRYPTION_KEY) return env.N8N_ENCRYPTION_KEY;
	const file = join(localDir, 'encryption-key');
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	mkdirSync(localDir, { recursive: true });
	const key = randomBytes(24).toString('base64url');
	writeFileSync(file, `${key}\n`, { mode: 0o600 });
	return key;
}

/** n8n modules that exist in this install (dist/modules/<name>), to disable only known ones. */
function knownModules(install) {
	const dir = join(install.hostDir, 'node_modules', 'n8n', 'dist', 'modules');
	try {
		return new Set(readdirSync(dir));
	} catch {
		return new Set();
	}
}

/**
 * The context every n8n call needs: {install (from ensureN8n), userFolder, port, brokerPort,
 * encryptionKey, logLevel, logDir, extraEnv}. `env(overrides)` builds a child environment.
 * Import files are staged in <userFolder>/import (so that two stacks with their own user folders never
 * share them).
 */
function createContext({ install, localDir: givenDir, userFolder: givenUserFolder, logDir: givenLogDir, port = 5678, brokerPort, logLevel = 'info', extraEnv = {}, timezone }) {
	const localDir = resolve(givenDir);
	const userFolder = resolve(givenUserFolder ?? join(localDir, 'user'));
	const logDir = resolve(givenLogDir ?? join(localDir, 'logs'));
	const encryptionKey = encryptionKeyFor(localDir);
	const modules = knownModules(install);
	const disabled = ['mcp-registry'].filter((name) => modules.has(name));
	const context = {
		install,
		localDir,
		userFolder,
		port: Number(port),
		brokerPort: brokerPort === undefined ? undefined : Number(brokerPort),
		encryptionKey,
		logLevel,
		logDir,
		url: `http://127.0.0.1:${port}`,
		env(overrides = {}) {
			const node = install.node;
			return cleanEnv({
				PATH: `${node.binDir}${delimiter}${process.env.PATH ?? ''}`,
				N8N_USER_FOLDER: userFolder,
				N8N_PORT: context.port,
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				DB_TYPE: 'sqlite',
				N8N_ENCRYPTION_KEY: encryptionKey,
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
				N8N_TEMPLATES_ENABLED: 'false',
				N8N_PERSONALIZATION_ENABLED: 'false',
				N8N_SECURE_COOKIE: 'false',
				N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
				N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
				N8N_DISABLED_MODULES: disabled.length ? disabled.join(',') : undefined,
				N8N_LOG_LEVEL: logLevel,
				N8N_LOG_OUTPUT: 'console',
				N8N_RUNNERS_BROKER_PORT: context.brokerPort,
				// jest sets NODE_ENV=test, which silences n8n's logger (and the CLI's success messages).
				NODE_ENV: process.env.NODE_ENV === 'test' ? undefined : process.env.NODE_ENV,
				JEST_WORKER_ID: undefined,
				GENERIC_TIMEZONE: timezone ?? process.env.GENERIC_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
				...extraEnv,
				...overrides,
			});
		},
	};
	mkdirSync(userFolder, { recursive: true });
	return context;
}

/**
 * Runs an n8n CLI command to completion (own task-broker port, so it can run beside the server).
 * Resolves {code, signal, stdout, stderr}; rejects on a non-zero exit unless `allowFailure`.
 */
async function runCli(context, args, { allowFailure = false, name } = {}) {
	const brokerPort = await freePort();
	return await run(context.install.node.bin, [context.install.n8nBin, ...args], {
		cwd: context.userFolder,
		// info: the import commands confirm success only at that level.
		env: context.env({ N8N_RUNNERS_BROKER_PORT: brokerPort, N8N_LOG_LEVEL: 'info' }),
		name: name ?? `n8n ${args[0]}`,
		logFile: join(context.logDir, 'n8n-cli.log'),
		allowFailure,
	});
}

/** `n8n import:credentials` of an array of {id, name, type, data}; the plaintext file is removed after. */
async function importCredentials(context, credentials) {
	const dir = join(context.userFolder, 'import');
	mkdirSync(dir, { recursive: true });
	const file = join(dir, 'credentials.json');
	writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
	chmodSync(file, 0o600);
	try {
		const result = await runCli(context, ['import:credentials', `--input=${file}`]);
		const output = `${result.stdout}\n${result.stderr}`;
		if (!/Successfully imported/i.test(output)) throw new Error(`n8n import:credentials did not confirm the import:\n${output.slice(-2000)}`);
		return credentials.map(({ id, name, type }) => ({ id, name, type }));
	} finally {
		rmSync(file, { force: true });
	}
}

function listJsonFiles(dir) {
	if (!existsSync(dir)) return [];
	const files = [];
	for (const entry of readdirSync(dir)) {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) files.push(...listJsonFiles(path));
		else if (entry.endsWith('.json')) files.push(path);
	}
	return files.sort();
}

/**
 * `n8n import:workflow --separate` of workflow JSON files (a folder, searched recursively, or a list of
 * files; anything without `nodes` and `connections` is skipped). Imported inactive. Returns
 * [{id, name, file}]; throws when n8n skips one (policy, invalid) so that no template goes missing quietly.
 */
async function importWorkflows(context, source) {
	const files = Array.isArray(source) ? source : listJsonFiles(source);
	const workflows = [];
	for (const file of files) {
		const workflow = readJson(file);
		if (!workflow || !Array.isArray(workflow.nodes) || typeof workflow.connections !== 'object') continue;
		workflows.push({ file, workflow });
	}
	if (workflows.length === 0) return [];
	// n8n (2.41 utils.isWorkflowIdValid) treats ids longer than 21 characters as "no id": such a
	// workflow runs, but its static data (Task Cache state, watermarks) is never saved.
	const tooLong = workflows.filter(({ workflow }) => typeof workflow.id === 'string' && workflow.id.length > MAX_WORKFLOW_ID_LENGTH);
	if (tooLong.length > 0) {
		throw new Error(`Workflow ids longer than ${MAX_WORKFLOW_ID_LENGTH} characters lose their static data in n8n: ${tooLong.map(({ workflow, file }) => `${workflow.id} (${file})`).join(', ')}`);
	}
	const stage = join(context.userFolder, 'import', 'workflows');
	rmSync(stage, { recursive: true, force: true });
	mkdirSync(stage, { recursive: true });
	workflows.forEach(({ workflow }, index) => writeFileSync(join(stage, `${String(index).padStart(3, '0')}.json`), JSON.stringify(workflow)));
	const result = await runCli(context, ['import:workflow', '--separate', `--input=${stage}`]);
	const output = `${result.stdout}\n${result.stderr}`;
	const skipped = output.split('\n').filter((line) => /Skipp(ed|ing)/.test(line));
	if (skipped.length > 0 || !/Successfully imported/i.test(output)) {
		throw new Error(`n8n import:workflow did not import every workflow:\n${(skipped.length ? skipped.join('\n') : output).slice(-3000)}`);
	}
	return workflows.map(({ file, workflow }) => ({ id: workflow.id, name: workflow.name, file }));
}

/**
 * `n8n execute --id=<id> --rawOutput`: resolves {ok, data (the printed run data), error, code, stdout,
 * stderr}. The JSON starts at the first line that begins with `{` (log lines come first). The result
 * is judged by what n8n printed: it sometimes crashes at exit after printing a complete result.
 */
async function executeWorkflow(context, id) {
	const result = await runCli(context, ['execute', `--id=${id}`, '--rawOutput'], { allowFailure: true, name: 'n8n execute' });
	const lines = result.stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	let data;
	if (start >= 0) {
		const text = lines.slice(start).join('\n');
		try {
			data = JSON.parse(text);
		} catch {
			const end = text.lastIndexOf('}');
			try {
				data = JSON.parse(text.slice(0, end + 1));
			} catch {
				data = undefined;
			}
		}
	}
	const runError = data?.data?.resultData?.error ?? data?.resultData?.error;
	const failedText = /Execution was NOT successful|Error executing workflow/i.test(`${result.stdout}\n${result.stderr}`);
	return { ok: Boolean(data) && !runError && !failedText, data, error: runError, code: result.code, stdout: result.stdout, stderr: result.stderr };
}

/** Items a node produced in an execute result: [{json, ...}] of its first run, first output. */
function nodeOutput(executeResult, nodeName, { run: runIndex = 0, output = 0 } = {}) {
	const runData = executeResult?.data?.data?.resultData?.runData ?? executeResult?.data?.resultData?.runData ?? {};
	return runData[nodeName]?.[runIndex]?.data?.main?.[output] ?? [];
}

/**
 * `n8n start`, waiting until /healthz answers and the REST API serves settings. Resolves
 * {url, pid, logFile, process, stop()}. Rejects (after stopping it) when n8n exits or times out.
 */
async function startServer(context, options) {
	const brokerPortChosenHere = context.brokerPort === undefined;
	try {
		return await startServerOnce(context, options);
	} catch (error) {
		// Seen once in CI right after another n8n stack had stopped: `n8n start` exited at once with
		// code 1 and not a line of output. One more try; any other failure is reported as it is.
		if (!error.silentExit) throw error;
		options.log.warn(`n8n exited at once without output (code ${error.silentExit.code}); starting it once more …`);
		await sleep(2000);
		if (brokerPortChosenHere) context.brokerPort = undefined;
		return await startServerOnce(context, options);
	}
}

async function startServerOnce(context, { log, readyTimeoutMs = 240000, echo = false }) {
	if (!(await portFree(context.port))) throw new Error(`Port ${context.port} (n8n) is in use: a previous npm start may still run; stop it or set N8N_PORT`);
	if (context.brokerPort === undefined) context.brokerPort = await freePort();
	else if (!(await portFree(context.brokerPort))) throw new Error(`Port ${context.brokerPort} (n8n task broker) is in use; set N8N_RUNNERS_BROKER_PORT`);
	const logFile = join(context.logDir, 'n8n.log');
	log.info(`Starting n8n ${context.install.version} on ${context.url} (log: ${logFile}) …`);
	const started = startProcess(context.install.node.bin, [context.install.n8nBin, 'start'], {
		cwd: context.userFolder,
		env: context.env(),
		name: 'n8n',
		logFile,
		logMode: 'w',
		echo,
	});
	let exitedWith;
	started.exited.then((result) => {
		exitedWith = result;
	});
	const abort = () => (exitedWith ? `n8n exited (code ${exitedWith.code}${exitedWith.signal ? `, ${exitedWith.signal}` : ''}):\n${tailOf(logFile, 30)}` : undefined);
	const began = Date.now();
	try {
		await waitFor(
			'n8n /healthz',
			async () => (await request(`${context.url}/healthz`, { timeoutMs: 3000 })).status === 200,
			{ timeoutMs: readyTimeoutMs, intervalMs: 500, abort },
		);
		await waitFor(
			'n8n REST API',
			async () => {
				const readiness = await request(`${context.url}/healthz/readiness`, { timeoutMs: 3000 });
				if (readiness.status !== 200 && readiness.status !== 404) return false;
				const settings = await request(`${context.url}/rest/settings`, { timeoutMs: 5000 });
				return settings.status === 200 && settings.json?.data;
			},
			{ timeoutMs: readyTimeoutMs, intervalMs: 500, abort },
		);
	} catch (error) {
		await stopProcess(started, { graceMs: 10000 });
		if (exitedWith && tailOf(logFile, 30).trim() === '') error.silentExit = exitedWith;
		throw error;
	}
	log.info(`n8n answers (${Math.round((Date.now() - began) / 1000)} s).`);
	return {
		url: context.url,
		pid: started.pid,
		logFile,
		process: started,
		exited: started.exited,
		stop: () => stopProcess(started, { graceMs: 30000 }),
	};
}

function tailOf(file, lines) {
	try {
		return readFileSync(file, 'utf8')
			.split('\n')
			.slice(-lines)
			.join('\n')
			.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
	} catch {
		return '';
	}
}

/** Logs in; resolves the cookie header value (n8n-auth=...). */
async function login(url, { email, password }) {
	let answer = await request(`${url}/rest/login`, { method: 'POST', body: { emailOrLdapLoginId: email, password } });
	if (answer.status === 400) answer = await request(`${url}/rest/login`, { method: 'POST', body: { email, password } });
	if (answer.status !== 200) throw new Error(`Login of ${email} failed (HTTP ${answer.status}): ${answer.body.slice(0, 300)}`);
	const cookie = answer.cookies.find((value) => value.startsWith('n8n-auth='));
	if (!cookie) throw new Error('Login answered without an n8n-auth cookie');
	return cookie;
}

/**
 * Creates the owner account on a fresh instance (POST /rest/owner/setup) or, when one exists, logs in
 * with the given login. Resolves {created, cookie}; when an existing owner has another password,
 * rejects with a hint to start fresh.
 */
async function ensureOwner(url, owner) {
	const settings = await request(`${url}/rest/settings`);
	const needsSetup = settings.json?.data?.userManagement?.showSetupOnFirstLoad;
	if (needsSetup !== false) {
		const answer = await request(`${url}/rest/owner/setup`, { method: 'POST', body: owner });
		if (answer.status === 200) {
			const cookie = answer.cookies.find((value) => value.startsWith('n8n-auth='));
			return { created: true, cookie: cookie ?? (await login(url, owner)) };
		}
		if (!/already/i.test(answer.body)) throw new Error(`Owner setup failed (HTTP ${answer.status}): ${answer.body.slice(0, 500)}`);
	}
	try {
		return { created: false, cookie: await login(url, owner) };
	} catch (error) {
		throw new Error(`${error.message}. The owner was set up in an earlier run with other values; use those, or start fresh (npm start -- --fresh)`);
	}
}

/** GET/POST on n8n's REST or types endpoints with the login cookie (gzip accepted). */
async function api(url, path, { cookie, method = 'GET', body } = {}) {
	const headers = cookie ? { Cookie: cookie } : {};
	return await request(`${url}${path}`, { method, body, headers });
}

/**
 * Activates (publishes) a workflow on the running server through the REST API, so that its webhook and
 * trigger nodes are registered at once (the CLI's publish:workflow needs a restart). Then waits until
 * `probe` (optional async function) is truthy: /healthz answering does not mean webhooks are live.
 */
async function activateWorkflow(url, cookie, id, { probe, timeoutMs = 30000 } = {}) {
	const current = await api(url, `/rest/workflows/${encodeURIComponent(id)}`, { cookie });
	if (current.status !== 200) throw new Error(`GET workflow ${id}: HTTP ${current.status} ${current.body.slice(0, 300)}`);
	const versionId = current.json?.data?.versionId;
	const answer = await api(url, `/rest/workflows/${encodeURIComponent(id)}/activate`, { cookie, method: 'POST', body: versionId ? { versionId } : {} });
	if (answer.status !== 200) throw new Error(`Activating workflow ${id}: HTTP ${answer.status} ${answer.body.slice(0, 500)}`);
	if (probe) await waitFor(`workflow ${id} live`, probe, { timeoutMs, intervalMs: 300 });
	return answer.json?.data;
}

module.exports = {
	DEFAULT_OWNER,
	MAX_WORKFLOW_ID_LENGTH,
	activateWorkflow,
	encryptionKeyFor,
	createContext,
	runCli,
	importCredentials,
	importWorkflows,
	executeWorkflow,
	nodeOutput,
	startServer,
	ensureOwner,
	login,
	api,
	listJsonFiles,
	tailOf,
};
