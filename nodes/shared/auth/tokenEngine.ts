import { createHash, randomBytes } from 'node:crypto';

import {
	DEFAULT_REFRESH_SKEW_S,
	GREENLAKE_TOKEN_LIFETIME_S,
	MAX_TOKEN_LIFETIME_S,
	SERVICE_TOKEN_LIFETIME_S,
	TOKEN_CACHE_MAX_ENTRIES,
	TOKEN_MINT_DEADLINE_MS,
} from '../config';
import { withinDeadline } from '../http/deadline';
import type { ClientConfig } from './clientConfig';
import { tenantTokenUrl } from './clientConfig';
import { GreenLakeAuthError, TokenRequestError } from './errors';
import { TokenCache } from './tokenCache';
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
	/** How long the issuer took to answer the mint that produced this token, in ms (0 when unknown). */
	mintMs: number;
}

/** A token found in the credential's hidden fields (written there through preAuthentication). */
export interface StoredToken {
	accessToken: string;
	expiresAt: number;
	fingerprint: string;
	/** Lifetime the issuer gave the token (older records lack it: the issuer's default is assumed). */
	lifetimeSeconds?: number;
	/** How long the issuer took to answer the mint, in ms, as measured by the process that minted it. */
	mintMs?: number;
	/** The process (TokenEngine.processId) that announced it is replacing this token, if any. */
	refreshBy?: string;
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
	/**
	 * Called once, inside this process's single flight, before a token that is still usable is replaced: records in
	 * the credential store that this process is refreshing and, `settleMs` later (claims written at the same moment
	 * by other processes have landed by then: the last one wins), returns the record read back. If another process's
	 * claim (or a newer token) is in it, this process keeps its token (or adopts the newer one) instead of minting.
	 */
	claimRefresh?: (settleMs: number) => Promise<StoredToken | undefined>;
}

/** Where a token stands for this process: used as is, refreshed (still usable meanwhile), or unusable. */
export type TokenPhase = 'fresh' | 'refresh' | 'expired';

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
 * Refresh floor: a token is never sent with this little left (a tenth of the margin: 9 s of a 15-minute token). Between
 * the refresh point and the floor a token is still sent while another process, which announced it, mints the next.
 */
export function refreshFloorMs(lifetimeSeconds: number): number {
	return Math.round(refreshMarginMs(lifetimeSeconds) / 10);
}

/** How long a claim is left to settle before it is read back: a tenth of the margin, at most 100 ms. */
export function claimSettleMs(lifetimeSeconds: number): number {
	return Math.min(100, Math.round(refreshMarginMs(lifetimeSeconds) / 10));
}

/**
 * How long before expiry a process starts replacing a token: the margin, or, when the issuer answers slowly, enough
 * for the announcing process to mint and store the next token before the others reach the floor (the issuer's
 * latency plus a third of the margin for the next request to arrive), plus this process's offset (up to a tenth of
 * the margin) so that processes do not all reach their refresh point at the same instant.
 */
export function refreshLeadMs(lifetimeSeconds: number, mintMs: number, processOffset: number): number {
	const margin = refreshMarginMs(lifetimeSeconds);
	const slowIssuerLead = refreshFloorMs(lifetimeSeconds) + mintMs + margin / 3;
	return Math.round(Math.max(margin, slowIssuerLead) + processOffset * (margin / 10));
}

/**
 * The one token engine of the package: every node, the credential and the Token node use the instance exported
 * below, so one process mints one token per credential and workspace per lifetime.
 * - cache keyed by token URL + client ID + secret digest + workspace (a reset secret means a new key);
 * - proactive refresh before expiry (refreshLeadMs); reactive: invalidate() after a 401, then one retry;
 * - single-flight: concurrent callers for one key await one mint;
 * - several processes (n8n queue mode) share a token through the credential store: a process past its refresh point
 *   adopts a newer stored token, keeps its own while another process has announced the refresh (down to the floor),
 *   or announces the refresh itself (claimRefresh) and mints;
 * - MSP: tenant tokens by RFC 8693 exchange of the cached MSP token, one cache entry per tenant;
 * - the cache is bounded (TokenCache: expired entries dropped, least recently used beyond TOKEN_CACHE_MAX_ENTRIES).
 */
export class TokenEngine {
	private readonly cache: TokenCache<CacheEntry>;
	private readonly inFlight = new Map<string, Promise<CacheEntry>>();
	/** How long a caller waits for a mint (its own or another's): a mint that never settles must not hold its waiters. */
	mintWaitMs = TOKEN_MINT_DEADLINE_MS + 5_000;
	/** Digests of tokens the API refused (oldest first), so a stored copy of one is not adopted. */
	private readonly refused = new Set<string>();

