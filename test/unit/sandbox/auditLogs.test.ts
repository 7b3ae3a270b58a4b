// Audit logs with the default data size (25,000 per workspace): cap, windows, ordering, filters, scoping.
import { SEED, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, collect, exchange, issueSubjects, token } from './helpers';

const { msp, standard } = SEED.clients;
const [alpha] = SEED.workspaces.tenants;
const tenantIds = SEED.workspaces.tenants.map((t) => t.id);
const PLATFORM = '00000000-0000-0000-0000-000000000000';
const COM = 'd46569ae-0516-4dd2-81ce-b6d645842acc';
const HOUR = 3_600_000;

const q = (filter: string) => encodeURIComponent(filter);
const times = (items: any[]) => items.map((i) => Date.parse(i.createdAt));

describe('sandbox audit logs', () => {
	let sb: Sandbox;
	let startedAt: number;
	const tokens: Record<string, string> = {};
	beforeAll(async () => {
		startedAt = Date.now();
		sb = await startSandbox({
			rateLimits: false,
			sizes: { devices: 10, subscriptions: 5, users: 200, locations: 5 },
		});
		tokens.msp = await token(sb, msp);
		tokens.standard = await token(sb, standard);
		tokens.alpha = (await exchange(sb, tokens.msp, alpha.id)).body.access_token;
	});
	afterAll(() => sb.close());

	it('caps total at 10,000 with remainingRecords, newest first, platform logs only', async () => {
		const res = await api(sb, tokens.standard, '/audit-log/v2beta1/logs');
		expect(res.status).toBe(200);
		expect(res.body.total).toBe(10_000);
		expect(res.body.remainingRecords).toBe(true);
		expect(res.body.count).toBe(50);
		const t = times(res.body.items);
		for (let i = 1; i < t.length; i++) expect(t[i]).toBeLessThanOrEqual(t[i - 1]);
		expect(res.body.items.every((l: any) => l.serviceOffer.id === PLATFORM)).toBe(true);
		const item = res.body.items[0];
		expect(Object.keys(item).sort()).toEqual(
			[
				'additionalInfo',
				'category',
				'createdAt',
				'description',
				'hasDetails',
				'id',
				'ipAddress',
				'serviceOffer',
				'type',
				'username',
				'workspace',
			].sort(),
		);
		expect(item.type).toBe('/audit-log/log');
		expect(item.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(item.workspace).toEqual({
			id: standard.workspaceId,
			name: 'Contoso Standard',
			type: 'STANDALONE',
		});
	});

	it('cannot page past the 10,000-record window', async () => {
		const last = await api(sb, tokens.standard, '/audit-log/v2beta1/logs?offset=9950&limit=50');
		expect(last.status).toBe(200);
		expect(last.body.count).toBe(50);
		const past = await api(sb, tokens.standard, '/audit-log/v2beta1/logs?offset=9990&limit=20');
		expect(past.status).toBe(400);
		expect(issueSubjects(past.body)).toEqual(['offset']);
		expect((await api(sb, tokens.standard, '/audit-log/v1/logs?offset=10000&limit=1')).status).toBe(
			400,
		);
	});

	it('spreads data over 90 days relative to start, with some identical timestamps', async () => {
		const oldest = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?sort=${q('createdAt asc')}&limit=1`,
		);
		const age = startedAt - Date.parse(oldest.body.items[0].createdAt);
		expect(age).toBeGreaterThan(85 * 24 * HOUR);
		expect(age).toBeLessThanOrEqual(90 * 24 * HOUR + 60_000);
		const lastDay = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=2000&filter=${q(`createdAt ge '${new Date(Date.now() - 24 * HOUR).toISOString()}'`)}`,
		);
		expect(lastDay.body.total).toBeGreaterThan(100);
		expect(lastDay.body.remainingRecords).toBe(false);
		const t = times(lastDay.body.items);
		expect(new Set(t).size).toBeLessThan(t.length);
	});

	it('returns disjoint, complete sets for adjacent createdAt windows (ge/lt), also across identical timestamps', async () => {
		const to = new Date(Date.now() + 1000).toISOString();
		const from = new Date(Date.now() - 3 * 24 * HOUR).toISOString();
		// Put several events exactly on the split point.
		const mid = new Date(Date.now() - 36 * HOUR).toISOString();
		const added = sb.addAuditLogs(
			standard.workspaceId,
			[0, 1, 2].map((i) => ({ createdAt: mid, description: `boundary ${i}` })),
		);
		const path = (a: string, b: string) =>
			`/audit-log/v2beta1/logs?filter=${q(`createdAt ge '${a}' and createdAt lt '${b}'`)}`;
		const whole = await collect(sb, tokens.standard, path(from, to), 2000);
		const first = await collect(sb, tokens.standard, path(from, mid), 2000);
		const second = await collect(sb, tokens.standard, path(mid, to), 2000);
		expect(whole.totals[0]).toBeLessThan(10_000);
		expect(first.items.length + second.items.length).toBe(whole.items.length);
		const firstIds = new Set(first.items.map((i) => i.id));
		expect(second.items.some((i) => firstIds.has(i.id))).toBe(false);
		expect(new Set([...firstIds, ...second.items.map((i) => i.id)])).toEqual(
			new Set(whole.items.map((i) => i.id)),
		);
		for (const i of first.items) expect(Date.parse(i.createdAt)).toBeLessThan(Date.parse(mid));
		for (const i of second.items)
			expect(Date.parse(i.createdAt)).toBeGreaterThanOrEqual(Date.parse(mid));
		const secondIds = new Set(second.items.map((i) => i.id));
		for (const a of added) expect(secondIds.has(a.id)).toBe(true);
	});

	it('sorts with sort=createdAt asc / desc; bare createdAt is descending like the spec example', async () => {
		const asc = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=200&sort=${q('createdAt asc')}`,
		);
		const ta = times(asc.body.items);
		for (let i = 1; i < ta.length; i++) expect(ta[i]).toBeGreaterThanOrEqual(ta[i - 1]);
		const desc = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=200&sort=${q('createdAt desc')}`,
		);
		const td = times(desc.body.items);
		for (let i = 1; i < td.length; i++) expect(td[i]).toBeLessThanOrEqual(td[i - 1]);
		expect(td[0]).toBeGreaterThan(ta[0]);
		const bare = await api(sb, tokens.standard, '/audit-log/v2beta1/logs?limit=200&sort=createdAt');
		expect(bare.body.items.map((i: any) => i.id)).toEqual(desc.body.items.map((i: any) => i.id));
		const bad = await api(sb, tokens.standard, '/audit-log/v2beta1/logs?sort=nope');
		expect(bad.status).toBe(400);
		expect(issueSubjects(bad.body)).toEqual(['sort']);
	});

	it('filters by category eq/in, contains(description), username eq, serviceOffer/id', async () => {
		const one = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=500&filter=${q("category eq 'API Gateway'")}`,
		);
		expect(one.body.count).toBeGreaterThan(0);
		expect(one.body.items.every((l: any) => l.category === 'API Gateway')).toBe(true);
		const two = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=2000&filter=${q("category in ('User Activity', 'API Gateway')")}`,
		);
		const cats = new Set(two.body.items.map((l: any) => l.category));
		expect(cats).toEqual(new Set(['User Activity', 'API Gateway']));
		const out = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=500&filter=${q("contains(description,'logged out')")}`,
		);
		expect(out.body.count).toBeGreaterThan(0);
		expect(out.body.items.every((l: any) => l.description.includes('logged out'))).toBe(true);
		const user = one.body.items[0].username;
		const byUser = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=2000&filter=${q(`username eq '${user}'`)}`,
		);
		expect(byUser.body.count).toBeGreaterThan(0);
		expect(byUser.body.items.every((l: any) => l.username === user)).toBe(true);
		const v1 = await api(
			sb,
			tokens.standard,
			`/audit-log/v1/logs?limit=2000&filter=${q(`user/username eq '${user}'`)}`,
		);
		expect(v1.body.items.every((l: any) => l.user.username === user)).toBe(true);
		expect(v1.body.count).toBeGreaterThanOrEqual(byUser.body.count);
		const offers = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=2000&filter=${q(`serviceOffer/id in ('${PLATFORM}', '${COM}')`)}`,
		);
		const ids = new Set(offers.body.items.map((l: any) => l.serviceOffer.id));
		expect(ids).toEqual(new Set([PLATFORM, COM]));
		const comOnly = await api(
			sb,
			tokens.standard,
			`/audit-log/v2beta1/logs?limit=100&filter=${q(`serviceOffer/id eq '${COM}'`)}`,
		);
		expect(comOnly.body.items.every((l: any) => l.serviceOffer.id === COM)).toBe(true);
	});

	it('rejects unsupported filters naming `filter`', async () => {
		for (const f of [
			"category ne 'x'",
			"foo eq 'x'",
			'category eq',
			"createdAt ge 'yesterday'",
			"category eq 'a' or category eq 'b'",
			"createdAt gt '2025-01-01T00:00:00Z'",
		]) {
			const res = await api(sb, tokens.standard, `/audit-log/v2beta1/logs?filter=${q(f)}`);
			expect(res.status).toBe(400);
			expect(issueSubjects(res.body)).toEqual(['filter']);
		}
		// v1 spells the user key differently
		expect(
			(await api(sb, tokens.standard, `/audit-log/v1/logs?filter=${q("username eq 'x'")}`)).status,
		).toBe(400);
	});

	it('supports select and rejects unknown attributes', async () => {
		const res = await api(
			sb,
			tokens.standard,
			'/audit-log/v2beta1/logs?limit=5&select=createdAt,username',
		);
		for (const l of res.body.items)
			expect(Object.keys(l).sort()).toEqual(['createdAt', 'id', 'type', 'username']);
		const bad = await api(sb, tokens.standard, '/audit-log/v2beta1/logs?select=createdAt,password');
		expect(bad.status).toBe(400);
		expect(issueSubjects(bad.body)).toEqual(['select']);
	});

	it('shapes v1 items with user, application, workspace.workspaceName, updatedAt and generation', async () => {
		const res = await api(sb, tokens.standard, '/audit-log/v1/logs?limit=3');
		const item = res.body.items[0];
		expect(item.user.username).toEqual(expect.any(String));
		expect(item.application.id).toEqual(expect.any(String));
		expect(item.workspace.workspaceName).toBe('Contoso Standard');
		expect(item.updatedAt).toEqual(expect.any(String));
		expect(item.generation).toBe(1);
	});

	describe('MSP scoping', () => {
		it('shows an MSP token its own logs by default and its tenants with workspace/type eq TENANT', async () => {
			const own = await api(sb, tokens.msp, '/audit-log/v2beta1/logs?limit=500');
			expect(
				own.body.items.every(
					(l: any) => l.workspace.id === msp.workspaceId && l.workspace.type === 'MSP',
				),
			).toBe(true);
			const tenants = await api(
				sb,
				tokens.msp,
				`/audit-log/v2beta1/logs?limit=2000&filter=${q("workspace/type eq 'TENANT'")}`,
			);
			expect(tenants.body.total).toBe(10_000);
			const seen = new Set(tenants.body.items.map((l: any) => l.workspace.id));
			expect(seen.size).toBe(3);
			for (const id of seen) expect(tenantIds).toContain(id);
			expect(tenants.body.items.every((l: any) => l.workspace.type === 'TENANT')).toBe(true);
			const t = times(tenants.body.items);
			for (let i = 1; i < t.length; i++) expect(t[i]).toBeLessThanOrEqual(t[i - 1]);
			const mspOnly = await api(
				sb,
				tokens.msp,
				`/audit-log/v2beta1/logs?limit=100&filter=${q("workspace/type eq 'MSP'")}`,
			);
			expect(mspOnly.body.items.every((l: any) => l.workspace.id === msp.workspaceId)).toBe(true);
		});

		it('shows a tenant token only its own logs', async () => {
			const res = await api(sb, tokens.alpha, '/audit-log/v2beta1/logs?limit=500');
			expect(
				res.body.items.every(
					(l: any) => l.workspace.id === alpha.id && l.workspace.type === 'TENANT',
				),
			).toBe(true);
			const mspFilter = await api(
				sb,
				tokens.alpha,
				`/audit-log/v2beta1/logs?filter=${q("workspace/type eq 'MSP'")}`,
			);
			expect(mspFilter.body.total).toBe(0);
		});

		it('gets logs and details by id within scope only', async () => {
			const tenantLogs = await api(
				sb,
				tokens.msp,
				`/audit-log/v2beta1/logs?limit=200&filter=${q("workspace/type eq 'TENANT' and hasDetails eq true")}`,
			);
			const withDetails = tenantLogs.body.items[0];
			expect(withDetails.hasDetails).toBe(true);
			expect((await api(sb, tokens.msp, `/audit-log/v2beta1/logs/${withDetails.id}`)).body.id).toBe(
				withDetails.id,
			);
			const details = await api(
				sb,
				tokens.msp,
				`/audit-log/v2beta1/logs/${withDetails.id}/details`,
			);
			expect(details.status).toBe(200);
			expect(details.body).toEqual(
				expect.objectContaining({
					id: withDetails.id,
					type: '/audit-log/log/details',
					header: expect.any(String),
				}),
			);
			expect(Array.isArray(details.body.body)).toBe(true);
			expect(
				(await api(sb, tokens.standard, `/audit-log/v2beta1/logs/${withDetails.id}`)).status,
			).toBe(404);
			const ownNoDetails = (
				await api(
					sb,
					tokens.standard,
					`/audit-log/v2beta1/logs?limit=50&filter=${q('hasDetails eq false')}`,
				)
			).body.items[0];
			expect(
				(await api(sb, tokens.standard, `/audit-log/v2beta1/logs/${ownNoDetails.id}/details`))
					.status,
			).toBe(404);
			const ownWith = (
				await api(
					sb,
					tokens.standard,
					`/audit-log/v1/logs?limit=50&filter=${q('hasDetails eq true')}`,
				)
			).body.items[0];
			expect(
				(await api(sb, tokens.standard, `/audit-log/v1/logs/${ownWith.id}/detail`)).status,
			).toBe(200);
		});
	});

	it('makes events added with addAuditLogs visible to a "last minute" query', async () => {
		const now = new Date().toISOString();
		const [a, b] = sb.addAuditLogs(alpha.id, [
			{
				createdAt: now,
				category: 'User Management',
				description: 'sandbox added one',
				username: 'probe@alpha.example',
			},
			{ createdAt: now, description: 'sandbox added two' },
		]);
		expect(a.id).toEqual(expect.any(String));
		expect(a.id).not.toBe(b.id);
		expect(a.workspace).toEqual({ id: alpha.id, name: 'Tenant Alpha', type: 'TENANT' });
		expect(b.serviceOffer.id).toBe(PLATFORM);
		const since = new Date(Date.now() - 60_000).toISOString();
		const res = await api(
			sb,
			tokens.alpha,
			`/audit-log/v2beta1/logs?filter=${q(`createdAt ge '${since}' and contains(description,'sandbox added')`)}`,
		);
		expect(res.body.items.map((l: any) => l.id).sort()).toEqual([a.id, b.id].sort());
		expect(res.body.items.find((l: any) => l.id === a.id).username).toBe('probe@alpha.example');
	});
});

describe('sandbox audit option auditBareSortDirection', () => {
	it('can make a bare sort=createdAt ascending', async () => {
		const sb = await startSandbox({ auditBareSortDirection: 'asc', sizes: { auditLogs: 300 } });
		try {
			const t = await token(sb, standard);
			const res = await api(sb, t, '/audit-log/v2beta1/logs?limit=100&sort=createdAt');
			const ts = times(res.body.items);
			for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
			expect(ts[ts.length - 1]).toBeGreaterThan(ts[0]);
		} finally {
			await sb.close();
		}
	});
});
