// Audit logs, v2beta1 and v1. Documented behaviours reproduced: newest first by default, the filter subset of
// the v2beta1 spec, `total` capped at 10,000 with `remainingRecords`, and (v2beta1) platform logs only unless
// a serviceOffer/id filter is given.
//
// MSP scoping (the docs do not say; our choice): an MSP token sees its own workspace's logs, unless the filter
// has `workspace/type eq 'TENANT'`, in which case it sees the logs of all its tenants instead.
import { badRequest, notFound } from '../errors';
import type { FilterClause } from '../filter';
import { clauseMatches, parseFilter } from '../filter';
import type { DataStore, StoredAuditLog } from '../data';
import { byTimeThenId, toAuditLog } from '../data';
import { PLATFORM_SERVICE_OFFER } from '../seed';
import type { AuditLog } from '../types';
import type { ApiContext, ApiResult, RouteDef } from './common';
import { parsePaging, parseSelect, project } from './common';

/** Records beyond this index cannot be paged to (and `total` never exceeds it). */
export const AUDIT_RESULT_WINDOW = 10_000;

type Version = 'v1' | 'v2beta1';

interface KeySpec {
	ops: string[];
	get: (log: StoredAuditLog) => unknown;
}

const V2_KEYS: Record<string, KeySpec> = {
	createdAt: { ops: ['ge', 'lt'], get: (l) => l.t },
	category: { ops: ['eq', 'in'], get: (l) => l.category },
	description: { ops: ['eq', 'contains'], get: (l) => l.description },
	ipAddress: { ops: ['eq', 'contains'], get: (l) => l.ipAddress },
	username: { ops: ['eq', 'contains'], get: (l) => l.username },
	'workspace/name': { ops: ['eq', 'contains'], get: (l) => l.workspace.name },
	'workspace/type': { ops: ['eq'], get: (l) => l.workspace.type },
	'serviceOffer/id': { ops: ['eq', 'in'], get: (l) => l.serviceOffer.id },
	region: { ops: ['eq'], get: (l) => l.serviceOffer.region },
	hasDetails: { ops: ['eq'], get: (l) => l.hasDetails },
};

/** v1 spells some keys differently; they map onto the same properties. */
const V1_KEYS: Record<string, KeySpec> = {
	createdAt: V2_KEYS.createdAt,
	category: V2_KEYS.category,
	description: V2_KEYS.description,
	'additionalInfo/ipAddress': V2_KEYS.ipAddress,
	'user/username': V2_KEYS.username,
	'workspace/workspaceName': V2_KEYS['workspace/name'],
	'workspace/type': V2_KEYS['workspace/type'],
	'application/id': V2_KEYS['serviceOffer/id'],
	region: V2_KEYS.region,
	hasDetails: V2_KEYS.hasDetails,
};

const V2_SELECT = [
	'serviceOffer',
	'createdAt',
	'category',
	'hasDetails',
	'workspace',
	'description',
	'username',
	'ipAddress',
	'additionalInfo',
];
const V1_SELECT = [
	'user',
	'application',
	'region',
	'createdAt',
	'updatedAt',
	'category',
	'hasDetails',
	'workspace',
	'description',
	'additionalInfo',
	'generation',
];

interface CompiledQuery {
	fromMs: number;
	toMs: number;
	predicates: Array<(log: StoredAuditLog) => boolean>;
	tenantScope: boolean;
}

