// The token engine's cache stays bounded when one process serves thousands of MSP tenants (fake clock, fake issuer,
// no network): at most TOKEN_CACHE_MAX_ENTRIES tokens, least recently used dropped first, expired ones dropped, while a
// tenant in use keeps its token (no extra exchange) and the MSP token is minted once.
import type { IHttpRequestOptions } from 'n8n-workflow';
import { createHash } from 'node:crypto';

import { parseClientConfig } from '../../../nodes/shared/auth/clientConfig';
import { TokenCache } from '../../../nodes/shared/auth/tokenCache';
import { TokenEngine } from '../../../nodes/shared/auth/tokenEngine';
import { TOKEN_CACHE_MAX_ENTRIES, TOKEN_EXCHANGE_GRANT } from '../../../nodes/shared/config';
import { SEED } from '../../sandbox';

const TENANTS = 5000;
const LIFETIME_S = 900;
const tenantId = (n: number) => createHash('sha256').update(`tenant-${n}`).digest('hex').slice(0, 32);
const figure = (text: string) => process.stdout.write(`[figures] ${text}\n`);

/** Answers client-credentials mints and tenant exchanges at once; counts both. */
class FakeIssuer {
	mints = 0;
	exchanges = 0;

	readonly http = async (options: IHttpRequestOptions): Promise<unknown> => {
		const form = options.body as URLSearchParams;
		const exchange = form.get('grant_type') === TOKEN_EXCHANGE_GRANT;
		const accessToken = exchange ? `tenant-token-${++this.exchanges}` : `msp-token-${++this.mints}`;
		return {
			statusCode: 200,
			headers: {},
			body: JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: LIFETIME_S }),
		};
	};
}

describe('token engine: bounded tenant token cache', () => {
	const config = parseClientConfig({
		clientId: SEED.clients.msp.clientId,
		clientSecret: SEED.clients.msp.clientSecret,
		workspaceId: SEED.clients.msp.workspaceId,
		issuer: 'workspace',
		baseUrl: 'custom',
		customBaseUrl: 'http://127.0.0.1:9',
		clientAuthentication: 'body',
	});

	it(`5,000 distinct tenants: at most ${TOKEN_CACHE_MAX_ENTRIES} tokens cached, a tenant in use never re-exchanged`, async () => {
		let now = 1_700_000_000_000;
		const engine = new TokenEngine(() => now, 'process-1', () => 0);
		const issuer = new FakeIssuer();
		const favourite = tenantId(0);
		const first = await engine.getToken(issuer.http, config, { workspaceId: favourite });
		expect(first.source).toBe('minted');
		let peak = 0;
		for (let n = 1; n <= TENANTS; n++) {
			now += 10; // 50 s in all: nothing expires, only the cap bounds the cache
			const token = await engine.getToken(issuer.http, config, { workspaceId: tenantId(n) });
			expect(token.source).toBe('minted');
			if (n % 100 === 0) {
				const again = await engine.getToken(issuer.http, config, { workspaceId: favourite });
				expect(again).toMatchObject({ source: 'cache', accessToken: first.accessToken });
			}
			peak = Math.max(peak, engine.cachedTokenCount);
		}
		expect(peak).toBeLessThanOrEqual(TOKEN_CACHE_MAX_ENTRIES);
		expect(engine.cachedTokenCount).toBe(TOKEN_CACHE_MAX_ENTRIES);
		// one exchange per tenant and none more: the favourite was served from the cache every time
		expect(issuer.exchanges).toBe(TENANTS + 1);
		// the MSP token, used for every exchange, was never the least recently used one
		expect(issuer.mints).toBe(1);
		expect(engine.peek(config, favourite)?.accessToken).toBe(first.accessToken);
		figure(
			`token cache: ${TENANTS} tenants → ${engine.cachedTokenCount} entries (peak ${peak}, bound ${TOKEN_CACHE_MAX_ENTRIES}), ${issuer.exchanges} exchanges, ${issuer.mints} MSP mint`,
		);

		// An early tenant not used since was dropped (least recently used): it costs one new exchange.
		expect(engine.peek(config, tenantId(1))).toBeUndefined();
		const exchanges = issuer.exchanges;
		expect((await engine.getToken(issuer.http, config, { workspaceId: tenantId(1) })).source).toBe('minted');
		expect(issuer.exchanges).toBe(exchanges + 1);

		// Past the tokens' lifetime, the next token stored sweeps every expired one out.
		now += (LIFETIME_S + 60) * 1000;
		await engine.getToken(issuer.http, config, { workspaceId: tenantId(TENANTS + 1) });
		expect(engine.cachedTokenCount).toBe(2); // the MSP's new token and this tenant's
		expect(issuer.mints).toBe(2);
		figure(`token cache after the lifetime passed: ${engine.cachedTokenCount} entries`);
	});

	it('TokenCache: a read makes an entry the most recently used; expired entries go at the sweep interval', () => {
		let now = 0;
		const cache = new TokenCache<{ until: number }>(3, () => now, (entry) => entry.until <= now, 1000);
		for (const key of ['a', 'b', 'c']) cache.set(key, { until: 5000 });
		expect(cache.get('a')).toBeDefined();
		cache.set('d', { until: 500 });
		expect(cache.size).toBe(3);
		expect(cache.get('b')).toBeUndefined(); // the least recently used
		expect(cache.get('a')).toBeDefined();
		now = 600; // d expired, but the sweep interval has not passed
		cache.set('e', { until: 5000 });
		expect(cache.size).toBe(3);
		now = 1000;
		cache.set('f', { until: 5000 });
		expect(['a', 'c', 'd', 'e', 'f'].filter((key) => cache.get(key) !== undefined)).toEqual(['a', 'e', 'f']);
	});
});
