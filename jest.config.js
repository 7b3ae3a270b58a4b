// Unit, in-process workflow and real-n8n tests share one runner. Type checking is done once by
// `npm run typecheck` (tsc), so ts-jest only transpiles here.
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json', isolatedModules: true }],
	},
	testTimeout: 120_000,
};
