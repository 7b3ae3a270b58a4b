/**
 * The runtime installer's npm commands (installer-npm.sh, sourced by install-runtime.sh) under the environment
 * `npm run` gives its children, in a few seconds instead of a 5-minute n8n install. A tiny package whose install
 * script writes a file stands in for sqlite3: it is rebuilt exactly as install-runtime.sh rebuilds sqlite3, from a
 * script started by `npm run` in a project with this repository's .npmrc (ignore-scripts=true). If the installer
 * ever relies on the environment again, the probe is not built and this test fails, as a fresh machine's first
 * `npm test` or `npm run demo` would.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const INSTALLER_NPM = path.join(__dirname, 'installer-npm.sh');
const PROBE = 'native-build-probe';

let tmp: string;

beforeAll(() => {
	tmp = mkdtempSync(path.join(os.tmpdir(), 'install-runtime-check-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The caller's environment without npm's variables: each test decides what npm sees. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
	return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, output }));
	});
}

/** An npm project holding an installed (not yet built) package whose install script records how it was run. */
function holderWithProbe(dir: string): string {
	const probe = path.join(dir, 'node_modules', PROBE);
	mkdirSync(probe, { recursive: true });
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'holder', private: true, dependencies: { [PROBE]: '1.0.0' } }));
	writeFileSync(
		path.join(probe, 'package.json'),
		JSON.stringify({ name: PROBE, version: '1.0.0', scripts: { install: 'node build.js' } }),
	);
	writeFileSync(
		path.join(probe, 'build.js'),
		"require('fs').writeFileSync('built.json', JSON.stringify({ nodedir: process.env.npm_config_nodedir ?? null }));\n",
	);
	return path.join(probe, 'built.json');
}

describe('runtime installer (install-runtime.sh) under `npm run`', () => {
	it("builds a native package's install script from a script `npm run` started with the repo's .npmrc (ignore-scripts=true), against the given Node headers", async () => {
		const holder = path.join(tmp, 'holder');
		const built = holderWithProbe(holder);
		const nodedir = path.join(tmp, 'node24-headers');
		const project = path.join(tmp, 'project');
		mkdirSync(project);
		writeFileSync(path.join(project, '.npmrc'), readFileSync(path.join(REPO, '.npmrc')));
		writeFileSync(
			path.join(project, 'step.sh'),
			[
				'set -euo pipefail',
				'echo "inherited npm_config_ignore_scripts=${npm_config_ignore_scripts:-}"',
				`source ${JSON.stringify(INSTALLER_NPM)}`,
				`installer_rebuild ${JSON.stringify(holder)} ${PROBE} ${JSON.stringify(nodedir)}`,
			].join('\n'),
		);
		writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'project', private: true, scripts: { step: 'bash step.sh' } }));

		const { code, output } = await run('npm', ['run', 'step'], project, cleanEnv());

		// the premise: npm really hands ignore-scripts=true down to the installer
		expect(output).toContain('inherited npm_config_ignore_scripts=true');
		expect(existsSync(built) ? 'built' : `not built (npm exit code ${code}); output:\n${output}`).toBe('built');
		expect(code).toBe(0);
		expect(JSON.parse(readFileSync(built, 'utf8'))).toEqual({ nodedir });
	}, 60_000);

	it('drops inherited npm_config_* settings, keeping those that say where the registry is', async () => {
		const userconfig = path.join(tmp, 'empty-user-npmrc');
		writeFileSync(userconfig, '');
		const env = cleanEnv({
			npm_config_userconfig: userconfig,
			npm_config_ignore_scripts: 'true',
			NPM_CONFIG_DRY_RUN: 'true',
			npm_config_registry: 'http://127.0.0.1:9/registry/',
		});
		const script = `source ${JSON.stringify(INSTALLER_NPM)} && installer_npm config get ignore-scripts dry-run registry`;

		const { code, output } = await run('bash', ['-c', script], tmp, env);

		expect({ code, output: output.trim().split('\n') }).toEqual({
			code: 0,
			output: ['ignore-scripts=false', 'dry-run=false', 'registry=http://127.0.0.1:9/registry/'],
		});
	}, 60_000);
});
