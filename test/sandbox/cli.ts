// `npm run sandbox -- --port 8787`: runs the sandbox until SIGINT/SIGTERM. Prints client ids only; the
// secrets are in test/sandbox/seed.ts (SEED.clients.*.clientSecret) and are never printed.
import { SEED, startSandbox } from './index';
import type { SandboxOptions } from './types';

const USAGE = `Usage: sandbox [--port N] [--host 127.0.0.1] [--token-ttl S] [--rate-window S]
               [--audit-logs N] [--devices N] [--retry-after-header]
               [--tenants N] [--tenant-devices N] [--latency MS]`;

export function parseArgs(argv: string[]): SandboxOptions {
	const options: SandboxOptions = {};
	const sizes: NonNullable<SandboxOptions['sizes']> = {};
	const num = (flag: string, value: string | undefined, min: number): number => {
		const n = Number(value);
		if (value === undefined || !Number.isFinite(n) || n < min)
			throw new Error(`${flag} needs a number >= ${min}`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
		const value = (): string | undefined => inline ?? argv[++i];
		switch (flag) {
			case '--port':
				options.port = num(flag, value(), 0);
				break;
			case '--host': {
				// The sandbox only ever binds to loopback; accept the flag for symmetry but refuse others.
				const host = value();
				if (host !== '127.0.0.1' && host !== 'localhost')
					throw new Error('--host must be 127.0.0.1 (loopback only)');
				break;
			}
			case '--token-ttl':
				options.tokenTtlSeconds = num(flag, value(), 1);
				break;
			case '--rate-window':
				options.rateWindowSeconds = num(flag, value(), 1);
				break;
			case '--audit-logs':
				sizes.auditLogs = num(flag, value(), 0);
				break;
			case '--devices':
				sizes.devices = num(flag, value(), 0);
				break;
			case '--tenants':
				options.mspTenants = num(flag, value(), 0);
				break;
			case '--tenant-devices':
				options.tenantSizes = { ...options.tenantSizes, devices: num(flag, value(), 0) };
				break;
			case '--latency':
				options.latencyMs = num(flag, value(), 0);
				break;
			case '--retry-after-header':
				options.retryAfterHeader = true;
				break;
			case '--help':
			case '-h':
				console.log(USAGE);
				return process.exit(0);
			default:
				throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
		}
	}
	if (Object.keys(sizes).length > 0) options.sizes = sizes;
	return options;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox(options);
	console.log(`GreenLake sandbox listening on ${sandbox.url}`);
	for (const [key, c] of Object.entries(SEED.clients)) {
		console.log(
			`  client ${key.padEnd(10)} id=${c.clientId} workspace=${c.workspaceId} kind=${c.kind}`,
		);
	}
	const tenants = sandbox.tenants();
	const shown = tenants.slice(0, 3).map((t) => `${t.name}=${t.id}`);
	if (tenants.length > shown.length) shown.push(`… ${tenants.length - shown.length} more`);
	console.log(`  tenants of ${SEED.workspaces.msp.name}: ${shown.join(', ')}`);
	console.log('  secrets: see test/sandbox/seed.ts (SEED.clients.<name>.clientSecret)');
	let stopping = false;
	const stop = (): void => {
		if (stopping) return;
		stopping = true;
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

// Only run when executed (tests import parseArgs).
if (require.main === module) {
	main().catch((err: unknown) => {
		console.error((err as Error).message);
		process.exit(2);
	});
}
