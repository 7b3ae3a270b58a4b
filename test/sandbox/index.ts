// Programmatic entry point of the GreenLake sandbox (dev/test only, never shipped).
import { addAuditLogs, setTokenTtl } from './admin';
import { SandboxServer } from './server';
import type { AuditLog, FaultControl, SandboxCounters, SandboxOptions } from './types';

export { SEED } from './seed';
export { TestClock, type Clock } from './clock';
export { DEFAULT_RATE_LIMITS } from './rateLimit';
export { AUDIT_RESULT_WINDOW } from './api/auditLogs';
export type {
	AuditLog,
	Fault,
	FaultControl,
	RateLimitBucket,
	SandboxCounters,
	SandboxOptions,
	SeedClient,
} from './types';

export interface Sandbox {
	/** e.g. http://127.0.0.1:43121 (no trailing slash) */
	url: string;
	port: number;
	/** a snapshot (deep copy) */
	counters(): SandboxCounters;
	resetCounters(): void;
	faults: FaultControl;
	revokeAllTokens(): void;
	/** stores events (defaults filled in) and returns them with their ids */
	addAuditLogs(
		workspaceId: string,
		events: Array<Partial<AuditLog> & { createdAt: string }>,
	): AuditLog[];
	/** undefined restores the per-client default (900 / 7200 s) */
	setTokenTtl(seconds: number | undefined): void;
	close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const server = new SandboxServer(options);
	const port = await server.listen(options.port ?? 0);
	const { state } = server;
	let closed: Promise<void> | undefined;
	return {
		url: state.url,
		port,
		counters: () => state.counters.snapshot(),
		resetCounters: () => state.counters.reset(),
		faults: {
			inject: (fault) => state.faults.inject(fault),
			clear: () => state.faults.clear(),
		},
		revokeAllTokens: () => state.tokens.revokeAll(),
		addAuditLogs: (workspaceId, events) => addAuditLogs(state, workspaceId, events),
		setTokenTtl: (seconds) => setTokenTtl(state, seconds),
		close: () => (closed ??= server.close()),
	};
}
