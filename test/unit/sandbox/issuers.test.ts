import { SEED, startSandbox, TestClock } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import {
	api,
	basic,
	exchange,
	jwtPayload,
	mint,
	postForm,
	token,
	tokenUrl,
} from './helpers';

const { msp, standard, longSecret, service } = SEED.clients;
const [alpha, bravo] = SEED.workspaces.tenants;
const INVALID_CLIENT = {
	error: 'invalid_client',
	error_description: 'Invalid client or client credentials',
};
const small = { auditLogs: 50, devices: 20, subscriptions: 5, users: 5, locations: 5 };

describe('sandbox issuers', () => {
	let sb: Sandbox;
	beforeAll(async () => {
		sb = await startSandbox({ sizes: small });
	});
	afterAll(() => sb.close());

	describe('seed', () => {
		it('uses 32 lowercase hex workspace ids and the documented clients', () => {
			const ids = [
				SEED.workspaces.msp.id,
				SEED.workspaces.standard.id,
				...SEED.workspaces.tenants.map((t) => t.id),
			];
			for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
			expect(new Set(ids).size).toBe(5);
			expect(SEED.workspaces.tenants.map((t) => t.name)).toEqual([
				'Tenant Alpha',
				'Tenant Bravo',
				'Tenant Charlie',
			]);
			expect(longSecret.clientSecret).toHaveLength(4096);
			for (const c of [msp, standard, service])
				expect(c.clientSecret.length).toBeGreaterThanOrEqual(32);
			expect(msp.workspaceId).toBe(SEED.workspaces.msp.id);
			expect(service.kind).toBe('service');
			expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
		});
	});

	describe('workspace issuer, client_credentials', () => {
		it('mints a JWT-shaped v1.2 token with the credentials in the body', async () => {
			const res = await mint(sb, msp);
			expect(res.status).toBe(200);
			expect(res.body.token_type).toBe('Bearer');
			expect(res.body.expires_in).toBe(900);
			expect(res.body.refresh_token).toBeUndefined();
			expect(res.headers.get('cache-control')).toBe('no-store');
			const claims = jwtPayload(res.body.access_token);
			expect(claims.hpe_token_type).toBe('api-v1.2');
			expect(claims.sub).toBe(msp.clientId);
			expect(claims.hpe_workspace_id).toBe(msp.workspaceId);
			expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(899);
			expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);
			expect(typeof claims.iss).toBe('string');
		});

		it('accepts HTTP Basic client authentication', async () => {
			const res = await mint(sb, standard, { basicAuth: true });
			expect(res.status).toBe(200);
			expect(jwtPayload(res.body.access_token).hpe_workspace_id).toBe(standard.workspaceId);
		});

		it('accepts Basic plus identical body credentials, rejects differing ones', async () => {
			const url = tokenUrl(sb, standard.workspaceId);
			const same = await postForm(
				url,
				{
					grant_type: 'client_credentials',
					client_id: standard.clientId,
					client_secret: standard.clientSecret,
				},
				{ authorization: basic(standard.clientId, standard.clientSecret) },
			);
			expect(same.status).toBe(200);
			const differ = await postForm(
				url,
				{
					grant_type: 'client_credentials',
					client_id: longSecret.clientId,
					client_secret: longSecret.clientSecret,
				},
				{ authorization: basic(standard.clientId, standard.clientSecret) },
			);
			expect(differ.status).toBe(400);
			expect(differ.body.error).toBe('invalid_request');
		});

		it('handles a 4,096-character secret in the body and with Basic', async () => {
			expect((await mint(sb, longSecret)).status).toBe(200);
			expect((await mint(sb, longSecret, { basicAuth: true })).status).toBe(200);
			const wrong = { ...longSecret, clientSecret: `${longSecret.clientSecret.slice(0, -1)}#` };
			const res = await mint(sb, wrong);
			expect(res.status).toBe(401);
			expect(res.body).toEqual(INVALID_CLIENT);
			const truncated = await mint(sb, {
				...longSecret,
				clientSecret: longSecret.clientSecret.slice(0, 4095),
			});
			expect(truncated.status).toBe(401);
		});

		it('answers 401 invalid_client for a wrong secret, an unknown client and a foreign workspace', async () => {
			const wrongSecret = await mint(sb, { ...msp, clientSecret: standard.clientSecret });
			expect(wrongSecret.status).toBe(401);
			expect(wrongSecret.body).toEqual(INVALID_CLIENT);
			const unknown = await mint(sb, { ...msp, clientId: '00000000-0000-4000-8000-000000000000' });
			expect(unknown.status).toBe(401);
			expect(unknown.body).toEqual(INVALID_CLIENT);
			const foreign = await mint(sb, standard, { workspaceId: msp.workspaceId });
			expect(foreign.status).toBe(401);
			expect(foreign.body).toEqual(INVALID_CLIENT);
			const tenantPath = await mint(sb, msp, { workspaceId: alpha.id });
			expect(tenantPath.status).toBe(401);
		});

		it('rejects a hyphenated, uppercase or malformed workspace id with invalid_request', async () => {
			const id = msp.workspaceId;
			const hyphenated = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
			for (const bad of [hyphenated, id.toUpperCase(), id.slice(0, 31), `${id}0`]) {
				const res = await mint(sb, msp, { workspaceId: bad });
				expect(res.status).toBe(400);
				expect(res.body.error).toBe('invalid_request');
			}
		});

		it('accepts form encoding only', async () => {
			const res = await fetch(tokenUrl(sb, msp.workspaceId), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					grant_type: 'client_credentials',
					client_id: msp.clientId,
					client_secret: msp.clientSecret,
				}),
			});
			expect(res.status).toBe(400);
			expect((await res.json()).error).toBe('invalid_request');
			const withCharset = await postForm(
				tokenUrl(sb, msp.workspaceId),
				{
					grant_type: 'client_credentials',
					client_id: msp.clientId,
					client_secret: msp.clientSecret,
				},
				{ 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
			);
			expect(withCharset.status).toBe(200);
		});

		it('reports missing fields and unknown grants', async () => {
			const url = tokenUrl(sb, msp.workspaceId);
			const noGrant = await postForm(url, {
				client_id: msp.clientId,
				client_secret: msp.clientSecret,
			});
			expect(noGrant.status).toBe(400);
			expect(noGrant.body.error).toBe('invalid_request');
			const noSecret = await postForm(url, {
				grant_type: 'client_credentials',
				client_id: msp.clientId,
			});
			expect(noSecret.status).toBe(400);
			expect(noSecret.body.error).toBe('invalid_request');
			const password = await postForm(url, {
				grant_type: 'password',
				client_id: msp.clientId,
				client_secret: msp.clientSecret,
			});
			expect(password.status).toBe(400);
			expect(password.body.error).toBe('unsupported_grant_type');
		});

		it('gives service clients 7200 s tokens', async () => {
			const res = await mint(sb, service);
			expect(res.status).toBe(200);
			expect(res.body.expires_in).toBe(7200);
		});
	});

	describe('classic SSO issuer', () => {
		const sso = () => `${sb.url}/as/token.oauth2`;

		it('mints a v1.1 token scoped to the client workspace that works on the APIs', async () => {
			const res = await postForm(sso(), {
				grant_type: 'client_credentials',
				client_id: standard.clientId,
				client_secret: standard.clientSecret,
			});
			expect(res.status).toBe(200);
			expect(res.body.expires_in).toBe(900);
			const claims = jwtPayload(res.body.access_token);
			expect(claims.hpe_token_type).toBe('api-v1.1');
			expect(claims.hpe_workspace_id).toBe(standard.workspaceId);
			const ws = await api(
				sb,
				res.body.access_token,
				`/workspaces/v1/workspaces/${standard.workspaceId}`,
			);
			expect(ws.status).toBe(200);
			expect(ws.body.workspaceType).toBe('STANDARD_ENTERPRISE');
		});

		it('accepts Basic, rejects bad secrets and token exchange', async () => {
			const ok = await postForm(
				sso(),
				{ grant_type: 'client_credentials' },
				{ authorization: basic(msp.clientId, msp.clientSecret) },
			);
			expect(ok.status).toBe(200);
			const bad = await postForm(sso(), {
				grant_type: 'client_credentials',
				client_id: msp.clientId,
				client_secret: 'nope',
			});
			expect(bad.status).toBe(401);
			expect(bad.body).toEqual(INVALID_CLIENT);
			const xchg = await postForm(sso(), {
				grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
				subject_token: ok.body.access_token,
				subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
			});
			expect(xchg.status).toBe(400);
			expect(xchg.body.error).toBe('unsupported_grant_type');
		});
	});

	describe('token exchange (MSP → tenant)', () => {
		it('exchanges an MSP token for a tenant-scoped token', async () => {
			sb.resetCounters();
			const mspToken = await token(sb, msp);
			const res = await exchange(sb, mspToken, alpha.id);
			expect(res.status).toBe(200);
			expect(res.body.token_type).toBe('Bearer');
			expect(res.body.expires_in).toBe(900);
			const claims = jwtPayload(res.body.access_token);
			expect(claims.hpe_workspace_id).toBe(alpha.id);
			expect(claims.hpe_token_type).toBe('api-v1.2');
			const ws = await api(sb, res.body.access_token, `/workspaces/v1/workspaces/${alpha.id}`);
			expect(ws.status).toBe(200);
			expect(ws.body.workspaceType).toBe('MSP_TENANT');
			const counters = sb.counters();
			expect(counters.mints.tokenExchange).toBe(1);
			expect(counters.mints.clientCredentials).toBe(1);
			expect(counters.mints.byWorkspace[alpha.id]).toBe(1);
		});

		it('accepts and ignores client credentials sent with the exchange', async () => {
			const mspToken = await token(sb, msp);
			const res = await exchange(sb, mspToken, bravo.id, {
				authorization: basic(msp.clientId, msp.clientSecret),
			});
			expect(res.status).toBe(200);
			expect(jwtPayload(res.body.access_token).hpe_workspace_id).toBe(bravo.id);
		});

		it('refuses a subject token of a workspace that does not own the tenant', async () => {
			const standardToken = await token(sb, standard);
			const res = await exchange(sb, standardToken, alpha.id);
			expect(res.status).toBe(400);
			expect(res.body.error).toBe('invalid_grant');
			expect(res.body.error_description).toMatch(/not authorized for workspace/);
			// The MSP itself is not one of its tenants, and a tenant token cannot exchange further.
			const mspToken = await token(sb, msp);
			expect((await exchange(sb, mspToken, msp.workspaceId)).body.error).toBe('invalid_grant');
			const tenantToken = (await exchange(sb, mspToken, alpha.id)).body.access_token;
			expect((await exchange(sb, tenantToken, bravo.id)).body.error).toBe('invalid_grant');
		});

		it('refuses unknown subject tokens and missing fields', async () => {
			const unknown = await exchange(sb, 'eyJhbGciOiJIUzI1NiJ9.e30.bogus', alpha.id);
			expect(unknown.status).toBe(400);
			expect(unknown.body.error).toBe('invalid_grant');
			const missing = await postForm(tokenUrl(sb, alpha.id), {
				grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
			});
			expect(missing.status).toBe(400);
			expect(missing.body.error).toBe('invalid_request');
			const hyphenated = `${alpha.id.slice(0, 8)}-${alpha.id.slice(8, 12)}-${alpha.id.slice(12, 16)}-${alpha.id.slice(16, 20)}-${alpha.id.slice(20)}`;
			const badPath = await exchange(sb, await token(sb, msp), hyphenated);
			expect(badPath.status).toBe(400);
			expect(badPath.body.error).toBe('invalid_request');
		});
	});

	describe('token ttl', () => {
		it('setTokenTtl overrides expires_in and undefined restores the default', async () => {
			sb.setTokenTtl(5);
			expect((await mint(sb, msp)).body.expires_in).toBe(5);
			expect((await mint(sb, service)).body.expires_in).toBe(5);
			sb.setTokenTtl(undefined);
			expect((await mint(sb, msp)).body.expires_in).toBe(900);
			expect((await mint(sb, service)).body.expires_in).toBe(7200);
		});
	});
});

