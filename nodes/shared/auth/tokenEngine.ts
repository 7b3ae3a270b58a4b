import { createHash } from 'node:crypto';

import { DEFAULT_REFRESH_SKEW_S, GREENLAKE_TOKEN_LIFETIME_S, SERVICE_TOKEN_LIFETIME_S } from '../config';
import type { ClientConfig } from './clientConfig';
import { tenantTokenUrl } from './clientConfig';
import { GreenLakeAuthError, TokenRequestError } from './errors';
import type { HttpRequestFn, MintedToken } from './grants';
import { exchangeForTenantToken, mintClientCredentialsToken } from './grants';

/** A token and what the engine knows about it. `accessToken` is the only secret field. */
export interface IssuedToken {
	accessToken: string;
	tokenType: string;
	/** Epoch ms. */
	expiresAt: number;
	lifetimeSeconds: number;
	/** The workspace the token acts in (the credential's, or an MSP tenant's). */
	workspaceId: string;
	/** The token endpoint that issued it. */
	issuer: string;
	/** minted now by this call, served from this process's cache, or adopted from n8n's credential store. */
	source: 'minted' | 'cache' | 'store';
	/** Identifies issuer + client + secret + workspace without revealing the secret (stored beside a persisted token). */
	fingerprint: string;
	/** Whether n8n's credential store already holds this token (only the credential's own workspace is stored). */
	persisted: boolean;
}

/** A token found in the credential's hidden fields (written there through preAuthentication). */
export interface StoredToken {
	accessToken: string;
	expiresAt: number;
	fingerprint: string;
	/** Lifetime the issuer gave the token (older records lack it: the issuer's default is assumed). */
	lifetimeSeconds?: number;
}

export interface TokenOptions {
	/** 32-hex tenant workspace id; omitted or equal to the credential's workspace = the credential's own token. */
	workspaceId?: string;
	/** Mint anew unless the token has at least this long left. */
	minRemainingSeconds?: number;
	/** Mint anew even if a usable token is cached. */
	forceRefresh?: boolean;
	/** A token persisted by another process (n8n queue mode) that may be adopted instead of minting. */
	stored?: StoredToken;
}

