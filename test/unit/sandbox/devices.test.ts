// PATCH /devices/v1/devices (merge patch) → 202 + Location → async operation → device updated.
import { SEED, startSandbox, TestClock } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, issueSubjects, token } from './helpers';

const { msp, standard } = SEED.clients;
const MERGE = { 'content-type': 'application/merge-patch+json' };
const small = { auditLogs: 10, devices: 60, subscriptions: 10, users: 5, locations: 5 };

async function unassigned(sb: Sandbox, t: string, n = 1): Promise<any[]> {
	const res = await api(
		sb,
		t,
		`/devices/v1/devices?filter=${encodeURIComponent("assignedState eq 'UNASSIGNED'")}`,
	);
	expect(res.body.items.length).toBeGreaterThanOrEqual(n);
	return res.body.items.slice(0, n);
}

function patch(
	sb: Sandbox,
	t: string,
	ids: string[],
	body: unknown,
	headers: Record<string, string> = MERGE,
	extra = '',
) {
	const qs = ids.map((id) => `id=${id}`).join('&');
	return api(sb, t, `/devices/v1/devices?${qs}${extra}`, {
		method: 'PATCH',
		headers,
		body: JSON.stringify(body),
	});
}

describe('sandbox device PATCH and async operations (poll-based)', () => {
	let sb: Sandbox;
	let t: string;
	beforeAll(async () => {
		// Time-based completion pushed out of the way: completion after the 2nd poll only.
		sb = await startSandbox({ sizes: small, asyncOperationMs: 60_000 });
		t = await token(sb, standard);
	});
	afterAll(() => sb.close());

	it('accepts a merge patch with 202, Location and transactionId, applying it when the operation succeeds', async () => {
		const [device] = await unassigned(sb, t);
		const appId = '0892c36d-40df-4f26-923b-76b5d213b420';
		const res = await patch(sb, t, [device.id], { application: { id: appId }, region: 'us-west' });
		expect(res.status).toBe(202);
		const location = res.headers.get('location')!;
		expect(location).toMatch(/^\/devices\/v1\/async-operations\/[0-9a-f-]{36}$/);
		expect(res.body.transactionId).toBe(location.split('/').pop());
		// Not applied yet.
		expect((await api(sb, t, `/devices/v1/devices/${device.id}`)).body.assignedState).toBe(
			'UNASSIGNED',
		);

		const first = await api(sb, t, location);
		expect(first.status).toBe(200);
		expect(['INITIALIZED', 'RUNNING']).toContain(first.body.status);
		expect(first.body.suggestedPollingIntervalSeconds).toBe(1);
		expect(first.body.endedAt).toBeNull();
		expect(first.body.progressPercent).toBeLessThan(100);
		expect(first.body.id).toBe(res.body.transactionId);

		const second = await api(sb, t, location);
		expect(second.body.status).toBe('SUCCEEDED');
		expect(second.body.progressPercent).toBe(100);
		expect(Date.parse(second.body.endedAt)).toBeGreaterThanOrEqual(
			Date.parse(second.body.startedAt),
		);

		const after = (await api(sb, t, `/devices/v1/devices/${device.id}`)).body;
		expect(after.application.id).toBe(appId);
		expect(after.region).toBe('us-west');
		expect(after.assignedState).toBe('ASSIGNED_TO_SERVICE');
		expect(after.generation).toBe(device.generation + 1);
		expect(after.serialNumber).toBe(device.serialNumber);
	});

	it('unassigns with null and patches several devices at once', async () => {
		const assigned = (
			await api(
				sb,
				t,
				`/devices/v1/devices?filter=${encodeURIComponent("assignedState eq 'ASSIGNED_TO_SERVICE'")}`,
			)
		).body.items.slice(0, 2);
		const res = await patch(
			sb,
			t,
			assigned.map((d: any) => d.id),
			{ application: null, region: null },
		);
		expect(res.status).toBe(202);
		await api(sb, t, res.headers.get('location')!);
		expect((await api(sb, t, res.headers.get('location')!)).body.status).toBe('SUCCEEDED');
		for (const d of assigned) {
			const now = (await api(sb, t, `/devices/v1/devices/${d.id}`)).body;
			expect(now.application).toBeNull();
			expect(now.assignedState).toBe('UNASSIGNED');
		}
	});

	it('does not apply a dry-run', async () => {
		const [device] = await unassigned(sb, t);
		const res = await patch(
			sb,
			t,
			[device.id],
			{ application: { id: 'x' } },
			MERGE,
			'&dry-run=true',
		);
		expect(res.status).toBe(202);
		await api(sb, t, res.headers.get('location')!);
		expect((await api(sb, t, res.headers.get('location')!)).body.status).toBe('SUCCEEDED');
		expect((await api(sb, t, `/devices/v1/devices/${device.id}`)).body.assignedState).toBe(
			'UNASSIGNED',
		);
	});

	it('answers 415 for a non merge-patch content type', async () => {
		const [device] = await unassigned(sb, t);
		const res = await patch(
			sb,
			t,
			[device.id],
			{ region: 'us-west' },
			{ 'content-type': 'application/json' },
		);
		expect(res.status).toBe(415);
		expect(res.body.httpStatusCode).toBe(415);
	});

	it('validates ids and body', async () => {
		const devices = (await api(sb, t, '/devices/v1/devices?limit=6')).body.items.map(
			(d: any) => d.id,
		);
		expect(issueSubjects((await patch(sb, t, [], { region: 'x' })).body)).toEqual(['id']);
		const six = await patch(sb, t, devices, { region: 'x' });
		expect(six.status).toBe(400);
		expect(issueSubjects(six.body)).toEqual(['id']);
		expect((await patch(sb, t, ['no-such-device'], { region: 'x' })).status).toBe(404);
		const readOnly = await patch(sb, t, [devices[0]], { serialNumber: 'X' });
		expect(readOnly.status).toBe(400);
		const twoKinds = await patch(sb, t, [devices[0]], {
			application: { id: 'a' },
			subscription: [],
		});
		expect(twoKinds.status).toBe(400);
		const notJson = await api(sb, t, `/devices/v1/devices?id=${devices[0]}`, {
			method: 'PATCH',
			headers: MERGE,
			body: '{',
		});
		expect(notJson.status).toBe(400);
	});

	it('hides operations of other workspaces', async () => {
		const [device] = await unassigned(sb, t);
		const res = await patch(sb, t, [device.id], { region: 'eu-central' });
		const other = await token(sb, msp);
		expect((await api(sb, other, res.headers.get('location')!)).status).toBe(404);
		expect(
			(await api(sb, t, '/devices/v1/async-operations/00000000-0000-4000-8000-000000000000'))
				.status,
		).toBe(404);
	});
});

describe('sandbox device async operations (time-based, the sandbox clock moved by hand)', () => {
	it('succeeds after asyncOperationMs even without enough polls, and applies on the next read', async () => {
		const clock = new TestClock();
		const sb = await startSandbox({
			sizes: small,
			asyncOperationMs: 300,
			asyncOperationPolls: 100,
			clock,
		});
		try {
			const t = await token(sb, standard);
			const [device] = await unassigned(sb, t);
			clock.freeze();
			const res = await patch(sb, t, [device.id], { subscription: [{ id: 'sub-1' }] });
			const location = res.headers.get('location')!;
			clock.advance(299);
			expect((await api(sb, t, location)).body.status).not.toBe('SUCCEEDED');
			expect((await api(sb, t, `/devices/v1/devices/${device.id}`)).body.subscription).toEqual(device.subscription);
			clock.advance(1);
			const read = (await api(sb, t, `/devices/v1/devices/${device.id}`)).body;
			expect(read.subscription).toEqual([
				{ id: 'sub-1', resourceUri: '/subscriptions/v1/subscriptions/sub-1' },
			]);
			expect((await api(sb, t, location)).body.status).toBe('SUCCEEDED');
		} finally {
			await sb.close();
		}
	});
});
