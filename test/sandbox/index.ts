// Programmatic entry point of the GreenLake sandbox (dev/test only, never shipped).
import { addAuditLogs, setTokenTtl } from './admin';
import type { CloudEvent, DeliveryRecord } from './events';
import { webhookSnapshot } from './eventsAdmin';
import { SEED } from './seed';
import { SandboxServer } from './server';
import type { AuditLog, FaultControl, SandboxCounters, SandboxOptions } from './types';

export { SEED } from './seed';
export { TestClock, type Clock } from './clock';
export { DEFAULT_RATE_LIMITS } from './rateLimit';
export { AUDIT_RESULT_WINDOW } from './api/auditLogs';
export { EVENT_TYPES, VERIFICATION_TYPE, hmacHex } from './events';
export type { CloudEvent, DeliveryRecord } from './events';
export type {
	AuditLog,
	Fault,
	FaultControl,
	RateLimitBucket,
	SandboxCounters,
	EventsOptions,
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
	/** the seeded tenants of Acme MSP (`mspTenants`), in creation order, with the data each workspace serves */
	tenants(): Array<{ id: string; name: string }>;
	revokeAllTokens(): void;
	/** stores events (defaults filled in) and returns them with their ids */
	addAuditLogs(
		workspaceId: string,
		events: Array<Partial<AuditLog> & { createdAt: string }>,
	): AuditLog[];
	/** undefined restores the per-client default (900 / 7200 s) */
	setTokenTtl(seconds: number | undefined): void;
	/** the emulated events framework (/events/v1beta1) */
	events: {
		/** publishes any event type in a workspace */
		emit(workspaceId: string, type: string, data?: Record<string, unknown>, extra?: Partial<CloudEvent>): CloudEvent;
		/** every webhook of every workspace, with its subscriptions (secrets never included) */
		webhooks(): Array<Record<string, any>>;
		/** deletes a webhook and its subscriptions, as a user would in GreenLake's UI */
		deleteWebhook(id: string): void;
		/** the delivery log, oldest first (optionally of one webhook) */
		deliveries(webhookId?: string): DeliveryRecord[];
		/** sends the last `count` delivered payloads of a webhook again */
		redeliver(webhookId: string, count: number): Promise<DeliveryRecord[]>;
		/** sends queued batches now */
		flush(): void;
		/** resolves when no delivery, retry or challenge is in flight */
		idle(): Promise<void>;
		/** withholds (false) or restores the Automations Webhook/Subscription permissions of an API client */
		setPermission(clientId: string, allowed: boolean): void;
	};
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
		tenants: () => state.workspaces.tenantsOf(SEED.workspaces.msp.id).map(({ id, name }) => ({ id, name })),
		revokeAllTokens: () => state.tokens.revokeAll(),
		addAuditLogs: (workspaceId, events) => addAuditLogs(state, workspaceId, events),
		setTokenTtl: (seconds) => setTokenTtl(state, seconds),
		events: {
			emit: (workspaceId, type, data = {}, extra = {}) => state.events.emit(workspaceId, type, data, extra),
			webhooks: () => [...state.events.webhooks.keys()].map((id) => webhookSnapshot(state, id)!),
			deleteWebhook: (id) => {
				const webhook = state.events.webhooks.get(id);
				if (webhook) state.events.remove(webhook.workspaceId, id, true);
			},
			deliveries: (webhookId) => state.events.deliveries.filter((d) => !webhookId || d.webhookId === webhookId),
			redeliver: (webhookId, count) => state.events.redeliver(webhookId, count),
			flush: () => state.events.flush(),
			idle: () => state.events.idle(),
			setPermission: (clientId, allowed) => {
				if (allowed) state.eventsDeniedClients.delete(clientId);
				else state.eventsDeniedClients.add(clientId);
			},
		},
		close: () => (closed ??= server.close()),
	};
}
