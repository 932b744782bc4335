// Two worlds, two rule sets.
// 1. What n8n's community-package scanner reads (package.json, nodes/, credentials/, index.js and
//    the built dist/ that npm packs) gets exactly the scanner's rules: @n8n/eslint-plugin-community-nodes
//    `recommended`, no-console, and eslint-plugin-n8n-nodes-base's community / credentials / nodes sets,
//    with inline disable comments ignored as the scanner ignores them.
// 2. Tests, the sandbox and scripts are ordinary Node programs (they need process, timers, fs):
//    typescript-eslint's recommended rules only.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const scannedSources = ['nodes/**/*.ts', 'credentials/**/*.ts'];
const scannedJson = ['package.json', 'nodes/**/*.json', 'credentials/**/*.json'];
const scannedJs = ['index.js', 'dist/**/*.js'];
const scanned = [...scannedSources, ...scannedJson, ...scannedJs];
const tooling = ['test/**/*.ts', 'sandbox/**/*.ts', 'scripts/**/*.{ts,js,mjs}', 'bench/**/*.{ts,js}', 'gulpfile.js', 'jest.config.js'];

export default tseslint.config(
	{ ignores: ['node_modules/**', 'build/**', '.n8n-local/**', 'test/engine/**', 'coverage/**', 'dist/**/*.d.ts', 'dist/**/*.json', 'templates/**'] },

	// 1. The scanner's view
	{ ...n8nCommunityNodesPlugin.configs.recommended, files: scanned },
	{ files: scanned, linterOptions: { noInlineConfig: true }, rules: { 'no-console': 'error' } },
	{ files: scanned, plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{ files: [...scannedJson, ...scannedSources], languageOptions: { parser: tseslint.parser } },
	// Our own sources also follow the TypeScript rules n8n-node lint applies.
	...tseslint.configs.recommended.map((c) => ({ ...c, files: scannedSources })),
	{ files: scannedJs, languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } } },

	// 2. Tooling
	{ files: tooling, ...js.configs.recommended },
	...tseslint.configs.recommended.map((c) => ({ ...c, files: tooling })),
	{
		files: tooling,
		languageOptions: { globals: { ...globals.node, ...globals.jest } },
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
);
