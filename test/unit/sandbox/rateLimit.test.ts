// Fixed-window rate limiting: headers, 429 body, Retry-After option, sentWhileExhausted, isolation. The sandbox's
// clock stands still at the start of a window during a burst and is moved past the reset by hand: no burst can
// straddle two windows however slowly the machine runs it.
import { DEFAULT_RATE_LIMITS, SEED, startSandbox, TestClock } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, token } from './helpers';

const { msp, standard } = SEED.clients;
const small = { auditLogs: 20, devices: 20, subscriptions: 5, users: 5, locations: 5 };
const WINDOW_S = 2;

describe('sandbox rate limiting', () => {
	let sb: Sandbox;
	let t: string;
	let deviceId: string;
	const clock = new TestClock();
	beforeAll(async () => {
		sb = await startSandbox({
			sizes: small,
			rateWindowSeconds: WINDOW_S,
			rateLimits: { 'devices.get': 3 },
			clock,
		});
		t = await token(sb, standard);
		deviceId = (await api(sb, t, '/devices/v1/devices?limit=1')).body.items[0].id;
	});
	beforeEach(() => clock.freezeAtWindowStart(WINDOW_S));
	afterAll(() => sb.close());

	it('sends ratelimit headers and answers 429 with retry_info once the bucket is empty', async () => {
		sb.resetCounters();
		const remaining: string[] = [];
		for (let i = 0; i < 3; i++) {
			const res = await api(sb, t, `/devices/v1/devices/${deviceId}`);
			expect(res.status).toBe(200);
			expect(res.headers.get('ratelimit-limit')).toBe('3');
			const reset = Number(res.headers.get('ratelimit-reset'));
			expect(Number.isInteger(reset)).toBe(true);
			expect(reset).toBe(WINDOW_S);
			remaining.push(res.headers.get('ratelimit-remaining')!);
		}
		expect(remaining).toEqual(['2', '1', '0']);
		expect(sb.counters().sentWhileExhausted).toBe(0);

		const limited = await api(sb, t, `/devices/v1/devices/${deviceId}`);
		expect(limited.status).toBe(429);
		expect(limited.body.errorCode).toBe('HPE_GL_ERROR_TOO_MANY_REQUESTS');
		expect(limited.body.httpStatusCode).toBe(429);
		const retry = limited.body.errorDetails.find((d: any) => d.type === 'hpe.greenlake.retry_info');
		expect(retry.retryAfterSeconds).toBeGreaterThanOrEqual(1);
		expect(limited.headers.get('retry-after')).toBeNull();
		expect(limited.headers.get('ratelimit-remaining')).toBe('0');
		await api(sb, t, `/devices/v1/devices/${deviceId}`);
		const c = sb.counters();
		expect(c.api429).toBe(2);
		expect(c.sentWhileExhausted).toBe(2);
		expect(c.requests.byRoute['GET /devices/v1/devices/{id}']).toEqual({ '200': 3, '429': 2 });

		// Other buckets and other workspaces are unaffected.
		expect((await api(sb, t, '/devices/v1/devices?limit=1')).status).toBe(200);
		const other = await token(sb, msp);
		const otherId = (await api(sb, other, '/devices/v1/devices?limit=1')).body.items[0].id;
		expect((await api(sb, other, `/devices/v1/devices/${otherId}`)).status).toBe(200);

		// After the reset the bucket refills.
		clock.advance(Number(limited.headers.get('ratelimit-reset')) * 1000);
		const again = await api(sb, t, `/devices/v1/devices/${deviceId}`);
		expect(again.status).toBe(200);
		expect(again.headers.get('ratelimit-remaining')).toBe('2');
	});

	it('keeps sentWhileExhausted at 0 for a client that waits out ratelimit-reset', async () => {
		sb.resetCounters();
		for (let i = 0; i < 5; i++) {
			const res = await api(sb, t, `/devices/v1/devices/${deviceId}`);
			expect(res.status).toBe(200);
			if (res.headers.get('ratelimit-remaining') === '0')
				clock.advance(Number(res.headers.get('ratelimit-reset')) * 1000);
		}
		expect(sb.counters().sentWhileExhausted).toBe(0);
		expect(sb.counters().api429).toBe(0);
	});

	it('answers with the documented per-minute limits (greenlake-api.md §3–4) in ratelimit-limit', async () => {
		const missing = '00000000000000000000000000000000';
		const limitOf = async (path: string, init: { method?: string; body?: string } = {}) =>
			(await api(sb, t, path, init)).headers.get('ratelimit-limit');
		expect(await limitOf('/subscriptions/v1/subscriptions')).toBe('60');
		expect(await limitOf(`/subscriptions/v1/subscriptions/${missing}`)).toBe('20');
		expect(await limitOf('/devices/v1/devices?limit=1')).toBe('160');
		expect(await limitOf(`/devices/v1/async-operations/${missing}`)).toBe('90');
		// an invalid PATCH is refused after the rate limit counted it
		expect(await limitOf(`/devices/v1/devices?id=${missing}`, { method: 'PATCH', body: 'not json' })).toBe('40');
		expect(await limitOf('/audit-log/v2beta1/logs?limit=1')).toBe('300');
		expect(await limitOf(`/audit-log/v2beta1/logs/${missing}`)).toBe('80');
		// the devices.get limit of this sandbox is overridden (3); its default is the documented 40
		expect(DEFAULT_RATE_LIMITS['devices.get']).toBe(40);
	});

	it('does not rate-limit the token endpoint', async () => {
		for (let i = 0; i < 5; i++) {
			const res = await fetch(`${sb.url}/as/token.oauth2`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'client_credentials',
					client_id: standard.clientId,
					client_secret: standard.clientSecret,
				}),
			});
			expect(res.status).toBe(200);
			expect(res.headers.get('ratelimit-limit')).toBeNull();
		}
	});
});

describe('sandbox rate limiting options', () => {
	it('adds Retry-After when retryAfterHeader is set', async () => {
		const clock = new TestClock();
		const sb = await startSandbox({
			sizes: small,
			rateWindowSeconds: WINDOW_S,
			rateLimits: { 'locations.list': 1 },
			retryAfterHeader: true,
			clock,
		});
		try {
			const t = await token(sb, standard);
			clock.freezeAtWindowStart(WINDOW_S);
			expect((await api(sb, t, '/locations/v1/locations')).status).toBe(200);
			const limited = await api(sb, t, '/locations/v1/locations');
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe(String(WINDOW_S));
		} finally {
			await sb.close();
		}
	});

	it('disables limiting (and its headers) with rateLimits: false', async () => {
		const sb = await startSandbox({ sizes: small, rateLimits: false });
		try {
			const t = await token(sb, standard);
			const device = (await api(sb, t, '/devices/v1/devices?limit=1')).body.items[0].id;
			for (let i = 0; i < 45; i++) {
				const res = await api(sb, t, `/devices/v1/devices/${device}`);
				expect(res.status).toBe(200);
				expect(res.headers.get('ratelimit-limit')).toBeNull();
			}
			expect(sb.counters().api429).toBe(0);
		} finally {
			await sb.close();
		}
	});
});