describe('sandbox token expiry (tokenTtlSeconds: 1, the sandbox clock moved by hand)', () => {
	let sb: Sandbox;
	const clock = new TestClock();
	beforeAll(async () => {
		sb = await startSandbox({ tokenTtlSeconds: 1, sizes: small, clock });
	});
	beforeEach(() => clock.freeze());
	afterAll(() => sb.close());

	it('answers 200 until the token is 1 s old, then 401 with access_token expired', async () => {
		const res = await mint(sb, standard);
		expect(res.body.expires_in).toBe(1);
		const t = res.body.access_token;
		clock.advance(999);
		expect((await api(sb, t, '/locations/v1/locations')).status).toBe(200);
		clock.advance(1);
		const expired = await api(sb, t, '/locations/v1/locations');
		expect(expired.status).toBe(401);
		expect(expired.body.errorCode).toBe('HPE_GL_ERROR_UNAUTHORIZED');
		expect(expired.body.errorDetails).toEqual([
			expect.objectContaining({
				type: 'hpe.greenlake.metadata',
				metadata: { access_token: 'expired' },
			}),
		]);
		expect(sb.counters().api401).toBe(1);
	});

	it('refuses an expired subject token with invalid_grant saying expired', async () => {
		const mspToken = await token(sb, msp);
		clock.advance(1000);
		const res = await exchange(sb, mspToken, alpha.id);
		expect(res.status).toBe(400);
		expect(res.body.error).toBe('invalid_grant');
		expect(res.body.error_description).toMatch(/expired/);
	});
});

describe('sandbox omitExpiresIn', () => {
	it('omits expires_in but keeps the JWT exp', async () => {
		const sb = await startSandbox({ omitExpiresIn: true, sizes: small });
		try {
			const res = await mint(sb, msp);
			expect(res.status).toBe(200);
			expect('expires_in' in res.body).toBe(false);
			const claims = jwtPayload(res.body.access_token);
			expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(899);
		} finally {
			await sb.close();
		}
	});
});