	/** Fraction of the margin by which this process refreshes earlier than the base refresh point. */
	private readonly processOffset: number;

	/**
	 * @param processId names this process in refresh claims stored beside the token (not a secret)
	 * @param random source of this process's refresh-point offset
	 * @param maxCachedTokens bound of the token cache
	 */
	constructor(
		private readonly now: () => number = Date.now,
		readonly processId: string = randomBytes(8).toString('hex'),
		random: () => number = Math.random,
		maxCachedTokens: number = TOKEN_CACHE_MAX_ENTRIES,
	) {
		this.processOffset = random();
		this.cache = new TokenCache(maxCachedTokens, now, (entry) => this.phase(entry.token) === 'expired');
	}

	/** How many tokens this process holds (the bound is TOKEN_CACHE_MAX_ENTRIES). */
	get cachedTokenCount(): number {
		return this.cache.size;
	}

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
	 * Whether the credential's own token (cached, or the given stored record) is past this process's refresh point or
	 * missing: the caller should then re-read the credential store first, where another process may have stored a
	 * newer token or announced that it is replacing this one.
	 */
	wantsStoreRead(config: ClientConfig, stored?: StoredToken): boolean {
		const key = this.keyFor(config, config.workspaceId);
		this.adopt(key, config, { stored });
		const cached = this.cache.get(key);
		return !cached || this.phase(cached.token) !== 'fresh';
	}

