// Fixed-window rate limiting: headers, 429 body, Retry-After option, sentWhileExhausted, isolation.
import { DEFAULT_RATE_LIMITS, SEED, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, sleep, token } from './helpers';

const { msp, standard } = SEED.clients;
const small = { auditLogs: 20, devices: 20, subscriptions: 5, users: 5, locations: 5 };
const WINDOW_S = 2;

/** Waits until just after a window boundary so a burst never straddles two windows. */
async function alignToWindow(seconds = WINDOW_S): Promise<void> {
	const ms = seconds * 1000;
	await sleep(ms - (Date.now() % ms) + 30);
}

describe('sandbox rate limiting', () => {
	let sb: Sandbox;
	let t: string;
	let deviceId: string;
	beforeAll(async () => {
		sb = await startSandbox({
			sizes: small,
			rateWindowSeconds: WINDOW_S,
			rateLimits: { 'devices.get': 3 },
		});
		t = await token(sb, standard);
		deviceId = (await api(sb, t, '/devices/v1/devices?limit=1')).body.items[0].id;
	});
	afterAll(() => sb.close());

	it('sends ratelimit headers and answers 429 with retry_info once the bucket is empty', async () => {
		await alignToWindow();
		sb.resetCounters();
		const remaining: string[] = [];
		for (let i = 0; i < 3; i++) {
			const res = await api(sb, t, `/devices/v1/devices/${deviceId}`);
			expect(res.status).toBe(200);
			expect(res.headers.get('ratelimit-limit')).toBe('3');
			const reset = Number(res.headers.get('ratelimit-reset'));
			expect(Number.isInteger(reset)).toBe(true);
			expect(reset).toBeGreaterThanOrEqual(1);
			expect(reset).toBeLessThanOrEqual(WINDOW_S);
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
		await sleep(Number(limited.headers.get('ratelimit-reset')) * 1000 + 50);
		const again = await api(sb, t, `/devices/v1/devices/${deviceId}`);
		expect(again.status).toBe(200);
		expect(again.headers.get('ratelimit-remaining')).toBe('2');
	});

	it('keeps sentWhileExhausted at 0 for a client that waits out ratelimit-reset', async () => {
		await alignToWindow();
		sb.resetCounters();
		for (let i = 0; i < 5; i++) {
			const res = await api(sb, t, `/devices/v1/devices/${deviceId}`);
			expect(res.status).toBe(200);
			if (res.headers.get('ratelimit-remaining') === '0')
				await sleep(Number(res.headers.get('ratelimit-reset')) * 1000 + 20);
		}
		expect(sb.counters().sentWhileExhausted).toBe(0);
		expect(sb.counters().api429).toBe(0);
	});

	it('uses the documented per-minute defaults', async () => {
		const res = await api(sb, t, '/subscriptions/v1/subscriptions');
		expect(res.headers.get('ratelimit-limit')).toBe('60');
		expect((await api(sb, t, '/devices/v1/devices?limit=1')).headers.get('ratelimit-limit')).toBe(
			'160',
		);
		expect(
			(await api(sb, t, '/audit-log/v2beta1/logs?limit=1')).headers.get('ratelimit-limit'),
		).toBe('300');
		expect(DEFAULT_RATE_LIMITS['devices.patch']).toBe(40);
		expect(DEFAULT_RATE_LIMITS['audit.get']).toBe(80);
		expect(DEFAULT_RATE_LIMITS['subscriptions.get']).toBe(20);
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
		const sb = await startSandbox({
			sizes: small,
			rateWindowSeconds: WINDOW_S,
			rateLimits: { 'locations.list': 1 },
			retryAfterHeader: true,
		});
		try {
			const t = await token(sb, standard);
			await alignToWindow();
			expect((await api(sb, t, '/locations/v1/locations')).status).toBe(200);
			const limited = await api(sb, t, '/locations/v1/locations');
			expect(limited.status).toBe(429);
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
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
