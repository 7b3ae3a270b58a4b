// Shared types of the GreenLake sandbox. Kept free of runtime code so every module can import them.
import type { Clock } from './clock';

export type RateLimitBucket =
	| 'workspaces.mspTenants'
	| 'workspaces.get'
	| 'audit.list'
	| 'audit.get'
	| 'devices.list'
	| 'devices.get'
	| 'devices.patch'
	| 'devices.asyncOperations'
	| 'devices.v2beta1'
	| 'subscriptions.list'
	| 'subscriptions.get'
	| 'users.list'
	| 'users.get'
	| 'locations.list'
	| 'locations.get'
	| 'events.webhooks'
	| 'events.subscriptions';

export interface SandboxOptions {
	/** default 0 (free port); always listens on 127.0.0.1 only */
	port?: number;
	/** overrides expires_in for ALL tokens; default per client kind: platform 900, service 7200 */
	tokenTtlSeconds?: number;
	/** length of the fixed rate-limit window in seconds, default 60 */
	rateWindowSeconds?: number;
	/** per-bucket limit overrides; false disables rate limiting */
	rateLimits?: Partial<Record<RateLimitBucket, number>> | false;
	/** also send Retry-After on 429 (GreenLake does not; default false) */
	retryAfterHeader?: boolean;
	/** token responses without expires_in (clients must fall back to the JWT exp) */
	omitExpiresIn?: boolean;
	/** per-workspace data sizes */
	sizes?: {
		auditLogs?: number;
		devices?: number;
		subscriptions?: number;
		users?: number;
		locations?: number;
	};
	/** tenants of the MSP workspace (Acme MSP), 0 to 1,000, default 3: Tenant Alpha, Bravo and Charlie, then
	 * "Tenant 0004" … "Tenant 1000". Each has its own data and its own rate-limit windows. */
	mspTenants?: number;
	/** data sizes of each MSP tenant workspace (overrides `sizes` for tenants; 1,000 full-size tenants are big) */
	tenantSizes?: SandboxOptions['sizes'];
	/** spread of seeded audit logs, default 90 days back from sandbox start */
	auditLogDays?: number;
	/** fixed delay added to every (non-admin) response, default 0 */
	latencyMs?: number;
	/** the sandbox's clock for token lifetimes, rate-limit windows and async operations; default real time (tests
	 * that must not depend on the machine's speed pass a TestClock and move it by hand) */
	clock?: Clock;
	// ---- additions beyond the agreed API (all optional) ----
	/** device async operations report SUCCEEDED on this poll (1-based), default 2 */
	asyncOperationPolls?: number;
	/** ...or once this much time has passed since the PATCH, default 1500 ms */
	asyncOperationMs?: number;
	/** workspace API (msp-tenants, workspaces/{id}) returns hyphenated UUID ids like the HPE spec examples; default true */
	hyphenatedWorkspaceIds?: boolean;
	/** direction of a bare `sort=createdAt` on audit logs; the HPE spec example says desc (default) */
	auditBareSortDirection?: 'asc' | 'desc';
	/** the events framework (/events/v1beta1): challenge, delivery, retry and batching behaviour */
	events?: EventsOptions;
}

/** Tunables of the emulated events framework; defaults in events.ts (DEFAULT_EVENTS_OPTIONS). */
export interface EventsOptions {
	/** accept http(s)://127.x / localhost destinations (GreenLake refuses them; needed to reach a local n8n), default true */
	allowLoopbackDestinations?: boolean;
	/** wait before the first automatic challenge, default 0 (right after the 201) */
	challengeDelayMs?: number;
	/** automatic challenge attempts before the webhook goes to ERROR, default 10 */
	challengeAttempts?: number;
	/** spacing of automatic challenge attempts, default 1000 ms */
	challengeRetryMs?: number;
	/** `type` of the challenge CloudEvent (the docs disagree on the com. prefix) */
	challengeType?: string;
	/** also sign the challenge with HPE-Webhook-Signature (undocumented), default false */
	signChallenges?: boolean;
	/** per-request timeout of challenges and deliveries, default 10,000 ms */
	deliveryTimeoutMs?: number;
	/** delay before each automatic retry of a failed delivery; its length is the number of retries (default 20) */
	retryDelaysMs?: number[];
	/** a batch is sent when this many events are queued, default 10 */
	batchMaxEvents?: number;
	/** ...or this long after its first event was queued, default 1000 ms */
	batchWindowMs?: number;
	/** with a secondary secret: both signatures comma-joined in the header, or the primary only */
	dualSecretSignatures?: 'comma' | 'primary';
	/** event types accepted for subscriptions besides the catalog */
	extraEventTypes?: string[];
	/** recent deliveries kept (all webhooks together), default 5000 */
	deliveryLogSize?: number;
	/** publish com.hpe.greenlake.audit-log.v1.logs.created for every audit log the sandbox creates, default true */
	emitAuditLogEvents?: boolean;
}

