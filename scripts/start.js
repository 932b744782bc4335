#!/usr/bin/env node
// `npm start`: build the package, start the Jira and ESM emulators with demo data, install (first
// run) and start a real current n8n with this package as a community package, the credentials
// (jiraCloud, esmLocal, esmRemote, esmWebhookAuth) and every template imported, the owner account
// set up; print the editor URL and login. Ctrl-C stops everything it started. See `npm start -- --help`.
'use strict';

const { join, resolve } = require('path');

const { ENV_TARGETS, targetsFromEnv } = require('./lib/credentials');
const { runningProcesses, stopAll } = require('./lib/proc');
const { startStack } = require('./lib/stack');
const { REPO_ROOT, makeLogger } = require('./lib/util');

const HELP = `Usage: npm start [-- options]

Builds the package, starts the Jira / ESM emulators and a real n8n with this package, its credentials
and templates; prints the editor URL and login. Ctrl-C stops everything.

Options:
  --fresh        start over: new n8n database (owner, executions, Task Cache state) and new demo data
  --no-build     use dist/ as it is
  --update-n8n   look for a newer n8n release than the one installed in .n8n-local
  --no-persist   emulators start from the demo data every time (default: their data is kept in
                 .n8n-local/sandbox-data, as n8n keeps its database, so that both stay consistent)
  --queue[=N]    n8n's queue mode: Redis and PostgreSQL on 127.0.0.1 (installed with apt-get when
                 missing), one main instance and N workers (default 2), a fresh database each start
                 (own user folder .n8n-local/queue-user); the event templates are activated
  --verbose      print n8n's and the emulators' output (always in .n8n-local/logs/)
  --help

Environment:
  N8N_PORT (5678), N8N_RUNNERS_BROKER_PORT (free port), N8N_LOG_LEVEL (info),
  N8N_INSTALL_VERSION (exact n8n version; default: newest 2.x that installs), N8N_LOCAL_DIR (.n8n-local),
  N8N_OWNER_EMAIL, N8N_OWNER_PASSWORD, N8N_OWNER_FIRST_NAME, N8N_OWNER_LAST_NAME,
  SANDBOX_JIRA_PORT (8401), SANDBOX_ESM_LOCAL_PORT (8402), SANDBOX_ESM_REMOTE_PORT (8403).
  Real systems instead of the emulators (all required variables of a group, or none):
${Object.values(ENV_TARGETS)
	.map((fields) => `    ${fields.map(([variable, , required]) => (required ? variable : `[${variable}]`)).join(' ')}`)
	.join('\n')}
`;

/**
 * Activated in queue mode (runs start only from webhooks and schedules there): every event and
 * two-way template and the scheduled tasks, except the stateless issue import, which loads the
 * same incident cards as the full one (run one of the two per set of cards).
 */
const QUEUE_ACTIVATED = require('../index.js')
	.templates.filter((template) => template.kind !== 'error' && template.id !== 'jiraIssuesStateless')
	.map((template) => template.id);

function parseArgs(argv) {
	const flags = { fresh: false, build: true, updateN8n: false, persist: true, verbose: false, help: false, queueWorkers: 0 };
	for (const arg of argv) {
		if (arg === '--fresh') flags.fresh = true;
		else if (arg === '--no-build') flags.build = false;
		else if (arg === '--update-n8n') flags.updateN8n = true;
		else if (arg === '--persist') flags.persist = true;
		else if (arg === '--no-persist') flags.persist = false;
		else if (arg === '--verbose' || arg === '-v') flags.verbose = true;
		else if (arg === '--queue') flags.queueWorkers = 2;
		else if (/^--queue=\d+$/.test(arg)) flags.queueWorkers = Math.max(1, Number(arg.slice(8)));
		else if (arg === '--help' || arg === '-h') flags.help = true;
		else throw new Error(`Unknown option ${arg}\n\n${HELP}`);
	}
	return flags;
}

