import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { createHash } from 'node:crypto';

import { FALLBACK_PAGE_SIZE, MAX_PAGES, PAGE_SIZES } from '../config';
import type { GreenLakeRequestOptions, GreenLakeResponse } from './request';
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
 * The items of a list response. A response without a list (a proxy's page, an error object answered with 200, a
 * path that is not a list endpoint) is an error: reading it as "no items" would report success with nothing.
 */
export function listPageItems(ctx: GreenLakeContext, response: GreenLakeResponse, method: string, itemIndex?: number): IDataObject[] {
	const body = response.body;
	if (Array.isArray(body) || Array.isArray((body as IDataObject | undefined)?.items)) return pageItems(body);
	const path = new URL(response.url).pathname;
	throw new NodeApiError(ctx.getNode(), { message: 'Not a list response' }, {
		message: `GreenLake answered ${method} ${path} without a list of items (HTTP ${response.statusCode})`,
		description:
			'A list endpoint answers {"items": [...], "total": …}. Check the path (for API Request: turn Pagination off for endpoints that do not return a list), the Base URL of the credential and any proxy in between.',
		httpCode: String(response.statusCode),
		itemIndex,
	});
}

/** `total` when the page states one (a whole number), else undefined. */
export function pageTotal(body: unknown): number | undefined {
	const total = (body as IDataObject | undefined)?.total;
	return typeof total === 'number' && Number.isInteger(total) && total >= 0 ? total : undefined;
}

/**
 * Keeps a paging loop honest against a misbehaving server: the same page answered again (an ignored `offset`) and
 * a list that never ends (a huge `total`, endless pages) stop with an error instead of emitting duplicates forever.
 */
export class PageGuard {
	private pages = 0;
	private previous: string | undefined;

	constructor(
		private readonly ctx: GreenLakeContext,
		private readonly what: string,
		private readonly itemIndex?: number,
		private readonly maxPages = MAX_PAGES,
	) {}

	/** Call with every non-empty page, before yielding it. */
	check(items: IDataObject[], offset: number): void {
		this.pages += 1;
		if (this.pages > this.maxPages) {
			throw new NodeOperationError(this.ctx.getNode(), `${this.what}: stopped after ${this.maxPages} pages`, {
				description: `Return All reads at most ${this.maxPages} pages per item, and this list had not ended. Narrow it with a filter, or turn Return All off and set a Limit.`,
				itemIndex: this.itemIndex,
			});
		}
		// Pages are compared by their ids; pages without ids (a Select that leaves id out) may legitimately repeat.
		const ids = items.map((item) => (item !== null && typeof item === 'object' ? item.id : undefined));
		if (ids.some((id) => id === undefined || id === null)) {
			this.previous = undefined;
			return;
		}
		const signature = createHash('sha256').update(JSON.stringify(ids)).digest('hex');
		if (signature === this.previous) {
			throw new NodeApiError(this.ctx.getNode(), { message: 'Repeated page' }, {
				message: `${this.what}: GreenLake answered offset ${offset} with the same page as before`,
				description:
					'The server ignored the offset parameter, so paging would only repeat the same items. Nothing after the first copy was output. If this is not GreenLake itself (a proxy or cache in between), fix that; otherwise report it to HPE support.',
				itemIndex: this.itemIndex,
			});
		}
		this.previous = signature;
	}
}

/**
 * Yields the pages of an offset/limit list as they arrive, so callers emit items without holding every page.
 * When the page states `total`, paging continues until `total` is reached, even past a page shorter than asked for
 * (a server may cap pages below the documented maximum); without `total`, a short page is the last one. An empty
 * page, or `limit` items yielded, ends it too.
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
	const guard = new PageGuard(ctx, `${request.method} ${request.url}`, request.itemIndex);
	while (wanted > 0) {
		const limit = Math.min(pageSize, wanted);
		const response = await greenLakeRequest(ctx, session, { ...request, qs: { ...request.qs, offset, limit } });
		const items = listPageItems(ctx, response, request.method, request.itemIndex);
		if (items.length === 0) return;
		guard.check(items, offset);
		const page = items.length > wanted ? items.slice(0, wanted) : items;
		yield page;
		wanted -= page.length;
		offset += items.length;
		const total = pageTotal(response.body);
		if (total !== undefined ? offset >= total : items.length < limit) return;
	}
}
