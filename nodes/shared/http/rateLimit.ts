import type { IDataObject } from 'n8n-workflow';

import { MAX_RATE_LIMIT_RESET_S } from '../config';

export type Headers = Record<string, unknown>;

export function header(headers: Headers | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === wanted) return Array.isArray(value) ? String(value[0]) : String(value);
	}
	return undefined;
}

function seconds(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const parsed = Number(value.trim());
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/** Retry-After is either delta-seconds or an HTTP date. */
function retryAfterSeconds(value: string | undefined, nowMs: number): number | undefined {
	const delta = seconds(value);
	if (delta !== undefined) return delta;
	if (value === undefined) return undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMs) / 1000);
}

function retryInfoSeconds(body: unknown): number | undefined {
	const details = (body as IDataObject | undefined)?.errorDetails;
	if (!Array.isArray(details)) return undefined;
	for (const detail of details as IDataObject[]) {
		const value = Number(detail?.retryAfterSeconds);
		if (Number.isFinite(value) && value >= 0) return value;
	}
	return undefined;
}

/**
 * A reset hint held to GreenLake's per-minute windows: one response saying "86400" must not stall every later call
 * for a day (or, as an epoch timestamp misread as seconds, for decades).
 */
function clampReset(value: number | undefined): number | undefined {
	return value === undefined ? undefined : Math.min(value, MAX_RATE_LIMIT_RESET_S);
}

/**
 * How long the server asked us to wait, in ms: GreenLake's `ratelimit-reset`, IAM's `X-RateLimit-Reset`, the
 * `retry_info` error detail, or a standard `Retry-After`, whichever is present, at most MAX_RATE_LIMIT_RESET_S.
 * Undefined when none is.
 */
export function serverRequestedDelayMs(headers: Headers | undefined, body: unknown, nowMs = Date.now()): number | undefined {
	const candidates = [
		seconds(header(headers, 'ratelimit-reset')),
		seconds(header(headers, 'x-ratelimit-reset')),
		retryInfoSeconds(body),
		retryAfterSeconds(header(headers, 'retry-after'), nowMs),
	];
	const found = clampReset(candidates.find((value) => value !== undefined));
	return found === undefined ? undefined : Math.ceil(found * 1000);
}

/** Exponential backoff with full jitter: a random wait in [base·2^attempt / 2, base·2^attempt], capped. */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface Budget {
	remaining: number;
	resetAtMs: number;
}

/**
 * Remembers each rate-limit bucket's remaining budget from response headers, so a caller waits for the window to
 * reset instead of sending a request that can only earn a 429. Shared by every execution in the process, since
 * GreenLake's limits are per API client and workspace, not per execution.
 */
export class RateLimitPacer {
	private readonly budgets = new Map<string, Budget>();

	/** Ms to wait before sending to this bucket (0 = go). Reserves one request of the budget when going. */
	reserve(bucket: string, nowMs = Date.now()): number {
		const budget = this.budgets.get(bucket);
		if (!budget) return 0;
		if (nowMs >= budget.resetAtMs) {
			this.budgets.delete(bucket);
			return 0;
		}
		if (budget.remaining <= 0) return budget.resetAtMs - nowMs;
		budget.remaining -= 1;
		return 0;
	}

	/** Records what the server said about the bucket after a response. */
	observe(bucket: string, headers: Headers | undefined, nowMs = Date.now()): void {
		const remaining = seconds(header(headers, 'ratelimit-remaining') ?? header(headers, 'x-ratelimit-remaining'));
		const reset = clampReset(seconds(header(headers, 'ratelimit-reset') ?? header(headers, 'x-ratelimit-reset')));
		if (remaining === undefined || reset === undefined) return;
		// The server's count is authoritative, except that requests we reserved and that are still in flight have
		// not reached it yet: keep the lower of the two within the same window.
		const current = this.budgets.get(bucket);
		const resetAtMs = nowMs + reset * 1000;
		const sameWindow = current !== undefined && Math.abs(current.resetAtMs - resetAtMs) < 1000;
		this.budgets.set(bucket, {
			remaining: sameWindow ? Math.min(current.remaining, remaining) : remaining,
			resetAtMs,
		});
	}

	clear(): void {
		this.budgets.clear();
	}
}

/** A bucket per method and endpoint: ids in the path are folded so that "get device X" and "get device Y" share one. */
export function rateLimitBucket(method: string, url: URL, workspaceId: string): string {
	const path = url.pathname
		.split('/')
		.map((segment) => (/^[0-9a-f-]{16,}$/i.test(segment) || /\d/.test(segment) && segment.length > 12 ? '{id}' : segment))
		.join('/');
	return `${workspaceId} ${method.toUpperCase()} ${url.host}${path}`;
}

export const sharedPacer = new RateLimitPacer();
