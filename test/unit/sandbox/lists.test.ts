// Paging, limit enforcement, get-by-id, filters/select, and workspace scoping of the list endpoints.
import { SEED, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, collect, exchange, issueSubjects, token } from './helpers';

const { msp, standard } = SEED.clients;
const [alpha, bravo] = SEED.workspaces.tenants;

// Sizes chosen so every documented default limit is observable (total > default).
const sizes = { auditLogs: 400, devices: 2100, subscriptions: 120, users: 700, locations: 150 };

interface ListCase {
	path: string;
	def: number;
	max: number;
	token: 'msp' | 'standard';
	getPath?: string;
}

const LISTS: ListCase[] = [
	{ path: '/workspaces/v1/msp-tenants', def: 300, max: 300, token: 'msp' },
	{
		path: '/audit-log/v2beta1/logs',
		def: 50,
		max: 2000,
		token: 'standard',
		getPath: '/audit-log/v2beta1/logs',
	},
	{
		path: '/audit-log/v1/logs',
		def: 50,
		max: 2000,
		token: 'standard',
		getPath: '/audit-log/v1/logs',
	},
	{
		path: '/devices/v1/devices',
		def: 2000,
		max: 2000,
		token: 'standard',
		getPath: '/devices/v1/devices',
	},
	{
		path: '/devices/v2beta1/devices',
		def: 100,
		max: 500,
		token: 'standard',
		getPath: '/devices/v2beta1/devices',
	},
	{
		path: '/subscriptions/v1/subscriptions',
		def: 50,
		max: 200,
		token: 'standard',
		getPath: '/subscriptions/v1/subscriptions',
	},
	{
		path: '/identity/v1/users',
		def: 300,
		max: 600,
		token: 'standard',
		getPath: '/identity/v1/users',
	},
	{
		path: '/locations/v1/locations',
		def: 100,
		max: 2000,
		token: 'standard',
		getPath: '/locations/v1/locations',
	},
];

