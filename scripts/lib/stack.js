'use strict';
// The whole demo / end-to-end stack in one call: build the package, start the emulators, install a
// real n8n (cached), copy the package in as a community package, import the credentials with their
// fixed ids and every template, start n8n, set up the owner. `npm start` (scripts/start.js) and the
// real-n8n end-to-end test (test/e2e/real-n8n.test.ts) both use startStack().

const { existsSync, readFileSync, rmSync } = require('fs');
const { join, resolve } = require('path');

const { buildCredentials, describeCredentials, needsSandbox, targetsFromEnv } = require('./credentials');
const { ensureN8n } = require('./n8n-install');
const n8n = require('./n8n');
const { buildPackage, ensureRepoDependencies, installIntoN8n } = require('./package');
const { isShuttingDown, startProcess, stopProcess } = require('./proc');
const { ensureQueuePackages, queueEnv, startPostgres, startRedis } = require('./queue');
const { DEFAULT_WEBHOOK_AUTH, PORT_ENV, resolvePorts, startSandbox } = require('./sandbox');
const { REPO_ROOT, formatDuration, freePort, makeLogger, portFree, request, waitFor } = require('./util');

/**
 * Options (all optional):
 *   repo              repository root (default: this checkout)
 *   localDir          where n8n, Node 24, the n8n user folder and logs live (default <repo>/.n8n-local)
 *   userFolder        n8n's N8N_USER_FOLDER (default <localDir>/user)
 *   logDir            logs (default <localDir>/logs, or <userFolder>/logs for another user folder)
 *   port              n8n port (default 5678)
 *   brokerPort        n8n task-broker port (default: a free one)
 *   sandboxPorts      {jira, esmLocal, esmRemote} (default env SANDBOX_*_PORT / 8401-8403)
 *   sandboxCli        the sandbox CLI source (default <repo>/sandbox/cli.ts)
 *   sandboxPersistDir keep emulator data across runs in this folder (npm start: <localDir>/sandbox-data)
 *   targets           real systems replacing emulators (default: targetsFromEnv(process.env))
 *   owner             {email, password, firstName, lastName} (default DEFAULT_OWNER)
 *   n8nVersion        exact n8n version; n8nMajor (default 2); updateN8n (re-resolve the newest)
 *   build             run `npm run build` first (default true)
 *   templatesDir      workflows imported at start (default <repo>/dist/templates; missing = none)
 *   workflows         extra workflow files to import
 *   fresh             delete the n8n user folder and sandboxPersistDir first (new database, new owner,
 *                     demo data seeded again)
 *   queue             n8n's queue mode: {workers: 2, concurrency: 10, dir}: Redis and PostgreSQL started on
 *                     127.0.0.1 (installed with apt-get when missing) in dir (default <userFolder>/../queue-services),
 *                     one main instance and `workers` n8n worker processes sharing them
 *   activate          workflow ids to activate after the start (event templates: once their webhook answers)
 *   logLevel          n8n's N8N_LOG_LEVEL (default info); echo: print n8n's and the emulators' output
 *   log               {info, warn, error} (default: console with a [start] prefix)
 * Resolves the stack: {url, owner, cookie, version, n8n (server), context, sandbox, credentials,
 * workflows, timings, login(), api(path, opts), execute(id), activate(id, {probe}), importWorkflows(files),
 * runCli(args), stop()}; in queue mode also queue: {redis, postgres, workers: [{pid, name, stop()}], startWorker()}.
 */
