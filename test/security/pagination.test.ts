// Finding 5: Return All against a server that ignores `offset`, claims a huge `total`, or caps pages below the
// documented maximum. Before the fix: 400 pages of duplicates for an ignored offset, and a short page silently ended
// the list although `total` said more remained. Same for the audit-log window loop.
import type { IDataObject } from 'n8n-workflow';

import { NODE_NAME, distModule, failureText, figure, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';

const DEVICES = 40;
const AUDIT_LOGS = 25;
const unique = (rows: IDataObject[]) => new Set(rows.map((row) => String(row.id))).size;

describe('pagination guards (finding 5)', () => {
	let robust: Robust;
	const probe = hostileTally('pagination');

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: DEVICES, auditLogs: AUDIT_LOGS, users: 5, subscriptions: 5, locations: 5 } });
	});
	afterAll(async () => {
		await robust?.sandbox.close();
	});
	beforeEach(() => robust.reset());

	const deviceListRequests = () => robust.routeCount('GET /devices/v1/devices', '200');
	const auditListRequests = () => robust.routeCount('GET /audit-log/v2beta1/logs', '200');
	const apiList = (pageSize: number) =>
		robust.node({ resource: 'apiRequest', operation: 'send', method: 'GET', path: '/devices/v1/devices', pagination: 'all', sendOptions: { pageSize } });

	it('a server that ignores offset (API Request, Return All, page size 4): an error on the 2nd page, not 10 pages of duplicates', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'ignoreOffset', count: 1000, route: '/devices/v1/devices' });
			const result = await robust.run(apiList(4));
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/answered offset 4 with the same page as before/);
			expect(failureText(result)).toMatch(/ignored the offset parameter/);
			expect(deviceListRequests()).toBe(2);
		});
	});

	it('ignored offset and a huge total (1e9): stops at the repeated page', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'ignoreOffset', total: 1e9, count: 1000, route: '/devices/v1/devices' });
			const result = await robust.run(robust.node({ resource: 'device', operation: 'getMany', returnAll: true }));
			// Device → Get Many pages at 2,000: the whole list fits on one page, so the second request is the repeat.
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/same page as before/);
			expect(deviceListRequests()).toBeLessThanOrEqual(2);
		});
	});

	it('a huge total with an honest offset: the empty page ends the list, every device once', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'hugeTotal', total: 1e9, count: 1000, route: '/devices/v1/devices' });
			const result = await robust.run(apiList(4));
			expect(result.nodeError(NODE_NAME)).toBeUndefined();
			const rows = result.output(NODE_NAME);
			expect(rows).toHaveLength(DEVICES);
			expect(unique(rows)).toBe(DEVICES);
			expect(deviceListRequests()).toBe(DEVICES / 4 + 1);
		});
	});

	it('pages capped below the requested limit (7 of 2,000) while total says 40: Return All still returns all 40', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'shortPage', max: 7, count: 1000, route: '/devices/v1/devices' });
			const result = await robust.run(robust.node({ resource: 'device', operation: 'getMany', returnAll: true }));
			expect(result.nodeError(NODE_NAME)).toBeUndefined();
			const rows = result.output(NODE_NAME);
			expect(rows).toHaveLength(DEVICES);
			expect(unique(rows)).toBe(DEVICES);
			expect(deviceListRequests()).toBe(Math.ceil(DEVICES / 7));
			figure(`short pages (7 of 2000): ${rows.length}/${DEVICES} devices in ${deviceListRequests()} requests`);
		});
	});

	it('a short page with a Limit: exactly Limit items, none repeated', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'shortPage', max: 7, count: 1000, route: '/devices/v1/devices' });
			const result = await robust.run(robust.node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 30 }));
			const rows = result.output(NODE_NAME);
			expect(rows).toHaveLength(30);
			expect(unique(rows)).toBe(30);
		});
	});

	it('audit logs: a server that ignores offset → an error, not duplicates', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'ignoreOffset', max: 10, count: 1000, route: '/audit-log/' });
			const result = await robust.run(robust.node({ resource: 'auditLog', operation: 'getMany', returnAll: true }));
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/same page as before/);
			expect(auditListRequests()).toBe(2);
		});
	});

	it('audit logs: pages capped at 10 while total says 25 → all 25 events, once each', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'shortPage', max: 10, count: 1000, route: '/audit-log/' });
			const result = await robust.run(robust.node({ resource: 'auditLog', operation: 'getMany', returnAll: true }));
			expect(result.nodeError(NODE_NAME)).toBeUndefined();
			const rows = result.output(NODE_NAME);
			// v2beta1 lists platform events only (about 85 % of the seeded ones): compare with an unfaulted read.
			robust.sandbox.faults.clear();
			const honest = await robust.run(robust.node({ resource: 'auditLog', operation: 'getMany', returnAll: true }));
			const expected = honest.output(NODE_NAME).length;
			expect(expected).toBeGreaterThan(10);
			expect(rows).toHaveLength(expected);
			expect(unique(rows)).toBe(expected);
		});
	});

	it('audit logs: a huge total (1e9) with an ignored offset → an error on the 2nd page', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'ignoreOffset', total: 1e9, max: 10, count: 1000, route: '/audit-log/' });
			const result = await robust.run(robust.node({ resource: 'auditLog', operation: 'getMany', returnAll: true }));
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/same page as before/);
			expect(auditListRequests()).toBeLessThanOrEqual(2);
		});
	});
});

describe('page cap (unit, PageGuard from dist)', () => {
	const probe = hostileTally('pagination-cap');
	type Guard = new (ctx: unknown, what: string, itemIndex?: number, maxPages?: number) => { check(items: IDataObject[], offset: number): void };
	let PageGuard: Guard;
	beforeAll(async () => {
		({ PageGuard } = await distModule<{ PageGuard: Guard }>('nodes/shared/transport/pagination'));
	});
	const ctx = { getNode: () => ({ id: 'n', name: 'HPE GreenLake', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }) };

	it('a list that never ends (always new ids): stops with a clear error after the page cap, not before', async () => {
		await probe(async () => {
			const guard = new PageGuard(ctx, 'GET /devices/v1/devices', 0, 3);
			const page = (n: number) => [{ id: `a${n}` }, { id: `b${n}` }];
			for (let n = 0; n < 3; n++) guard.check(page(n), n * 2);
			expect(() => guard.check(page(3), 6)).toThrow(/stopped after 3 pages/);
		});
	});

	it('pages without ids (a Select leaving id out) may repeat: no false "same page" error', async () => {
		await probe(async () => {
			const guard = new PageGuard(ctx, 'GET /devices/v1/devices', 0, 10);
			guard.check([{ region: 'us-west' }], 0);
			expect(() => guard.check([{ region: 'us-west' }], 1)).not.toThrow();
		});
	});
});