	/** Where a token stands for this process now (minRemainingSeconds raises both the refresh point and the floor). */
	phase(token: Pick<IssuedToken, 'expiresAt' | 'lifetimeSeconds' | 'mintMs'>, minRemainingSeconds = 0): TokenPhase {
		const left = token.expiresAt - this.now();
		const minimum = minRemainingSeconds * 1000;
		if (left > Math.max(refreshLeadMs(token.lifetimeSeconds, token.mintMs, this.processOffset), minimum)) return 'fresh';
		if (left > Math.max(refreshFloorMs(token.lifetimeSeconds), minimum)) return 'refresh';
		return 'expired';
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

	/** A token that is not expired for this process (fresh or refreshing), from the cache. */
	private current(key: string, minRemainingSeconds?: number): CacheEntry | undefined {
		const cached = this.cache.get(key);
		return cached && this.phase(cached.token, minRemainingSeconds) !== 'expired' ? cached : undefined;
	}

	/** Another process announced (in the stored record) that it is replacing the token. */
	private claimedByOther(stored: StoredToken | undefined): boolean {
		return stored?.refreshBy !== undefined && stored.refreshBy !== '' && stored.refreshBy !== this.processId;
	}

	private async ownToken(http: HttpRequestFn, config: ClientConfig, options: TokenOptions): Promise<IssuedToken> {
		const key = this.keyFor(config, config.workspaceId);
		let held: CacheEntry | undefined;
		if (!options.forceRefresh) {
			const adopted = this.adopt(key, config, options);
			held = this.current(key, options.minRemainingSeconds);
			if (held && this.phase(held.token, options.minRemainingSeconds) === 'fresh') {
				return { ...held.token, source: adopted ? 'store' : 'cache' };
			}
			// Past the refresh point: another process announced it mints the next token, and this one is still good.
			if (held && this.claimedByOther(options.stored)) return { ...held.token, source: adopted ? 'store' : 'cache' };
		}
		let outcome: IssuedToken['source'] = 'minted';
		const token = await this.singleFlight(key, async () => {
			if (held && options.claimRefresh) {
				// Announce the refresh; on any failure to do so, mint anyway (a claim never costs a request).
				const record = await settle(options.claimRefresh(claimSettleMs(held.token.lifetimeSeconds)));
				if (record.ok && this.adopt(key, config, { ...options, stored: record.value })) {
					outcome = 'store';
					return this.cache.get(key)!;
				}
				if (record.ok && this.claimedByOther(record.value)) {
					outcome = 'cache';
					// a newer token adopted meanwhile by another call of this process stays cached
					const latest = this.cache.get(key);
					return latest && latest.token.expiresAt > held.token.expiresAt ? latest : held;
				}
			}
			const requestedAt = this.now();
			const minted = await mintClientCredentialsToken(http, config, this.defaultLifetime(config));
			return { token: this.toToken(minted, config.workspaceId, config.tokenUrl, key, requestedAt, this.now() - requestedAt) };
		});
		return token.source === 'minted' ? { ...token, source: outcome } : token;
	}

	/**
	 * Adopts a token another process persisted when it belongs to this credential, is newer than ours and is above
	 * the floor (past the refresh point it is still worth adopting: all processes then share it and its refresh).
	 */
	private adopt(key: string, config: ClientConfig, options: TokenOptions): IssuedToken | undefined {
		const stored = options.stored;
		if (!stored || stored.fingerprint !== key || stored.accessToken === '' || this.beyondMaxLifetime(stored)) return undefined;
		if (this.refused.has(sha256(stored.accessToken))) return undefined;
		// Lifetime stored with it, or the issuer's default (older records).
		const lifetimeSeconds = stored.lifetimeSeconds ?? this.defaultLifetime(config);
		const mintMs = stored.mintMs ?? 0;
		if (this.phase({ expiresAt: stored.expiresAt, lifetimeSeconds, mintMs }, options.minRemainingSeconds) === 'expired') {
			return undefined;
		}
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
			mintMs,
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
		if (!options.forceRefresh && cached && this.phase(cached.token, options.minRemainingSeconds) === 'fresh') {
			return { ...cached.token, source: 'cache' };
		}
		const issuer = tenantTokenUrl(config, tenantId);
		return await this.singleFlight(key, async () => {
			const parent = await this.ownToken(http, config, { stored: options.stored });
			let requestedAt = this.now();
			let exchanged = await settle(exchangeForTenantToken(http, issuer, parent.accessToken));
			let exchangeMs = this.now() - requestedAt;
			// A refusal with a parent token we did not just mint may mean the parent expired or was revoked:
			// re-mint the parent once and try again (pycentral's rule). A fresh parent's refusal is final.
			if (!exchanged.ok && parent.source !== 'minted' && exchanged.error instanceof TokenRequestError) {
				this.invalidate(config, parent.accessToken);
				const fresh = await this.ownToken(http, config, { forceRefresh: true });
				requestedAt = this.now();
				exchanged = await settle(exchangeForTenantToken(http, issuer, fresh.accessToken));
				exchangeMs = this.now() - requestedAt;
			}
			if (!exchanged.ok) throw exchanged.error;
			return { token: this.toToken(exchanged.value, tenantId, issuer, key, requestedAt, exchangeMs), subjectToken: parent.accessToken };
		});
	}

	/** A stored record claiming more than any token lives is corrupt (or from an absurd issuer answer): not adopted. */
	private beyondMaxLifetime(stored: StoredToken): boolean {
		return stored.expiresAt - this.now() > MAX_TOKEN_LIFETIME_S * 1000;
	}

	private async singleFlight(key: string, mint: () => Promise<CacheEntry>): Promise<IssuedToken> {
		let pending = this.inFlight.get(key);
		const joined = pending !== undefined;
		if (!pending) {
			const started: Promise<CacheEntry> = mint()
				.then((entry) => {
					this.cache.set(key, entry);
					return entry;
				})
				// Only its own entry: after a timed-out wait a newer mint may have taken the slot.
				.finally(() => {
					if (this.inFlight.get(key) === started) this.inFlight.delete(key);
				});
			this.inFlight.set(key, started);
			pending = started;
		}
		const waited = pending;
		const entry = await withinDeadline(waited, this.mintWaitMs, () => {
			// Let the next caller start a fresh mint instead of joining this stuck one.
			if (this.inFlight.get(key) === waited) this.inFlight.delete(key);
			return new GreenLakeAuthError(
				`No token from the token endpoint within ${this.mintWaitMs >= 1000 ? `${Math.round(this.mintWaitMs / 1000)} s` : `${this.mintWaitMs} ms`}`,
				'The token endpoint accepted the request but did not finish answering. Retry later; if it persists, check the network, the proxy and the Token Issuer / Base URL of the credential.',
			);
		});
		return { ...entry.token, source: joined ? 'cache' : 'minted' };
	}

	private defaultLifetime(config: ClientConfig): number {
		// The classic SSO issuer serves HPE service clients whose tokens live 2 h; the workspace issuer 15 min.
		return config.issuer === 'sso' ? SERVICE_TOKEN_LIFETIME_S : GREENLAKE_TOKEN_LIFETIME_S;
	}

	/** `expires_in` counts from when the issuer answered, at the latest: counting from the request errs on the safe side. */
	private toToken(
		minted: MintedToken,
		workspaceId: string,
		issuer: string,
		key: string,
		requestedAt: number,
		mintMs: number,
	): CacheEntry['token'] {
		return {
			accessToken: minted.accessToken,
			tokenType: minted.tokenType,
			expiresAt: requestedAt + minted.lifetimeSeconds * 1000,
			lifetimeSeconds: minted.lifetimeSeconds,
			workspaceId,
			issuer,
			fingerprint: key,
			persisted: false,
			mintMs,
		};
	}
}

export const tokenEngine = new TokenEngine();
