#!/usr/bin/env node
// Installs what `npm test` needs when a fresh clone has no node_modules yet: the package's dev
// dependencies and, in test/engine, n8n's built-in nodes for the in-process workflow tests.
'use strict';
const { execFileSync } = require('child_process');
const { existsSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function ensure(dir, marker) {
	if (existsSync(join(dir, 'node_modules', marker))) return;
	console.log(`Installing dependencies in ${dir} …`);
	execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
}

ensure(root, 'n8n-core');
// `npm start` needs only the package's own dependencies; the tests also need n8n's built-in nodes.
if (!process.argv.includes('--root-only')) ensure(join(root, 'test', 'engine'), 'n8n-nodes-base');
