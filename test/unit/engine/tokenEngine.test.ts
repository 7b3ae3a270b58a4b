// The token engine and credential parsing of the BUILT package (dist), driven directly: tokens are requested with a
// small fetch-based http function against the GreenLake sandbox, so single-flight, refresh and MSP exchange are
// measured at the issuer (sandbox counters) without n8n in between. Run `npm run build` first.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

import type { ICredentialDataDecryptedObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { SEED, startSandbox, type Sandbox, type SeedClient } from '../../sandbox';

// GLPKG: an alternative built copy of the package (lets these tests run while another build rewrites dist/).
const REPO = process.env.GLPKG ?? resolve(__dirname, '../../..');

// Types of the dist modules (kept local: the tests load the compiled files, exactly what n8n loads).
interface ClientConfig {
	clientId: string;
	clientSecret: string;
	workspaceId: string;
	issuer: string;
	tokenUrl: string;
	baseUrl: string;
	clientAuthentication: string;
}
interface IssuedToken {
	accessToken: string;
	expiresAt: number;
	lifetimeSeconds: number;
	workspaceId: string;
	issuer: string;
	source: 'minted' | 'cache' | 'store';
	fingerprint: string;
}
type HttpFn = (options: IHttpRequestOptions) => Promise<unknown>;
interface TokenOptions {
	workspaceId?: string;
	forceRefresh?: boolean;
	minRemainingSeconds?: number;
	stored?: { accessToken: string; expiresAt: number; fingerprint: string };
}
interface Engine {
	getToken(http: HttpFn, config: ClientConfig, options?: TokenOptions): Promise<IssuedToken>;
	peek(config: ClientConfig, workspaceId?: string): IssuedToken | undefined;
	invalidate(config: ClientConfig, failedToken: string, workspaceId?: string): void;
	fingerprint(config: ClientConfig, workspaceId?: string): string;
	clear(): void;
}

type EngineModule = {
	tokenEngine: Engine;
	TokenEngine: new (now?: () => number, processId?: string, random?: () => number) => Engine;
	refreshMarginMs(lifetimeSeconds: number, skewSeconds?: number): number;
};
let tokenEngine: Engine;
let TokenEngine: EngineModule['TokenEngine'];
let refreshMarginMs: EngineModule['refreshMarginMs'];
let parseClientConfig: (data: ICredentialDataDecryptedObject) => ClientConfig;
let CLASSIC_SSO_TOKEN_URL: string;

const SECRETS = Object.values(SEED.clients).map((client) => client.clientSecret);
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

describe('token engine (dist) against the sandbox', () => {
	let sandbox: Sandbox;
	/** Every token any test obtained: no error text may contain one. */
	const issued = new Set<string>();
	/** message + description of every error any test provoked. */
	const errorTexts: string[] = [];
	/** Token endpoint requests sent by `http` (URL and form), for assertions on what was sent. */
	let sent: Array<{ url: string; form: string; authorization?: string }> = [];

	/** n8n's helpers.httpRequest, reduced to what the engine uses: fetch, full response, no status errors. */
	const http: HttpFn = async (options) => {
		// The classic SSO issuer is a fixed HPE URL: route it to the sandbox's SSO issuer.
		const url = String(options.url).replace(new URL(CLASSIC_SSO_TOKEN_URL).origin, sandbox.url);
		const headers = options.headers as Record<string, string>;
		const form = String(options.body);
		sent.push({ url, form, authorization: headers.Authorization });
		const response = await fetch(url, { method: options.method, headers, body: form, redirect: 'manual' });
		const text = await response.text();
		const responseHeaders: Record<string, string> = {};
		response.headers.forEach((value, key) => {
			responseHeaders[key] = value;
		});
		const full: IN8nHttpFullResponse = { statusCode: response.status, headers: responseHeaders, body: text };
		return full;
	};

	const credential = (client: SeedClient, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject => ({
		clientId: client.clientId,
		clientSecret: client.clientSecret,
		workspaceId: client.workspaceId,
		issuer: 'workspace',
		baseUrl: 'custom',
		customBaseUrl: sandbox.url,
		clientAuthentication: 'body',
		...extra,
	});
	const config = (client: SeedClient, extra: ICredentialDataDecryptedObject = {}) => parseClientConfig(credential(client, extra));

	async function token(engine: Engine, cfg: ClientConfig, options?: TokenOptions): Promise<IssuedToken> {
		const result = await engine.getToken(http, cfg, options);
		issued.add(result.accessToken);
		return result;
	}

	async function failure(promise: Promise<unknown>): Promise<Error & { description?: string; field?: string }> {
		const outcome = await promise.then(
			() => undefined,
			(error: unknown) => error as Error & { description?: string; field?: string },
		);
		if (!outcome) throw new Error('expected a rejection');
		errorTexts.push(`${outcome.message}\n${String(outcome.description ?? '')}`);
		return outcome;
	}

	function configError(data: ICredentialDataDecryptedObject): Error & { description?: string; field?: string } {
		try {
			parseClientConfig(data);
		} catch (error) {
			const typed = error as Error & { description?: string; field?: string };
			errorTexts.push(`${typed.message}\n${String(typed.description ?? '')}`);
			return typed;
		}
		throw new Error('expected parseClientConfig to throw');
	}

	/** API call with the token: 200 means the sandbox accepts it for that workspace. */
	async function apiStatus(accessToken: string, workspaceId: string): Promise<number> {
		const response = await fetch(`${sandbox.url}/workspaces/v1/workspaces/${workspaceId}`, {
			headers: { Authorization: `Bearer ${accessToken}` },
		});
		await response.arrayBuffer();
		return response.status;
	}

	beforeAll(async () => {
		({ tokenEngine, TokenEngine, refreshMarginMs } = (await import(
			resolve(REPO, 'dist/nodes/shared/auth/tokenEngine')
		)) as EngineModule);
		({ parseClientConfig } = (await import(resolve(REPO, 'dist/nodes/shared/auth/clientConfig'))) as {
			parseClientConfig: typeof parseClientConfig;
		});
		({ CLASSIC_SSO_TOKEN_URL } = (await import(resolve(REPO, 'dist/nodes/shared/config'))) as { CLASSIC_SSO_TOKEN_URL: string });
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 10, devices: 10, users: 10 } });
	});

	afterAll(async () => {
		await sandbox?.close();
	});

	beforeEach(() => {
		tokenEngine.clear();
		sandbox.resetCounters();
		sandbox.faults.clear();
		sandbox.setTokenTtl(undefined);
		sent = [];
	});

	it('50 concurrent getToken calls on an empty cache: 1 mint, one token for all', async () => {
		const cfg = config(SEED.clients.standard);
		const results = await Promise.all(Array.from({ length: 50 }, async () => await token(tokenEngine, cfg)));

		expect(sandbox.counters().mints).toMatchObject({ total: 1, clientCredentials: 1, tokenExchange: 0 });
		expect(new Set(results.map((result) => result.accessToken)).size).toBe(1);
		expect(results.filter((result) => result.source === 'minted')).toHaveLength(1);
		expect(results[0].lifetimeSeconds).toBe(900);
		expect(await apiStatus(results[0].accessToken, SEED.workspaces.standard.id)).toBe(200);
		process.stdout.write(`[figures] 50 concurrent getToken: mints=${sandbox.counters().mints.total}\n`);
	});

	it('50 concurrent calls over 3 MSP tenants: 1 client-credentials mint + 3 exchanges, each token acts in its tenant', async () => {
		const cfg = config(SEED.clients.msp);
		const tenants = SEED.workspaces.tenants;
		const results = await Promise.all(
			Array.from({ length: 50 }, async (_, i) => await token(tokenEngine, cfg, { workspaceId: tenants[i % 3].id })),
		);

		expect(sandbox.counters().mints).toMatchObject({ total: 4, clientCredentials: 1, tokenExchange: 3 });
		expect(new Set(results.map((result) => result.accessToken)).size).toBe(3);
		for (const tenant of tenants) {
			const tenantToken = results.find((result) => result.workspaceId === tenant.id);
			expect(tenantToken?.issuer).toBe(`${sandbox.url}/authorization/v2/oauth2/${tenant.id}/token`);
			expect(await apiStatus(String(tenantToken?.accessToken), tenant.id)).toBe(200);
		}
	});

	it('an exchange refused because the MSP token was revoked: re-mints the MSP token once and retries', async () => {
		const cfg = config(SEED.clients.msp);
		const msp = await token(tokenEngine, cfg);
		sandbox.revokeAllTokens();
		const tenant = await token(tokenEngine, cfg, { workspaceId: SEED.workspaces.tenants[0].id });

		expect(sandbox.counters().mints).toMatchObject({ clientCredentials: 2, tokenExchange: 1, rejected: 1 });
		expect(tokenEngine.peek(cfg)?.accessToken).not.toBe(msp.accessToken);
		expect(await apiStatus(tenant.accessToken, SEED.workspaces.tenants[0].id)).toBe(200);
	});

	it('a tenant the MSP does not own: one clear error after at most one retry with a fresh MSP token', async () => {
		const cfg = config(SEED.clients.msp);
		const msp = await token(tokenEngine, cfg);
		const error = await failure(token(tokenEngine, cfg, { workspaceId: SEED.workspaces.standard.id }));

		expect(error.message).toMatch(/refused the token exchange for the tenant workspace/);
		expect(error.description).toMatch(/MSP workspace that owns this tenant/);
		// The issuer answers invalid_grant both for a stale subject token and for a foreign tenant, so the engine
		// re-mints the MSP token once and retries once (pycentral's rule), then gives up: 2 refusals, 2 mints in all.
		const counters = sandbox.counters().mints;
		expect(counters).toMatchObject({ clientCredentials: 2, tokenExchange: 0, rejected: 2 });
		expect(tokenEngine.peek(cfg)?.accessToken).not.toBe(msp.accessToken);
		expect(tokenEngine.peek(cfg, SEED.workspaces.standard.id)).toBeUndefined();
	});

	it('proactive refresh: a cached token is reused until only the margin (max(60 s, 10 %)) is left, then re-minted', async () => {
		let now = Date.now();
		// a process offset of 0: this process's refresh point is the margin itself (each process adds up to 10 % of it)
		const engine = new TokenEngine(() => now, 'process-under-test', () => 0);
		const cfg = config(SEED.clients.standard);
		const first = await token(engine, cfg);
		expect(refreshMarginMs(900)).toBe(90_000);
		expect(refreshMarginMs(5)).toBeLessThan(5_000);

		now = first.expiresAt - 91_000;
		expect((await token(engine, cfg)).accessToken).toBe(first.accessToken);
		expect(sandbox.counters().mints.total).toBe(1);

		now = first.expiresAt - 89_000;
		const second = await token(engine, cfg);
		expect(second.source).toBe('minted');
		expect(second.accessToken).not.toBe(first.accessToken);
		expect(sandbox.counters().mints.total).toBe(2);
	});

	it('a token stored by another process is adopted only while it has more than the refresh margin left', async () => {
		const cfg = config(SEED.clients.standard);
		const real = await token(new TokenEngine(), cfg);
		sandbox.resetCounters();
		const fingerprint = tokenEngine.fingerprint(cfg);

		const adopted = await token(tokenEngine, cfg, {
			stored: { accessToken: real.accessToken, expiresAt: Date.now() + 600_000, fingerprint },
		});
		expect(adopted.source).toBe('store');
		expect(sandbox.counters().mints.total).toBe(0);

		tokenEngine.clear();
		// 30 s left: less than the 60 s skew, so a fresh token is minted instead.
		const fresh = await token(tokenEngine, cfg, {
			stored: { accessToken: real.accessToken, expiresAt: Date.now() + 30_000, fingerprint },
		});
		expect(fresh.source).toBe('minted');
		expect(sandbox.counters().mints.total).toBe(1);

		// A token stored for other credential values (another fingerprint) is never adopted.
		tokenEngine.clear();
		const other = await token(tokenEngine, cfg, {
			stored: { accessToken: real.accessToken, expiresAt: Date.now() + 600_000, fingerprint: 'f'.repeat(64) },
		});
		expect(other.source).toBe('minted');
	});

	it('lifetime without expires_in: from the JWT exp', async () => {
		const withoutExpiresIn = await startSandbox({ omitExpiresIn: true, tokenTtlSeconds: 300, rateLimits: false });
		try {
			const cfg = parseClientConfig(credential(SEED.clients.standard, { customBaseUrl: withoutExpiresIn.url }));
			const result = await token(new TokenEngine(), cfg);
			expect(result.lifetimeSeconds).toBeGreaterThan(295);
			expect(result.lifetimeSeconds).toBeLessThanOrEqual(300);
		} finally {
			await withoutExpiresIn.close();
		}
	});

	it('the cache key changes with the secret and never contains it', async () => {
		const cfg = config(SEED.clients.standard);
		const reset = { ...cfg, clientSecret: `${cfg.clientSecret}-reset` };
		expect(tokenEngine.fingerprint(cfg)).not.toBe(tokenEngine.fingerprint(reset));
		expect(tokenEngine.fingerprint(cfg)).toMatch(/^[0-9a-f]{64}$/);
		expect(tokenEngine.fingerprint(cfg)).not.toContain(cfg.clientSecret);
		await token(tokenEngine, cfg);
		expect(tokenEngine.peek(reset)).toBeUndefined();
	});

	it('invalidate drops only the token that failed (a concurrent replacement survives)', async () => {
		const cfg = config(SEED.clients.standard);
		const first = await token(tokenEngine, cfg);
		tokenEngine.invalidate(cfg, 'some-older-token');
		expect(tokenEngine.peek(cfg)?.accessToken).toBe(first.accessToken);
		tokenEngine.invalidate(cfg, first.accessToken);
		expect(tokenEngine.peek(cfg)).toBeUndefined();
	});

	it('a 4,096-character secret works, in the body and with HTTP Basic', async () => {
		const client = SEED.clients.longSecret;
		expect(client.clientSecret).toHaveLength(4096);
		const body = await token(tokenEngine, config(client));
		expect(await apiStatus(body.accessToken, client.workspaceId)).toBe(200);
		expect(sent[0].form).toContain('client_secret=');
		expect(sent[0].authorization).toBeUndefined();

		tokenEngine.clear();
		sent = [];
		const basic = await token(tokenEngine, config(client, { clientAuthentication: 'basic' }));
		expect(await apiStatus(basic.accessToken, client.workspaceId)).toBe(200);
		expect(sent[0].form).not.toContain('client_secret');
		expect(sent[0].authorization).toMatch(/^Basic /);
		expect(sandbox.counters().mints).toMatchObject({ clientCredentials: 2, rejected: 0 });
	});

	it('classic SSO issuer: mints at the SSO token URL; service tokens live 7200 s', async () => {
		const cfg = config(SEED.clients.service, { issuer: 'sso' });
		expect(cfg.tokenUrl).toBe(CLASSIC_SSO_TOKEN_URL);
		const result = await token(tokenEngine, cfg);
		expect(sent[0].url).toBe(`${sandbox.url}/as/token.oauth2`);
		expect(result.lifetimeSeconds).toBe(7200);
		expect(await apiStatus(result.accessToken, SEED.workspaces.standard.id)).toBe(200);
	});

	it('token endpoint 429 then 200: retried after the server\'s hint, one token', async () => {
		sandbox.faults.inject({ kind: 'status', status: 429, count: 1, route: '/token' });
		const started = Date.now();
		const result = await token(tokenEngine, config(SEED.clients.standard));
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(sandbox.counters().mints.clientCredentials).toBe(1);
		expect(await apiStatus(result.accessToken, SEED.workspaces.standard.id)).toBe(200);
	});

	describe('bad input: clear errors naming the field, no secret or token in any text', () => {
		it('empty and short secrets', () => {
			const empty = configError(credential(SEED.clients.standard, { clientSecret: '' }));
			expect(empty.message).toMatch(/clientSecret.*empty/);
			const short = configError(credential(SEED.clients.standard, { clientSecret: 'abc123' }));
			expect(short.message).toMatch(/clientSecret.*shorter than \d+ characters/);
			expect(short.description).toMatch(/Personal API clients/);
		});

		it('malformed workspace id; hyphenated and upper-case ids are accepted', () => {
			expect(configError(credential(SEED.clients.standard, { workspaceId: 'acme-workspace' })).message).toMatch(
				/workspaceId.*32 hexadecimal/,
			);
			expect(configError(credential(SEED.clients.standard, { workspaceId: `${SEED.workspaces.standard.id}00` })).field).toBe(
				'workspaceId',
			);
			const id = SEED.workspaces.standard.id;
			const hyphenated = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
			expect(config(SEED.clients.standard, { workspaceId: ` ${hyphenated.toUpperCase()} ` }).workspaceId).toBe(id);
		});

		it('custom token URL that is not a URL; http:// to a non-loopback host', () => {
			const notUrl = configError(credential(SEED.clients.standard, { issuer: 'custom', tokenUrl: 'sso token endpoint' }));
			expect(notUrl.message).toMatch(/tokenUrl.*is not a URL/);
			const plainToken = configError(
				credential(SEED.clients.standard, { issuer: 'custom', tokenUrl: 'http://sso.example.com/as/token.oauth2' }),
			);
			expect(plainToken.message).toMatch(/tokenUrl.*http:\/\/sso\.example\.com is not allowed/);
			const plainBase = configError(credential(SEED.clients.standard, { customBaseUrl: 'http://greenlake.example.com' }));
			expect(plainBase.message).toMatch(/customBaseUrl.*not allowed/);
			expect(plainBase.description).toMatch(/https/);
			expect(config(SEED.clients.standard, { customBaseUrl: 'http://localhost:1/' }).baseUrl).toBe('http://localhost:1');
		});

		it('unknown client / wrong secret (invalid_client): says what was rejected and how to reset it', async () => {
			const unknown = await failure(
				token(tokenEngine, config(SEED.clients.standard, { clientId: 'not-a-client-id' })),
			);
			expect(unknown.message).toMatch(/rejected the client ID or client secret \(invalid_client/);
			expect(unknown.description).toMatch(/Reset client secret/);

			const wrongSecret = await failure(
				token(tokenEngine, config(SEED.clients.standard, { clientSecret: `${SEED.clients.standard.clientSecret}-old` })),
			);
			expect(wrongSecret.message).toMatch(/client ID or client secret/);
			expect(sandbox.counters().mints).toMatchObject({ total: 0, rejected: 2 });
		});

		it('a token response that is not JSON (malformed body on the token route)', async () => {
			sandbox.faults.inject({ kind: 'malformed', count: 1, route: '/token' });
			const error = await failure(token(tokenEngine, config(SEED.clients.standard)));
			expect(error.message).toMatch(/not JSON/);
			expect(error.description).toMatch(/token issuer/i);
		});

		it('a token response without access_token (a custom token URL that is not an OAuth2 endpoint)', async () => {
			let requests = 0;
			const stub = createServer((_req, res) => {
				requests += 1;
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 900 }));
			});
			await new Promise<void>((done) => stub.listen(0, '127.0.0.1', done));
			try {
				const { port } = stub.address() as AddressInfo;
				const error = await failure(
					token(tokenEngine, config(SEED.clients.standard, { issuer: 'custom', tokenUrl: `http://127.0.0.1:${port}/token` })),
				);
				expect(error.message).toMatch(/without an access_token/);
				expect(error.description).toMatch(/Token URL/);
				expect(requests).toBe(1);
			} finally {
				await new Promise((done) => stub.close(done));
			}
		});
	});

	it('no error message above carries a client secret or a token the tests were issued', () => {
		expect(issued.size).toBeGreaterThan(5);
		expect(errorTexts.length).toBeGreaterThanOrEqual(10);
		for (const text of errorTexts) {
			for (const secret of SECRETS) expect(text).not.toContain(secret);
			for (const accessToken of issued) expect(text).not.toContain(accessToken);
			expect(text).not.toMatch(JWT);
		}
	});
});
