/**
 * Direct questions to the GreenLake sandbox over HTTP, independent of the package and of n8n: how many audit-log events
 * and devices a workspace really has. The demo and the examples e2e test compare n8n's results with these answers.
 */
import type { SeedClient } from '../test/sandbox';

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

async function postForm(url: string, form: Record<string, string>): Promise<string> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
	});
	const body = (await response.json()) as { access_token?: string; error?: string };
	if (!response.ok || !body.access_token) throw new Error(`sandbox token request to ${url} failed: HTTP ${response.status} ${body.error ?? ''}`);
	return body.access_token;
}

/** A client-credentials token of the client's workspace, exchanged for `tenantId`'s token when given. */
export async function sandboxToken(sandboxUrl: string, client: SeedClient, tenantId?: string): Promise<string> {
	const token = await postForm(`${sandboxUrl}/authorization/v2/oauth2/${client.workspaceId}/token`, {
		grant_type: 'client_credentials',
		client_id: client.clientId,
		client_secret: client.clientSecret,
	});
	if (!tenantId) return token;
	return await postForm(`${sandboxUrl}/authorization/v2/oauth2/${tenantId.replace(/-/g, '')}/token`, {
		grant_type: TOKEN_EXCHANGE_GRANT,
		subject_token: token,
		subject_token_type: ACCESS_TOKEN_TYPE,
	});
}

/** `total` of a GreenLake list endpoint (one request with limit=1). */
export async function sandboxTotal(sandboxUrl: string, token: string, path: string): Promise<number> {
	const response = await fetch(`${sandboxUrl}${path}${path.includes('?') ? '&' : '?'}limit=1`, {
		headers: { authorization: `Bearer ${token}` },
	});
	if (!response.ok) throw new Error(`sandbox GET ${path} failed: HTTP ${response.status}`);
	return Number(((await response.json()) as { total: number }).total);
}

/** Devices per tenant workspace of an MSP client, keyed by the tenant id without hyphens. */
export async function sandboxDevicesPerTenant(
	sandboxUrl: string,
	msp: SeedClient,
	tenantIds: string[],
): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const tenantId of tenantIds) {
		const token = await sandboxToken(sandboxUrl, msp, tenantId);
		counts[tenantId.replace(/-/g, '')] = await sandboxTotal(sandboxUrl, token, '/devices/v1/devices');
	}
	return counts;
}
