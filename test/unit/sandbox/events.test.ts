// The emulated events framework: registration rules, the challenge state machine, signed single and batched
// deliveries, retries with WARNING/ERROR, recent deliveries, manual retry, subscriptions and the admin API.
import { createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { EVENT_TYPES, SEED, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { api, token } from './helpers';

const { standard, msp } = SEED.clients;
const SECRET = randomBytes(16).toString('hex');
const hex = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

interface Received {
	method: string;
	headers: http.IncomingHttpHeaders;
	text: string;
}

/** A destination that answers challenges with `secret` and deliveries with `status` (changeable). */
async function receiver(options: { secret?: string; allowedRate?: string } = {}) {
	const received: Received[] = [];
	const state = { status: 200, secret: options.secret ?? SECRET };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			received.push({ method: req.method ?? '', headers: req.headers, text });
			if (req.method === 'OPTIONS') {
				res.writeHead(200, options.allowedRate ? { 'webhook-allowed-rate': options.allowedRate, 'webhook-allowed-origin': '*' } : {});
				res.end();
				return;
			}
			const body = JSON.parse(text) as { data?: { challengeRequest?: string } };
			if (!Array.isArray(body) && body.data?.challengeRequest) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ verification: hex(state.secret, body.data.challengeRequest) }));
				return;
			}
			res.writeHead(state.status);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	const deliveries = () => received.filter((r) => r.method === 'POST' && !/challengeRequest/.test(r.text));
	return { url, received, state, deliveries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function register(sb: Sandbox, bearer: string, body: Record<string, unknown>) {
	return await api(sb, bearer, '/events/v1beta1/webhooks', json({ name: 'hook', secret: SECRET, ...body }));
}

async function subscribe(sb: Sandbox, bearer: string, webhookId: string, types: string[], eventFilter?: string) {
	return await api(
		sb,
		bearer,
		'/events/v1beta1/subscriptions',
		json(types.map((eventType) => ({ eventType, webhook: { resourceUri: `/events/v1beta1/webhooks/${webhookId}` }, ...(eventFilter ? { eventFilter } : {}) }))),
	);
}

async function until(check: () => boolean | Promise<boolean>, what: string, sb: Sandbox, settle = true): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (settle) await sb.events.idle();
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error(`timed out waiting for ${what}`);
}

function addLogs(sb: Sandbox, workspaceId: string, count: number, prefix = 'evt') {
	const now = Date.now();
	return sb.addAuditLogs(
		workspaceId,
		Array.from({ length: count }, (_, i) => ({ createdAt: new Date(now + i).toISOString(), description: `${prefix} ${i}` })),
	);
}

