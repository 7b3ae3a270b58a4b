// Finding 7: one response with `ratelimit-remaining: 0` and `ratelimit-reset: 86400` made every later call to that
// endpoint in the process fail unsent for a day. Reset hints are held to GreenLake's one-minute windows.
// Unit tests of the BUILT pacer with an injected clock (nowMs arguments): no waiting.
import { distModule, hostileTally } from './robustHarness';

type Headers = Record<string, string>;
interface RateLimitModule {
	RateLimitPacer: new () => { reserve(bucket: string, nowMs?: number): number; observe(bucket: string, headers: Headers, nowMs?: number): void };
	serverRequestedDelayMs(headers: Headers | undefined, body: unknown, nowMs?: number): number | undefined;
}
let RateLimitPacer: RateLimitModule['RateLimitPacer'];
let serverRequestedDelayMs: RateLimitModule['serverRequestedDelayMs'];
beforeAll(async () => {
	({ RateLimitPacer, serverRequestedDelayMs } = await distModule<RateLimitModule>('nodes/shared/http/rateLimit'));
});

const MINUTE_MS = 60_000;

describe('rate-limit reset hints held to a minute (finding 7)', () => {
	const probe = hostileTally('rateLimitHints');

	for (const [label, headers] of [
		['ratelimit-reset: 86400', { 'ratelimit-remaining': '0', 'ratelimit-reset': '86400' }],
		['x-ratelimit-reset as an epoch timestamp', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600' }],
		['ratelimit-reset: 1e308', { 'ratelimit-remaining': '0', 'ratelimit-reset': '1e308' }],
	] as Array<[string, Headers]>) {
		it(`${label}: the pacer holds the endpoint for at most a minute, then sends again`, async () => {
			await probe(async () => {
				const pacer = new RateLimitPacer();
				pacer.observe('b', headers, 0);
				const pause = pacer.reserve('b', 0);
				expect(pause).toBeGreaterThan(0);
				expect(pause).toBeLessThanOrEqual(MINUTE_MS);
				expect(pacer.reserve('b', MINUTE_MS + 1)).toBe(0);
			});
		});
	}

	for (const [label, headers, body] of [
		['a 429 with ratelimit-reset: 86400', { 'ratelimit-reset': '86400' }, undefined],
		['a 429 whose retry_info says 86400 s', {}, { errorDetails: [{ type: 'hpe.greenlake.retry_info', retryAfterSeconds: 86400 }] }],
		['a 429 with Retry-After a day ahead (HTTP date)', { 'retry-after': new Date(86_400_000).toUTCString() }, undefined],
	] as Array<[string, Headers, unknown]>) {
		it(`${label}: the retry waits at most a minute`, async () => {
			await probe(async () => {
				const delay = serverRequestedDelayMs(headers, body, 0);
				expect(delay).toBeDefined();
				expect(delay).toBeGreaterThan(0);
				expect(delay).toBeLessThanOrEqual(MINUTE_MS);
			});
		});
	}

	it('control: an ordinary hint (reset 7 s) is kept as it is', () => {
		const pacer = new RateLimitPacer();
		pacer.observe('b', { 'ratelimit-remaining': '0', 'ratelimit-reset': '7' }, 0);
		expect(pacer.reserve('b', 0)).toBe(7000);
		expect(serverRequestedDelayMs({ 'ratelimit-reset': '7' }, undefined, 0)).toBe(7000);
	});
});
