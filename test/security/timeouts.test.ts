// Finding 6: wall-clock timeouts. A socket timeout fires only on an idle connection: a response dripping one byte at
// a time ran far past a 1 s Timeout, and a token mint that never settled held every execution waiting on it. Each
// request now ends within its Timeout (abort signal), Timeout reaches the audit-log pager and the async-operation
// poller, and waiting on a shared mint is bounded.
//
// Ceilings below are generous (20 s for a 1 s Timeout): they only matter when the request would otherwise run on for
// the minutes the drip lasts. Counters, not durations, carry the other assertions.
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { NODE_NAME, UNIT_CONFIG, distModule, failureText, figure, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';

const CEILING_MS = 20_000;
/** 1 byte every 100 ms: a device record (~600 bytes) takes a minute; the audit page far longer. */
const DRIP = { kind: 'drip' as const, intervalMs: 100, bytes: 1 };

describe('wall-clock timeouts (finding 6)', () => {
	let robust: Robust;
	let deviceId: string;
	const probe = hostileTally('timeouts');

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: 10, auditLogs: 30, users: 5, subscriptions: 5, locations: 5 }, asyncOperationPolls: 3, asyncOperationMs: 60_000 });
		const list = await robust.run(robust.node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 1 }));
		deviceId = String(list.output(NODE_NAME)[0].id);
	});
	afterAll(async () => {
		await robust?.sandbox.close();
	});
	beforeEach(() => robust.reset());

	async function timed<T>(body: () => Promise<T>): Promise<{ value: T; ms: number }> {
		const started = Date.now();
		const value = await body();
		return { value, ms: Date.now() - started };
	}

	it('Device → Get, a response dripping 1 byte / 100 ms, Timeout 1 s, no retries: fails naming the Timeout, well before the drip ends', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ ...DRIP, count: 1, route: '/devices/v1/devices/' });
			const { value: result, ms } = await timed(() =>
				robust.run(robust.node({ resource: 'device', operation: 'get', id: deviceId, requestOptions: { timeoutMs: 1000, maxRetries: 0 } })),
			);
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/did not answer GET \/devices\/v1\/devices\/[^ ]+ within the Timeout of 1000 ms/);
			expect(failureText(result)).toMatch(/Request Options → Timeout/);
			expect(robust.sandbox.counters().injected).toBe(1);
			expect(ms).toBeLessThan(CEILING_MS);
			figure(`drip vs Timeout 1 s: failed after ${(ms / 1000).toFixed(1)} s`);
		});
	});

	it('the same drip once, default retries: the GET is retried after the timeout and the item succeeds', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ ...DRIP, count: 1, route: '/devices/v1/devices/' });
			const { value: result, ms } = await timed(() =>
				robust.run(robust.node({ resource: 'device', operation: 'get', id: deviceId, requestOptions: { timeoutMs: 1000 } })),
			);
			expect(result.nodeError(NODE_NAME)).toBeUndefined();
			expect(result.output(NODE_NAME)[0].id).toBe(deviceId);
			expect(robust.routeCount('GET /devices/v1/devices/{id}', '200')).toBe(2);
			expect(ms).toBeLessThan(CEILING_MS);
		});
	});

	it('Audit Log → Get Many honours Timeout (the pager used to drop it)', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ ...DRIP, count: 1, route: '/audit-log/' });
			const { value: result, ms } = await timed(() =>
				robust.run(robust.node({ resource: 'auditLog', operation: 'getMany', returnAll: true, requestOptions: { timeoutMs: 1000, maxRetries: 0 } })),
			);
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/within the Timeout of 1000 ms/);
			expect(ms).toBeLessThan(CEILING_MS);
		});
	});

	it('Device → Update with Wait for Completion: the async-operation poller honours Timeout (it used to drop it)', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ ...DRIP, count: 1, route: '/devices/v1/async-operations/' });
			const { value: result, ms } = await timed(() =>
				robust.run(
					robust.node({
						resource: 'device',
						operation: 'update',
						deviceIds: deviceId,
						patch: JSON.stringify({ subscription: [] }),
						waitForCompletion: true,
						requestOptions: { timeoutMs: 1000, maxRetries: 0 },
					}),
				),
			);
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/did not answer GET \/devices\/v1\/async-operations\/[^ ]+ within the Timeout of 1000 ms/);
			expect(ms).toBeLessThan(CEILING_MS);
		});
	});
});

