import type { IDataObject } from 'n8n-workflow';

import { FALLBACK_PAGE_SIZE, PAGE_SIZES } from '../config';
import type { GreenLakeRequestOptions } from './request';
import { greenLakeRequest } from './request';
import type { GreenLakeContext, GreenLakeSession } from './session';

/** The documented maximum `limit` of a list endpoint (longest matching path prefix), or a safe fallback. */
export function maxPageSize(path: string): number {
	const pathname = path.startsWith('/') ? path.split('?')[0] : new URL(path).pathname;
	const match = PAGE_SIZES.filter((entry) => pathname === entry.path || pathname.startsWith(`${entry.path}/`)).sort(
		(a, b) => b.path.length - a.path.length,
	)[0];
	return match?.max ?? FALLBACK_PAGE_SIZE;
}

export interface PageOptions {
	/** Follow offset/limit to the end. */
	returnAll: boolean;
	/** With returnAll off: how many items at most. */
	limit?: number;
	/** Override of the endpoint's maximum page size. */
	pageSize?: number;
}

/** The list in a GreenLake page: `items` for every list endpoint, or the body itself when it is an array. */
export function pageItems(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	const items = (body as IDataObject | undefined)?.items;
	return Array.isArray(items) ? (items as IDataObject[]) : [];
}

/**
 * Yields the pages of an offset/limit list as they arrive, so callers emit items without holding every page.
 * Stops at `total`, at a short or empty page, or when `limit` items were yielded.
 */
export async function* paginate(
	ctx: GreenLakeContext,
	session: GreenLakeSession,
	request: GreenLakeRequestOptions,
	paging: PageOptions,
): AsyncGenerator<IDataObject[]> {
	const pageSize = Math.max(1, Math.min(paging.pageSize ?? maxPageSize(request.url), maxPageSize(request.url)));
	let wanted = paging.returnAll ? Number.POSITIVE_INFINITY : Math.max(0, paging.limit ?? pageSize);
	let offset = Number(request.qs?.offset ?? 0) || 0;
	while (wanted > 0) {
		const limit = Math.min(pageSize, wanted);
		const response = await greenLakeRequest(ctx, session, { ...request, qs: { ...request.qs, offset, limit } });
		const items = pageItems(response.body);
		const page = items.length > wanted ? items.slice(0, wanted) : items;
		if (page.length > 0) yield page;
		wanted -= page.length;
		offset += items.length;
		const total = Number((response.body as IDataObject | undefined)?.total);
		if (items.length === 0 || items.length < limit || (Number.isFinite(total) && offset >= total)) return;
	}
}
