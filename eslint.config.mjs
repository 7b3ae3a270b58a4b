import { config } from '@n8n/node-cli/eslint';

// Product code (nodes/, credentials/, package.json) is linted by @n8n/node-cli's config exactly as published, n8n
// Cloud rules included. Tests, the GreenLake sandbox, the demo and the benchmarks run outside n8n: a local HTTP
// server needs timers and `process`, and the harness spawns n8n and uses the file system. For those folders only the
// rules about code running inside n8n are relaxed (Cloud globals/imports, child processes, NodeApiError wrapping),
// and console output for the command-line tools.
export default [
	{ ignores: ['dist/**', '.build/**', 'node_modules/**', 'coverage/**'] },
	...config,
	{
		files: ['test/**/*.ts', 'bench/**/*.ts', 'demo/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			// Tests read loosely-shaped JSON response bodies.
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
	{
		// The security suite calls n8n's legacy request helper on purpose: it is what n8n's HTTP Request node uses.
		files: ['test/security/**/*.ts'],
		rules: { '@n8n/community-nodes/no-deprecated-workflow-functions': 'off' },
	},
	{
		files: ['test/sandbox/cli.ts', 'bench/**/*.ts', 'demo/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
];
