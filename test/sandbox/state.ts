// The mutable state shared by the server, issuers and API handlers of one sandbox instance.
import type { Clock } from './clock';
import type { Counters } from './counters';
import type { DataStore } from './data';
import type { DeviceOperations } from './api/devices';
import type { EventsService } from './events';
import type { FaultQueue } from './faults';
import type { RateLimiter } from './rateLimit';
import type { WorkspaceDirectory } from './seed';
import type { TokenStore } from './tokens';

export interface ResolvedOptions {
	tokenTtlSeconds: number | undefined;
	rateWindowSeconds: number;
	retryAfterHeader: boolean;
	omitExpiresIn: boolean;
	latencyMs: number;
	asyncOperationPolls: number;
	asyncOperationMs: number;
	hyphenatedWorkspaceIds: boolean;
	auditBareSortDirection: 'asc' | 'desc';
}

export interface SandboxState {
	options: ResolvedOptions;
	clock: Clock;
	url: string;
	tokens: TokenStore;
	/** the workspaces of this instance (Acme MSP's tenant count is an option) */
	workspaces: WorkspaceDirectory;
	data: DataStore;
	limiter: RateLimiter;
	faults: FaultQueue;
	counters: Counters;
	deviceOps: DeviceOperations;
	events: EventsService;
	/** API clients refused the Automations Webhook/Subscription permissions (403) */
	eventsDeniedClients: Set<string>;
}
