// Fixed-window rate limiter, one counter per (workspace, bucket). Windows are aligned to multiples of the
// window length on the wall clock, like a gateway's per-minute counters, so `ratelimit-reset` is the time to
// the next boundary.
import type { RateLimitBucket } from './types';

/** Per-minute numbers from greenlake-api.md §5.2; the workspace/location/users-get limits are not documented (300 chosen). */
export const DEFAULT_RATE_LIMITS: Record<RateLimitBucket, number> = {
	'workspaces.mspTenants': 300,
	'workspaces.get': 300,
	'audit.list': 300,
	'audit.get': 80,
	'devices.list': 160,
	'devices.get': 40,
	'devices.patch': 40,
	'devices.asyncOperations': 90,
	'devices.v2beta1': 300,
	'subscriptions.list': 60,
	'subscriptions.get': 20,
	'users.list': 300,
	'users.get': 300,
	'locations.list': 300,
	'locations.get': 300,
	// Not documented (the spec declares 429 with X-RateLimit-* "per hour"); 300 per window chosen.
	'events.webhooks': 300,
	'events.subscriptions': 300,
};

export interface RateDecision {
	allowed: boolean;
	limit: number;
	remaining: number;
	resetSeconds: number;
	/** the bucket had nothing left when this request arrived */
	exhaustedOnArrival: boolean;
}

export class RateLimiter {
	private readonly windows = new Map<string, { index: number; used: number }>();
	private readonly limits: Record<RateLimitBucket, number> | undefined;

	constructor(
		private readonly windowSeconds: number,
		overrides: Partial<Record<RateLimitBucket, number>> | false | undefined,
	) {
		this.limits =
			overrides === false ? undefined : { ...DEFAULT_RATE_LIMITS, ...(overrides ?? {}) };
	}

	/** undefined when rate limiting is disabled. */
	take(workspaceId: string, bucket: RateLimitBucket, now: number): RateDecision | undefined {
		if (!this.limits) return undefined;
		const limit = this.limits[bucket];
		const windowMs = this.windowSeconds * 1000;
		const index = Math.floor(now / windowMs);
		const key = `${workspaceId}|${bucket}`;
		let state = this.windows.get(key);
		if (!state || state.index !== index) {
			state = { index, used: 0 };
			this.windows.set(key, state);
		}
		const resetSeconds = Math.max(1, Math.ceil(((index + 1) * windowMs - now) / 1000));
		const exhaustedOnArrival = state.used >= limit;
		if (exhaustedOnArrival)
			return { allowed: false, limit, remaining: 0, resetSeconds, exhaustedOnArrival };
		state.used++;
		return {
			allowed: true,
			limit,
			remaining: limit - state.used,
			resetSeconds,
			exhaustedOnArrival,
		};
	}
}