function compileAuditFilter(ctx: ApiContext, version: Version): CompiledQuery {
	const keys = version === 'v1' ? V1_KEYS : V2_KEYS;
	const q: CompiledQuery = {
		fromMs: -Infinity,
		toMs: Infinity,
		predicates: [],
		tenantScope: false,
	};
	let serviceOfferFiltered = false;
	for (const clause of parseFilter(ctx.query.get('filter'))) {
		const spec = keys[clause.key];
		if (!spec)
			throw badRequest('filter', `Unsupported filter parameter '${clause.key}' in filter.`);
		if (!spec.ops.includes(clause.op)) {
			throw badRequest(
				'filter',
				`Invalid operator '${clause.op}' used for '${clause.key}'. Supported operators are ${spec.ops.join(', ')}.`,
			);
		}
		if (clause.key === 'createdAt') {
			applyTime(q, clause);
			continue;
		}
		if (spec === V2_KEYS['serviceOffer/id']) {
			if (clause.values.length > 5)
				throw badRequest('filter', 'Maximum five serviceOffer/id can be passed in the filter.');
			serviceOfferFiltered = true;
		}
		if (spec === V2_KEYS['workspace/type']) {
			const value = String(clause.values[0]);
			if (value !== 'TENANT' && value !== 'MSP') {
				throw badRequest(
					'filter',
					`Invalid workspace/type value '${value}'. Supported values are TENANT and MSP.`,
				);
			}
			if (value === 'TENANT' && ctx.workspace.workspaceType === 'MSP') q.tenantScope = true;
		}
		q.predicates.push((log) => clauseMatches(spec.get(log), clause));
	}
	if (version === 'v2beta1' && !serviceOfferFiltered) {
		q.predicates.push((log) => log.serviceOffer.id === PLATFORM_SERVICE_OFFER.id);
	}
	const all = ctx.query.get('all');
	if (version === 'v1' && all) {
		const needle = all.toLowerCase();
		q.predicates.push((l) =>
			[l.description, l.username, l.category].some((s) => s.toLowerCase().includes(needle)),
		);
	}
	return q;
}

function applyTime(q: CompiledQuery, clause: FilterClause): void {
	const raw = String(clause.values[0]);
	const ms =
		typeof clause.values[0] === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
	if (Number.isNaN(ms)) {
		throw badRequest(
			'filter',
			`Invalid date format '${raw}' provided for createdAt filter. Expected RFC 3339 timestamp format (e.g., '2024-02-16T07:54:55.0Z').`,
		);
	}
	if (clause.op === 'ge') q.fromMs = Math.max(q.fromMs, ms);
	else q.toMs = Math.min(q.toMs, ms);
}

/** First index whose time is >= t in an ascending list. */
function lowerBound(list: StoredAuditLog[], t: number): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (list[mid].t < t) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

// Per data store (several sandboxes may live in one process): the MSP's merged tenant logs.
const mergedCache = new WeakMap<
	DataStore,
	{ mspId: string; version: number; list: StoredAuditLog[] }
>();

/** The ascending log list a request searches: own logs, or the MSP's tenants' logs merged. */
function sourceList(ctx: ApiContext, tenantScope: boolean): StoredAuditLog[] {
	const { data } = ctx.state;
	if (!tenantScope) return data.auditLogs(ctx.workspace.id);
	const cached = mergedCache.get(data);
	if (cached && cached.mspId === ctx.workspace.id && cached.version === data.auditVersion)
		return cached.list;
	const tenants = ctx.state.workspaces.tenantsOf(ctx.workspace.id);
	const list = tenants.flatMap((t) => data.auditLogs(t.id)).sort(byTimeThenId);
	mergedCache.set(data, { mspId: ctx.workspace.id, version: data.auditVersion, list });
	return list;
}

function parseSort(ctx: ApiContext): { key: 'createdAt' | 'category'; dir: 1 | -1 } {
	const raw = ctx.query.get('sort');
	if (raw === null || raw.trim() === '') return { key: 'createdAt', dir: -1 };
	const m = /^\s*(createdAt|category)(?:\s+(asc|desc))?\s*$/i.exec(raw);
	if (!m)
		throw badRequest(
			'sort',
			`Unsupported sort expression '${raw}'. Supported: createdAt, category [asc|desc].`,
		);
	const key = m[1] === 'category' ? 'category' : 'createdAt';
	const dir = (m[2]?.toLowerCase() ?? ctx.state.options.auditBareSortDirection) === 'asc' ? 1 : -1;
	return { key, dir };
}

function toV1(log: AuditLog): Record<string, unknown> {
	return {
		id: log.id,
		type: '/audit-log/log',
		user: { username: log.username },
		application: { id: log.serviceOffer.id },
		region: log.serviceOffer.region,
		category: log.category,
		description: log.description,
		workspace: { id: log.workspace.id, workspaceName: log.workspace.name },
		createdAt: log.createdAt,
		updatedAt: log.createdAt,
		generation: 1,
		additionalInfo: { ...log.additionalInfo, ipAddress: log.ipAddress },
		hasDetails: log.hasDetails,
	};
}

