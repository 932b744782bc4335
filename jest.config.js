/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	modulePathIgnorePatterns: ['<rootDir>/test/engine/', '<rootDir>/dist/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.dev.json' }],
	},
	// n8n's built-in nodes live in test/engine/node_modules (see test/engine/package.json) and bring
	// their own copy of n8n-workflow; one copy for everything keeps `instanceof` checks of errors true.
	moduleNameMapper: {
		'^n8n-workflow$': '<rootDir>/node_modules/n8n-workflow',
		'^n8n-core$': '<rootDir>/node_modules/n8n-core',
	},
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	testTimeout: 30000,
};
