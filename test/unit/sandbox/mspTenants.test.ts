// An MSP with many tenants (option mspTenants, up to 1,000): the tenant list pages completely, every tenant exchanges
// and serves its own data, and each tenant has its own rate-limit windows. The clock stands still at a window start.
import { SEED, startSandbox, TestClock } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { parseArgs } from '../../sandbox/cli';
import { api, collect, exchange, token } from './helpers';

const small = { auditLogs: 5, devices: 5, subscriptions: 2, users: 2, locations: 2 };
const TENANT_DEVICES = 3;
const WINDOW_S = 2;
const compact = (id: string) => id.replace(/-/g, '');

describe('sandbox: an MSP with 1,000 tenants', () => {
	let sb: Sandbox;
	let msp: string;
	const clock = new TestClock();
	beforeAll(async () => {
		sb = await startSandbox({
			mspTenants: 1000,
			sizes: small,
			tenantSizes: { devices: TENANT_DEVICES },
			rateWindowSeconds: WINDOW_S,
			rateLimits: { 'devices.list': 2 },
			clock,
		});
		msp = await token(sb, SEED.clients.msp);
	});
	beforeEach(() => clock.freezeAtWindowStart(WINDOW_S));
	afterAll(() => sb.close());

	const tenantToken = async (tenantId: string): Promise<string> => {
		const res = await exchange(sb, msp, tenantId);
		expect(res.status).toBe(200);
		return res.body.access_token as string;
	};

	it('lists all 1,000 tenants over four pages of 300, the three named ones first', async () => {
		const { items, totals } = await collect(sb, msp, '/workspaces/v1/msp-tenants', 300);
		expect(totals).toEqual([1000, 1000, 1000, 1000]);
		expect(items).toHaveLength(1000);
		expect(new Set(items.map((t) => t.id)).size).toBe(1000);
		const names = items.map((t) => t.workspaceName);
		expect(names.slice(0, 4)).toEqual(['Tenant Alpha', 'Tenant Bravo', 'Tenant Charlie', 'Tenant 0004']);
		expect(names[999]).toBe('Tenant 1000');
		expect(items.slice(0, 3).map((t) => compact(t.id))).toEqual(SEED.workspaces.tenants.map((t) => t.id));
		expect(sb.tenants().map((t) => t.id)).toEqual(items.map((t) => compact(t.id)));
	});

	it('filters tenants server-side by name (eq, contains) and id', async () => {
		const byName = await api(sb, msp, `/workspaces/v1/msp-tenants?filter=${encodeURIComponent("workspaceName eq 'Tenant 0950'")}`);
		expect(byName.body.items.map((t: any) => t.workspaceName)).toEqual(['Tenant 0950']);
		const partial = await api(sb, msp, `/workspaces/v1/msp-tenants?filter=${encodeURIComponent("contains(workspaceName,'tenant 095')")}`);
		expect(partial.body.total).toBe(10);
		const id = byName.body.items[0].id as string;
		const byId = await api(sb, msp, `/workspaces/v1/msp-tenants?filter=${encodeURIComponent(`id eq '${compact(id)}'`)}`);
		expect(byId.body.items.map((t: any) => t.id)).toEqual([id]);
	});

	it('every tenant (first, middle, last) exchanges and serves its own data', async () => {
		const tenants = sb.tenants();
		const seen = new Set<string>();
		for (const tenant of [tenants[0], tenants[3], tenants[499], tenants[999]]) {
			const t = await tenantToken(tenant.id);
			const devices = await api(sb, t, '/devices/v1/devices');
			expect(devices.status).toBe(200);
			expect(devices.body.total).toBe(TENANT_DEVICES);
			for (const device of devices.body.items) seen.add(device.serialNumber);
			const own = await api(sb, t, `/workspaces/v1/workspaces/${tenant.id}`);
			expect(own.body.workspaceName).toBe(tenant.name);
		}
		expect(seen.size).toBe(4 * TENANT_DEVICES);
		// The MSP itself keeps the `sizes` data.
		expect((await api(sb, msp, '/devices/v1/devices')).body.total).toBe(small.devices);
	});

	it('rate-limit windows are per tenant: one tenant at its limit leaves the others untouched', async () => {
		const [first, second] = [sb.tenants()[10], sb.tenants()[900]];
		const a = await tenantToken(first.id);
		const b = await tenantToken(second.id);
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await api(sb, a, '/devices/v1/devices')).status);
		expect(statuses).toEqual([200, 200, 429]);
		const other = await api(sb, b, '/devices/v1/devices');
		expect(other.status).toBe(200);
		expect(other.headers.get('ratelimit-remaining')).toBe('1');
		clock.advance(WINDOW_S * 1000);
		expect((await api(sb, a, '/devices/v1/devices')).status).toBe(200);
	});
});

describe('sandbox: mspTenants bounds and CLI flags', () => {
	it('refuses more than 1,000 tenants and fractions', async () => {
		await expect(startSandbox({ mspTenants: 1001 })).rejects.toThrow(/mspTenants/);
		await expect(startSandbox({ mspTenants: 2.5 })).rejects.toThrow(/mspTenants/);
	});

	it('an MSP with no tenants lists none; one with 2 lists Alpha and Bravo', async () => {
		for (const [count, names] of [
			[0, []],
			[2, ['Tenant Alpha', 'Tenant Bravo']],
		] as const) {
			const sb = await startSandbox({ mspTenants: count, sizes: small });
			try {
				const res = await api(sb, await token(sb, SEED.clients.msp), '/workspaces/v1/msp-tenants');
				expect(res.body.items.map((t: any) => t.workspaceName)).toEqual(names);
			} finally {
				await sb.close();
			}
		}
	});

	it('--tenants, --tenant-devices and --latency', () => {
		expect(parseArgs(['--tenants', '500', '--tenant-devices', '20', '--latency', '100'])).toEqual({
			mspTenants: 500,
			tenantSizes: { devices: 20 },
			latencyMs: 100,
		});
		expect(() => parseArgs(['--tenants', '-1'])).toThrow(/--tenants/);
	});
});
