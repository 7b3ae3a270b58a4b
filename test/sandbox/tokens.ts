// Issued-token registry. Tokens are JWT-shaped (header.payload.signature, base64url) so clients can read
// `exp`; validity is decided by this registry, not by the signature, so any tampering yields "unknown token".
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { ClientKind } from './types';

export type TokenIssuer = 'workspace' | 'sso';

export interface TokenRecord {
	token: string;
	clientId: string;
	clientKind: ClientKind;
	workspaceId: string;
	issuer: TokenIssuer;
	/** set on tokens minted by token exchange: the MSP workspace of the subject token */
	actingWorkspaceId?: string;
	issuedAtMs: number;
	expiresAtMs: number;
	revoked: boolean;
}

export type TokenState = 'valid' | 'unknown' | 'revoked' | 'expired';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class TokenStore {
	private readonly key = randomBytes(32);
	private readonly tokens = new Map<string, TokenRecord>();

	constructor(
		private readonly baseUrl: () => string,
		private readonly clock: Clock,
	) {}

	mint(input: {
		clientId: string;
		clientKind: ClientKind;
		workspaceId: string;
		issuer: TokenIssuer;
		ttlSeconds: number;
		actingWorkspaceId?: string;
	}): TokenRecord {
		const now = this.clock.now();
		const iat = Math.floor(now / 1000);
		const payload: Record<string, unknown> = {
			iss:
				input.issuer === 'sso'
					? `${this.baseUrl()}/as`
					: `${this.baseUrl()}/authorization/v2/oauth2/${input.workspaceId}`,
			sub: input.clientId,
			client_id: input.clientId,
			aud: 'external_api',
			hpe_workspace_id: input.workspaceId,
			platform_customer_id: input.workspaceId,
			hpe_token_type: input.issuer === 'sso' ? 'api-v1.1' : 'api-v1.2',
			jti: randomUUID(),
			iat,
			// Floor keeps the JWT exp at or before the server-side expiry, so exp-based refresh is never late.
			exp: Math.floor((now + input.ttlSeconds * 1000) / 1000),
		};
		if (input.actingWorkspaceId) payload.act = { sub: input.actingWorkspaceId };
		const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT', kid: 'greenlake-sandbox' })}.${b64url(payload)}`;
		const signature = createHmac('sha256', this.key).update(unsigned).digest('base64url');
		const record: TokenRecord = {
			token: `${unsigned}.${signature}`,
			clientId: input.clientId,
			clientKind: input.clientKind,
			workspaceId: input.workspaceId,
			issuer: input.issuer,
			actingWorkspaceId: input.actingWorkspaceId,
			issuedAtMs: now,
			expiresAtMs: now + input.ttlSeconds * 1000,
			revoked: false,
		};
		this.tokens.set(record.token, record);
		return record;
	}

	check(token: string): { state: TokenState; record?: TokenRecord } {
		const record = this.tokens.get(token);
		if (!record) return { state: 'unknown' };
		if (record.revoked) return { state: 'revoked', record };
		if (this.clock.now() >= record.expiresAtMs) return { state: 'expired', record };
		return { state: 'valid', record };
	}

	revokeAll(): void {
		for (const record of this.tokens.values()) record.revoked = true;
	}
}
