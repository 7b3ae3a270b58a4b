/**
 * The GreenLake sandbox (test/sandbox) as the benchmarks use it: the server object itself rather than the startSandbox
 * facade, so that the bench can also read the seeded data (device ids, record sizes) and log every rate-limit decision
 * with its time (the per-window request counts of the rate-limited scenario).
 */
import type { Server } from 'node:http';

import { SandboxServer } from '../test/sandbox/server';
import type { RateLimitBucket, SandboxCounters, SandboxOptions } from '../test/sandbox/types';

export interface RateLogEntry {
	t: number;
	bucket: RateLimitBucket;
	allowed: boolean;
}

export interface BenchSandbox {
	name: string;
	url: string;
	server: SandboxServer;
	options: SandboxOptions;
	counters(): SandboxCounters;
	reset(): void;
	/** every rate-limit decision since the last reset() */
	rateLog: RateLogEntry[];
	/** TCP connections accepted since the last reset() */
	connections(): number;
	close(): Promise<void>;
}

export async function startBenchSandbox(name: string, options: SandboxOptions): Promise<BenchSandbox> {
	const server = new SandboxServer(options);
	await server.listen(0);
	const { state } = server;
	const rateLog: RateLogEntry[] = [];
	let connections = 0;
	// the HTTP server is private to SandboxServer; counting its connections shows whether clients keep them alive
	(server as unknown as { server: Server }).server.on('connection', () => connections++);
	const take = state.limiter.take.bind(state.limiter);
	state.limiter.take = (workspaceId, bucket, now = Date.now()) => {
		const decision = take(workspaceId, bucket, now);
		if (decision) rateLog.push({ t: now, bucket, allowed: decision.allowed });
		return decision;
	};
	return {
		name,
		url: state.url,
		server,
		options,
		counters: () => state.counters.snapshot(),
		reset: () => {
			state.counters.reset();
			rateLog.length = 0;
			connections = 0;
		},
		rateLog,
		connections: () => connections,
		close: () => server.close(),
	};
}

/** Requests to one route ("GET /devices/v1/devices"), by status, and their sum. */
export function routeRequests(counters: SandboxCounters, route: string): { total: number; byStatus: Record<string, number> } {
	const byStatus = counters.requests.byRoute[route] ?? {};
	return { total: Object.values(byStatus).reduce((sum, n) => sum + n, 0), byStatus };
}

/** All API requests (token endpoints excluded). */
export function apiRequests(counters: SandboxCounters): number {
	let total = 0;
	for (const [route, byStatus] of Object.entries(counters.requests.byRoute)) {
		if (route.includes('/token') || route.includes('/as/token.oauth2')) continue;
		total += Object.values(byStatus).reduce((sum, n) => sum + n, 0);
	}
	return total;
}
