// Process-level setup that must happen BEFORE n8n-core is first required.
//
// n8n-core's InstanceSettings (resolved lazily through @n8n/di, e.g. by the Cipher behind
// credentials, binary data, or the logger) creates `<N8N_USER_FOLDER>/.n8n/config` with a random
// encryption key. Without this, tests would write into the developer's real ~/.n8n.
//
// workflowRunner.ts imports this module first; import workflowRunner before anything else that
// pulls in n8n-core (jest gives each test file its own module registry, so "first" is per file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let ownedUserFolder: string | undefined;

if (!process.env.N8N_USER_FOLDER) {
	ownedUserFolder = mkdtempSync(join(tmpdir(), 'n8n-greenlake-user-'));
	process.env.N8N_USER_FOLDER = ownedUserFolder;
	const cleanup = () => {
		if (ownedUserFolder) rmSync(ownedUserFolder, { recursive: true, force: true });
	};
	// Under jest each test file gets its own copy of process.env and module registry, so this runs
	// once per test file; jest's sandboxed `process` never emits 'exit', hence afterAll.
	let registered = false;
	if (typeof afterAll === 'function') {
		try {
			afterAll(cleanup);
			registered = true;
		} catch {
			// imported from inside a hook/test: jest refuses new hooks there
		}
	}
	if (!registered) process.once('exit', cleanup);
}

// Quiet n8n's own logger (it falls back to console output otherwise).
process.env.N8N_LOG_LEVEL ??= 'silent';
// Loopback test servers are the whole point; make sure SSRF protection (off by default) stays off.
process.env.N8N_SSRF_PROTECTION_ENABLED ??= 'false';
// Node and credential classes are loaded with a plain require (not the vm isolate) under test.
process.env.NODE_ENV ??= 'test';

export const n8nUserFolder: string = process.env.N8N_USER_FOLDER;
