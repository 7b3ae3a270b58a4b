// The two token issuers: the workspace issuer (/authorization/v2/oauth2/{workspaceId}/token, client
// credentials and RFC 8693 token exchange) and the classic SSO issuer (/as/token.oauth2, client credentials).
// Errors follow RFC 6749 §5.2; the invalid_client text is PingFederate's (greenlake-api.md §1.4 [I]).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { OAuthError } from './errors';
import { CLIENTS } from './seed';
import type { SandboxState } from './state';
import type { TokenRecord } from './tokens';
import type { ClientKind, SeedClient } from './types';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const WORKSPACE_ID = /^[0-9a-f]{32}$/;

export interface TokenRequest {
	method: string;
	headers: IncomingHttpHeaders;
	body: string;
	/** raw {workspaceId} path segment; undefined for the SSO issuer */
	pathWorkspaceId?: string;
}

export interface TokenResponse {
	status: number;
	body: unknown;
	headers: Record<string, string>;
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** Constant-time comparison for secrets of any length (hash first so lengths match). */
function secretEquals(a: string, b: string): boolean {
	const ha = createHash('sha256').update(a).digest();
	const hb = createHash('sha256').update(b).digest();
	return timingSafeEqual(ha, hb) && a.length === b.length;
}

function formDecode(value: string): string {
	try {
		return decodeURIComponent(value.replace(/\+/g, ' '));
	} catch {
		return value;
	}
}

interface Credentials {
	clientId?: string;
	clientSecret?: string;
	/** Basic only: the secret after form-decoding, tried second */
	decodedSecret?: string;
}

/** Credentials from HTTP Basic and/or the body; both present and different is an invalid_request. */
function readCredentials(headers: IncomingHttpHeaders, form: URLSearchParams): Credentials {
	const bodyId = form.get('client_id') ?? undefined;
	const bodySecret = form.get('client_secret') ?? undefined;
	const auth = headers.authorization;
	if (!auth) return { clientId: bodyId, clientSecret: bodySecret };
	const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(auth);
	if (!m)
		throw new OAuthError(
			400,
			'invalid_request',
			'Unsupported Authorization header on the token endpoint',
		);
	const decoded = Buffer.from(m[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) throw new OAuthError(400, 'invalid_request', 'Malformed HTTP Basic credentials');
	// RFC 6749 §2.3.1 form-encodes id and secret before base64; most clients don't. Accept both.
	const rawId = decoded.slice(0, colon);
	const rawSecret = decoded.slice(colon + 1);
	const basicId = CLIENTS.some((c) => c.clientId === rawId) ? rawId : formDecode(rawId);
	if (
		(bodyId !== undefined && bodyId !== basicId) ||
		(bodySecret !== undefined && bodySecret !== rawSecret)
	) {
		throw new OAuthError(
			400,
			'invalid_request',
			'Client credentials were sent both in the body and with HTTP Basic and they differ',
		);
	}
	return { clientId: basicId, clientSecret: rawSecret, decodedSecret: formDecode(rawSecret) };
}

function authenticate(creds: Credentials, workspaceId: string | undefined): SeedClient {
	const invalid = new OAuthError(401, 'invalid_client', 'Invalid client or client credentials');
	const client = CLIENTS.find((c) => c.clientId === creds.clientId);
	if (!client || creds.clientSecret === undefined) throw invalid;
	const ok =
		secretEquals(creds.clientSecret, client.clientSecret) ||
		(creds.decodedSecret !== undefined && secretEquals(creds.decodedSecret, client.clientSecret));
	if (!ok) throw invalid;
	if (workspaceId !== undefined && client.workspaceId !== workspaceId) throw invalid;
	return client;
}

function ttlFor(state: SandboxState, kind: ClientKind): number {
	return state.options.tokenTtlSeconds ?? (kind === 'service' ? 7200 : 900);
}

function success(state: SandboxState, record: TokenRecord): TokenResponse {
	const body: Record<string, unknown> = { access_token: record.token, token_type: 'Bearer' };
	if (!state.options.omitExpiresIn)
		body.expires_in = Math.round((record.expiresAtMs - record.issuedAtMs) / 1000);
	return { status: 200, body, headers: { ...NO_STORE } };
}

function single(form: URLSearchParams, name: string): string | undefined {
	const values = form.getAll(name);
	if (values.length > 1)
		throw new OAuthError(400, 'invalid_request', `Parameter '${name}' was sent more than once`);
	return values[0] === undefined || values[0] === '' ? undefined : values[0];
}

function exchange(state: SandboxState, form: URLSearchParams, tenantId: string): TokenRecord {
	const subjectToken = single(form, 'subject_token');
	const subjectType = single(form, 'subject_token_type');
	if (!subjectToken || !subjectType) {
		throw new OAuthError(
			400,
			'invalid_request',
			'subject_token and subject_token_type are required',
		);
	}
	if (subjectType !== ACCESS_TOKEN_TYPE) {
		throw new OAuthError(400, 'invalid_request', `Unsupported subject_token_type '${subjectType}'`);
	}
	const { state: tokenState, record } = state.tokens.check(subjectToken);
	if (tokenState === 'expired') throw new OAuthError(400, 'invalid_grant', 'subject_token expired');
	if (tokenState !== 'valid' || !record)
		throw new OAuthError(400, 'invalid_grant', 'subject_token is invalid or revoked');
	const tenant = state.workspaces.find(tenantId);
	if (!tenant || tenant.mspId !== record.workspaceId) {
		throw new OAuthError(
			400,
			'invalid_grant',
			`subject_token is not authorized for workspace ${tenantId}`,
		);
	}
	return state.tokens.mint({
		clientId: record.clientId,
		clientKind: 'platform',
		workspaceId: tenant.id,
		issuer: 'workspace',
		ttlSeconds: state.options.tokenTtlSeconds ?? 900,
		actingWorkspaceId: record.workspaceId,
	});
}

/** Handles a request to either issuer; never throws. */
export function handleTokenRequest(state: SandboxState, req: TokenRequest): TokenResponse {
	try {
		return issue(state, req);
	} catch (err) {
		state.counters.data.mints.rejected++;
		if (err instanceof OAuthError) {
			const headers: Record<string, string> = { ...NO_STORE };
			if (err.status === 401) headers['www-authenticate'] = 'Basic realm="greenlake-sandbox"';
			return { status: err.status, body: err.toBody(), headers };
		}
		throw err;
	}
}

function issue(state: SandboxState, req: TokenRequest): TokenResponse {
	if (req.method !== 'POST')
		throw new OAuthError(405, 'invalid_request', 'The token endpoint accepts POST only');
	const workspaceIssuer = req.pathWorkspaceId !== undefined;
	if (workspaceIssuer && !WORKSPACE_ID.test(req.pathWorkspaceId!)) {
		throw new OAuthError(
			400,
			'invalid_request',
			'The workspace id in the token URL must be 32 lowercase hexadecimal characters without hyphens',
		);
	}
	const contentType = String(req.headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	if (contentType !== 'application/x-www-form-urlencoded') {
		throw new OAuthError(
			400,
			'invalid_request',
			'Content-Type must be application/x-www-form-urlencoded',
		);
	}
	const form = new URLSearchParams(req.body);
	const grantType = single(form, 'grant_type');
	if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required');

	if (grantType === 'client_credentials') {
		const creds = readCredentials(req.headers, form);
		if (!creds.clientId || !creds.clientSecret) {
			throw new OAuthError(400, 'invalid_request', 'client_id and client_secret are required');
		}
		single(form, 'client_id');
		single(form, 'client_secret');
		const client = authenticate(creds, req.pathWorkspaceId);
		const record = state.tokens.mint({
			clientId: client.clientId,
			clientKind: client.kind,
			workspaceId: client.workspaceId,
			issuer: workspaceIssuer ? 'workspace' : 'sso',
			ttlSeconds: ttlFor(state, client.kind),
		});
		state.counters.recordMint('clientCredentials', record.workspaceId, record.clientId);
		return success(state, record);
	}
	if (grantType === TOKEN_EXCHANGE_GRANT && workspaceIssuer) {
		// Client credentials are optional here (HPE's samples send none; pycentral sends Basic): ignored.
		const record = exchange(state, form, req.pathWorkspaceId!);
		state.counters.recordMint('tokenExchange', record.workspaceId, record.clientId);
		return success(state, record);
	}
	throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type '${grantType}'`);
}
