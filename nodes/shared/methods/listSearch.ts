import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { pageItems } from '../transport/pagination';
import { greenLakeRequest } from '../transport/request';
import { openSession } from '../transport/session';

const TENANT_PAGE = 300;

/** MSP tenants for the Tenant picker, a page of 300 at a time; the search text matches names and ids. */
export async function searchTenants(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const session = await openSession(this);
	const offset = Number(paginationToken ?? 0) || 0;
	const response = await greenLakeRequest(this, session, {
		method: 'GET',
		url: '/workspaces/v1/msp-tenants',
		qs: { offset, limit: TENANT_PAGE },
		maxWaitSeconds: 20,
	});
	const items = pageItems(response.body);
	const needle = (filter ?? '').trim().toLowerCase();
	// IDs match with or without hyphens (GreenLake lists them hyphenated; the credential accepts both forms).
	const compactNeedle = needle.replace(/-/g, '');
	const results = items
		.map((tenant: IDataObject) => ({ name: String(tenant.workspaceName ?? tenant.id), value: String(tenant.id) }))
		.filter(
			(tenant) =>
				needle === '' ||
				tenant.name.toLowerCase().includes(needle) ||
				(compactNeedle !== '' && tenant.value.replace(/-/g, '').toLowerCase().includes(compactNeedle)),
		)
		.sort((a, b) => a.name.localeCompare(b.name));
	const total = Number((response.body as IDataObject)?.total);
	const next = offset + items.length;
	return {
		results,
		paginationToken: items.length === TENANT_PAGE && (!Number.isFinite(total) || next < total) ? String(next) : undefined,
	};
}