describe('sandbox events framework', () => {
	let sb: Sandbox;
	let bearer: string;
	let rx: Awaited<ReturnType<typeof receiver>>;

	beforeEach(async () => {
		sb = await startSandbox({
			sizes: { auditLogs: 5, devices: 1, subscriptions: 1, users: 1, locations: 1 },
			events: { challengeRetryMs: 20, challengeAttempts: 3, retryDelaysMs: [10, 10, 10], batchWindowMs: 60_000 },
		});
		bearer = await token(sb, standard);
		rx = await receiver({ allowedRate: '*' });
	});
	afterEach(async () => {
		await sb.close();
		await rx.close();
	});

	it('validates registrations: required fields, name, destination, unknown fields, limits', async () => {
		const cases: Array<[Record<string, unknown>, number, string]> = [
			[{ destination: rx.url, secret: undefined }, 422, 'secret'],
			[{ destination: rx.url, secret: 'abc' }, 422, 'secret'],
			[{ destination: rx.url, name: 'bad name!' }, 422, 'name'],
			[{ destination: rx.url, name: 'x'.repeat(51) }, 422, 'name'],
			[{ destination: `${rx.url}?a=1` }, 400, 'destination'],
			[{ destination: 'http://example.com/hook' }, 400, 'destination'],
			[{ destination: 'https://10.1.2.3/hook' }, 400, 'destination'],
			[{ destination: 'https://192.168.1.10/hook' }, 400, 'destination'],
			[{ destination: rx.url, colour: 'blue' }, 422, 'colour'],
			[{ destination: rx.url, authType: 'APIKey' }, 422, 'apiKey'],
			[{ destination: rx.url, authType: 'OAuth' }, 422, 'authType'],
		];
		for (const [body, status, subject] of cases) {
			const res = await register(sb, bearer, body);
			expect([res.status, JSON.stringify(res.body)]).toEqual([status, expect.stringContaining(subject)]);
		}
		for (let i = 0; i < 5; i++) expect((await register(sb, bearer, { name: `hook-${i}`, destination: rx.url })).status).toBe(201);
		const duplicate = await register(sb, bearer, { name: 'hook-0', destination: rx.url });
		expect(duplicate.status).toBe(400);
		expect(duplicate.text).toContain('already exists');
		const sixth = await register(sb, bearer, { name: 'hook-6', destination: rx.url });
		expect(sixth.status).toBe(400);
		expect(sixth.text).toContain('Maximum number of webhooks (5)');
		// another workspace has its own five
		expect((await register(sb, await token(sb, msp), { name: 'hook-0', destination: rx.url })).status).toBe(201);
	});

	it('goes PENDING → ACTIVE after a challenge the destination answered, and never returns the secret', async () => {
		const res = await register(sb, bearer, { destination: rx.url, description: 'n8n' });
		expect(res.status).toBe(201);
		expect(res.headers.get('location')).toBe(`/events/v1beta1/webhooks/${res.body.id}`);
		expect(res.body.status).toBe('PENDING');
		expect(res.text).not.toContain(SECRET);
		await until(async () => (await api(sb, bearer, `/events/v1beta1/webhooks/${res.body.id}`)).body.status === 'ACTIVE', 'ACTIVE', sb);
		const got = await api(sb, bearer, `/events/v1beta1/webhooks/${res.body.id}`);
		expect(got.body).toMatchObject({ status: 'ACTIVE', endpointRateLimit: -1, resourceUri: `/events/v1beta1/webhooks/${res.body.id}` });
		expect(got.text).not.toContain(SECRET);
		const challenge = rx.received.find((r) => r.method === 'POST')!;
		const event = JSON.parse(challenge.text);
		expect(event).toMatchObject({ specversion: '1.0', type: 'com.hpe.greenlake.events.v1beta1.webhooks.verification', subject: standard.workspaceId });
		expect(Object.keys(event)).toEqual([...Object.keys(event)].sort());
		expect(rx.received[0].method).toBe('OPTIONS');
		expect(sb.counters().events).toMatchObject({ challengesSent: 1, challengesPassed: 1, webhooksRegistered: 1 });
	});

	it('a wrong challenge answer keeps the webhook PENDING with the HMAC reason, then ERROR after the attempts', async () => {
		rx.state.secret = 'another-secret';
		const res = await register(sb, bearer, { destination: rx.url });
		await until(async () => (await api(sb, bearer, `/events/v1beta1/webhooks/${res.body.id}`)).body.status === 'ERROR', 'ERROR', sb);
		const got = await api(sb, bearer, `/events/v1beta1/webhooks/${res.body.id}`);
		expect(got.body.stateReason).toBe('HMAC validation failed. Please verify webhook secret.');
		expect(sb.counters().events.challengesFailed).toBe(3);
		// verify runs the challenge now and reports what the destination answered
		rx.state.secret = SECRET;
		const verify = await api(sb, bearer, `/events/v1beta1/webhooks/${res.body.id}/verify`, { method: 'POST' });
		expect(verify.status).toBe(200);
		expect(verify.body).toMatchObject({ status: 'ACTIVE', destinationResponse: { statusCode: 200, message: 'OK', requestedRate: -1 } });
	});

	it('a webhook without the challenge is ACTIVE at once; paused is DISABLED', async () => {
		const res = await register(sb, bearer, { destination: rx.url, challengeRequestEnabled: false });
		expect(res.body.status).toBe('ACTIVE');
		const paused = await api(sb, bearer, `/events/v1beta1/webhooks/${res.body.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/merge-patch+json' },
			body: JSON.stringify({ paused: true }),
		});
		expect(paused.body).toMatchObject({ status: 'DISABLED', paused: true, generation: 2 });
		const wrongType = await api(sb, bearer, `/events/v1beta1/webhooks/${res.body.id}`, { ...json({ paused: false }), method: 'PATCH' });
		expect(wrongType.status).toBe(415);
	});

	it('subscriptions: array body, catalog check, 5 per webhook, filter required to list, delete by ids', async () => {
		const hook = (await register(sb, bearer, { destination: rx.url, challengeRequestEnabled: false })).body;
		const unknown = await subscribe(sb, bearer, hook.id, ['com.example.nope']);
		expect(unknown.status).toBe(400);
		const created = await subscribe(sb, bearer, hook.id, [EVENT_TYPES.auditLogCreated, EVENT_TYPES.expiringSubscriptions]);
		expect(created.status).toBe(201);
		expect(created.body).toHaveLength(2);
		expect(created.body[0]).toMatchObject({ type: 'events/subscription', eventType: EVENT_TYPES.auditLogCreated, webhook: { resourceUri: hook.resourceUri } });
		const tooMany = await subscribe(sb, bearer, hook.id, [EVENT_TYPES.serviceProvisioned, EVENT_TYPES.serviceUnprovisioned, EVENT_TYPES.serviceOfferOnboarded, EVENT_TYPES.serviceOfferRegionDeleted]);
		expect(tooMany.status).toBe(400);
		expect(tooMany.text).toContain('(5) per webhook');
		expect((await api(sb, bearer, '/events/v1beta1/subscriptions')).status).toBe(422);
		const listed = await api(sb, bearer, `/events/v1beta1/subscriptions?filter=${encodeURIComponent(`webhookId eq '${hook.id}'`)}`);
		expect(listed.body.total).toBe(2);
		expect((await api(sb, bearer, `/events/v1beta1/subscriptions?filter=x&limit=11`)).status).toBe(422);
		const refused = await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}`, { method: 'DELETE' });
		expect(refused.status).toBe(400);
		const ids = created.body.map((s: { id: string }) => `id=${s.id}`).join('&');
		expect((await api(sb, bearer, `/events/v1beta1/subscriptions?${ids}`, { method: 'DELETE' })).status).toBe(204);
		expect((await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(204);
		expect((await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}`)).status).toBe(404);
	});

	it('delivers every new audit log, signed over the exact bytes, and applies eventFilter to data', async () => {
		const hook = (await register(sb, bearer, { destination: rx.url, challengeRequestEnabled: false })).body;
		await subscribe(sb, bearer, hook.id, [EVENT_TYPES.auditLogCreated]);
		const logs = addLogs(sb, standard.workspaceId, 3);
		await until(() => rx.deliveries().length === 3, '3 deliveries', sb);
		for (const delivery of rx.deliveries()) {
			expect(delivery.headers['hpe-webhook-signature']).toBe(`sha256=${hex(SECRET, delivery.text)}`);
			expect(delivery.headers['content-type']).toBe('application/json');
		}
		const events = rx.deliveries().map((d) => JSON.parse(d.text));
		expect(events.map((e) => e.data.id).sort()).toEqual(logs.map((l) => l.id).sort());
		expect(events[0]).toMatchObject({ specversion: '1.0', type: EVENT_TYPES.auditLogCreated, source: '//global.api.greenlake.hpe.com/audit-log' });
		expect(typeof events[0].data.created_at).toBe('number');

		// Another workspace's logs go nowhere; a filtered subscription only gets matching data.
		addLogs(sb, msp.workspaceId, 2);
		const filtered = (await register(sb, bearer, { name: 'filtered', destination: rx.url, challengeRequestEnabled: false })).body;
		await subscribe(sb, bearer, filtered.id, [EVENT_TYPES.expiringSubscriptions], "quantity lt 10");
		sb.events.emit(standard.workspaceId, EVENT_TYPES.expiringSubscriptions, { quantity: 5 });
		sb.events.emit(standard.workspaceId, EVENT_TYPES.expiringSubscriptions, { quantity: 50 });
		await sb.events.idle();
		expect(rx.deliveries()).toHaveLength(4);
		expect(sb.counters().events).toMatchObject({ eventsEmitted: 7, eventsDelivered: 4, deliveriesSucceeded: 4 });
	});

	it('batching: arrays of at most 10 events, the rest on flush; the signature covers the whole array', async () => {
		const hook = (await register(sb, bearer, { destination: rx.url, challengeRequestEnabled: false, batching: true })).body;
		await subscribe(sb, bearer, hook.id, [EVENT_TYPES.auditLogCreated]);
		addLogs(sb, standard.workspaceId, 25);
		await sb.events.idle();
		expect(rx.deliveries().map((d) => JSON.parse(d.text).length)).toEqual([10, 10]);
		sb.events.flush();
		await sb.events.idle();
		const batches = rx.deliveries().map((d) => JSON.parse(d.text));
		expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
		expect(new Set(batches.flat().map((e) => e.id)).size).toBe(25);
		for (const d of rx.deliveries()) expect(d.headers['hpe-webhook-signature']).toBe(`sha256=${hex(SECRET, d.text)}`);
		const recent = await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}/recent-deliveries`);
		expect(recent.body.items[0]).toMatchObject({ description: 'Batch of 5 events', status: 'SUCCESS', httpResponseCode: 200 });
		expect(sb.counters().events.batchesSent).toBe(3);
	});

	it('retries failed deliveries (WARNING), recovers to ACTIVE, and after the last retry goes ERROR and drops the event', async () => {
		const hook = (await register(sb, bearer, { destination: rx.url, challengeRequestEnabled: false })).body;
		await subscribe(sb, bearer, hook.id, [EVENT_TYPES.auditLogCreated]);
		rx.state.status = 503;
		addLogs(sb, standard.workspaceId, 1);
		await until(() => rx.deliveries().length >= 2, 'a retry', sb, false);
		expect((await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}`)).body).toMatchObject({ status: 'WARNING', stateReason: 'Failure in Event Deliveries' });
		rx.state.status = 200;
		await until(async () => (await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}`)).body.status === 'ACTIVE', 'recovery', sb);

		rx.state.status = 500;
		const [log] = addLogs(sb, standard.workspaceId, 1, 'doomed');
		await until(async () => (await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}`)).body.status === 'ERROR', 'ERROR', sb);
		const doomed = rx.deliveries().filter((d) => d.text.includes(log.id));
		expect(doomed).toHaveLength(4); // first attempt + 3 retries
		expect(sb.counters().events.eventsDropped).toBe(1);

		// Recent deliveries show the failure as retryable; a manual retry resends the same bytes.
		const recent = await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}/recent-deliveries?limit=1`);
		const [failure] = recent.body.items;
		expect(failure).toMatchObject({ status: 'FAILURE', retryStatus: 'RETRY', httpResponseCode: 500, type: 'events/deliveryFailure' });
		rx.state.status = 200;
		const retried = await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}/delivery-failures/${failure.failureId}/retry`, { method: 'POST' });
		expect(retried.status).toBe(200);
		expect(retried.body).toMatchObject({ httpResponseCode: 200, failureId: failure.failureId });
		expect(rx.deliveries().at(-1)!.text).toBe(doomed[0].text);
		const again = await api(sb, bearer, `/events/v1beta1/webhooks/${hook.id}/delivery-failures/${failure.failureId}/retry`, { method: 'POST' });
		expect(again.status).toBe(400);
		expect(sb.counters().events.manualRetries).toBe(1);
	});

	it('admin API: emit any type, list webhooks, redeliver, delete as in the UI, withhold permissions', async () => {
		const hook = (await register(sb, bearer, { destination: rx.url, challengeRequestEnabled: false })).body;
		await subscribe(sb, bearer, hook.id, [EVENT_TYPES.serviceProvisioned]);
		const adminPost = (path: string, body: unknown) => fetch(`${sb.url}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
		const emitted = await adminPost('events', { workspaceId: standard.workspaceId, type: EVENT_TYPES.serviceProvisioned, data: { offer: 'x' } });
		await adminPost('events/idle', {});
		expect(JSON.parse(rx.deliveries()[0].text)).toMatchObject({ id: emitted.id, data: { offer: 'x' } });
		const redelivered = await adminPost(`webhooks/${hook.id}/redeliver`, { count: 5 });
		expect(redelivered.items).toHaveLength(1);
		expect(rx.deliveries()[1].text).toBe(rx.deliveries()[0].text);
		const listed = await fetch(`${sb.url}/__sandbox/webhooks`).then((r) => r.json());
		expect(listed.items[0]).toMatchObject({ id: hook.id, subscriptions: [{ eventType: EVENT_TYPES.serviceProvisioned }] });
		expect(JSON.stringify(listed)).not.toContain(SECRET);
		const deliveries = await fetch(`${sb.url}/__sandbox/deliveries?webhookId=${hook.id}`).then((r) => r.json());
		expect(deliveries.items.map((d: { kind: string }) => d.kind)).toEqual(['delivery', 'redelivery']);
		expect((await fetch(`${sb.url}/__sandbox/webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(200);
		expect(sb.events.webhooks()).toHaveLength(0);

		await adminPost('events/permissions', { clientId: standard.clientId, allowed: false });
		const denied = await register(sb, bearer, { destination: rx.url });
		expect(denied.status).toBe(403);
		expect(denied.body.message).toContain('Create on Automations Webhook');
	});
});
