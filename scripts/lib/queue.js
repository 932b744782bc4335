'use strict';
// What n8n's queue mode needs besides n8n: Debian's redis-server (the queue) and PostgreSQL (the
// database every instance shares), each started on 127.0.0.1 in a folder of its own and stopped by
// PID. Installed with apt-get when missing (CI machines; needs root). Used by startStack({queue}).

const { execFileSync } = require('child_process');
const { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');

const { cleanEnv, run, startProcess, stopProcess } = require('./proc');
const { freePort, portAnswers, waitFor, which } = require('./util');

/** PostgreSQL's server programs: on PATH, or Debian's /usr/lib/postgresql/<major>/bin. */
function postgresBin(program) {
	const onPath = which(program);
	if (onPath) return onPath;
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return undefined;
	for (const major of readdirSync(base).sort((a, b) => Number(b) - Number(a))) {
		const candidate = join(base, major, 'bin', program);
		if (existsSync(candidate)) return candidate;
	}
	return undefined;
}

/** Installs redis-server and postgresql with apt-get when they are missing. */
async function ensureQueuePackages({ log }) {
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBin('initdb') || !postgresBin('postgres')) missing.push('postgresql');
	if (!missing.length) return;
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error(`Queue mode needs ${missing.join(' and ')}: install them (sudo apt-get install -y ${missing.join(' ')})`);
	}
	log.info(`Installing ${missing.join(', ')} with apt-get …`);
	const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
	await run('apt-get', ['update', '-q'], { env, name: 'apt-get update' });
	await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, name: 'apt-get install' });
	// Debian starts the services it installs: ours run on their own ports, the system ones are not used.
}

/** PostgreSQL refuses to run as root: run its programs as the `postgres` user then. */
function asPostgresUser(command, args) {
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	return root ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
}

async function startRedis({ dir, log }) {
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const started = startProcess(
		which('redis-server'),
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'],
		{ name: 'redis', logFile: join(dir, 'redis.log'), logMode: 'w' },
	);
	await waitFor('redis-server', () => portAnswers(port), { timeoutMs: 30000, intervalMs: 200 });
	log.info(`Redis on 127.0.0.1:${port} (pid ${started.pid}).`);
	return { port, pid: started.pid, stop: () => stopProcess(started, { graceMs: 5000 }) };
}

async function startPostgres({ dir: requestedDir, log }) {
	// A new cluster per stack: n8n's schema is created by n8n itself at its first start. As root the
	// cluster belongs to the postgres user, which may not enter the requested folder (a private
	// temporary folder, say): it then lives in a folder of its own under the system's temp folder.
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	const dir = root ? mkdtempSync(join(tmpdir(), 'n8n-queue-postgres-')) : requestedDir;
	if (!root) {
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
	} else {
		const idOf = (flag) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
		chownSync(dir, idOf('-u'), idOf('-g'));
		chmodSync(dir, 0o700);
	}
	const data = join(dir, 'data');
	const initdb = asPostgresUser(postgresBin('initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--locale=C']);
	await run(initdb.command, initdb.args, { name: 'initdb', logFile: join(dir, 'initdb.log') });
	const port = await freePort();
	const server = asPostgresUser(postgresBin('postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=200']);
	const started = startProcess(server.command, server.args, { name: 'postgres', logFile: join(dir, 'postgres.log'), logMode: 'w' });
	await waitFor('postgres', () => portAnswers(port), { timeoutMs: 60000, intervalMs: 250 });
	const psql = which('psql') ?? postgresBin('psql');
	await waitFor(
		'postgres accepting connections',
		async () => (await run(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'postgres', '-c', 'select 1'], { name: 'psql', allowFailure: true })).code === 0,
		{ timeoutMs: 60000, intervalMs: 500 },
	);
	await run(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'postgres', '-c', 'CREATE DATABASE n8n'], { name: 'psql' });
	log.info(`PostgreSQL on 127.0.0.1:${port}, database n8n (pid ${started.pid}).`);
	return {
		port,
		pid: started.pid,
		database: 'n8n',
		user: 'n8n',
		dir,
		stop: async () => {
			await stopProcess(started, { graceMs: 15000, signal: 'SIGINT' });
			if (root) rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The environment every n8n process of a queue-mode stack shares (main, workers, CLI). */
function queueEnv({ redis, postgres }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: redis.port,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: postgres.port,
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		// Manual runs from the editor go to the workers too, as in a production queue setup.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
}

module.exports = { ensureQueuePackages, startRedis, startPostgres, queueEnv, postgresBin };
