'use strict';
// Brings a real, current n8n onto this machine, outside the package's own dependencies:
// - the Node it needs (n8n 2.41 wants Node >= 24; machines have 20): from the npm registry package
//   `node-<platform>-<arch>@<major>` when the running Node is too old;
// - n8n itself in <localDir>/n8n: npm's CLI run under that Node, `--ignore-scripts` with the xlsx
//   override, then only the two native modules n8n needs rebuilt (sqlite3, isolated-vm) and loaded once
//   as a check. The newest release of the wanted major that installs wins (2.41.3 fails with ETARGET
//   on @n8n/agents, so it falls back to 2.41.1). A marker file caches a finished install.

const { existsSync, mkdirSync, rmSync, writeFileSync } = require('fs');
const { join, resolve } = require('path');

const { cleanEnv, run } = require('./proc');
const { compareVersions, formatDuration, npmCliPath, readJson } = require('./util');

const DEFAULT_N8N_MAJOR = 2;
const MAX_CANDIDATES = 6;
const NATIVE_MODULES = ['sqlite3', 'isolated-vm'];
const MARKER = '.esm-connectors-install.json';

/** How to run npm's CLI under a given node: {command, args, env}. */
function npmUnder(node, args, extraEnv = {}) {
	const pathValue = `${node.binDir}${require('path').delimiter}${process.env.PATH ?? ''}`;
	return {
		command: node.bin,
		args: [npmCliPath(), ...args],
		env: cleanEnv({ PATH: pathValue, npm_config_nodedir: node.nodeDir, npm_config_update_notifier: 'false', ...extraEnv }),
	};
}

/** The system npm (for registry look-ups): npm-cli.js under the running node. */
function systemNode() {
	const bin = process.execPath;
	const binDir = require('path').dirname(bin);
	return { bin, binDir, nodeDir: require('path').dirname(binDir), version: process.versions.node, system: true };
}

async function npm(node, args, options = {}) {
	const call = npmUnder(node, args, options.env);
	return await run(call.command, call.args, { ...options, env: call.env, name: options.name ?? `npm ${args[0]}` });
}

/** The lowest version a `node` engines range asks for ('>=24.0.0' -> '24.0.0'); undefined = any. */
function minimumFromRange(range) {
	if (!range) return undefined;
	const match = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(String(range));
	if (!match) return undefined;
	return `${match[1]}.${match[2] ?? 0}.${match[3] ?? 0}`;
}

/**
 * A Node binary that satisfies `range`: the running one when new enough, else the registry package
 * node-<platform>-<arch>@<major> installed into <localDir>/node<major> (cached).
 * Returns {bin, binDir, nodeDir (headers for native builds), version, system}.
 */
async function ensureNode(range, { localDir: givenDir, log }) {
	const localDir = resolve(givenDir);
	const minimum = minimumFromRange(range);
	if (!minimum || compareVersions(process.versions.node, minimum) >= 0) return systemNode();
	const major = minimum.split('.')[0];
	const pkg = `node-${process.platform}-${process.arch}`;
	const dir = join(localDir, `node${major}`);
	const pkgDir = join(dir, 'node_modules', pkg);
	const bin = join(pkgDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
	const describe = async () => {
		const { stdout } = await run(bin, ['--version'], { name: 'node --version', env: cleanEnv() });
		return stdout.trim().replace(/^v/, '');
	};
	if (existsSync(bin)) {
		try {
			const version = await describe();
			if (compareVersions(version, minimum) >= 0) return { bin, binDir: join(pkgDir, 'bin'), nodeDir: pkgDir, version, system: false };
		} catch {
			// reinstall below
		}
	}
	const started = Date.now();
	log.info(`Node ${process.versions.node} is older than n8n needs (${range}): installing ${pkg}@${major} from the npm registry into ${dir} …`);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'esm-connectors-node-runtime', private: true }, null, 2)}\n`);
	await npm(systemNode(), ['install', `${pkg}@${major}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
	const version = await describe();
	if (compareVersions(version, minimum) < 0) throw new Error(`${pkg}@${major} brought Node ${version}, n8n needs ${range}`);
	log.info(`Node ${version} ready (${formatDuration(Date.now() - started)}).`);
	return { bin, binDir: join(pkgDir, 'bin'), nodeDir: pkgDir, version, system: false };
}

/** n8n release candidates, newest first: exact `requested`, else stable <major>.x.y up to `latest`. */
async function n8nCandidates({ requested, major = DEFAULT_N8N_MAJOR }) {
	if (requested) return [requested];
	const view = async (what) => {
		const { stdout } = await npm(systemNode(), ['view', 'n8n', what, '--json', '--loglevel=error'], { name: `npm view n8n ${what}` });
		return JSON.parse(stdout);
	};
	const tags = await view('dist-tags');
	const versions = await view('versions');
	const ceiling = tags.latest;
	const stable = versions
		.filter((version) => /^\d+\.\d+\.\d+$/.test(version))
		.filter((version) => Number(version.split('.')[0]) === Number(major))
		.filter((version) => !ceiling || Number(ceiling.split('.')[0]) !== Number(major) || compareVersions(version, ceiling) <= 0)
		.sort((a, b) => compareVersions(b, a));
	if (stable.length === 0) throw new Error(`No stable n8n ${major}.x on the registry`);
	return stable.slice(0, MAX_CANDIDATES);
}

