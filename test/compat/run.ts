/**
 * npm run compat: the real-n8n smoke (test/compat/smoke.ts) on every version of test/compat/versions.ts, one after
 * the other, each in a fresh n8n user folder, against one GreenLake sandbox. Installs missing runtimes first (cached).
 * Prints the compatibility table (Markdown, pasted into README.md "Compatibility") and writes it with the raw
 * results to .build/compat/; ends with "compat: N passed, M failed" and exits 1 when any step failed.
 * Usage: node .build/test/compat/run.js [n8n version ...]   (default: the list; another 1.x/2.x is installed ad hoc;
 * 2.x other than the e2e harness's 2.41.1 is not supported by the runtime installer)
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { cleanupHarness, packPackage } from '../e2e/n8n';
import { startSandbox } from '../sandbox';
import { compatRuntime } from './runtime';
import { runSmoke, sandboxSizes, STEPS, type VersionResult } from './smoke';
import { adHocTarget, COMPAT_TARGETS } from './versions';

const REPO = path.resolve(__dirname, '../../..');
const out = (line: string) => process.stdout.write(`${line}\n`);

function table(results: VersionResult[]): string {
	const header = ['n8n', 'Node', 'installer', ...STEPS.map(([, label]) => label), 'token in saved execution', 'time'];
	const rows = results.map((result) => [
		result.target.n8nVersion,
		result.nodeVersion,
		result.target.installer === 'npm-install' ? 'plain `npm install`' : 'extract, drop peers',
		...STEPS.map(([id]) => {
			const step = result.steps[id];
			if (!step) return '–';
			const mints = ['install', 'load'].includes(id) ? '' : `, ${step.mints} mint${step.mints === 1 ? '' : 's'}`;
			return step.ok ? `pass${mints}` : `**FAIL**${mints}`;
		}),
		result.tokenInSavedExecution,
		`${Math.round(result.ms / 1000)} s`,
	]);
	return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<number> {
	const wanted = process.argv.slice(2);
	const targets = wanted.length
		? wanted.map((version) => COMPAT_TARGETS.find((t) => t.n8nVersion === version) ?? adHocTarget(version))
		: COMPAT_TARGETS;
	const started = Date.now();
	const tarball = await packPackage(REPO);
	const sandbox = await startSandbox(sandboxSizes());
	const results: VersionResult[] = [];
	const installs: string[] = [];
	try {
		for (const target of targets) {
			out(`compat: n8n ${target.n8nVersion} on Node ${target.nodeMajor} (${target.why})`);
			const installStarted = Date.now();
			const runtime = await compatRuntime(target);
			installs.push(`n8n ${target.n8nVersion} runtime ready in ${Math.round((Date.now() - installStarted) / 1000)} s`);
			results.push(await runSmoke(target, runtime, sandbox, tarball, out));
		}
	} finally {
		await sandbox.close();
		cleanupHarness();
	}
	const markdown = table(results);
	const steps = results.flatMap((result) => Object.values(result.steps));
	const failed = steps.filter((step) => !step.ok).length;
	const dir = path.join(REPO, '.build', 'compat');
	await fs.mkdir(dir, { recursive: true });
	await fs.writeFile(path.join(dir, 'results.md'), `${markdown}\n`);
	await fs.writeFile(path.join(dir, 'results.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
	out('');
	out(markdown);
	out('');
	for (const line of installs) out(`compat: ${line}`);
	out(`compat: total ${Math.round((Date.now() - started) / 1000)} s; table and details in .build/compat/`);
	out(`compat: ${steps.length - failed} passed, ${failed} failed`);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		process.stderr.write(`compat: ${error.stack ?? error.message}\n`);
		process.exit(1);
	},
);