function banner(stack) {
	const lines = [
		'',
		`n8n ${stack.version} is running with n8n-nodes-esm-connectors (node types n8n-nodes-esm-connectors.*)`,
		'',
		`  Editor:    ${stack.url}`,
		`  Login:     ${stack.owner.email}  /  ${stack.owner.password}`,
		'',
		'  Credentials (fixed ids, as the templates expect):',
		...stack.credentialSummary.map((line) => `    ${line}`),
	];
	if (stack.sandbox) {
		const { jira, esmLocal, esmRemote } = stack.sandbox;
		lines.push(
			'',
			'  Emulators (admin API under <url>/__admin/):',
			`    Jira Cloud    ${jira.url}   ${jira.email} / ${jira.apiToken}`,
			`    ESM (local)   ${esmLocal.url}${esmLocal.apiPath}   ${esmLocal.username} / ${esmLocal.password}`,
			`    ESM (remote)  ${esmRemote.url}${esmRemote.apiPath}   ${esmRemote.username} / ${esmRemote.password}`,
			`    Webhook header for ESM workflow rules: ${stack.sandbox.webhookAuth.name}: ${stack.sandbox.webhookAuth.value}`,
			stack.sandbox.persistDir
				? `    Data kept in ${stack.sandbox.persistDir} across restarts (npm start -- --fresh starts over)`
				: '    Data: demo data, not kept (--no-persist)',
		);
	}
	lines.push(
		'',
		`  Workflows: ${stack.workflows.length ? stack.workflows.map((workflow) => workflow.id ?? workflow.name).join(', ') : 'no templates yet'}`,
		`  Logs:      ${stack.n8n.logFile}${stack.sandbox ? `, ${stack.sandbox.logFile}` : ''}`,
		`  PIDs:      n8n ${stack.n8n.pid}${stack.sandbox ? `, emulators ${stack.sandbox.pid}` : ''}`,
		...(stack.queue
			? [
					`  Queue mode: ${stack.queue.workers.length} workers (PIDs ${stack.queue.workers.map((worker) => worker.pid).join(', ')}), Redis 127.0.0.1:${stack.queue.redis.port} (PID ${stack.queue.redis.pid}), PostgreSQL 127.0.0.1:${stack.queue.postgres.port} (PID ${stack.queue.postgres.pid})`,
					`  Active:    ${stack.activated.join(', ') || 'none'}`,
				]
			: []),
		'',
		'Ctrl-C stops n8n and the emulators.',
		'',
	);
	process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
	const log = makeLogger();
	let flags;
	try {
		flags = parseArgs(process.argv.slice(2));
	} catch (error) {
		log.error(error.message);
		process.exitCode = 2;
		return;
	}
	if (flags.help) {
		process.stdout.write(HELP);
		return;
	}

	let stack;
	let stopping;
	const stop = (signal) => {
		if (stopping) {
			log.warn(`${signal} again: killing what is left (${runningProcesses().map((entry) => `${entry.name} ${entry.pid}`).join(', ') || 'nothing'}).`);
			void stopAll({ final: true, graceMs: 0, signal: 'SIGKILL' });
			return stopping;
		}
		log.info(`${signal}: stopping n8n and the emulators …`);
		stopping = (async () => {
			if (stack) await stack.stop();
			await stopAll({ final: true, graceMs: 15000 });
			log.info('Stopped.');
		})();
		process.exitCode = signal === 'SIGINT' ? 130 : 143;
		return stopping;
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal));

	const env = process.env;
	const localDir = env.N8N_LOCAL_DIR ? resolve(env.INIT_CWD ?? process.cwd(), env.N8N_LOCAL_DIR) : join(REPO_ROOT, '.n8n-local');
	try {
		stack = await startStack({
			localDir,
			port: env.N8N_PORT ? Number(env.N8N_PORT) : 5678,
			brokerPort: env.N8N_RUNNERS_BROKER_PORT ? Number(env.N8N_RUNNERS_BROKER_PORT) : undefined,
			n8nVersion: env.N8N_INSTALL_VERSION || undefined,
			updateN8n: flags.updateN8n,
			fresh: flags.fresh,
			build: flags.build,
			echo: flags.verbose,
			logLevel: env.N8N_LOG_LEVEL || 'info',
			sandboxCli: env.SANDBOX_CLI ? resolve(env.INIT_CWD ?? process.cwd(), env.SANDBOX_CLI) : undefined,
			// Queue mode starts a new PostgreSQL database each time: the emulators start fresh with it.
			sandboxPersistDir: flags.persist && !flags.queueWorkers ? join(localDir, 'sandbox-data') : undefined,
			...(flags.queueWorkers
				? { queue: { workers: flags.queueWorkers }, userFolder: join(localDir, 'queue-user'), activate: QUEUE_ACTIVATED }
				: {}),
			targets: targetsFromEnv(env),
			owner: {
				...(env.N8N_OWNER_EMAIL ? { email: env.N8N_OWNER_EMAIL } : {}),
				...(env.N8N_OWNER_PASSWORD ? { password: env.N8N_OWNER_PASSWORD } : {}),
				...(env.N8N_OWNER_FIRST_NAME ? { firstName: env.N8N_OWNER_FIRST_NAME } : {}),
				...(env.N8N_OWNER_LAST_NAME ? { lastName: env.N8N_OWNER_LAST_NAME } : {}),
			},
			log,
		});
	} catch (error) {
		if (stopping) {
			await stopping;
			return;
		}
		log.error(error.message);
		await stopAll({ final: true, graceMs: 15000 });
		process.exitCode = 1;
		return;
	}
	if (stopping) {
		// Ctrl-C arrived during the last step: stop what startStack just returned.
		await stack.stop();
		return;
	}
	banner(stack);

	// n8n or the emulators dying on their own ends the run (and stops the other).
	const watch = (started, what, logFile) =>
		started.exited.then(({ code, signal }) => {
			if (stopping) return;
			log.error(`${what} exited unexpectedly (code ${code}${signal ? `, ${signal}` : ''}); see ${logFile}. Stopping the rest.`);
			process.exitCode = 1;
			stopping = (async () => {
				await stack.stop();
				await stopAll({ final: true, graceMs: 15000 });
			})();
		});
	watch(stack.n8n.process, 'n8n', stack.n8n.logFile);
	if (stack.sandbox) watch(stack.sandbox.process, 'The emulators', stack.sandbox.logFile);
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exitCode = 1;
});