function isMissingVersion(error) {
	return /ETARGET|notarget|No matching version found/i.test(`${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
}

function installedVersion(hostDir) {
	return readJson(join(hostDir, 'node_modules', 'n8n', 'package.json'), {}).version;
}

/** Loads the native modules under `node`, from n8n's folder: fails when a rebuild is missing. */
async function checkNativeModules(node, hostDir) {
	const script = NATIVE_MODULES.map((name) => `require(require.resolve(${JSON.stringify(name)}, { paths: [${JSON.stringify(join(hostDir, 'node_modules', 'n8n'))}] }));`).join('\n');
	await run(node.bin, ['-e', script], { cwd: hostDir, name: 'native module check', env: cleanEnv({ PATH: `${node.binDir}:${process.env.PATH}` }) });
}

/**
 * Makes sure n8n is installed under <localDir>/n8n and returns
 * {version, hostDir, n8nBin (the JS entry to run with node.bin), node, installedNow, seconds}.
 * Options: localDir, version (exact; default: newest of `major` that installs, or the cached one),
 * major (default 2), update (re-resolve the newest even when one is cached), log.
 */
async function ensureN8n({ localDir: givenDir, version: requested, major = DEFAULT_N8N_MAJOR, update = false, log }) {
	const localDir = resolve(givenDir);
	const hostDir = join(localDir, 'n8n');
	const markerFile = join(hostDir, MARKER);
	const marker = readJson(markerFile);
	const present = installedVersion(hostDir);
	const entry = join(hostDir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (marker && present === marker.version && existsSync(entry) && (!requested || requested === marker.version) && !update) {
		const node = await ensureNode(marker.nodeRange, { localDir, log });
		log.info(`n8n ${marker.version} already installed in ${hostDir} (Node ${node.version}).`);
		return { version: marker.version, hostDir, n8nBin: entry, node, installedNow: false, seconds: 0 };
	}

	const started = Date.now();
	const candidates = await n8nCandidates({ requested, major });
	if (update && marker && candidates[0] === marker.version && present === marker.version && existsSync(entry)) {
		const node = await ensureNode(marker.nodeRange, { localDir, log });
		log.info(`n8n ${marker.version} is the newest and already installed.`);
		return { version: marker.version, hostDir, n8nBin: entry, node, installedNow: false, seconds: 0 };
	}
	mkdirSync(hostDir, { recursive: true });
	rmSync(markerFile, { force: true });
	let lastError;
	for (const candidate of candidates) {
		const viewed = await npm(systemNode(), ['view', `n8n@${candidate}`, 'engines', '--json', '--loglevel=error'], { name: 'npm view engines', allowFailure: true });
		let nodeRange;
		try {
			nodeRange = viewed.stdout.trim() ? JSON.parse(viewed.stdout).node : undefined;
		} catch {
			nodeRange = undefined;
		}
		const node = await ensureNode(nodeRange, { localDir, log });
		writeFileSync(
			join(hostDir, 'package.json'),
			`${JSON.stringify({ name: 'esm-connectors-n8n-host', private: true, dependencies: { n8n: candidate }, overrides: { xlsx: '0.18.5' } }, null, 2)}\n`,
		);
		rmSync(join(hostDir, 'package-lock.json'), { force: true });
		log.info(`Installing n8n ${candidate} into ${hostDir} under Node ${node.version} (first run: about 5 minutes, 3 GB) …`);
		const installStarted = Date.now();
		try {
			await npm(node, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: hostDir, name: 'npm install n8n' });
		} catch (error) {
			if (isMissingVersion(error)) {
				const missing = /No matching version found for (\S+?)\.?(?:\s|$)/m.exec(`${error.message}`)?.[1];
				log.warn(`n8n ${candidate} cannot be installed (${missing ? `${missing} is not on the registry` : 'ETARGET'}); trying the next lower release.`);
				lastError = error;
				continue;
			}
			throw error;
		}
		log.info(`npm install took ${formatDuration(Date.now() - installStarted)}; building ${NATIVE_MODULES.join(' and ')} for Node ${node.version} …`);
		const rebuildStarted = Date.now();
		await npm(node, ['rebuild', ...NATIVE_MODULES, '--loglevel=error'], { cwd: hostDir, name: 'npm rebuild', env: { npm_config_ignore_scripts: 'false' } });
		await checkNativeModules(node, hostDir);
		log.info(`Native modules built in ${formatDuration(Date.now() - rebuildStarted)}.`);
		const version = installedVersion(hostDir);
		writeFileSync(markerFile, `${JSON.stringify({ version, nodeRange: nodeRange ?? null, node: node.version, installedAt: new Date().toISOString() }, null, 2)}\n`);
		const seconds = Math.round((Date.now() - started) / 1000);
		log.info(`n8n ${version} installed (${formatDuration(Date.now() - started)}).`);
		return { version, hostDir, n8nBin: entry, node, installedNow: true, seconds };
	}
	throw new Error(`No n8n release of ${candidates.join(', ')} installs: ${lastError ? lastError.message.split('\n')[0] : 'unknown error'}`);
}

module.exports = { ensureN8n, ensureNode, n8nCandidates, npmUnder, systemNode };