describe('a dripping token endpoint (in-process workflows)', () => {
	const probe = hostileTally('timeouts-token');
	let robust: Robust;

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: 5, auditLogs: 5, users: 5, subscriptions: 5, locations: 5 } });
	});
	afterAll(async () => {
		await robust?.sandbox.close();
	});

	// 1 byte / 200 ms: a token answer (~500 bytes) would take well over a minute and a half.
	it('3 workflows waiting on one mint whose answer drips for 90+ s: the attempt is cut at 30 s, retried, all 3 succeed', async () => {
		await probe(async () => {
			robust.reset();
			robust.sandbox.faults.inject({ kind: 'drip', intervalMs: 200, bytes: 1, count: 1, route: '/token' });
			const started = Date.now();
			const runs = await Promise.all([0, 1, 2].map(() => robust.run(robust.node({ resource: 'workspace', operation: 'get' }))));
			const ms = Date.now() - started;
			expect(runs.map((run) => run.status)).toEqual(['success', 'success', 'success']);
			// One dripping attempt and one retry serve all three (single flight); nothing waited for the whole drip.
			expect(robust.routeCount('POST /authorization/v2/oauth2/{id}/token', '200')).toBe(2);
			expect(robust.sandbox.counters().injected).toBe(1);
			expect(ms).toBeLessThan(60_000);
			figure(`dripping token endpoint: 3 workflows done after ${(ms / 1000).toFixed(1)} s (token attempt limit 30 s, drip 90+ s)`);
		});
	});
});

describe('a shared mint that never settles (unit, TokenEngine from dist, no network)', () => {
	const probe = hostileTally('timeouts-mint');
	type Engine = new (now?: () => number) => {
		mintWaitMs: number;
		getToken(http: (options: IHttpRequestOptions) => Promise<unknown>, config: IDataObject, options?: IDataObject): Promise<IDataObject>;
	};
	let TokenEngine: Engine;
	const config = UNIT_CONFIG;
	beforeAll(async () => {
		({ TokenEngine } = await distModule<{ TokenEngine: Engine }>('nodes/shared/auth/tokenEngine'));
	});

	it('3 callers waiting on a mint that never answers all fail with a clear error; the next caller starts a new mint', async () => {
		await probe(async () => {
			const sent: IHttpRequestOptions[] = [];
			const never = async (options: IHttpRequestOptions) => {
				sent.push(options);
				return await new Promise(() => {});
			};
			const engine = new TokenEngine();
			engine.mintWaitMs = 50;
			const waits = await Promise.allSettled([engine.getToken(never, config), engine.getToken(never, config), engine.getToken(never, config)]);
			expect(waits.map((wait) => wait.status)).toEqual(['rejected', 'rejected', 'rejected']);
			for (const wait of waits) expect(String((wait as PromiseRejectedResult).reason.message)).toMatch(/No token from the token endpoint within 50 ms/);
			// Single flight: one request for the three callers.
			expect(sent).toHaveLength(1);
			// The stuck mint is not joined again.
			await expect(engine.getToken(never, config)).rejects.toThrow(/No token/);
			expect(sent).toHaveLength(2);
		});
	});

	it('every token request carries a wall-clock abort signal and a timeout of at most 30 s', async () => {
		await probe(async () => {
			const sent: IHttpRequestOptions[] = [];
			const answer = async (options: IHttpRequestOptions) => {
				sent.push(options);
				return { statusCode: 200, headers: {}, body: { access_token: 'tok-abcdefghijkl', token_type: 'Bearer', expires_in: 900 } };
			};
			await new TokenEngine().getToken(answer, config);
			expect(sent).toHaveLength(1);
			expect(sent[0].abortSignal).toBeInstanceOf(AbortSignal);
			expect((sent[0].abortSignal as AbortSignal).aborted).toBe(false);
			expect(sent[0].timeout).toBeGreaterThan(0);
			expect(sent[0].timeout).toBeLessThanOrEqual(30_000);
		});
	});
});
