import type { SandboxCounters } from './types';

export function emptyCounters(): SandboxCounters {
	return {
		mints: {
			total: 0,
			clientCredentials: 0,
			tokenExchange: 0,
			byWorkspace: {},
			byClient: {},
			rejected: 0,
		},
		requests: { total: 0, byRoute: {} },
		api401: 0,
		api429: 0,
		injected: 0,
		sentWhileExhausted: 0,
		peakConcurrency: 0,
		authorizationHeaders: 0,
		events: {
			webhooksRegistered: 0,
			webhooksDeleted: 0,
			challengesSent: 0,
			challengesPassed: 0,
			challengesFailed: 0,
			eventsEmitted: 0,
			eventsDelivered: 0,
			eventsDropped: 0,
			deliveriesSent: 0,
			deliveriesSucceeded: 0,
			deliveriesFailed: 0,
			batchesSent: 0,
			retries: 0,
			manualRetries: 0,
			redeliveries: 0,
		},
	};
}

/** Mutable counters plus the in-flight gauge behind peakConcurrency. */
export class Counters {
	data = emptyCounters();
	private inFlight = 0;

	snapshot(): SandboxCounters {
		return JSON.parse(JSON.stringify(this.data)) as SandboxCounters;
	}

	reset(): void {
		this.data = emptyCounters();
		// Requests still in flight keep counting toward the new peak.
		this.data.peakConcurrency = this.inFlight;
	}

	recordMint(
		kind: 'clientCredentials' | 'tokenExchange',
		workspaceId: string,
		clientId: string,
	): void {
		const m = this.data.mints;
		m.total++;
		m[kind]++;
		m.byWorkspace[workspaceId] = (m.byWorkspace[workspaceId] ?? 0) + 1;
		m.byClient[clientId] = (m.byClient[clientId] ?? 0) + 1;
	}

	recordStatus(route: string, status: string): void {
		const byStatus = (this.data.requests.byRoute[route] ??= {});
		byStatus[status] = (byStatus[status] ?? 0) + 1;
	}

	enter(): void {
		this.inFlight++;
		if (this.inFlight > this.data.peakConcurrency) this.data.peakConcurrency = this.inFlight;
	}

	leave(): void {
		this.inFlight--;
	}
}