interface CacheEntry {
	token: Omit<IssuedToken, 'source'>;
	/** For tenant tokens: the MSP token that bought it, so a refusal can tell whether the parent is stale. */
	subjectToken?: string;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return await promise.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

const MAX_REFUSED = 1000;

function sha256(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Refresh margin: a token is used only while more than this is left. The default 60 s, raised to 10 % of the
 * lifetime for long-lived tokens (a request may run that long) and capped at 20 % so that short test tokens remain
 * usable for most of their life.
 */
export function refreshMarginMs(lifetimeSeconds: number, skewSeconds = DEFAULT_REFRESH_SKEW_S): number {
	const margin = Math.min(Math.max(skewSeconds, lifetimeSeconds * 0.1), lifetimeSeconds * 0.2);
	return Math.round(margin * 1000);
}

/**
 * The one token engine of the package: every node, the credential and the Token node use the instance exported
 * below, so one process mints one token per credential and workspace per lifetime.
 * - cache keyed by token URL + client ID + secret digest + workspace (a reset secret means a new key);
 * - proactive refresh before expiry (refreshMarginMs); reactive: invalidate() after a 401, then one retry;
 * - single-flight: concurrent callers for one key await one mint;
 * - MSP: tenant tokens by RFC 8693 exchange of the cached MSP token, one cache entry per tenant.
 */
export class TokenEngine {
	private readonly cache = new Map<string, CacheEntry>();
	private readonly inFlight = new Map<string, Promise<CacheEntry>>();
	/** Digests of tokens the API refused (oldest first), so a stored copy of one is not adopted. */
	private readonly refused = new Set<string>();

	constructor(private readonly now: () => number = Date.now) {}

	/** Returns a token that is good for at least the refresh margin (and minRemainingSeconds), minting if needed. */
	async getToken(http: HttpRequestFn, config: ClientConfig, options: TokenOptions = {}): Promise<IssuedToken> {
		const target = options.workspaceId ?? config.workspaceId;
		const token =
			target === config.workspaceId
				? await this.ownToken(http, config, options)
				: await this.tenantToken(http, config, target, options);
		const minRemainingMs = (options.minRemainingSeconds ?? 0) * 1000;
		if (minRemainingMs > 0 && token.expiresAt - this.now() <= minRemainingMs) {
			throw new GreenLakeAuthError(
				`Minimum Remaining Lifetime of ${options.minRemainingSeconds} s can never be met: this issuer's tokens live ${token.lifetimeSeconds} s`,
				`Set Minimum Remaining Lifetime below ${token.lifetimeSeconds} seconds (GreenLake tokens live 15 minutes; tokens of other HPE services 120 minutes).`,
			);
		}
		return token;
	}

	/**
	 * A usable token for the credential's own workspace from the cache or the given stored record, without minting.
	 * Lets a caller re-read the credential store (another process may just have refreshed) before paying for a mint.
	 */
	usableWithoutMint(config: ClientConfig, stored?: StoredToken): IssuedToken | undefined {
		const key = this.keyFor(config, config.workspaceId);
		const cached = this.cache.get(key);
		if (cached && this.usable(cached.token.expiresAt, cached.token.lifetimeSeconds)) return { ...cached.token, source: 'cache' };
		return this.adopt(key, config, { stored });
	}

	/** The cached token for a workspace, without minting (undefined when none is cached). */
	peek(config: ClientConfig, workspaceId = config.workspaceId): IssuedToken | undefined {
		const entry = this.cache.get(this.keyFor(config, workspaceId));
		return entry ? { ...entry.token, source: 'cache' } : undefined;
	}

	/**
	 * Drops a token after the API refused it (401). Only if it is still the cached one: a concurrent caller may
	 * already have replaced it, and that fresh token must not be thrown away (one mint for N concurrent 401s).
	 */
	invalidate(config: ClientConfig, failedToken: string, workspaceId = config.workspaceId): void {
		const key = this.keyFor(config, workspaceId);
		if (this.cache.get(key)?.token.accessToken === failedToken) this.cache.delete(key);
		// The credential store may still hold it (until someone stores a new one): never adopt it again.
		this.refused.add(sha256(failedToken));
		if (this.refused.size > MAX_REFUSED) this.refused.delete(this.refused.values().next().value as string);
	}

	/** Records that n8n's credential store now holds this token. */
	markPersisted(config: ClientConfig, accessToken: string): void {
		const entry = this.cache.get(this.keyFor(config, config.workspaceId));
		if (entry?.token.accessToken === accessToken) entry.token.persisted = true;
	}

	/** The fingerprint a stored token must carry to be adopted for this credential. */
	fingerprint(config: ClientConfig, workspaceId = config.workspaceId): string {
		return this.keyFor(config, workspaceId);
	}

	clear(): void {
		this.cache.clear();
		this.inFlight.clear();
		this.refused.clear();
	}

	private keyFor(config: ClientConfig, workspaceId: string): string {
		const issuer = workspaceId === config.workspaceId ? config.tokenUrl : tenantTokenUrl(config, workspaceId);
		return sha256([issuer, config.clientId, sha256(config.clientSecret), config.workspaceId, workspaceId].join('\n'));
	}

	private usable(expiresAt: number, lifetimeSeconds: number, minRemainingSeconds = 0): boolean {
		const margin = Math.max(refreshMarginMs(lifetimeSeconds), minRemainingSeconds * 1000);
		return expiresAt - this.now() > margin;
	}

	private async ownToken(http: HttpRequestFn, config: ClientConfig, options: TokenOptions): Promise<IssuedToken> {
		const key = this.keyFor(config, config.workspaceId);
		if (!options.forceRefresh) {
			const cached = this.cache.get(key);
			if (cached && this.usable(cached.token.expiresAt, cached.token.lifetimeSeconds, options.minRemainingSeconds)) {
				return { ...cached.token, source: 'cache' };
			}
			const adopted = this.adopt(key, config, options);
			if (adopted) return adopted;
		}
		return await this.singleFlight(key, async () => {
			const requestedAt = this.now();
			const minted = await mintClientCredentialsToken(http, config, this.defaultLifetime(config));
			return { token: this.toToken(minted, config.workspaceId, config.tokenUrl, key, requestedAt) };
		});
	}

	/** Adopts a token another process persisted, when it belongs to this credential and is fresher than ours. */
	private adopt(key: string, config: ClientConfig, options: TokenOptions): IssuedToken | undefined {
		const stored = options.stored;
		if (!stored || stored.fingerprint !== key || stored.accessToken === '') return undefined;
		if (this.refused.has(sha256(stored.accessToken))) return undefined;
		// Held to the same margin as a token minted here, from the lifetime stored with it (or the issuer's default).
		const lifetimeSeconds = stored.lifetimeSeconds ?? this.defaultLifetime(config);
		if (!this.usable(stored.expiresAt, lifetimeSeconds, options.minRemainingSeconds)) return undefined;
		const cached = this.cache.get(key);
		if (cached && cached.token.expiresAt >= stored.expiresAt) return undefined;
		const token = {
			accessToken: stored.accessToken,
			tokenType: 'Bearer',
			expiresAt: stored.expiresAt,
			lifetimeSeconds,
			workspaceId: config.workspaceId,
			issuer: config.tokenUrl,
			fingerprint: key,
			persisted: true,
		};
		this.cache.set(key, { token });
		return { ...token, source: 'store' };
	}

	private async tenantToken(
		http: HttpRequestFn,
		config: ClientConfig,
		tenantId: string,
		options: TokenOptions,
	): Promise<IssuedToken> {
		const key = this.keyFor(config, tenantId);
		const cached = this.cache.get(key);
		if (!options.forceRefresh && cached && this.usable(cached.token.expiresAt, cached.token.lifetimeSeconds, options.minRemainingSeconds)) {
			return { ...cached.token, source: 'cache' };
		}
		const issuer = tenantTokenUrl(config, tenantId);
		return await this.singleFlight(key, async () => {
			const parent = await this.ownToken(http, config, { stored: options.stored });
			let requestedAt = this.now();
			let exchanged = await settle(exchangeForTenantToken(http, issuer, parent.accessToken));
			// A refusal with a parent token we did not just mint may mean the parent expired or was revoked:
			// re-mint the parent once and try again (pycentral's rule). A fresh parent's refusal is final.
			if (!exchanged.ok && parent.source !== 'minted' && exchanged.error instanceof TokenRequestError) {
				this.invalidate(config, parent.accessToken);
				const fresh = await this.ownToken(http, config, { forceRefresh: true });
				requestedAt = this.now();
				exchanged = await settle(exchangeForTenantToken(http, issuer, fresh.accessToken));
			}
			if (!exchanged.ok) throw exchanged.error;
			return { token: this.toToken(exchanged.value, tenantId, issuer, key, requestedAt), subjectToken: parent.accessToken };
		});
	}

	private async singleFlight(key: string, mint: () => Promise<CacheEntry>): Promise<IssuedToken> {
		let pending = this.inFlight.get(key);
		if (!pending) {
			pending = mint().then(
				(entry) => {
					this.cache.set(key, entry);
					return entry;
				},
			).finally(() => this.inFlight.delete(key));
			this.inFlight.set(key, pending);
			const entry = await pending;
			return { ...entry.token, source: 'minted' };
		}
		const entry = await pending;
		return { ...entry.token, source: 'cache' };
	}

	private defaultLifetime(config: ClientConfig): number {
		// The classic SSO issuer serves HPE service clients whose tokens live 2 h; the workspace issuer 15 min.
		return config.issuer === 'sso' ? SERVICE_TOKEN_LIFETIME_S : GREENLAKE_TOKEN_LIFETIME_S;
	}

	/** `expires_in` counts from when the issuer answered, at the latest: counting from the request errs on the safe side. */
	private toToken(minted: MintedToken, workspaceId: string, issuer: string, key: string, requestedAt: number): CacheEntry['token'] {
		return {
			accessToken: minted.accessToken,
			tokenType: minted.tokenType,
			expiresAt: requestedAt + minted.lifetimeSeconds * 1000,
			lifetimeSeconds: minted.lifetimeSeconds,
			workspaceId,
			issuer,
			fingerprint: key,
			persisted: false,
		};
	}
}

export const tokenEngine = new TokenEngine();
