/**
 * `npm run bench`: the benchmark runs as one jest "test" so that our nodes load from their
 * TypeScript sources through ts-jest exactly as in the workflow-level tests (same transform and
 * module mapping as ../jest.config.js). It measures and writes bench/results.json; it asserts
 * nothing about time. The emulators run in a separate process (see bench/sandbox-process.ts).
 */
const path = require('path');

const root = path.resolve(__dirname, '..');

/** @type {import('jest').Config} */
module.exports = {
	rootDir: root,
	testEnvironment: 'node',
	roots: ['<rootDir>/bench'],
	testMatch: ['<rootDir>/bench/**/*.bench.ts'],
	modulePathIgnorePatterns: ['<rootDir>/test/engine/', '<rootDir>/dist/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.dev.json' }],
	},
	moduleNameMapper: {
		'^n8n-workflow$': '<rootDir>/node_modules/n8n-workflow',
		'^n8n-core$': '<rootDir>/node_modules/n8n-core',
	},
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	// A full run at scale 1 takes many minutes; the benchmark has no time limit of its own.
	testTimeout: 6 * 60 * 60 * 1000,
	// Progress lines go straight to stdout; keep jest's own reporting short.
	verbose: false,
};
