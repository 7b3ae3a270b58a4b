// HPE GreenLake Event Trigger against the sandbox's events framework, with n8n-core's real HookContext (checkExists,
// create, delete) and WebhookContext (webhook()) behind a loopback stand-in for n8n's /webhook endpoint.
// Needs the built package: `npm run build && npx jest test/workflows/eventTriggerNode.test.ts`.
import { createCredentialStore, loadPackage } from '../support/workflowRunner';
import type { CredentialStore, LoadedPackage } from '../support/workflowRunner';
import { WebhookHost } from '../support/webhookHost';

import { createHmac } from 'node:crypto';
import { join, resolve } from 'node:path';

import type { INode, INodeParameters } from 'n8n-workflow';

import { EVENT_TYPES, SEED, startSandbox } from '../sandbox';
import type { Sandbox } from '../sandbox';
import { sandboxCredentialData } from '../support/greenlakeFixtures';

const REPO = resolve(__dirname, '../..');
const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLakeEventTrigger';
const CREDENTIAL = { id: 'greenlake-events-test', name: 'GreenLake' };
const client = SEED.clients.standard;
const hex = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

function triggerNode(parameters: INodeParameters = {}): INode {
	return {
		id: '0c9f8a52-0000-4000-8000-00000000e7e1',
		name: 'GreenLake Events',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: '5b0e3c1e-7a51-4c39-9d55-3f8f1e0d2a61',
		parameters: { events: [EVENT_TYPES.auditLogCreated], ...parameters },
		credentials: { hpeGreenLakeApi: CREDENTIAL },
	};
}