export interface SandboxCounters {
	mints: {
		total: number;
		clientCredentials: number;
		tokenExchange: number;
		byWorkspace: Record<string, number>;
		byClient: Record<string, number>;
		rejected: number;
	};
	requests: { total: number; byRoute: Record<string, Record<string, number>> };
	api401: number;
	api429: number;
	injected: number;
	sentWhileExhausted: number;
	peakConcurrency: number;
	authorizationHeaders: number;
	events: {
		webhooksRegistered: number;
		webhooksDeleted: number;
		challengesSent: number;
		challengesPassed: number;
		challengesFailed: number;
		eventsEmitted: number;
		eventsDelivered: number;
		eventsDropped: number;
		deliveriesSent: number;
		deliveriesSucceeded: number;
		deliveriesFailed: number;
		batchesSent: number;
		retries: number;
		manualRetries: number;
		redeliveries: number;
	};
}

/** Where a fault applies: path substring, optional method, and how many matching requests pass first. */
interface FaultTarget {
	count: number;
	route?: string;
	/** only requests with this method (e.g. 'PATCH') match */
	method?: string;
	/** let this many matching requests through before the fault fires (fail the Nth: skip N-1) */
	skip?: number;
}

export type Fault = FaultTarget &
	(
		| { kind: 'status'; status: 429 | 500 | 502 | 503 }
		| { kind: 'drop' }
		| { kind: 'delay'; ms: number }
		| { kind: 'malformed' }
		/** answers with a redirect to `location` (security tests: does the token follow it?) */
		| { kind: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
		// ---- hostile servers (security suite) ----
		/** the list handler sees offset=0 whatever was asked; optionally also with `total` and at most `max` items */
		| { kind: 'ignoreOffset'; total?: number; max?: number }
		/** a list response's `total` is replaced */
		| { kind: 'hugeTotal'; total: number }
		/** a list response carries at most `max` items (its `total` stays true) */
		| { kind: 'shortPage'; max: number }
		/** the response body is written `bytes` at a time, `intervalMs` apart (headers at once) */
		| { kind: 'drip'; intervalMs: number; bytes?: number }
		/** 200 text/html (a proxy's login page) instead of the answer */
		| { kind: 'html200' }
		/** an error answer (`status`) whose body quotes the request back: headers, query and body */
		| { kind: 'echo'; status: number }
		/** a token answer's expires_in is replaced */
		| { kind: 'expiresIn'; value: number }
		/** an audit-log list answer gains an event stamped `aheadMs` in the future (filters ignored) */
		| { kind: 'futureEvent'; aheadMs: number }
	);

export interface FaultControl {
	inject(fault: Fault): void;
	clear(): void;
}

export interface AuditLog {
	id: string;
	type: '/audit-log/log';
	serviceOffer: { id: string; name: string; region: string };
	username: string;
	category: string;
	description: string;
	workspace: { id: string; name: string; type: 'MSP' | 'TENANT' | 'STANDALONE' };
	createdAt: string;
	ipAddress: string;
	additionalInfo: Record<string, unknown>;
	hasDetails: boolean;
}

export type WorkspaceType = 'STANDARD_ENTERPRISE' | 'MSP' | 'MSP_TENANT';

export interface WorkspaceInfo {
	id: string; // 32 lowercase hex
	name: string;
	workspaceType: WorkspaceType;
	mspId?: string; // for tenants: the owning MSP workspace
	domain: string; // e-mail domain of its seeded users
	createdAt: string;
}

export type ClientKind = 'platform' | 'service';

export interface SeedClient {
	name: string;
	clientId: string;
	clientSecret: string;
	workspaceId: string;
	kind: ClientKind;
}