function listLogs(version: Version) {
	return (ctx: ApiContext): ApiResult => {
		const paging = parsePaging(ctx.query, 50, 2000);
		if (paging.offset + paging.limit > AUDIT_RESULT_WINDOW) {
			throw badRequest(
				'offset',
				`offset + limit must not exceed ${AUDIT_RESULT_WINDOW}; narrow the filter (for example the createdAt range) instead of paging further.`,
			);
		}
		const select = parseSelect(ctx.query, version === 'v1' ? V1_SELECT : V2_SELECT);
		const sort = parseSort(ctx);
		const q = compileAuditFilter(ctx, version);
		const list = sourceList(ctx, q.tenantScope);
		const start = lowerBound(list, q.fromMs);
		const end = lowerBound(list, q.toMs);
		const matched: StoredAuditLog[] = [];
		for (let i = start; i < end; i++) {
			const log = list[i];
			if (q.predicates.every((p) => p(log))) matched.push(log);
		}
		// `list` is ascending by (time, id): reverse for desc; category sorts keep newest first within a category.
		if (sort.key === 'createdAt') {
			if (sort.dir === -1) matched.reverse();
		} else {
			matched.reverse();
			matched.sort((a, b) =>
				a.category < b.category ? -sort.dir : a.category > b.category ? sort.dir : 0,
			);
		}
		const page = matched.slice(paging.offset, paging.offset + paging.limit).map(toAuditLog);
		const items =
			version === 'v1'
				? page.map((l) => project(toV1(l), select, ['id', 'type']))
				: page.map((l) => project(l, select, ['id', 'type']));
		return {
			body: {
				offset: paging.offset,
				count: items.length,
				total: Math.min(matched.length, AUDIT_RESULT_WINDOW),
				remainingRecords: matched.length > AUDIT_RESULT_WINDOW,
				items,
			},
		};
	};
}

/** A single log visible to the token: its own workspace's, or (MSP) one of its tenants'. */
function findLog(ctx: ApiContext): AuditLog {
	const candidates = [ctx.workspace, ...ctx.state.workspaces.tenantsOf(ctx.workspace.id)];
	for (const ws of candidates) {
		const found = ctx.state.data.auditLog(ws.id, ctx.params.id);
		if (found) return toAuditLog(found);
	}
	throw notFound('Audit log not found.', 'hpe.greenlake.audit-log');
}

function getLog(version: Version) {
	return (ctx: ApiContext): ApiResult => {
		const log = findLog(ctx);
		return { body: version === 'v1' ? toV1(log) : log };
	};
}

function getDetails(ctx: ApiContext): ApiResult {
	const log = findLog(ctx);
	if (!log.hasDetails) throw notFound('Audit details not found.', 'hpe.greenlake.audit-log');
	return {
		body: {
			id: log.id,
			type: '/audit-log/log/details',
			header: log.description,
			body: [
				`Category: ${log.category}`,
				`User: ${log.username}`,
				`Source IP: ${log.ipAddress}`,
				`Time: ${log.createdAt}`,
			],
		},
	};
}

export const auditRoutes: RouteDef[] = [
	{
		method: 'GET',
		pattern: '/audit-log/v2beta1/logs',
		bucket: 'audit.list',
		handler: listLogs('v2beta1'),
	},
	{
		method: 'GET',
		pattern: '/audit-log/v2beta1/logs/{id}',
		bucket: 'audit.get',
		handler: getLog('v2beta1'),
	},
	{
		method: 'GET',
		pattern: '/audit-log/v2beta1/logs/{id}/details',
		bucket: 'audit.get',
		handler: getDetails,
	},
	{ method: 'GET', pattern: '/audit-log/v1/logs', bucket: 'audit.list', handler: listLogs('v1') },
	{ method: 'GET', pattern: '/audit-log/v1/logs/{id}', bucket: 'audit.get', handler: getLog('v1') },
	{
		method: 'GET',
		pattern: '/audit-log/v1/logs/{id}/detail',
		bucket: 'audit.get',
		handler: getDetails,
	},
];
