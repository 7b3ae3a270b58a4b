import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { normalizeWorkspaceId } from '../auth/clientConfig';
import { TENANT_SEARCH_MAX_PAGES, TENANT_SEARCH_MIN_MATCHES } from '../config';
import { listPageItems } from '../transport/pagination';
import { greenLakeRequest } from '../transport/request';
import { openSession, type GreenLakeSession } from '../transport/session';

const TENANTS_PATH = '/workspaces/v1/msp-tenants';
const TENANT_PAGE = 300;

/** GreenLake lists workspace ids hyphenated (8-4-4-4-12). */
const hyphenated = (id: string) =>
	`${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

const byName = (a: INodeListSearchItems, b: INodeListSearchItems) => a.name.localeCompare(b.name);

async function tenantPage(
	ctx: ILoadOptionsFunctions,
	session: GreenLakeSession,
	qs: IDataObject,
): Promise<{ items: IDataObject[]; total: number }> {
	const response = await greenLakeRequest(ctx, session, { method: 'GET', url: TENANTS_PATH, qs, maxWaitSeconds: 20 });
	// A page without a list (a proxy's page) is an error, not "no tenants".
	return { items: listPageItems(ctx, response, 'GET'), total: Number((response.body as IDataObject)?.total) };
}

const toEntry = (tenant: IDataObject): INodeListSearchItems => ({
	name: String(tenant.workspaceName ?? tenant.id),
	value: String(tenant.id),
});

/**
 * MSP tenants for the Tenant picker. The search text matches names and ids (with or without hyphens, any case) across
 * ALL tenants: a whole workspace id is looked up by GreenLake's `id eq` filter in one request; other text is matched
 * while paging through the tenants (300 a page) until TENANT_SEARCH_MIN_MATCHES are found, so a tenant on any page is
 * found by the first request of the list. Without text, one page at a time.
 */
export async function searchTenants(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const session = await openSession(this);
	const needle = (filter ?? '').trim().toLowerCase();
	const wholeId = normalizeWorkspaceId(needle);
	if (wholeId && paginationToken === undefined) {
		const { items } = await tenantPage(this, session, { filter: `id eq '${hyphenated(wholeId)}'`, limit: TENANT_PAGE });
		const found = items.filter((tenant) => normalizeWorkspaceId(tenant.id) === wholeId);
		// Not found by id (an id the filter does not know, or a name made of hex): fall back to matching every tenant.
		if (found.length > 0) return { results: found.map(toEntry) };
	}
	const compactNeedle = needle.replace(/-/g, '');
	const matches = (tenant: INodeListSearchItems) =>
		needle === '' ||
		tenant.name.toLowerCase().includes(needle) ||
		(compactNeedle !== '' && String(tenant.value).replace(/-/g, '').toLowerCase().includes(compactNeedle));
	const results: INodeListSearchItems[] = [];
	let offset = Number(paginationToken ?? 0) || 0;
	for (let pages = 1; ; pages++) {
		const { items, total } = await tenantPage(this, session, { offset, limit: TENANT_PAGE });
		offset += items.length;
		results.push(...items.map(toEntry).filter(matches));
		const more = items.length === TENANT_PAGE && (!Number.isFinite(total) || offset < total);
		if (!more) return { results: results.sort(byName) };
		if (needle === '' || results.length >= TENANT_SEARCH_MIN_MATCHES || pages >= TENANT_SEARCH_MAX_PAGES) {
			return { results: results.sort(byName), paginationToken: String(offset) };
		}
	}
}
