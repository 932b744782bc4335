'use strict';
// Builds this package and installs it into an n8n user folder the way n8n's community-package
// installer leaves it: <userFolder>/.n8n/nodes/node_modules/<name> plus a package.json listing it.
// Copied from `npm pack` output (exactly what users get from the registry), never `npm install`ed
// (that would drag in the n8n-workflow peer dependency).

const { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('fs');
const { tmpdir } = require('os');
const { join, resolve } = require('path');

const { cleanEnv, run } = require('./proc');
const { REPO_ROOT, npmCliPath, readJson } = require('./util');

function packageInfo(repo = REPO_ROOT) {
	const pkg = readJson(join(repo, 'package.json'));
	if (!pkg) throw new Error(`No package.json in ${repo}`);
	return pkg;
}

async function npmHere(args, options) {
	return await run(process.execPath, [npmCliPath(), ...args], { env: cleanEnv(), ...options });
}

/** Installs the repository's dependencies when a fresh clone has none (scripts/ensure-deps.js). */
async function ensureRepoDependencies({ repo = REPO_ROOT, log }) {
	if (existsSync(join(repo, 'node_modules', 'typescript')) && existsSync(join(repo, 'node_modules', 'gulp'))) return false;
	log.info('No node_modules yet: installing the repository dependencies (scripts/ensure-deps.js) …');
	await run(process.execPath, [join(repo, 'scripts', 'ensure-deps.js'), '--root-only'], { cwd: repo, name: 'ensure-deps', echo: true, env: cleanEnv() });
	return true;
}

/** `npm run build` in the repository. */
async function buildPackage({ repo = REPO_ROOT, log }) {
	log.info('Building the package (npm run build) …');
	await npmHere(['run', 'build', '--silent'], { cwd: repo, name: 'npm run build' });
}

/**
 * `npm pack` into a temporary folder and unpack into <userFolder>/.n8n/nodes/node_modules/<name>
 * (replacing an older copy). Returns {name, version, dir}.
 */
async function installIntoN8n({ repo = REPO_ROOT, userFolder: givenUserFolder, log }) {
	const userFolder = resolve(givenUserFolder);
	const pkg = packageInfo(repo);
	const packDir = mkdtempSync(join(tmpdir(), 'esm-connectors-pack-'));
	try {
		await unpackInto({ repo, pkg, packDir, userFolder });
	} finally {
		rmSync(packDir, { recursive: true, force: true });
	}
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', pkg.name);
	log.info(`Installed ${pkg.name}@${pkg.version} as a community package in ${target}.`);
	return { name: pkg.name, version: pkg.version, dir: target };
}

async function unpackInto({ repo, pkg, packDir, userFolder }) {
	await npmHere(['pack', '--pack-destination', packDir, '--loglevel=error', '--ignore-scripts'], { cwd: repo, name: 'npm pack' });
	const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${packDir}`);

	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const target = join(nodesDir, 'node_modules', pkg.name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	await run('tar', ['-xzf', join(packDir, tarball), '-C', target, '--strip-components=1'], { name: 'tar' });
	const listed = readJson(join(nodesDir, 'package.json'), { name: 'installed-nodes', private: true, dependencies: {} });
	listed.dependencies = { ...(listed.dependencies ?? {}), [pkg.name]: pkg.version };
	writeFileSync(join(nodesDir, 'package.json'), `${JSON.stringify(listed, null, 2)}\n`);
}

module.exports = { ensureRepoDependencies, buildPackage, installIntoN8n, packageInfo };
