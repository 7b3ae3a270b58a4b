// Counters, the /__sandbox/ admin API, revocation and addAuditLogs (programmatic and HTTP).
import { SEED, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, exchange, mint, token } from './helpers';

const { msp, standard, service } = SEED.clients;
const [alpha] = SEED.workspaces.tenants;
const small = { auditLogs: 30, devices: 20, subscriptions: 5, users: 5, locations: 5 };

async function admin(sb: Sandbox, method: 'GET' | 'POST', path: string, body?: unknown) {
	const res = await fetch(`${sb.url}/__sandbox/${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as any };
}

describe('sandbox counters and admin API', () => {
	let sb: Sandbox;
	beforeAll(async () => {
		sb = await startSandbox({ sizes: small });
	});
	afterAll(() => sb.close());
	beforeEach(() => {
		sb.faults.clear();
		sb.resetCounters();
	});

	it('counts mints by kind, workspace and client, and rejected mints', async () => {
		const mspToken = await token(sb, msp);
		await token(sb, standard);
		await token(sb, service);
		await exchange(sb, mspToken, alpha.id);
		await mint(sb, { ...msp, clientSecret: 'wrong' });
		const m = sb.counters().mints;
		expect(m.total).toBe(4);
		expect(m.clientCredentials).toBe(3);
		expect(m.tokenExchange).toBe(1);
		expect(m.rejected).toBe(1);
		expect(m.byWorkspace).toEqual({
			[msp.workspaceId]: 1,
			[standard.workspaceId]: 2,
			[alpha.id]: 1,
		});
		expect(m.byClient).toEqual({
			[msp.clientId]: 2,
			[standard.clientId]: 1,
			[service.clientId]: 1,
		});
	});

	it('counts requests by route and status, 401s and Authorization headers; snapshots are copies', async () => {
		const t = await token(sb, standard);
		const device = (await api(sb, t, '/devices/v1/devices?limit=1')).body.items[0].id;
		await api(sb, t, `/devices/v1/devices/${device}`);
		await api(sb, t, '/devices/v1/devices/nope');
		await api(sb, undefined, '/identity/v1/users');
		await api(sb, 'bogus', '/identity/v1/users');
		const c = sb.counters();
		expect(c.requests.total).toBe(6);
		expect(c.requests.byRoute['POST /authorization/v2/oauth2/{id}/token']).toEqual({ '200': 1 });
		expect(c.requests.byRoute['GET /devices/v1/devices']).toEqual({ '200': 1 });
		expect(c.requests.byRoute['GET /devices/v1/devices/{id}']).toEqual({ '200': 1, '404': 1 });
		expect(c.requests.byRoute['GET /identity/v1/users']).toEqual({ '401': 2 });
		expect(c.api401).toBe(2);
		expect(c.authorizationHeaders).toBe(4);
		expect(c.peakConcurrency).toBe(1);
		c.requests.total = 999;
		expect(sb.counters().requests.total).toBe(6);
	});

	it('serves counters over HTTP without counting admin calls', async () => {
		await token(sb, standard);
		const res = await admin(sb, 'GET', 'counters');
		expect(res.status).toBe(200);
		expect(res.body).toEqual(sb.counters());
		expect(res.body.requests.total).toBe(1);
		expect((await admin(sb, 'POST', 'reset-counters')).status).toBe(200);
		expect(sb.counters().mints.total).toBe(0);
		expect(sb.counters().requests.total).toBe(0);
	});

	it('injects and clears faults over HTTP, rejecting invalid ones', async () => {
		const t = await token(sb, standard);
		expect(
			(
				await admin(sb, 'POST', 'faults', {
					kind: 'status',
					status: 502,
					count: 1,
					route: '/locations/',
				})
			).status,
		).toBe(200);
		expect((await api(sb, t, '/locations/v1/locations')).status).toBe(502);
		expect((await api(sb, t, '/locations/v1/locations')).status).toBe(200);
		await admin(sb, 'POST', 'faults', { kind: 'status', status: 500, count: 3 });
		expect((await admin(sb, 'POST', 'faults', { clear: true })).status).toBe(200);
		expect((await api(sb, t, '/locations/v1/locations')).status).toBe(200);
		expect(
			(await admin(sb, 'POST', 'faults', { kind: 'status', status: 418, count: 1 })).status,
		).toBe(400);
		expect((await admin(sb, 'GET', 'nope')).status).toBe(404);
	});

	it('revokes every issued token (programmatically and over HTTP)', async () => {
		const a = await token(sb, standard);
		const mspToken = await token(sb, msp);
		sb.revokeAllTokens();
		const res = await api(sb, a, '/locations/v1/locations');
		expect(res.status).toBe(401);
		expect(res.body.errorDetails[0].metadata.access_token).toBe('invalid');
		expect((await exchange(sb, mspToken, alpha.id)).body.error).toBe('invalid_grant');
		const b = await token(sb, standard);
		expect((await api(sb, b, '/locations/v1/locations')).status).toBe(200);
		expect((await admin(sb, 'POST', 'revoke')).status).toBe(200);
		expect((await api(sb, b, '/locations/v1/locations')).status).toBe(401);
	});

	it('sets the token ttl over HTTP', async () => {
		expect((await admin(sb, 'POST', 'token-ttl', { seconds: 7 })).status).toBe(200);
		expect((await mint(sb, standard)).body.expires_in).toBe(7);
		await admin(sb, 'POST', 'token-ttl', { seconds: null });
		expect((await mint(sb, standard)).body.expires_in).toBe(900);
		expect((await admin(sb, 'POST', 'token-ttl', { seconds: -1 })).status).toBe(400);
	});

	it('adds audit logs over HTTP and programmatically', async () => {
		const t = await token(sb, standard);
		const createdAt = new Date().toISOString();
		const res = await admin(sb, 'POST', 'audit-logs', {
			workspaceId: standard.workspaceId,
			events: [{ createdAt, category: 'Device Management', description: 'admin-added' }],
		});
		expect(res.status).toBe(200);
		const [stored] = res.body.items;
		expect(stored.id).toEqual(expect.any(String));
		expect(stored.createdAt).toBe(createdAt);
		const got = await api(sb, t, `/audit-log/v2beta1/logs/${stored.id}`);
		expect(got.body.description).toBe('admin-added');
		expect(got.body.category).toBe('Device Management');
		const [direct] = sb.addAuditLogs(standard.workspaceId, [{ createdAt, description: 'direct' }]);
		expect((await api(sb, t, `/audit-log/v2beta1/logs/${direct.id}`)).body.description).toBe(
			'direct',
		);
		expect(
			(await admin(sb, 'POST', 'audit-logs', { workspaceId: 'nope', events: [] })).status,
		).toBe(400);
		expect(() => sb.addAuditLogs(standard.workspaceId, [{ createdAt: 'not a time' }])).toThrow();
	});
});
