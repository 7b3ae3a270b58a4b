// Fault injection (status, drop, delay, malformed), latency and peak concurrency.
import { SEED, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, mint, postForm, token } from './helpers';

const { msp, standard } = SEED.clients;
const small = { auditLogs: 20, devices: 20, subscriptions: 5, users: 5, locations: 5 };

describe('sandbox faults', () => {
	let sb: Sandbox;
	let t: string;
	beforeAll(async () => {
		sb = await startSandbox({ sizes: small });
		t = await token(sb, standard);
	});
	afterAll(() => sb.close());
	beforeEach(() => {
		sb.faults.clear();
		sb.resetCounters();
	});

	it('injects status faults on the matching route only, count times', async () => {
		sb.faults.inject({ kind: 'status', status: 503, count: 2, route: '/devices/v1/devices' });
		expect((await api(sb, t, '/locations/v1/locations')).status).toBe(200);
		for (let i = 0; i < 2; i++) {
			const res = await api(sb, t, '/devices/v1/devices?limit=1');
			expect(res.status).toBe(503);
			expect(res.body.httpStatusCode).toBe(503);
			expect(typeof res.body.debugId).toBe('string');
		}
		expect((await api(sb, t, '/devices/v1/devices?limit=1')).status).toBe(200);
		const c = sb.counters();
		expect(c.injected).toBe(2);
		expect(c.requests.byRoute['GET /devices/v1/devices']).toEqual({ '503': 2, '200': 1 });
	});

	it('injects a 429 that is not counted as a rate-limiter 429 and carries no Retry-After by default', async () => {
		sb.faults.inject({ kind: 'status', status: 429, count: 1 });
		const res = await api(sb, t, '/identity/v1/users?limit=1');
		expect(res.status).toBe(429);
		expect(res.body.errorCode).toBe('HPE_GL_ERROR_TOO_MANY_REQUESTS');
		expect(res.headers.get('retry-after')).toBeNull();
		expect(sb.counters().api429).toBe(0);
		expect(sb.counters().injected).toBe(1);
	});

	it('applies route-less faults to token endpoints too, and routes can target one issuer', async () => {
		sb.faults.inject({ kind: 'status', status: 500, count: 1 });
		expect((await mint(sb, msp)).status).toBe(500);
		expect((await mint(sb, msp)).status).toBe(200);
		sb.faults.inject({ kind: 'status', status: 502, count: 1, route: '/as/token.oauth2' });
		expect((await mint(sb, msp)).status).toBe(200);
		const form = {
			grant_type: 'client_credentials',
			client_id: msp.clientId,
			client_secret: msp.clientSecret,
		};
		expect((await postForm(`${sb.url}/as/token.oauth2`, form)).status).toBe(502);
		expect((await postForm(`${sb.url}/as/token.oauth2`, form)).status).toBe(200);
		expect(sb.counters().mints.total).toBe(3);
	});

	it('drops the connection without answering', async () => {
		sb.faults.inject({ kind: 'drop', count: 1, route: '/subscriptions/' });
		await expect(api(sb, t, '/subscriptions/v1/subscriptions')).rejects.toThrow();
		expect((await api(sb, t, '/subscriptions/v1/subscriptions')).status).toBe(200);
		const c = sb.counters();
		expect(c.requests.byRoute['GET /subscriptions/v1/subscriptions']).toEqual({
			dropped: 1,
			'200': 1,
		});
		expect(c.injected).toBe(1);
	});

	it('delays a response and then answers normally', async () => {
		sb.faults.inject({ kind: 'delay', ms: 600, count: 1, route: '/locations/' });
		const start = Date.now();
		const res = await api(sb, t, '/locations/v1/locations?limit=1');
		expect(Date.now() - start).toBeGreaterThanOrEqual(590);
		expect(res.status).toBe(200);
		expect(sb.counters().injected).toBe(1);
		// count: 1 — the next request gets no fault (counted, not timed)
		expect((await api(sb, t, '/locations/v1/locations?limit=1')).status).toBe(200);
		expect(sb.counters().injected).toBe(1);
		expect(sb.counters().requests.byRoute['GET /locations/v1/locations']).toEqual({ '200': 2 });
	});

	it('answers 200 with a body that is not JSON', async () => {
		sb.faults.inject({ kind: 'malformed', count: 1 });
		const res = await fetch(`${sb.url}/devices/v1/devices`, {
			headers: { authorization: `Bearer ${t}` },
		});
		expect(res.status).toBe(200);
		await expect(res.json()).rejects.toThrow();
	});

	it('clears pending faults', async () => {
		sb.faults.inject({ kind: 'status', status: 500, count: 5 });
		sb.faults.clear();
		expect((await api(sb, t, '/locations/v1/locations')).status).toBe(200);
		expect(sb.counters().injected).toBe(0);
	});

	it('rejects invalid faults', () => {
		expect(() => sb.faults.inject({ kind: 'status', status: 404 as 500, count: 1 })).toThrow();
		expect(() => sb.faults.inject({ kind: 'drop', count: 0 })).toThrow();
		expect(() => sb.faults.inject({ kind: 'nope', count: 1 } as never)).toThrow();
	});
});

describe('sandbox latency and concurrency', () => {
	it('adds latencyMs to responses and records peak concurrency', async () => {
		const sb = await startSandbox({ sizes: small, latencyMs: 250 });
		try {
			const t = await token(sb, standard);
			sb.resetCounters();
			const start = Date.now();
			const results = await Promise.all(
				Array.from({ length: 5 }, () => api(sb, t, '/locations/v1/locations?limit=1')),
			);
			expect(results.every((r) => r.status === 200)).toBe(true);
			expect(Date.now() - start).toBeGreaterThanOrEqual(240);
			expect(sb.counters().peakConcurrency).toBe(5);
			await api(sb, t, '/locations/v1/locations?limit=1');
			expect(sb.counters().peakConcurrency).toBe(5);
			sb.resetCounters();
			await api(sb, t, '/locations/v1/locations?limit=1');
			expect(sb.counters().peakConcurrency).toBe(1);
		} finally {
			await sb.close();
		}
	});
});
