// Finding 15b: Device Update over several batches (5 devices per PATCH) where batch 2 fails: what batch 1 already
// changed must still be reported, not lost in a bare error.
import type { IDataObject } from 'n8n-workflow';

import { NODE_NAME, failureText, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';

const MANAGER = '0892c36d-40df-4f26-923b-76b5d213b420';

describe('Device Update, a later batch fails (finding 15)', () => {
	const probe = hostileTally('deviceUpdate');
	let robust: Robust;
	let ids: string[];

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: 20, auditLogs: 1, users: 1, subscriptions: 1, locations: 1 } });
		const list = await robust.run(robust.node({ resource: 'device', operation: 'getMany', returnAll: true }));
		ids = list.output(NODE_NAME).map((json) => String(json.id));
		expect(ids).toHaveLength(20);
	});
	afterAll(async () => {
		await robust?.sandbox.close();
	});
	beforeEach(() => robust.reset());

	const update = (deviceIds: string[], region: string, extra: IDataObject = {}) =>
		robust.node(
			{
				resource: 'device',
				operation: 'update',
				deviceIds: deviceIds.join(','),
				patch: JSON.stringify({ application: { id: MANAGER }, region }),
				waitForCompletion: true,
			},
			extra,
		);
	const regionOf = async (id: string) => (await robust.run(robust.node({ resource: 'device', operation: 'get', id }))).output(NODE_NAME)[0].region;

	it('12 devices (3 batches), the 2nd PATCH answered 500: the error names batch 2 and lists the devices batch 1 changed', async () => {
		await probe(async () => {
			const devices = ids.slice(0, 12);
			robust.sandbox.faults.inject({ kind: 'status', status: 500, count: 1, route: '/devices/v1/devices', method: 'PATCH', skip: 1 });
			const result = await robust.run(update(devices, 'eu-central'));
			expect(result.status).toBe('error');
			const text = failureText(result);
			expect(text).toMatch(/Device Update stopped at batch 2 of 3: 5 device\(s\) were already changed/);
			expect(text).toContain(`Already sent to GreenLake, not undone: ${devices.slice(0, 5).join(', ')}.`);
			expect(text).toMatch(/Not applied: batch 2 and later/);
			// The sandbox confirms: batch 1 changed, batch 3 never sent.
			expect(await regionOf(devices[0])).toBe('eu-central');
			expect(await regionOf(devices[11])).not.toBe('eu-central');
			expect(robust.routeCount('PATCH /devices/v1/devices', '202')).toBe(1);
			expect(robust.routeCount('PATCH /devices/v1/devices', '500')).toBe(1);
		});
	});

	it('with Continue On Fail: one item for the input; its error names the devices batch 1 changed and carries batch 1\'s result', async () => {
		await probe(async () => {
			const devices = ids.slice(12, 20);
			robust.sandbox.faults.inject({ kind: 'status', status: 500, count: 1, route: '/devices/v1/devices', method: 'PATCH', skip: 1 });
			const result = await robust.run(update(devices, 'ap-northeast', { continueOnFail: true }));
			const items = result.items(NODE_NAME);
			expect(items).toHaveLength(1);
			expect(items[0].pairedItem).toEqual({ item: 0 });
			// n8n replaces an error item's json with { error: message }: the message itself must say what changed.
			expect(String(items[0].json.error)).toContain(`stopped at batch 2 of 2: 5 device(s) were already changed (${devices.slice(0, 5).join(', ')})`);
			const applied = (items[0].error as unknown as { context: { applied: IDataObject[] } }).context.applied;
			expect(applied).toHaveLength(1);
			expect(applied[0].deviceIds).toEqual(devices.slice(0, 5));
			expect(applied[0].status).toBe('SUCCEEDED');
		});
	});

	it('control: the first batch failing is an ordinary error (nothing was applied)', async () => {
		robust.sandbox.faults.inject({ kind: 'status', status: 500, count: 1, route: '/devices/v1/devices', method: 'PATCH' });
		const result = await robust.run(update(ids.slice(0, 7), 'us-west', { continueOnFail: true }));
		const items = result.items(NODE_NAME);
		expect(items).toHaveLength(1);
		expect(String(items[0].json.error)).toMatch(/HTTP 500/);
		expect(String(items[0].json.error)).not.toMatch(/already changed/);
	});
});
