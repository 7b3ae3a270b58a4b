// Small HTTP helpers for the sandbox tests (global fetch, 127.0.0.1 only).
import type { Sandbox, SeedClient } from '../../sandbox';

export const sleep = (ms: number): Promise<void> =>
	new Promise((resolve) => setTimeout(resolve, ms));

export interface HttpResult<T = any> {
	status: number;
	headers: Headers;
	body: T;
	text: string;
}

async function toResult(res: Response): Promise<HttpResult> {
	const text = await res.text();
	let body: unknown;
	try {
		body = text === '' ? undefined : JSON.parse(text);
	} catch {
		body = undefined;
	}
	return { status: res.status, headers: res.headers, body, text };
}

export function tokenUrl(sb: Sandbox, workspaceId: string): string {
	return `${sb.url}/authorization/v2/oauth2/${workspaceId}/token`;
}

export async function postForm(
	url: string,
	form: Record<string, string>,
	headers: Record<string, string> = {},
): Promise<HttpResult> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
		body: new URLSearchParams(form).toString(),
	});
	return toResult(res);
}

export function basic(id: string, secret: string): string {
	return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** client_credentials at the workspace issuer (body form unless `basicAuth`). */
export function mint(
	sb: Sandbox,
	client: SeedClient,
	opts: { basicAuth?: boolean; workspaceId?: string } = {},
) {
	const url = tokenUrl(sb, opts.workspaceId ?? client.workspaceId);
	if (opts.basicAuth) {
		return postForm(
			url,
			{ grant_type: 'client_credentials' },
			{ authorization: basic(client.clientId, client.clientSecret) },
		);
	}
	return postForm(url, {
		grant_type: 'client_credentials',
		client_id: client.clientId,
		client_secret: client.clientSecret,
	});
}

export async function token(sb: Sandbox, client: SeedClient): Promise<string> {
	const res = await mint(sb, client);
	if (res.status !== 200) throw new Error(`mint failed: ${res.status} ${res.text}`);
	return res.body.access_token as string;
}

export function exchange(
	sb: Sandbox,
	subjectToken: string,
	tenantId: string,
	headers: Record<string, string> = {},
) {
	return postForm(
		tokenUrl(sb, tenantId),
		{
			grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
			subject_token: subjectToken,
			subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
		},
		headers,
	);
}

export async function api(
	sb: Sandbox,
	bearer: string | undefined,
	path: string,
	init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
	const headers: Record<string, string> = { ...(init.headers ?? {}) };
	if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
	const res = await fetch(`${sb.url}${path}`, {
		method: init.method ?? 'GET',
		headers,
		body: init.body,
	});
	return toResult(res);
}

export function jwtPayload(jwt: string): Record<string, any> {
	const parts = jwt.split('.');
	if (parts.length !== 3) throw new Error('not a JWT');
	return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

/** Walks a list endpoint with offset/limit and returns every item. */
export async function collect(
	sb: Sandbox,
	bearer: string,
	path: string,
	limit: number,
): Promise<{ items: any[]; totals: number[] }> {
	const items: any[] = [];
	const totals: number[] = [];
	const sep = path.includes('?') ? '&' : '?';
	for (let offset = 0; ; ) {
		const res = await api(sb, bearer, `${path}${sep}offset=${offset}&limit=${limit}`);
		if (res.status !== 200) throw new Error(`${path} → ${res.status} ${res.text}`);
		items.push(...res.body.items);
		totals.push(res.body.total);
		offset += res.body.items.length;
		if (res.body.items.length === 0 || offset >= res.body.total) break;
	}
	return { items, totals };
}

export function issueSubjects(body: any): string[] {
	return (body?.errorDetails ?? []).flatMap((d: any) =>
		(d.issues ?? []).map((i: any) => i.subject),
	);
}
