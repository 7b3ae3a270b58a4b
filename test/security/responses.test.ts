// Finding 8: a 200 HTML page (a proxy's login page) on a list call was a success with 0 items; a list answer without
// `items` is an error too.
import { NODE_NAME, SEED, failureText, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';

describe('answers that are not API data (finding 8)', () => {
	let robust: Robust;
	const probe = hostileTally('responses');

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: 10, auditLogs: 10, users: 5, subscriptions: 5, locations: 5 } });
	});
	afterAll(async () => {
		await robust?.sandbox.close();
	});
	beforeEach(() => robust.reset());

	it('Device → Get Many answered by a 200 HTML login page: an error naming the page, not 0 items', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'html200', count: 1, route: '/devices/v1/devices' });
			const result = await robust.run(robust.node({ resource: 'device', operation: 'getMany', returnAll: true }));
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/answered GET \/devices\/v1\/devices with a web page \(HTTP 200, HTML\)/);
			expect(failureText(result)).toMatch(/proxy/);
		});
	});

	it('Audit Log → Get Many answered by HTML: an error', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'html200', count: 1, route: '/audit-log/' });
			const result = await robust.run(robust.node({ resource: 'auditLog', operation: 'getMany', returnAll: false, limit: 5 }));
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/with a web page/);
		});
	});

	it('Device → Get (single record) answered by HTML: an error, not an item holding the page', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'html200', count: 1, route: '/devices/v1/devices/' });
			const result = await robust.run(robust.node({ resource: 'device', operation: 'get', id: 'a1b2c3d4e5f6a7b8c9d0' }));
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/with a web page/);
		});
	});

	it('API Request with Return All on an endpoint that answers an object without items: an error, not 0 items', async () => {
		await probe(async () => {
			const path = `/workspaces/v1/workspaces/${SEED.workspaces.standard.id}`;
			const result = await robust.run(robust.node({ resource: 'apiRequest', operation: 'send', method: 'GET', path, pagination: 'all' }));
			expect(result.status).toBe('error');
			expect(failureText(result)).toMatch(/answered GET \/workspaces\/v1\/workspaces\/[0-9a-f]+ without a list of items \(HTTP 200\)/);
			expect(failureText(result)).toMatch(/turn Pagination off/);
		});
	});

	it('Continue On Fail: the HTML answer becomes one error item paired to its input; the other items succeed', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'html200', count: 1, route: '/devices/v1/devices', skip: 1 });
			const result = await robust.run(
				robust.node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 1 }, { continueOnFail: true }),
				[{ json: {} }, { json: {} }, { json: {} }],
			);
			const items = result.items(NODE_NAME);
			expect(items).toHaveLength(3);
			expect(items.map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 1, 2]);
			expect(items.map((item) => item.json.error === undefined)).toEqual([true, false, true]);
			expect(String(items[1].json.error)).toMatch(/web page/);
		});
	});
});
