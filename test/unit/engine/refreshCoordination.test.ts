// Refresh point, refresh claims and adoption of the token engine (source), with a fake clock: several TokenEngine
// instances stand for the processes of an n8n queue-mode cluster, one object for the credential store they share.
// No network, no n8n: what a real cluster does with this logic is measured by `npm run bench -- --queue`.
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { parseClientConfig, type ClientConfig } from '../../../nodes/shared/auth/clientConfig';
import { storedTokenOf, storedTokenRecord } from '../../../nodes/shared/auth/storedToken';
import {
	claimSettleMs,
	refreshFloorMs,
	refreshLeadMs,
	refreshMarginMs,
	TokenEngine,
	type IssuedToken,
	type StoredToken,
} from '../../../nodes/shared/auth/tokenEngine';
import { SEED } from '../../sandbox';

/** Virtual time: sleeps resolve only when the test advances the clock past them. */
class FakeClock {
	now = 1_700_000_000_000;
	private timers: Array<{ due: number; resolve: () => void }> = [];

	sleep(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => this.timers.push({ due: this.now + ms, resolve }));
	}

	/** Runs every timer due up to `time` (in order, letting the promise chains it wakes run), then sets the clock. */
	async advanceTo(time: number): Promise<void> {
		for (;;) {
			this.timers.sort((a, b) => a.due - b.due);
			const next = this.timers[0];
			if (!next || next.due > time) break;
			this.timers.shift();
			this.now = Math.max(this.now, next.due);
			next.resolve();
			await flush();
		}
		this.now = Math.max(this.now, time);
		await flush();
	}

	async advanceBy(ms: number): Promise<void> {
		await this.advanceTo(this.now + ms);
	}
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const CREDENTIAL: ICredentialDataDecryptedObject = {
	clientId: SEED.clients.standard.clientId,
	clientSecret: SEED.clients.standard.clientSecret,
	workspaceId: SEED.clients.standard.workspaceId,
	issuer: 'workspace',
	baseUrl: 'custom',
	customBaseUrl: 'http://127.0.0.1:9',
	clientAuthentication: 'body',
};

/** A token endpoint answering after `latencyMs`; a token is valid from the request for `ttlSeconds`. */
class FakeIssuer {
	mints = 0;
	private readonly validUntil = new Map<string, number>();

	constructor(
		private readonly clock: FakeClock,
		private readonly ttlSeconds: number,
		private readonly latencyMs: number,
	) {}

	readonly http = async (_options: IHttpRequestOptions): Promise<unknown> => {
		const issuedAt = this.clock.now;
		this.mints += 1;
		const accessToken = `token-${this.mints}`;
		this.validUntil.set(accessToken, issuedAt + this.ttlSeconds * 1000);
		await this.clock.sleep(this.latencyMs);
		return {
			statusCode: 200,
			headers: {},
			body: JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: this.ttlSeconds }),
		};
	};

	accepts(accessToken: string): boolean {
		return (this.validUntil.get(accessToken) ?? 0) > this.clock.now;
	}
}

interface RequestOutcome {
	process: number;
	startedAt: number;
	waitedMs: number;
	accepted: boolean;
	token: string;
}

/**
 * One n8n process: what transport/request.ts does around the engine (re-read the store past the refresh point, claim
 * through the store, persist a token the store does not hold yet), with every credential-store access taking dbMs.
 */
class FakeProcess {
	readonly engine: TokenEngine;

	constructor(
		private readonly index: number,
		private readonly cluster: FakeCluster,
		offset: number,
		private readonly claims = true,
	) {
		this.engine = new TokenEngine(() => cluster.clock.now, `process-${index}`, () => offset);
	}

	private async read(): Promise<StoredToken | undefined> {
		await this.cluster.clock.sleep(this.cluster.dbMs);
		return storedTokenOf(this.cluster.store);
	}

	/** Writes take dbJitterMs longer in each next process. */
	private async write(token: IssuedToken, refreshBy: string): Promise<void> {
		await this.cluster.clock.sleep(this.cluster.dbMs + this.index * this.cluster.dbJitterMs);
		Object.assign(this.cluster.store, storedTokenRecord(token, refreshBy));
	}

