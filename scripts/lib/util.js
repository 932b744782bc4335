'use strict';
// Small helpers shared by the launcher modules: HTTP with cookies and gzip, ports, waiting, files.

const http = require('http');
const https = require('https');
const net = require('net');
const zlib = require('zlib');
const { existsSync, readFileSync, realpathSync, statSync } = require('fs');
const { delimiter, dirname, join } = require('path');

const REPO_ROOT = join(__dirname, '..', '..');

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A logger that prefixes a tag; `quiet` silences info (errors still go to stderr). */
function makeLogger({ quiet = false, tag = 'start' } = {}) {
	return {
		info: (message) => {
			if (!quiet) process.stdout.write(`[${tag}] ${message}\n`);
		},
		warn: (message) => process.stderr.write(`[${tag}] WARNING: ${message}\n`),
		error: (message) => process.stderr.write(`[${tag}] ERROR: ${message}\n`),
	};
}

/**
 * One HTTP(S) request. Resolves {status, headers, body (string, gunzipped), json (parsed when JSON),
 * cookies (name=value pairs from Set-Cookie)}. Never rejects on an HTTP status; rejects on network
 * errors and after `timeoutMs`.
 */
function request(url, { method = 'GET', headers = {}, body, timeoutMs = 30000, insecure = false } = {}) {
	return new Promise((resolve, reject) => {
		const target = new URL(url);
		const client = target.protocol === 'https:' ? https : http;
		let payload;
		const allHeaders = { 'Accept-Encoding': 'gzip, deflate', ...headers };
		if (body !== undefined) {
			payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
			if (!Object.keys(allHeaders).some((key) => key.toLowerCase() === 'content-type')) {
				allHeaders['Content-Type'] = 'application/json';
			}
			allHeaders['Content-Length'] = Buffer.byteLength(payload);
		}
		const req = client.request(
			target,
			{ method, headers: allHeaders, rejectUnauthorized: !insecure, agent: false },
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					let raw = Buffer.concat(chunks);
					const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
					try {
						if (encoding === 'gzip') raw = zlib.gunzipSync(raw);
						else if (encoding === 'deflate') raw = zlib.inflateSync(raw);
						else if (encoding === 'br') raw = zlib.brotliDecompressSync(raw);
					} catch (error) {
						reject(new Error(`${method} ${url}: cannot decode ${encoding} body: ${error.message}`));
						return;
					}
					const text = raw.toString('utf8');
					let json;
					if (/json/i.test(String(res.headers['content-type'] ?? '')) || /^\s*[[{]/.test(text)) {
						try {
							json = JSON.parse(text);
						} catch {
							json = undefined;
						}
					}
					const setCookie = res.headers['set-cookie'] ?? [];
					const cookies = setCookie.map((cookie) => cookie.split(';')[0]);
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json, cookies });
				});
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(payload);
	});
}

/**
 * Polls `check` (async, returns a truthy value when done) every `intervalMs` until `timeoutMs`.
 * `abort` (optional, returns a string reason) stops early, e.g. when the process being waited for died.
 */
async function waitFor(what, check, { timeoutMs = 120000, intervalMs = 500, abort } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	for (;;) {
		const reason = abort ? abort() : undefined;
		if (reason) throw new Error(`${what}: ${reason}`);
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s${lastError ? ` (${lastError.message})` : ''}`);
		}
		await sleep(intervalMs);
	}
}

/** Whether something accepts TCP connections on host:port. */
function portAnswers(port, host = '127.0.0.1', timeoutMs = 1000) {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host });
		const done = (value) => {
			socket.destroy();
			resolve(value);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.once('connect', () => done(true));
		socket.once('error', () => done(false));
	});
}

/** Whether we could listen on host:port now. */
function portFree(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
	});
}

/** A port the OS hands out now (free at the time of asking). */
function freePort(host = '127.0.0.1') {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen({ port: 0, host }, () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function readJson(file, fallback = undefined) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return fallback;
	}
}

/** Finds an executable on PATH (like `which`). */
function which(name, pathValue = process.env.PATH ?? '') {
	for (const dir of pathValue.split(delimiter)) {
		if (!dir) continue;
		const candidate = join(dir, name);
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}

/**
 * npm's own CLI script (npm-cli.js) of the npm that runs us, so that it can be run under another
 * node binary: `npm_execpath` under `npm start`, else the real path of `npm` on PATH.
 */
function npmCliPath() {
	const candidates = [];
	if (process.env.npm_execpath) candidates.push(process.env.npm_execpath);
	const onPath = which(process.platform === 'win32' ? 'npm.cmd' : 'npm');
	if (onPath) {
		try {
			candidates.push(realpathSync(onPath));
		} catch {
			// ignore
		}
	}
	candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
	for (const candidate of candidates) {
		if (/npm-cli\.js$/.test(candidate) && existsSync(candidate)) return candidate;
		const sibling = join(dirname(candidate), 'npm-cli.js');
		if (/[\\/]npm[\\/]bin[\\/]/.test(candidate) && existsSync(sibling)) return sibling;
	}
	throw new Error('Cannot find npm-cli.js of the npm on PATH');
}

/** Compares dotted versions: negative when a < b. */
function compareVersions(a, b) {
	const pa = String(a).replace(/^v/, '').split(/[.+-]/).map((part) => Number.parseInt(part, 10) || 0);
	const pb = String(b).replace(/^v/, '').split(/[.+-]/).map((part) => Number.parseInt(part, 10) || 0);
	for (let index = 0; index < 3; index += 1) {
		const diff = (pa[index] ?? 0) - (pb[index] ?? 0);
		if (diff !== 0) return diff;
	}
	return 0;
}

/** '95 s' or '2 min 5 s'. */
function formatDuration(ms) {
	const seconds = Math.round(ms / 1000);
	return seconds >= 90 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

module.exports = {
	REPO_ROOT,
	sleep,
	makeLogger,
	request,
	waitFor,
	portAnswers,
	portFree,
	freePort,
	readJson,
	which,
	npmCliPath,
	compareVersions,
	formatDuration,
};
