'use strict';
// Child processes of `npm start` and the end-to-end test: every child is spawned detached (its own
// process group), registered here, and stopped by PID (the whole group: n8n's task runner, npm's
// install scripts) on request. Nothing here calls process.exit.

const { spawn } = require('child_process');
const { createWriteStream, mkdirSync } = require('fs');
const { dirname } = require('path');

/** @type {Map<number, {child: import('child_process').ChildProcess, name: string, exited: Promise<{code: number|null, signal: string|null}>}>} */
const running = new Map();

let stopping = false;

/**
 * The environment for a child: the parent's, minus what `npm run` injects for its own script
 * (npm_config_ignore_scripts, npm_config_local_prefix, npm_config_nodedir=/usr, ...), which would
 * otherwise steer the npm and n8n we start. Registry, proxy and certificate settings stay.
 */
function cleanEnv(extra = {}, base = process.env) {
	const keepNpmConfig = new Set([
		'npm_config_registry',
		'npm_config_cafile',
		'npm_config_ca',
		'npm_config_proxy',
		'npm_config_https_proxy',
		'npm_config_noproxy',
		'npm_config_strict_ssl',
		'npm_config_cache',
		'npm_config_userconfig',
		'npm_config_globalconfig',
	]);
	const env = {};
	for (const [key, value] of Object.entries(base)) {
		if (value === undefined) continue;
		const lower = key.toLowerCase();
		if (lower.startsWith('npm_') && !keepNpmConfig.has(lower)) continue;
		if (lower === 'init_cwd') continue;
		env[key] = value;
	}
	for (const [key, value] of Object.entries(extra)) {
		if (value === undefined || value === null) delete env[key];
		else env[key] = String(value);
	}
	return env;
}

/**
 * Spawns a registered, detached child. Output goes to `logFile` (appended; `logMode: 'w'` truncates) and/or to `onLine`
 * (called per line of stdout and stderr), and is echoed with a prefix when `echo` is set.
 * Returns {child, pid, exited} where exited resolves with {code, signal}.
 */
function startProcess(command, args, options = {}) {
	if (stopping) throw new Error(`Not starting ${options.name ?? command}: shutting down`);
	const { cwd, env, name = command, logFile, logMode = 'a', onLine, echo = false, stdin = 'ignore' } = options;
	const child = spawn(command, args, {
		cwd,
		env: env ?? cleanEnv(),
		detached: process.platform !== 'win32',
		stdio: [stdin, 'pipe', 'pipe'],
	});
	let log;
	if (logFile) {
		mkdirSync(dirname(logFile), { recursive: true });
		log = createWriteStream(logFile, { flags: logMode });
	}
	const lineSplitter = (stream) => {
		let pending = '';
		child[stream].on('data', (chunk) => {
			if (log) log.write(chunk);
			if (!onLine && !echo) return;
			pending += chunk.toString('utf8');
			let index;
			while ((index = pending.indexOf('\n')) >= 0) {
				const line = pending.slice(0, index).replace(/\r$/, '');
				pending = pending.slice(index + 1);
				if (echo) process.stdout.write(`[${name}] ${line}\n`);
				if (onLine) onLine(line, stream);
			}
		});
		child[stream].on('end', () => {
			if (pending) {
				if (echo) process.stdout.write(`[${name}] ${pending}\n`);
				if (onLine) onLine(pending, stream);
				pending = '';
			}
		});
	};
	lineSplitter('stdout');
	lineSplitter('stderr');
	const exited = new Promise((resolve) => {
		let settled = false;
		const done = (code, signal) => {
			if (settled) return;
			settled = true;
			running.delete(child.pid);
			const finish = () => resolve({ code, signal });
			if (log) log.end(finish);
			else finish();
		};
		child.on('error', (error) => {
			if (log) log.write(`\n[spawn error] ${error.message}\n`);
			done(null, null);
		});
		child.on('close', done);
	});
	if (child.pid !== undefined) running.set(child.pid, { child, name, exited });
	return { child, pid: child.pid, name, exited };
}

/**
 * Runs a command to completion. Rejects (with the captured output tail on the error) when it exits
 * non-zero, unless `allowFailure`. Resolves {code, signal, stdout, stderr}.
 */
async function run(command, args, options = {}) {
	const stdout = [];
	const stderr = [];
	const { onLine: userOnLine, allowFailure = false, captureLimit = 20000 } = options;
	let captured = 0;
	const started = startProcess(command, args, {
		...options,
		onLine(line, stream) {
			if (captured < captureLimit) {
				(stream === 'stdout' ? stdout : stderr).push(line);
				captured += 1;
			}
			if (userOnLine) userOnLine(line, stream);
		},
	});
	let spawnError;
	started.child.once('error', (error) => {
		spawnError = error;
	});
	const { code, signal } = await started.exited;
	const result = { code, signal, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
	if ((code !== 0 || signal) && !allowFailure) {
		const error = spawnError;
		const tail = [...stdout, ...stderr].slice(-30).join('\n');
		const what = `${options.name ?? command} ${args.join(' ')}`.slice(0, 300);
		const reason = error ? error.message : signal ? `killed by ${signal}` : `exit code ${code}`;
		const failure = new Error(`${what} failed (${reason})${tail ? `:\n${tail}` : ''}`);
		Object.assign(failure, result);
		throw failure;
	}
	return result;
}

function signalGroup(pid, signal) {
	try {
		if (process.platform !== 'win32') process.kill(-pid, signal);
		else process.kill(pid, signal);
		return true;
	} catch {
		try {
			process.kill(pid, signal);
			return true;
		} catch {
			return false;
		}
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/**
 * Stops one started process: SIGTERM to its process group, SIGKILL to the group after `graceMs`.
 * Also SIGKILLs what is left of the group after the leader exited (grandchildren that ignored TERM).
 */
async function stopProcess(started, { graceMs = 15000, signal = 'SIGTERM' } = {}) {
	if (!started || started.pid === undefined) return;
	const entry = running.get(started.pid);
	const exited = started.exited ?? entry?.exited;
	signalGroup(started.pid, signal);
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(() => resolve('timeout'), graceMs);
	});
	const outcome = await Promise.race([exited.then(() => 'exited'), timeout]);
	clearTimeout(timer);
	if (outcome === 'timeout') {
		signalGroup(started.pid, 'SIGKILL');
		await exited;
	}
	// Leftovers of the group (the leader is gone, the group id is still its pid).
	signalGroup(started.pid, 'SIGKILL');
}

/**
 * Stops every registered child (each whole process group, in parallel). With `final`, no new child
 * may start afterwards (the Ctrl-C path: a step still running must not start the next one).
 */
async function stopAll({ final = false, ...options } = {}) {
	if (final) stopping = true;
	const entries = [...running.entries()];
	await Promise.all(entries.map(([pid, entry]) => stopProcess({ pid, exited: entry.exited }, options)));
}

function isShuttingDown() {
	return stopping;
}

function runningProcesses() {
	return [...running.entries()].map(([pid, entry]) => ({ pid, name: entry.name }));
}

module.exports = { cleanEnv, startProcess, run, stopProcess, stopAll, isShuttingDown, runningProcesses, isAlive };