	async request(): Promise<RequestOutcome> {
		const { clock, config, issuer } = this.cluster;
		const startedAt = clock.now;
		let stored = storedTokenOf(this.cluster.store); // read with the execution's credentials
		if (this.engine.wantsStoreRead(config, stored)) stored = await this.read();
		const claimRefresh = async (settleMs: number): Promise<StoredToken | undefined> => {
			const held = this.engine.peek(config);
			if (held) await this.write(held, this.engine.processId);
			await this.cluster.clock.sleep(settleMs);
			return await this.read();
		};
		const token = await this.engine.getToken(issuer.http, config, { stored, claimRefresh: this.claims ? claimRefresh : undefined });
		const waitedMs = clock.now - startedAt;
		if (!token.persisted) {
			await this.write(this.engine.peek(config)!, '');
			this.engine.markPersisted(config, token.accessToken);
		}
		return { process: this.index, startedAt, waitedMs, accepted: issuer.accepts(token.accessToken), token: token.accessToken };
	}
}

class FakeCluster {
	readonly clock = new FakeClock();
	readonly store: IDataObject = {};
	readonly config: ClientConfig = parseClientConfig(CREDENTIAL);
	readonly issuer: FakeIssuer;
	readonly processes: FakeProcess[];

	readonly dbMs: number;
	readonly dbJitterMs: number;

	constructor(options: { processes: number; ttlSeconds: number; latencyMs: number; dbMs?: number; dbJitterMs?: number; claims?: boolean }) {
		this.dbMs = options.dbMs ?? 10;
		this.dbJitterMs = options.dbJitterMs ?? 0;
		this.issuer = new FakeIssuer(this.clock, options.ttlSeconds, options.latencyMs);
		this.processes = Array.from(
			{ length: options.processes },
			(_, i) => new FakeProcess(i, this, (i + 0.5) / options.processes, options.claims ?? true),
		);
	}

	/** One request every intervalMs for seconds, each to a process picked by a seeded generator; all outcomes. */
	async traffic(seconds: number, intervalMs: number, seed = 7): Promise<RequestOutcome[]> {
		let state = seed;
		const pick = () => {
			state = (state * 1103515245 + 12345) % 2147483648;
			return Math.floor(state / 65536) % this.processes.length;
		};
		const started = this.clock.now;
		const pending: Array<Promise<RequestOutcome>> = [];
		for (let at = started; at < started + seconds * 1000; at += intervalMs) {
			await this.clock.advanceTo(at);
			pending.push(this.processes[pick()].request());
			await this.clock.advanceBy(0);
		}
		await this.clock.advanceBy(10_000);
		return await Promise.all(pending);
	}
}

