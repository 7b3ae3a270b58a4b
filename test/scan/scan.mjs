// Runs n8n's verification scanner (@n8n/scan-community-package) offline. The published CLI downloads the package from
// the registry and its source from GitHub; here its analysis is applied to the same two inputs locally:
//   1. the source tree (package.json, nodes/**, credentials/**), as the scanner lints the attested source checkout;
//   2. the tarball `npm pack` produces (what users install), unpacked.
// Exits non-zero and prints the violations when either fails. Inline eslint-disable comments are ignored, as by the scanner.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const repo = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const require = createRequire(join(repo, 'package.json'));
const scannerPath = join(require.resolve('@n8n/scan-community-package/package.json'), '..', 'scanner', 'scanner.mjs');
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(pathToFileURL(scannerPath).href);

const work = mkdtempSync(join(tmpdir(), 'greenlake-scan-'));
let failed = false;
try {
	const source = await analyzePackage(repo, SOURCE_FILE_PATTERNS);
	report('source (package.json, nodes/, credentials/)', source);

	execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
	const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
	execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
	const packed = await analyzePackage(join(work, 'package'));
	report(`npm pack tarball (${tarball})`, packed);
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function report(label, result) {
	if (result.passed) {
		console.log(`scan: ${label}: passed${result.message ? ` (${result.message})` : ''}`);
		return;
	}
	failed = true;
	console.error(`scan: ${label}: FAILED — ${result.message}`);
	if (result.details) console.error(result.details);
}
