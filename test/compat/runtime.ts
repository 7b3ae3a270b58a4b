/**
 * The n8n runtime of one compatibility target: 2.x through the e2e harness (test/e2e/install-runtime.sh, Node 24),
 * 1.x through test/compat/install-n8n1.sh (system Node 20, xlsx override), both cached under the runtime cache folder
 * (GREENLAKE_E2E_CACHE or ~/.cache/n8n-nodes-hpe-greenlake).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

import { ensureRuntime, runCommand, type N8nRuntime } from '../e2e/n8n';
import type { CompatTarget } from './versions';

const INSTALL_N8N1 = path.resolve(__dirname, '../../../test/compat/install-n8n1.sh');
const INSTALL_N8N1_SOURCE = path.join(__dirname, 'install-n8n1.sh');

export async function compatRuntime(target: CompatTarget): Promise<N8nRuntime> {
	let runtime: N8nRuntime;
	if (target.n8nVersion.startsWith('2.')) {
		runtime = await ensureRuntime();
	} else {
		// compiled to .build/test/compat (npm run compat) or run from source (jest)
		const script = existsSync(INSTALL_N8N1_SOURCE) ? INSTALL_N8N1_SOURCE : INSTALL_N8N1;
		const result = await runCommand(`install n8n ${target.n8nVersion}`, 'bash', [script], {
			env: { ...process.env, N8N_VERSION: target.n8nVersion },
			timeoutMs: 30 * 60_000,
			inheritStderr: true,
		});
		runtime = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as N8nRuntime;
	}
	if (runtime.n8nVersion !== target.n8nVersion) {
		throw new Error(`compat: the runtime is n8n ${runtime.n8nVersion}, expected ${target.n8nVersion}`);
	}
	const nodeVersion = (await runCommand('node --version', path.join(runtime.nodeBin, 'node'), ['--version'])).stdout.trim();
	if (nodeVersion.split('.')[0] !== `v${target.nodeMajor}`) {
		throw new Error(`compat: n8n ${target.n8nVersion} should run on Node ${target.nodeMajor}, the runtime has ${nodeVersion}`);
	}
	return runtime;
}
