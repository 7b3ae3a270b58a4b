// Shared plumbing of the platform API handlers: route definitions, offset/limit paging, select and sort.
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from '../errors';
import type { SandboxState } from '../state';
import type { TokenRecord } from '../tokens';
import type { RateLimitBucket, WorkspaceInfo } from '../types';

export interface ApiContext {
	state: SandboxState;
	method: string;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	body: string;
	token: TokenRecord;
	/** the workspace the token is scoped to */
	workspace: WorkspaceInfo;
}

export interface ApiResult {
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface RouteDef {
	method: string;
	/** e.g. '/devices/v1/devices/{id}'; also the route name in counters */
	pattern: string;
	bucket: RateLimitBucket;
	handler: (ctx: ApiContext) => ApiResult | Promise<ApiResult>;
}

export interface Paging {
	offset: number;
	limit: number;
}

/** Validates `offset`/`limit` against the endpoint's documented default and maximum. */
export function parsePaging(
	query: URLSearchParams,
	defaultLimit: number,
	maxLimit: number,
): Paging {
	const rawLimit = query.get('limit');
	const rawOffset = query.get('offset');
	let limit = defaultLimit;
	if (rawLimit !== null) {
		limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
		if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
			throw badRequest(
				'limit',
				`Invalid limit value '${rawLimit}' provided. Limit must be an integer between 1 and ${maxLimit}; maximum allowed limit is ${maxLimit}.`,
			);
		}
	}
	let offset = 0;
	if (rawOffset !== null) {
		offset = /^\d+$/.test(rawOffset) ? Number(rawOffset) : NaN;
		if (!Number.isSafeInteger(offset)) {
			throw badRequest(
				'offset',
				`Invalid offset value '${rawOffset}' provided. Offset must be an integer >= 0.`,
			);
		}
	}
	return { offset, limit };
}

export interface Page<T> {
	offset: number;
	count: number;
	total: number;
	items: T[];
}

export function pageOf<T, R = T>(
	items: readonly T[],
	paging: Paging,
	map?: (item: T) => R,
): Page<R> {
	const slice = items.slice(paging.offset, paging.offset + paging.limit);
	const out = map ? slice.map(map) : (slice as unknown as R[]);
	return { offset: paging.offset, count: out.length, total: items.length, items: out };
}

/** Parses `select=a,b`; unknown names give a 400 naming `select`. */
export function parseSelect(
	query: URLSearchParams,
	allowed: readonly string[],
): string[] | undefined {
	const raw = query.get('select');
	if (raw === null || raw.trim() === '') return undefined;
	const fields = raw
		.split(',')
		.map((f) => f.trim())
		.filter(Boolean);
	const unknown = fields.filter((f) => !allowed.includes(f));
	if (unknown.length > 0) {
		throw badRequest(
			'select',
			`Unsupported select attributes are passed in query parameter: ${unknown.join(', ')}`,
		);
	}
	return fields;
}

export function project<T extends object>(
	item: T,
	fields: string[] | undefined,
	always: string[] = [],
): Partial<T> {
	if (!fields) return item;
	const out: Record<string, unknown> = {};
	for (const key of [...always, ...fields]) {
		if (key in item) out[key] = (item as Record<string, unknown>)[key];
	}
	return out as Partial<T>;
}

/** Generic `sort=field [asc|desc][, ...]` over top-level properties. */
export function sortItems<T extends Record<string, unknown>>(
	items: T[],
	query: URLSearchParams,
	allowed: readonly string[],
): T[] {
	const raw = query.get('sort');
	if (raw === null || raw.trim() === '') return items;
	const keys = raw.split(',').map((part) => {
		const m = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
		if (!m || !allowed.includes(m[1]))
			throw badRequest('sort', `Unsupported sort expression '${part.trim()}'`);
		return { key: m[1], dir: (m[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1 };
	});
	return [...items].sort((a, b) => {
		for (const { key, dir } of keys) {
			const x = String(a[key] ?? '');
			const y = String(b[key] ?? '');
			if (x !== y) return x < y ? -dir : dir;
		}
		return 0;
	});
}

export const STRING_OPS = ['eq', 'ne', 'in', 'contains'] as const;
export const EQ_OPS = ['eq', 'ne', 'in'] as const;
export const TIME_OPS = ['eq', 'gt', 'ge', 'lt', 'le'] as const;

/** Reads a/b/c from nested objects (filter keys use `/` for nesting). */
export function pathValue(item: unknown, path: string): unknown {
	let value: unknown = item;
	for (const part of path.split('/')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[part];
	}
	return value;
}