async function startStack(options = {}) {
	const repo = resolve(options.repo ?? REPO_ROOT);
	const localDir = resolve(options.localDir ?? join(repo, '.n8n-local'));
	const log = options.log ?? makeLogger();
	const owner = { ...n8n.DEFAULT_OWNER, ...(options.owner ?? {}) };
	const targets = options.targets ?? targetsFromEnv(process.env);
	const port = Number(options.port ?? 5678);
	const timings = {};
	const began = Date.now();
	const step = async (name, work) => {
		if (isShuttingDown()) throw new Error('Stopped');
		const at = Date.now();
		const result = await work();
		timings[name] = Math.round((Date.now() - at) / 1000);
		return result;
	};

	const userFolder = resolve(options.userFolder ?? join(localDir, 'user'));
	// Logs of the default user folder in <localDir>/logs; another user folder (a test) keeps its own.
	const logDir = resolve(options.logDir ?? (options.userFolder ? join(userFolder, 'logs') : join(localDir, 'logs')));
	let sandbox;
	let server;
	const queue = { redis: undefined, postgres: undefined, workers: [] };
	const stopAllStarted = async () => {
		const workers = queue.workers.splice(0);
		await Promise.all(workers.map((worker) => worker.stop()));
		const current = server;
		server = undefined;
		if (current) await current.stop();
		const emulators = sandbox;
		sandbox = undefined;
		if (emulators) await emulators.stop();
		for (const service of [queue.redis, queue.postgres]) if (service) await service.stop();
		queue.redis = queue.postgres = undefined;
	};

	try {
		// Ports first: a conflict should not surface only after a five-minute install.
		if (!(await portFree(port))) throw new Error(`Port ${port} (n8n) is in use: a previous npm start may still run; stop it or set N8N_PORT`);
		if (options.brokerPort !== undefined && !(await portFree(Number(options.brokerPort)))) {
			throw new Error(`Port ${options.brokerPort} (n8n task broker) is in use; set N8N_RUNNERS_BROKER_PORT`);
		}
		if (needsSandbox(targets)) {
			for (const [key, sandboxPort] of Object.entries(resolvePorts(options.sandboxPorts))) {
				if (!(await portFree(sandboxPort))) throw new Error(`Port ${sandboxPort} (${key} emulator) is in use: a previous npm start may still run; stop it or set ${PORT_ENV[key]}`);
			}
		}
		await step('dependencies', () => ensureRepoDependencies({ repo, log }));
		if (options.build !== false) await step('build', () => buildPackage({ repo, log }));

		if (options.fresh) {
			// n8n's database (with the Task Cache state of the templates) and the emulators' saved data
			// belong together: a fresh start drops both.
			for (const dir of [userFolder, options.sandboxPersistDir]) {
				if (!dir || !existsSync(dir)) continue;
				log.info(`Starting fresh: removing ${dir}.`);
				rmSync(dir, { recursive: true, force: true });
			}
		}

		// The long n8n install and the emulators go side by side.
		const installing = step('n8nInstall', () =>
			ensureN8n({ localDir, version: options.n8nVersion, major: options.n8nMajor, update: options.updateN8n, log }),
		);
		const emulating = needsSandbox(targets)
			? step('sandbox', () =>
					startSandbox({
						repo,
						localDir,
						logDir,
						ports: options.sandboxPorts,
						cliSource: options.sandboxCli,
						persistDir: options.sandboxPersistDir,
						echo: options.echo,
						log,
					}),
				).catch((error) => {
					if (!isShuttingDown()) log.error(`${error.message}\n(waiting for the n8n install to finish before stopping, so that it is cached)`);
					throw error;
				})
			: Promise.resolve(undefined);
		const queueing = options.queue
			? step('queueServices', async () => {
					await ensureQueuePackages({ log });
					const dir = resolve(options.queue.dir ?? join(userFolder, '..', 'queue-services'));
					queue.redis = await startRedis({ dir: join(dir, 'redis'), log });
					queue.postgres = await startPostgres({ dir: join(dir, 'postgres'), log });
				})
			: Promise.resolve();
		const [installResult, sandboxResult, queueResult] = await Promise.allSettled([installing, emulating, queueing]);
		if (queueResult.status === 'rejected') throw queueResult.reason;
		if (sandboxResult.status === 'fulfilled') sandbox = sandboxResult.value;
		if (installResult.status === 'rejected') throw installResult.reason;
		if (sandboxResult.status === 'rejected') throw sandboxResult.reason;
		const install = installResult.value;

		const context = n8n.createContext({
			install,
			localDir,
			userFolder,
			logDir,
			port,
			brokerPort: options.brokerPort,
			logLevel: options.logLevel ?? 'info',
			extraEnv: options.queue ? queueEnv(queue) : {},
		});
		await step('package', () => installIntoN8n({ repo, userFolder, log }));

		const credentials = buildCredentials({ sandbox, targets, defaultWebhookAuth: DEFAULT_WEBHOOK_AUTH });
		await step('credentials', () => n8n.importCredentials(context, credentials));
		log.info(`Imported credentials: ${credentials.map((credential) => credential.id).join(', ')}.`);

		const templatesDir = options.templatesDir ?? join(repo, 'dist', 'templates');
		const workflows = await step('templates', async () => {
			const imported = await n8n.importWorkflows(context, templatesDir);
			if (options.workflows?.length) imported.push(...(await n8n.importWorkflows(context, options.workflows)));
			return imported;
		});
		log.info(workflows.length ? `Imported ${workflows.length} workflow(s): ${workflows.map((workflow) => workflow.id ?? workflow.name).join(', ')}.` : `No templates in ${templatesDir} yet: nothing to import.`);

		server = await step('n8nStart', () => n8n.startServer(context, { log, echo: options.echo }));
		const { created, cookie } = await step('owner', () => n8n.ensureOwner(server.url, owner));
		log.info(created ? `Owner ${owner.email} created.` : `Owner ${owner.email} exists (earlier run): logged in.`);

		// Workers take the executions off the queue: each its own process, found and stopped by PID.
		let workersStarted = 0;
		const startWorker = async () => {
			const number = ++workersStarted;
			const logFile = join(logDir, `n8n-worker-${number}.log`);
			let ready = false;
			const started = startProcess(context.install.node.bin, [context.install.n8nBin, 'worker', `--concurrency=${options.queue.concurrency ?? 10}`], {
				cwd: context.userFolder,
				// info: the worker says it is ready only at that level.
				env: context.env({ N8N_RUNNERS_BROKER_PORT: await freePort(), QUEUE_HEALTH_CHECK_PORT: await freePort(), N8N_LOG_LEVEL: 'info' }),
				name: `n8n-worker-${number}`,
				logFile,
				logMode: 'w',
				echo: options.echo,
				onLine: (line) => {
					if (/worker is now ready/i.test(line)) ready = true;
				},
			});
			let exitedWith;
			started.exited.then((result) => {
				exitedWith = result;
			});
			await waitFor(`n8n worker ${number}`, async () => ready, {
				timeoutMs: 120000,
				intervalMs: 250,
				abort: () => (exitedWith ? `n8n worker ${number} exited (code ${exitedWith.code}); see ${logFile}` : undefined),
			});
			const worker = { pid: started.pid, name: started.name, logFile, exited: started.exited, stop: () => stopProcess(started, { graceMs: 30000 }) };
			queue.workers.push(worker);
			log.info(`n8n worker ${number} ready (pid ${started.pid}, log: ${logFile}).`);
			return worker;
		};
		if (options.queue) {
			for (let count = 0; count < (options.queue.workers ?? 2); count++) await step(`worker${count + 1}`, startWorker);
		}
		// Activation (queue mode's runs start from webhooks and schedules only): the templates named
		// by options.activate, an event template once its webhook answers (an empty body gets a 400).
		const activated = [];
		const webhookAuth = { ...(sandbox?.webhookAuth ?? DEFAULT_WEBHOOK_AUTH), ...(targets.webhookAuth ?? {}) };
		for (const id of options.activate ?? []) {
			const template = readTemplate(repo, id);
			const path = template?.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters?.path;
			const probe = path
				? async () => (await request(`${server.url}/webhook/${path}`, { method: 'POST', body: {}, headers: { [webhookAuth.name]: webhookAuth.value } })).status === 400
				: undefined;
			await step(`activate-${id}`, () => n8n.activateWorkflow(server.url, cookie, id, { probe }));
			activated.push(id);
		}
		if (activated.length) log.info(`Activated: ${activated.join(', ')}.`);
		timings.total = Math.round((Date.now() - began) / 1000);

		const stack = {
			url: server.url,
			owner,
			ownerCreated: created,
			cookie,
			version: install.version,
			install,
			context,
			n8n: server,
			sandbox,
			targets,
			credentials: credentials.map(({ id, name, type }) => ({ id, name, type })),
			credentialSummary: describeCredentials(credentials, targets),
			workflows,
			timings,
			login: () => n8n.login(server.url, owner),
			api: (path, requestOptions = {}) => n8n.api(server.url, path, { cookie, ...requestOptions }),
			execute: (id) => n8n.executeWorkflow(context, id),
			activate: (id, activateOptions) => n8n.activateWorkflow(server.url, cookie, id, activateOptions),
			importWorkflows: (files) => n8n.importWorkflows(context, files),
			runCli: (args, cliOptions) => n8n.runCli(context, args, cliOptions),
			activated,
			...(options.queue ? { queue: { redis: queue.redis, postgres: queue.postgres, workers: queue.workers, startWorker } } : {}),
			stop: stopAllStarted,
		};
		const detail = Object.entries(timings)
			.filter(([name, seconds]) => name !== 'total' && seconds > 0)
			.map(([name, seconds]) => `${name} ${seconds} s`)
			.join(', ');
		log.info(`Stack ready in ${formatDuration(Date.now() - began)}${detail ? ` (${detail})` : ''}.`);
		return stack;
	} catch (error) {
		await stopAllStarted();
		throw error;
	}
}

/** A template of the catalogue (dist/templates) by workflow id. */
function readTemplate(repo, id) {
	const entry = require(join(repo, 'index.js')).templates.find((candidate) => candidate.id === id);
	return entry ? JSON.parse(readFileSync(join(repo, entry.file), 'utf8')) : undefined;
}

module.exports = { startStack };