describe('HPE GreenLake Event Trigger (sandbox, n8n-core hook and webhook contexts)', () => {
	let pkg: LoadedPackage;
	let sb: Sandbox;
	let store: CredentialStore;
	let host: WebhookHost | undefined;
	let tokenEngine: { clear(): void };

	beforeAll(async () => {
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(join(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
	});

	beforeEach(async () => {
		tokenEngine.clear();
		sb = await startSandbox({
			sizes: { auditLogs: 0, devices: 1, subscriptions: 1, users: 1, locations: 1 },
			events: { challengeRetryMs: 20, retryDelaysMs: [20, 20], batchWindowMs: 60_000 },
		});
		store = createCredentialStore([{ ...CREDENTIAL, type: 'hpeGreenLakeApi', data: sandboxCredentialData(client, sb.url) }]);
	});

	afterEach(async () => {
		await host?.close();
		host = undefined;
		await sb.close();
	});

	async function hosted(parameters: INodeParameters = {}, extra: { mode?: 'trigger' | 'manual'; advertisedBaseUrl?: string } = {}) {
		host = await WebhookHost.start({ pkg, credentials: store, node: triggerNode(parameters), ...extra });
		return host;
	}

	async function settled(check: () => boolean, what: string): Promise<void> {
		for (let i = 0; i < 500; i++) {
			await sb.events.idle();
			if (check()) return;
			await new Promise((done) => setTimeout(done, 10));
		}
		throw new Error(`timed out waiting for ${what}`);
	}

	function addLogs(count: number) {
		const now = Date.now();
		return sb.addAuditLogs(client.workspaceId, Array.from({ length: count }, (_, i) => ({ createdAt: new Date(now + i).toISOString(), description: `Event ${i}` })));
	}

	const registration = (h: WebhookHost) => (h.staticData['node:GreenLake Events'] as Record<string, any>).production;

	it('registers one webhook, answers the challenge (ACTIVE), subscribes the chosen types, and keeps no secret', async () => {
		const h = await hosted({
			events: [EVENT_TYPES.auditLogCreated],
			customEventTypes: EVENT_TYPES.serviceProvisioned,
			eventFilters: { filter: [{ eventType: EVENT_TYPES.auditLogCreated, eventFilter: "category eq 'User Activity'" }] },
		});
		expect(await h.activate()).toBe(true);
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE');
		const [webhook] = sb.events.webhooks();
		expect(sb.events.webhooks()).toHaveLength(1);
		expect(webhook).toMatchObject({ destination: h.url, batching: false, challengeRequestEnabled: true, authType: '' });
		expect(webhook.name).toMatch(/^n8n-eventTriggerWf01-[0-9a-f]{8}$/);
		expect(webhook.subscriptions.map((s: any) => [s.eventType, s.eventFilter]).sort()).toEqual([
			[EVENT_TYPES.auditLogCreated, "category eq 'User Activity'"],
			[EVENT_TYPES.serviceProvisioned, ''],
		]);
		expect(h.responses.filter((r) => r.body.includes('verification'))).toHaveLength(1);
		// The secret is derived from the client secret and a nonce: neither it nor the client secret is stored.
		const stored = registration(h);
		const secret = hex(client.clientSecret, `n8n-nodes-hpe-greenlake/webhook-secret/v1/${stored.nonce}`);
		expect(secret).toHaveLength(64);
		expect(JSON.stringify(h.staticData)).not.toContain(secret);
		expect(JSON.stringify(h.staticData)).not.toContain(client.clientSecret);
		expect(JSON.stringify(sb.events.webhooks())).not.toContain(secret);
		expect(await h.checkExists()).toBe(true);
	});

	it('50 audit events → 50 executions, each once; 5 re-deliveries → no duplicates', async () => {
		const h = await hosted();
		await h.activate();
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE');
		const logs = addLogs(50);
		await settled(() => h.executions.length === 50, '50 executions');
		const emitted = h.executions.flat().map((item) => (item.json.data as { id: string }).id);
		expect(emitted.sort()).toEqual(logs.map((l) => l.id).sort());
		expect(h.executions[0][0].json).toMatchObject({ specversion: '1.0', type: EVENT_TYPES.auditLogCreated, source: '//global.api.greenlake.hpe.com/audit-log' });
		const webhookId = sb.events.webhooks()[0].id;
		const redelivered = await sb.events.redeliver(webhookId, 5);
		expect(redelivered.map((d) => d.httpResponseCode)).toEqual([200, 200, 200, 200, 200]);
		expect(h.executions).toHaveLength(50);
		expect(h.responses.slice(-5).map((r) => JSON.parse(r.body))).toEqual(Array(5).fill({ received: 1, accepted: 0 }));
		expect(registration(h).recentEvents).toHaveLength(50);
	});

	it('batching on: 25 events in batched deliveries → 25 items', async () => {
		const h = await hosted({ options: { batching: true } });
		await h.activate();
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE');
		expect(sb.events.webhooks()[0].batching).toBe(true);
		addLogs(25);
		await sb.events.idle();
		sb.events.flush();
		await settled(() => h.executions.flat().length === 25, '25 items');
		expect(h.executions.map((items) => items.length)).toEqual([10, 10, 5]);
		expect(new Set(h.executions.flat().map((item) => item.json.id)).size).toBe(25);
	});

	it('forged deliveries (bad signature, none, body changed after signing) → 401 each, no execution', async () => {
		const h = await hosted();
		await h.activate();
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE');
		addLogs(1);
		await settled(() => h.executions.length === 1, 'a genuine delivery');
		const genuine = sb.events.deliveries().at(-1)!;
		const signature = genuine.requestHeaders['hpe-webhook-signature'][0];
		const event = JSON.parse(genuine.requestText);
		const forged = { ...event, id: 'forged-1', data: { ...event.data, description: 'Attacker' } };
		const forgedText = JSON.stringify(forged);
		const attempts: Array<[string, Record<string, string>]> = [
			[forgedText, { 'hpe-webhook-signature': `sha256=${hex('guessed-secret', forgedText)}` }],
			[forgedText, { 'hpe-webhook-signature': `sha256=${'0'.repeat(64)}` }],
			[forgedText, { 'hpe-webhook-signature': 'sha256=not-hex' }],
			[forgedText, { 'hpe-webhook-signature': `sha1=${hex('x', forgedText).slice(0, 40)}` }],
			[forgedText, {}],
			[genuine.requestText, {}],
			[forgedText, { 'hpe-webhook-signature': signature }],
			[JSON.stringify(event, null, 2), { 'hpe-webhook-signature': signature }],
			[genuine.requestText.replace('Event 0', 'Event 9'), { 'hpe-webhook-signature': signature }],
			[JSON.stringify([event]), { 'hpe-webhook-signature': signature }],
		];
		const statuses = [];
		for (const [text, headers] of attempts) statuses.push((await h.post(text, headers)).status);
		expect(statuses).toEqual(Array(10).fill(401));
		expect(h.executions).toHaveLength(1);
	});

	it('challenges: only token-like challenge strings are answered (no HMAC oracle); a wrong signature on one is refused', async () => {
		const h = await hosted();
		await h.activate();
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE');
		const secret = hex(client.clientSecret, `n8n-nodes-hpe-greenlake/webhook-secret/v1/${registration(h).nonce}`);
		const challenge = (value: unknown) => JSON.stringify({ specversion: '1.0', id: 'c1', source: 'x', type: 'com.hpe.greenlake.events.v1beta1.webhooks.verification', data: { challengeRequest: value } });
		const ok = await h.post(challenge('8cbecfea-d708-4706-bba3-669225084a10'));
		expect(ok.status).toBe(200);
		expect(JSON.parse(ok.body)).toEqual({ verification: hex(secret, '8cbecfea-d708-4706-bba3-669225084a10') });
		const oracle = await h.post(challenge('{"specversion":"1.0","id":"x","source":"s","type":"t"}'));
		expect(oracle.status).toBe(400);
		expect((await h.post(challenge(42))).status).toBe(400);
		expect((await h.post(challenge('8cbecfea-d708-4706-bba3-669225084a10'), { 'hpe-webhook-signature': `sha256=${'1'.repeat(64)}` })).status).toBe(401);
		expect((await h.post('{not json')).status).toBe(400);
		expect(h.executions).toHaveLength(0);
	});

	it('malformed or unsubscribed events get the right status and no execution; OPTIONS grants the CloudEvents handshake', async () => {
		const h = await hosted();
		await h.activate();
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE');
		const secret = hex(client.clientSecret, `n8n-nodes-hpe-greenlake/webhook-secret/v1/${registration(h).nonce}`);
		const signed = async (text: string) => await h.post(text, { 'hpe-webhook-signature': `sha256=${hex(secret, text)}` });
		expect((await signed('{"hello":"world"}')).status).toBe(400);
		expect((await signed('[]')).status).toBe(400);
		expect((await signed('"a string"')).status).toBe(400);
		const other = await signed(JSON.stringify({ specversion: '1.0', id: 'e1', source: 's', type: EVENT_TYPES.serviceProvisioned, data: {} }));
		expect([other.status, JSON.parse(other.body)]).toEqual([200, { received: 1, accepted: 0 }]);
		const good = await signed(JSON.stringify({ specversion: '1.0', id: 'e2', source: 's', type: EVENT_TYPES.auditLogCreated, data: {} }));
		expect([good.status, JSON.parse(good.body)]).toEqual([200, { received: 1, accepted: 1 }]);
		expect(h.executions).toHaveLength(1);
		const options = await h.post('', {}, 'OPTIONS');
		expect(options.status).toBe(200);
		expect(options.headers['webhook-allowed-origin']).toBe('*');
	});

	it('a delivery before the registration is saved gets 503 (GreenLake retries), never an execution', async () => {
		const h = await hosted();
		const response = await h.post(JSON.stringify({ specversion: '1.0', id: 'c', source: 's', type: 't', data: { challengeRequest: '8cbecfea-d708-4706-bba3-669225084a10' } }));
		expect(response.status).toBe(503);
		expect(h.executions).toHaveLength(0);
	});

	it('re-creates a webhook deleted in GreenLake, follows changed types, and removes everything on deactivation', async () => {
		const h = await hosted();
		await h.activate();
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE');
		const first = sb.events.webhooks()[0].id;
		sb.events.deleteWebhook(first);
		expect(await h.checkExists()).toBe(false);
		expect(await h.activate()).toBe(true);
		await settled(() => sb.events.webhooks()[0]?.status === 'ACTIVE', 'ACTIVE again');
		expect(sb.events.webhooks()).toHaveLength(1);
		expect(sb.events.webhooks()[0].id).not.toBe(first);
		expect(await h.activate()).toBe(false);

		// Another event type: checkExists says no, create replaces the webhook (never two of ours).
		const node = h.workflow.getNode('GreenLake Events')!;
		node.parameters.events = [EVENT_TYPES.auditLogCreated, EVENT_TYPES.expiringSubscriptions];
		expect(await h.activate()).toBe(true);
		expect(sb.events.webhooks()).toHaveLength(1);
		expect(sb.events.webhooks()[0].subscriptions).toHaveLength(2);

		expect(await h.deactivate()).toBe(true);
		expect(sb.events.webhooks()).toHaveLength(0);
		expect(sb.counters().events.webhooksDeleted).toBe(3);
		expect(registration(h)).toBeUndefined();
		expect(await h.deactivate()).toBe(true);
	});

	it('test and production URLs register separate webhooks', async () => {
		const staticData = {};
		const production = await WebhookHost.start({ pkg, credentials: store, node: triggerNode(), staticData });
		const test = await WebhookHost.start({ pkg, credentials: store, node: triggerNode(), staticData, mode: 'manual' });
		try {
			await production.activate();
			await test.activate();
			await settled(() => sb.events.webhooks().every((w) => w.status === 'ACTIVE'), 'both ACTIVE');
			expect(sb.events.webhooks().map((w) => w.destination).sort()).toEqual([production.url, test.url].sort());
			expect(sb.events.webhooks().some((w) => w.name.endsWith('-test'))).toBe(true);
			await test.deactivate();
			expect(sb.events.webhooks().map((w) => w.destination)).toEqual([production.url]);
		} finally {
			await production.close();
			await test.close();
		}
	});

	it('clear errors: http/private webhook URL (WEBHOOK_URL), too many types, the 5-webhook limit, a missing permission', async () => {
		const plain = await hosted({}, { advertisedBaseUrl: 'http://n8n.example.com' });
		await expect(plain.activate()).rejects.toThrow(/is not https/);
		await expect(plain.activate()).rejects.toMatchObject({ description: expect.stringContaining('WEBHOOK_URL') });
		await plain.close();
		const internal = await hosted({}, { advertisedBaseUrl: 'https://n8n.internal' });
		await expect(internal.activate()).rejects.toThrow(/not publicly reachable/);
		await internal.close();

		const many = await hosted({ events: [EVENT_TYPES.auditLogCreated, EVENT_TYPES.expiringSubscriptions], customEventTypes: 'com.a.b, com.c.d, com.e.f, com.g.h' });
		await expect(many.activate()).rejects.toThrow('6 event types selected; GreenLake allows 5 subscriptions per webhook');
		await many.close();

		const h = await hosted();
		const token = (await (await fetch(`${sb.url}/authorization/v2/oauth2/${client.workspaceId}/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }).toString(),
		})).json()) as { access_token: string };
		for (let i = 0; i < 5; i++) {
			await fetch(`${sb.url}/events/v1beta1/webhooks`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ name: `other-${i}`, destination: 'https://hooks.example.com/x', secret: 'abcdefgh', challengeRequestEnabled: false }),
			});
		}
		await expect(h.activate()).rejects.toThrow('This workspace already has 5 webhooks; GreenLake allows 5');

		sb.events.setPermission(client.clientId, false);
		await expect(h.activate()).rejects.toMatchObject({ description: expect.stringContaining('Automations Webhook') });
	});
});
