/**
 * Packs a private snapshot of the built package (dev-only): copies package.json, index.js, README.md, LICENSE and dist/
 * into a temp folder, then `npm pack`s that. Another process may run `npm run build` (which first deletes dist/) while
 * the queue-mode test prepares: the snapshot waits until every file named in package.json `n8n` exists, copies, checks
 * the copy, and retries when the copy was torn. It never builds: without dist/ (and no build in progress) it fails with
 * "run `npm run build`".
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { packPackage, registerTempPath } from '../e2e/n8n';
import { delay } from './services';

async function listedFiles(root: string): Promise<string[]> {
	const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as {
		main?: string;
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	return [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? []), pkg.main ?? 'index.js'];
}

async function complete(root: string, files: string[]): Promise<boolean> {
	for (const file of files) {
		const stat = await fs.stat(path.join(root, file)).catch(() => undefined);
		if (!stat || stat.size === 0) return false;
	}
	return true;
}

export async function packBuiltSnapshot(repoRoot: string, waitMs = 5 * 60_000): Promise<string> {
	const files = await listedFiles(repoRoot);
	const started = Date.now();
	for (let attempt = 1; ; attempt++) {
		if (await complete(repoRoot, files)) {
			const dest = await fs.mkdtemp(path.join(os.tmpdir(), 'queue-pkg-'));
			registerTempPath(dest);
			try {
				for (const entry of ['package.json', 'index.js', 'README.md', 'LICENSE', 'dist']) {
					const from = path.join(repoRoot, entry);
					if (existsSync(from)) await fs.cp(from, path.join(dest, entry), { recursive: true });
				}
				// settle: a build that started during the copy has deleted dist/ by now
				await delay(500);
				if ((await complete(dest, files)) && (await complete(repoRoot, files))) return await packPackage(dest);
			} catch {
				// dist/ vanished during the copy: try again
			}
			await fs.rm(dest, { recursive: true, force: true });
		}
		if (Date.now() - started > waitMs) {
			throw new Error(
				`packBuiltSnapshot: ${repoRoot} has no complete build (${files.join(', ')}) after ${attempt} attempt(s). ` +
					'Run `npm run build` first.',
			);
		}
		await delay(2_000);
	}
}
