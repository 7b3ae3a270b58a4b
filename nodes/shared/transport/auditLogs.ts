import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AUDIT_LOG_RESULT_CAP } from '../config';
import { PageGuard, listPageItems, maxPageSize, pageTotal } from './pagination';
import type { GreenLakeRequestOptions } from './request';
import { greenLakeRequest } from './request';
import type { GreenLakeContext, GreenLakeSession } from './session';

export interface AuditLogQuery {
	/** `/audit-log/v1/logs` or `/audit-log/v2beta1/logs`. */
	path: string;
	/** Filter clauses other than the time range, joined with "and". */
	clauses: string[];
	/** Inclusive lower bound (ISO 8601). */
	since?: string;
	/** Exclusive upper bound (ISO 8601); defaults to the time of the call so that arriving events cannot shift pages. */
	until?: string;
	returnAll: boolean;
	limit?: number;
	pageSize?: number;
	extraQuery?: IDataObject;
	workspaceId?: string;
	maxRetries?: number;
	maxWaitSeconds?: number;
	timeoutMs?: number;
	itemIndex?: number;
}

function quote(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/** Audit-log filter clauses from the user's choices; quotes inside values are doubled as OData requires. */
export function auditLogClauses(filters: {
	categories?: string[];
	username?: string;
	descriptionContains?: string;
	serviceOfferIds?: string[];
	tenantEvents?: boolean;
	v1?: boolean;
}): string[] {
	const clauses: string[] = [];
	const categories = (filters.categories ?? []).filter((value) => value !== '');
	if (categories.length === 1) clauses.push(`category eq ${quote(categories[0])}`);
	if (categories.length > 1) clauses.push(`category in (${categories.map(quote).join(',')})`);
	if (filters.username) clauses.push(`${filters.v1 ? 'user/username' : 'username'} eq ${quote(filters.username)}`);
	if (filters.descriptionContains) clauses.push(`contains(description,${quote(filters.descriptionContains)})`);
	const offers = (filters.serviceOfferIds ?? []).filter((value) => value !== '');
	if (offers.length === 1) clauses.push(`${filters.v1 ? 'application/id' : 'serviceOffer/id'} eq ${quote(offers[0])}`);
	if (offers.length > 1) clauses.push(`${filters.v1 ? 'application/id' : 'serviceOffer/id'} in (${offers.map(quote).join(',')})`);
	if (filters.tenantEvents) clauses.push(`workspace/type eq 'TENANT'`);
	return clauses;
}

/** One millisecond after an RFC 3339 timestamp: `createdAt lt` that bound includes the timestamp itself. */
function justAfter(timestamp: string): string {
	return new Date(Date.parse(timestamp) + 1).toISOString();
}

/**
 * Yields audit-log pages, newest first, complete despite GreenLake's 10,000-result cap: when a time window holds more
 * than the cap, the next window ends just after the oldest event read so far, and the events already read at that
 * exact timestamp are skipped, so nothing is lost and nothing repeats.
 */
export async function* auditLogPages(
	ctx: GreenLakeContext,
	session: GreenLakeSession,
	query: AuditLogQuery,
): AsyncGenerator<IDataObject[]> {
	const pageSize = Math.max(1, Math.min(query.pageSize ?? maxPageSize(query.path), maxPageSize(query.path)));
	let wanted = query.returnAll ? Number.POSITIVE_INFINITY : Math.max(0, query.limit ?? 50);
	let until = query.until ?? new Date().toISOString();
	let seenAtEdge = new Set<string>();
	// One guard over every window: the page cap counts all pages of the item.
	const guard = new PageGuard(ctx, `GET ${query.path}`, query.itemIndex);

	while (wanted > 0) {
		const filter = [
			...query.clauses,
			...(query.since ? [`createdAt ge ${quote(query.since)}`] : []),
			`createdAt lt ${quote(until)}`,
		].join(' and ');
		let offset = 0;
		let oldest: string | undefined;
		let idsAtOldest = new Set<string>();
		let capped = false;

		for (;;) {
			const limit = Math.min(pageSize, AUDIT_LOG_RESULT_CAP - offset, Number.isFinite(wanted) ? wanted + seenAtEdge.size : pageSize);
			const request: GreenLakeRequestOptions = {
				method: 'GET',
				url: query.path,
				qs: { ...query.extraQuery, filter, offset, limit },
				workspaceId: query.workspaceId,
				maxRetries: query.maxRetries,
				maxWaitSeconds: query.maxWaitSeconds,
				timeoutMs: query.timeoutMs,
				itemIndex: query.itemIndex,
			};
			const response = await greenLakeRequest(ctx, session, request);
			const body = response.body as IDataObject;
			const items = listPageItems(ctx, response, 'GET', query.itemIndex);
			if (items.length > 0) guard.check(items, offset);
			const total = pageTotal(body);
			capped = body?.remainingRecords === true || (body?.remainingRecords === undefined && (total ?? 0) >= AUDIT_LOG_RESULT_CAP);

			const fresh: IDataObject[] = [];
			for (const item of items) {
				const id = String(item.id);
				if (seenAtEdge.has(id)) continue;
				const createdAt = String(item.createdAt);
				if (createdAt !== oldest) {
					oldest = createdAt;
					idsAtOldest = new Set();
				}
				idsAtOldest.add(id);
				fresh.push(item);
			}
			const page = fresh.length > wanted ? fresh.slice(0, wanted) : fresh;
			if (page.length > 0) yield page;
			wanted -= page.length;
			offset += items.length;
			if (wanted <= 0) return;
			// As in paginate(): `total` is trusted over a short page; without it a short page ends the window.
			if (items.length === 0 || offset >= Math.min(total ?? AUDIT_LOG_RESULT_CAP, AUDIT_LOG_RESULT_CAP)) break;
			if (total === undefined && items.length < limit) break;
		}

		if (!capped || offset < AUDIT_LOG_RESULT_CAP || oldest === undefined) return;
		const nextUntil = justAfter(oldest);
		if (Date.parse(nextUntil) >= Date.parse(until)) {
			throw new NodeOperationError(ctx.getNode(), `More than ${AUDIT_LOG_RESULT_CAP} audit-log events share the timestamp ${oldest}`, {
				description: 'GreenLake cannot page past this. Narrow the filter (category, username, service offer) and run again.',
				itemIndex: query.itemIndex,
			});
		}
		// Events at `oldest` that were already emitted will be returned again by the next window: skip them there.
		seenAtEdge = idsAtOldest;
		until = nextUntil;
	}
}