describe('sandbox list endpoints', () => {
	let sb: Sandbox;
	const tokens: Record<string, string> = {};
	beforeAll(async () => {
		sb = await startSandbox({ sizes, rateLimits: false });
		tokens.msp = await token(sb, msp);
		tokens.standard = await token(sb, standard);
		tokens.alpha = (await exchange(sb, tokens.msp, alpha.id)).body.access_token;
	});
	afterAll(() => sb.close());

	describe.each(LISTS)('$path', (list) => {
		it('applies the documented default limit and returns {offset, count, total, items}', async () => {
			const res = await api(sb, tokens[list.token], list.path);
			expect(res.status).toBe(200);
			expect(res.body.offset).toBe(0);
			expect(res.body.count).toBe(res.body.items.length);
			expect(res.body.count).toBe(Math.min(list.def, res.body.total));
			if (list.path !== '/workspaces/v1/msp-tenants')
				expect(res.body.total).toBeGreaterThan(list.def);
		});

		it('enforces the maximum limit and rejects non-integer or < 1 limits naming `limit`', async () => {
			const atMax = await api(sb, tokens[list.token], `${list.path}?limit=${list.max}`);
			expect(atMax.status).toBe(200);
			for (const bad of [String(list.max + 1), '0', '-1', 'abc', '1.5']) {
				const res = await api(sb, tokens[list.token], `${list.path}?limit=${bad}`);
				expect(res.status).toBe(400);
				expect(res.body.errorCode).toBe('HPE_GL_ERROR_BAD_REQUEST');
				expect(typeof res.body.debugId).toBe('string');
				expect(issueSubjects(res.body)).toEqual(['limit']);
			}
			const badOffset = await api(sb, tokens[list.token], `${list.path}?offset=-3`);
			expect(badOffset.status).toBe(400);
			expect(issueSubjects(badOffset.body)).toEqual(['offset']);
		});

		it('pages by item offset through a complete, duplicate-free set', async () => {
			const limit = list.path === '/workspaces/v1/msp-tenants' ? 2 : 97;
			const { items, totals } = await collect(sb, tokens[list.token], list.path, limit);
			expect(new Set(totals).size).toBe(1);
			expect(items).toHaveLength(totals[0]);
			expect(new Set(items.map((i) => i.id)).size).toBe(totals[0]);
			// offset is an item offset, not a page number
			const second = await api(sb, tokens[list.token], `${list.path}?offset=${limit}&limit=1`);
			expect(second.body.items[0].id).toBe(items[limit].id);
			const beyond = await api(sb, tokens[list.token], `${list.path}?offset=${totals[0] + 5}`);
			expect(beyond.status).toBe(200);
			expect(beyond.body.items).toEqual([]);
			expect(beyond.body.count).toBe(0);
		});

		if (list.getPath) {
			it('gets a single item by id and 404s on an unknown id', async () => {
				const first = (await api(sb, tokens[list.token], `${list.path}?limit=1`)).body.items[0];
				const one = await api(sb, tokens[list.token], `${list.getPath}/${first.id}`);
				expect(one.status).toBe(200);
				expect(one.body.id).toBe(first.id);
				const missing = await api(sb, tokens[list.token], `${list.getPath}/does-not-exist`);
				expect(missing.status).toBe(404);
				expect(missing.body.errorCode).toBe('HPE_GL_ERROR_NOT_FOUND');
			});
		}
	});

	describe('workspaces', () => {
		it('lists the MSP tenants with hyphenated UUID ids and the documented fields', async () => {
			const res = await api(sb, tokens.msp, '/workspaces/v1/msp-tenants');
			expect(res.body.total).toBe(3);
			expect(res.body.items.map((t: any) => t.workspaceName)).toEqual([
				'Tenant Alpha',
				'Tenant Bravo',
				'Tenant Charlie',
			]);
			const item = res.body.items[0];
			expect(item.id.replace(/-/g, '')).toBe(alpha.id);
			expect(item.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
			expect(Object.keys(item).sort()).toEqual(
				[
					'createdAt',
					'createdBy',
					'generation',
					'id',
					'inventoryOwnership',
					'resourceUri',
					'type',
					'updatedAt',
					'workspaceName',
				].sort(),
			);
			expect(item.type).toBe('workspace');
		});

		it("filters tenants by workspaceName eq, with '' escaping", async () => {
			const bravoOnly = await api(
				sb,
				tokens.msp,
				`/workspaces/v1/msp-tenants?filter=${encodeURIComponent("workspaceName eq 'Tenant Bravo'")}`,
			);
			expect(bravoOnly.body.items.map((t: any) => t.workspaceName)).toEqual(['Tenant Bravo']);
			expect(bravoOnly.body.total).toBe(1);
			const quoted = await api(
				sb,
				tokens.msp,
				`/workspaces/v1/msp-tenants?filter=${encodeURIComponent("workspaceName eq 'O''Brien'")}`,
			);
			expect(quoted.status).toBe(200);
			expect(quoted.body.total).toBe(0);
			const byId = await api(
				sb,
				tokens.msp,
				`/workspaces/v1/msp-tenants?filter=${encodeURIComponent(`id eq '${bravo.id}'`)}`,
			);
			expect(byId.body.items.map((t: any) => t.workspaceName)).toEqual(['Tenant Bravo']);
			const bad = await api(
				sb,
				tokens.msp,
				`/workspaces/v1/msp-tenants?filter=${encodeURIComponent("workspaceName eq 'x' or id eq 'y'")}`,
			);
			expect(bad.status).toBe(400);
			expect(issueSubjects(bad.body)).toEqual(['filter']);
		});

		it('forbids msp-tenants to non-MSP tokens', async () => {
			for (const t of [tokens.standard, tokens.alpha]) {
				const res = await api(sb, t, '/workspaces/v1/msp-tenants');
				expect(res.status).toBe(403);
				expect(res.body.errorCode).toBe('HPE_GL_ERROR_FORBIDDEN');
			}
		});

		it('gets own workspace, an MSP its tenants, and nothing else', async () => {
			const own = await api(sb, tokens.msp, `/workspaces/v1/workspaces/${msp.workspaceId}`);
			expect(own.status).toBe(200);
			expect(own.body.workspaceType).toBe('MSP');
			expect(own.body.workspaceName).toBe('Acme MSP');
			const tenant = await api(sb, tokens.msp, `/workspaces/v1/workspaces/${alpha.id}`);
			expect(tenant.body.workspaceType).toBe('MSP_TENANT');
			expect(
				(await api(sb, tokens.msp, `/workspaces/v1/workspaces/${standard.workspaceId}`)).status,
			).toBe(403);
			expect(
				(await api(sb, tokens.standard, `/workspaces/v1/workspaces/${msp.workspaceId}`)).status,
			).toBe(403);
			expect(
				(await api(sb, tokens.alpha, `/workspaces/v1/workspaces/${msp.workspaceId}`)).status,
			).toBe(403);
			expect((await api(sb, tokens.alpha, `/workspaces/v1/workspaces/${bravo.id}`)).status).toBe(
				403,
			);
			const std = await api(
				sb,
				tokens.standard,
				`/workspaces/v1/workspaces/${standard.workspaceId}`,
			);
			expect(std.body.workspaceType).toBe('STANDARD_ENTERPRISE');
			expect(
				(await api(sb, tokens.standard, `/workspaces/v1/workspaces/${'0'.repeat(32)}`)).status,
			).toBe(404);
		});
	});

	describe('scoping', () => {
		it('gives MSP, tenant and standard tokens disjoint device inventories', async () => {
			const ids = async (t: string) =>
				new Set<string>(
					(await api(sb, t, '/devices/v1/devices?limit=2000&select=id')).body.items.map(
						(d: any) => d.id,
					),
				);
			const [m, a, s] = [
				await ids(tokens.msp),
				await ids(tokens.alpha),
				await ids(tokens.standard),
			];
			for (const set of [m, a, s]) expect(set.size).toBe(2000);
			expect([...a].some((id) => m.has(id) || s.has(id))).toBe(false);
			expect([...m].some((id) => s.has(id))).toBe(false);
			const someStandardDevice = [...s][0];
			expect(
				(await api(sb, tokens.alpha, `/devices/v1/devices/${someStandardDevice}`)).status,
			).toBe(404);
			expect(
				(await api(sb, tokens.standard, `/devices/v1/devices/${someStandardDevice}`)).status,
			).toBe(200);
		});

		it('scopes users to the token workspace', async () => {
			const user = (await api(sb, tokens.alpha, '/identity/v1/users?limit=1')).body.items[0];
			expect(user.username).toMatch(/@alpha\.example$/);
			expect((await api(sb, tokens.standard, `/identity/v1/users/${user.id}`)).status).toBe(404);
		});
	});

	describe('devices filter and select', () => {
		it('filters by serialNumber eq and deviceType eq/in (with and without parentheses)', async () => {
			const all = (await api(sb, tokens.standard, '/devices/v1/devices?limit=2000')).body
				.items as any[];
			const target = all[17];
			const bySerial = await api(
				sb,
				tokens.standard,
				`/devices/v1/devices?filter=${encodeURIComponent(`serialNumber eq '${target.serialNumber}'`)}`,
			);
			expect(bySerial.body.items.map((d: any) => d.id)).toEqual([target.id]);
			expect(bySerial.body.total).toBe(1);
			const full = await collect(sb, tokens.standard, '/devices/v1/devices', 2000);
			const expectedTypes = full.items.filter(
				(d) => d.deviceType === 'AP' || d.deviceType === 'SWITCH',
			).length;
			for (const f of ["deviceType in ('AP','SWITCH')", "deviceType in 'AP','SWITCH'"]) {
				const res = await api(
					sb,
					tokens.standard,
					`/devices/v1/devices?filter=${encodeURIComponent(f)}`,
				);
				expect(res.body.total).toBe(expectedTypes);
				expect(
					res.body.items.every((d: any) => d.deviceType === 'AP' || d.deviceType === 'SWITCH'),
				).toBe(true);
			}
			const compute = await api(
				sb,
				tokens.standard,
				`/devices/v1/devices?filter=${encodeURIComponent("deviceType eq 'COMPUTE'")}`,
			);
			expect(compute.body.total).toBe(full.items.filter((d) => d.deviceType === 'COMPUTE').length);
		});

		it('returns only the selected properties and rejects unknown ones', async () => {
			const res = await api(
				sb,
				tokens.standard,
				'/devices/v1/devices?limit=3&select=serialNumber,deviceType',
			);
			for (const d of res.body.items)
				expect(Object.keys(d).sort()).toEqual(['deviceType', 'serialNumber']);
			const bad = await api(sb, tokens.standard, '/devices/v1/devices?select=serialNumber,nope');
			expect(bad.status).toBe(400);
			expect(issueSubjects(bad.body)).toEqual(['select']);
		});

		it('rejects unsupported filter syntax naming `filter`', async () => {
			for (const f of [
				"serialNumber eq 'x' or deviceType eq 'AP'",
				"serialNumber eq 'x",
				'nonsense',
				"nope eq 'x'",
				"(deviceType eq 'AP')",
			]) {
				const res = await api(
					sb,
					tokens.standard,
					`/devices/v1/devices?filter=${encodeURIComponent(f)}`,
				);
				expect(res.status).toBe(400);
				expect(issueSubjects(res.body)).toEqual(['filter']);
			}
		});
	});

	describe('auth and routing', () => {
		it('answers 401 without a token or with an unknown one, 404 for unknown routes', async () => {
			const none = await api(sb, undefined, '/devices/v1/devices');
			expect(none.status).toBe(401);
			expect(none.body.errorCode).toBe('HPE_GL_ERROR_UNAUTHORIZED');
			const garbage = await api(sb, 'not-a-token', '/devices/v1/devices');
			expect(garbage.status).toBe(401);
			expect(garbage.body.errorDetails[0].metadata.access_token).toBe('invalid');
			const unknown = await api(sb, tokens.standard, '/devices/v9/gadgets');
			expect(unknown.status).toBe(404);
			expect(unknown.body).toEqual(
				expect.objectContaining({
					httpStatusCode: 404,
					errorCode: 'HPE_GL_ERROR_NOT_FOUND',
					message: expect.any(String),
				}),
			);
			expect(unknown.body.debugId).toMatch(/^[0-9a-f-]{36}$/);
		});
	});
});