describe('token engine: refresh point, claims and adoption across processes (fake clock)', () => {
	it('refresh point: the margin when the issuer is fast, pushed earlier by a slow issuer; floor a tenth of the margin', () => {
		expect(refreshMarginMs(5)).toBe(1_000);
		expect(refreshFloorMs(5)).toBe(100);
		expect(refreshFloorMs(900)).toBe(9_000);
		// fast issuer: the margin, plus the process's offset (up to a tenth of the margin)
		expect(refreshLeadMs(5, 0, 0)).toBe(1_000);
		expect(refreshLeadMs(5, 0, 0.99)).toBe(1_099);
		expect(refreshLeadMs(900, 1_000, 0)).toBe(90_000);
		// issuer answering in 1 s with 5-s tokens: floor + latency + a third of the margin
		expect(refreshLeadMs(5, 1_000, 0)).toBe(1_433);
	});

	it('a token is fresh before the refresh point, refreshing between it and the floor, expired below the floor', async () => {
		const cluster = new FakeCluster({ processes: 1, ttlSeconds: 5, latencyMs: 0 });
		const engine = cluster.processes[0].engine;
		const token = await engine.getToken(cluster.issuer.http, cluster.config);
		const at = (left: number) => ({ ...token, expiresAt: cluster.clock.now + left });
		expect(engine.phase(at(1_051))).toBe('fresh'); // offset 0.5: refresh point 1,050 ms before expiry
		expect(engine.phase(at(1_050))).toBe('refresh');
		expect(engine.phase(at(101))).toBe('refresh');
		expect(engine.phase(at(100))).toBe('expired');
		// Minimum Remaining Lifetime (Token node) raises both
		expect(engine.phase(at(2_000), 3)).toBe('expired');
	});

	it("past its refresh point a process keeps its token while another process's claim is stored: no mint, no wait", async () => {
		const cluster = new FakeCluster({ processes: 1, ttlSeconds: 5, latencyMs: 0 });
		const engine = cluster.processes[0].engine;
		const first = await engine.getToken(cluster.issuer.http, cluster.config);
		await cluster.clock.advanceTo(first.expiresAt - 500);
		const stored = { ...storedTokenOf(storedTokenRecord(first, 'another-process'))! };
		const claimRefresh = jest.fn();
		const held = await engine.getToken(cluster.issuer.http, cluster.config, { stored, claimRefresh });
		expect(held.accessToken).toBe(first.accessToken);
		expect(held.source).toBe('cache');
		expect(claimRefresh).not.toHaveBeenCalled();
		expect(cluster.issuer.mints).toBe(1);
		// below the floor the claim no longer counts: this process mints
		await cluster.clock.advanceTo(first.expiresAt - 100);
		const fresh = await engine.getToken(cluster.issuer.http, cluster.config, { stored, claimRefresh });
		expect(fresh.source).toBe('minted');
		expect(cluster.issuer.mints).toBe(2);
	});

	it('the claim read back decides: another claim keeps the token, a newer token is adopted, our own claim mints once', async () => {
		const cluster = new FakeCluster({ processes: 2, ttlSeconds: 5, latencyMs: 0 });
		const [a, b] = cluster.processes.map((p) => p.engine);
		const first = await a.getToken(cluster.issuer.http, cluster.config);
		await cluster.clock.advanceTo(first.expiresAt - 600);

		const kept = await a.getToken(cluster.issuer.http, cluster.config, {
			claimRefresh: async () => storedTokenOf(storedTokenRecord(first, b.processId)),
		});
		expect([kept.accessToken, kept.source, cluster.issuer.mints]).toEqual([first.accessToken, 'cache', 1]);

		const newer = await b.getToken(cluster.issuer.http, cluster.config);
		expect(cluster.issuer.mints).toBe(2);
		const adopted = await a.getToken(cluster.issuer.http, cluster.config, {
			claimRefresh: async () => storedTokenOf(storedTokenRecord(newer, '')),
		});
		expect([adopted.accessToken, adopted.source, cluster.issuer.mints]).toEqual([newer.accessToken, 'store', 2]);

		await cluster.clock.advanceTo(newer.expiresAt - 600);
		const claimRefresh = jest.fn(async () => storedTokenOf(storedTokenRecord(newer, a.processId)));
		const concurrent = await Promise.all(
			Array.from({ length: 10 }, () => a.getToken(cluster.issuer.http, cluster.config, { claimRefresh })),
		);
		expect(claimRefresh).toHaveBeenCalledTimes(1);
		expect(cluster.issuer.mints).toBe(3);
		expect(new Set(concurrent.map((t) => t.accessToken)).size).toBe(1);
		expect(concurrent[0].accessToken).not.toBe(newer.accessToken);
	});

	it('a failing claim never fails the request: the process mints as it would without claims', async () => {
		const cluster = new FakeCluster({ processes: 1, ttlSeconds: 5, latencyMs: 0 });
		const engine = cluster.processes[0].engine;
		const first = await engine.getToken(cluster.issuer.http, cluster.config);
		await cluster.clock.advanceTo(first.expiresAt - 600);
		const next = await engine.getToken(cluster.issuer.http, cluster.config, {
			claimRefresh: async () => {
				throw new Error('database unavailable');
			},
		});
		expect(next.source).toBe('minted');
		expect(cluster.issuer.mints).toBe(2);
	});

	it('adoption: a newer stored token above the floor is adopted even past the refresh point; older or below the floor is not', async () => {
		const cluster = new FakeCluster({ processes: 2, ttlSeconds: 5, latencyMs: 0 });
		const [a, b] = cluster.processes.map((p) => p.engine);
		const own = await a.getToken(cluster.issuer.http, cluster.config);
		await cluster.clock.advanceBy(100);
		const other = await b.getToken(cluster.issuer.http, cluster.config);
		await cluster.clock.advanceTo(other.expiresAt - 800); // past both refresh points, above the floor
		const adopted = await a.getToken(cluster.issuer.http, cluster.config, {
			stored: storedTokenOf(storedTokenRecord(other, b.processId)),
		});
		expect([adopted.accessToken, adopted.source]).toEqual([other.accessToken, 'store']);
		expect(a.wantsStoreRead(cluster.config)).toBe(true);

		// an older stored token is not adopted over ours
		expect(a.wantsStoreRead(cluster.config, storedTokenOf(storedTokenRecord(own, '')))).toBe(true);
		expect(a.peek(cluster.config)?.accessToken).toBe(other.accessToken);
		// below the floor a stored token is not adopted at all (a process without a token then mints)
		await cluster.clock.advanceTo(own.expiresAt - 50);
		const c = new TokenEngine(() => cluster.clock.now, 'process-c', () => 0.5);
		expect(c.wantsStoreRead(cluster.config, storedTokenOf(storedTokenRecord(own, '')))).toBe(true);
		expect(c.peek(cluster.config)).toBeUndefined();
		expect(c.wantsStoreRead(cluster.config, storedTokenOf(storedTokenRecord(other, '')))).toBe(true);
		expect(c.peek(cluster.config)?.accessToken).toBe(other.accessToken);
	});

	it('a burst: 4 processes past the refresh point at the same instant announce at once; the last claim written wins, one mint', async () => {
		// writes taking 10, 25, 40 and 55 ms: without the settle time each claimer would read its own claim back
		const cluster = new FakeCluster({ processes: 4, ttlSeconds: 5, latencyMs: 300, dbJitterMs: 15 });
		await Promise.all([cluster.processes[0].request(), cluster.clock.advanceBy(400)]);
		const expiresAt = Number(cluster.store.accessTokenExpiresAt);
		await Promise.all(cluster.processes.map((p) => p.request())); // every process adopts the stored token
		await cluster.clock.advanceTo(expiresAt - 700);
		const before = cluster.issuer.mints;
		const burst = cluster.processes.flatMap((p) => [p.request(), p.request()]);
		await cluster.clock.advanceBy(2_000);
		const outcomes = await Promise.all(burst);
		expect(cluster.issuer.mints - before).toBe(1);
		expect(outcomes.filter((o) => !o.accepted)).toEqual([]);
	});

	describe('a simulated cluster: one request every 250 ms to a random process for 20 s, 5-s tokens, one token stored at the start', () => {
		const run = async (processes: number, latencyMs: number, claims = true) => {
			const cluster = new FakeCluster({ processes, ttlSeconds: 5, latencyMs, claims });
			await Promise.all([cluster.processes[0].request(), cluster.clock.advanceBy(latencyMs + 100)]);
			const before = cluster.issuer.mints;
			const outcomes = await cluster.traffic(20, 250);
			return { mints: cluster.issuer.mints - before, outcomes };
		};

		it.each([
			[2, 300],
			[4, 300],
			[2, 1_000],
			[4, 1_000],
		])('%i processes, issuer answering in %i ms: at most 6 mints, every request accepted, none waits longer than its own mint', async (processes, latencyMs) => {
			const { mints, outcomes } = await run(processes, latencyMs);
			expect(outcomes).toHaveLength(80);
			expect(outcomes.filter((o) => !o.accepted)).toEqual([]);
			expect(mints).toBeLessThanOrEqual(6);
			// the longest wait is this process's own store reads, claim and mint: never another process's
			expect(Math.max(...outcomes.map((o) => o.waitedMs))).toBeLessThanOrEqual(latencyMs + 4 * 10 + claimSettleMs(5));
		});

		it('without claims (each process refreshing at its own point), 4 processes and a 1-s issuer mint more than 6 times', async () => {
			const { mints, outcomes } = await run(4, 1_000, false);
			expect(outcomes.filter((o) => !o.accepted)).toEqual([]);
			expect(mints).toBeGreaterThan(6);
		});
	});
});
