// Webhook and Event Subscription operations of the HPE GreenLake node in real in-process workflows (n8n-core
// WorkflowExecute, the BUILT package) against the sandbox's events framework. Run `npm run build` first.
import { createCredentialStore, loadPackage, runWorkflow, type CredentialStore, type LoadedPackage, type RunResult } from '../support/workflowRunner';
import { inputItems, packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';
import { EVENT_TYPES, SEED, startSandbox, type Sandbox } from '../sandbox';

import { createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

const REPO = resolve(__dirname, '../..');
const CRED = { id: 'cred-greenlake-webhooks', name: 'GreenLake' };
const client = SEED.clients.standard;

describe('HPE GreenLake node: Webhook and Event Subscription operations (sandbox)', () => {
	let pkg: LoadedPackage;
	let sb: Sandbox;
	let store: CredentialStore;
	let tokenEngine: { clear(): void };
	let receiver: http.Server;
	let destination: string;
	let receiverStatus = 200;
	const shared = randomBytes(16).toString('hex');
	const transcripts: string[] = [];

	beforeAll(async () => {
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(join(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
		// A destination that answers GreenLake's challenge with `shared` and deliveries with receiverStatus.
		receiver = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				const challenge = text ? (JSON.parse(text) as { data?: { challengeRequest?: string } }).data?.challengeRequest : undefined;
				if (req.method === 'POST' && challenge) {
					res.writeHead(200, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ verification: createHmac('sha256', shared).update(challenge).digest('hex') }));
					return;
				}
				res.writeHead(req.method === 'POST' ? receiverStatus : 204);
				res.end();
			});
		});
		await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
		destination = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});

	afterAll(async () => {
		await new Promise<void>((done) => receiver.close(() => done()));
	});

	beforeEach(async () => {
		tokenEngine.clear();
		receiverStatus = 200;
		sb = await startSandbox({
			sizes: { auditLogs: 0, devices: 1, subscriptions: 1, users: 1, locations: 1 },
			events: { challengeRetryMs: 20, retryDelaysMs: [] },
		});
		store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data: sandboxCredentialData(client, sb.url) }]);
	});

	afterEach(async () => {
		await sb.close();
	});

	const node = (parameters: INodeParameters, extra: Partial<INode> = {}): INode =>
		packageNode({ id: 'greenlake-node', name: 'HPE GreenLake', type: 'n8n-nodes-hpe-greenlake.hpeGreenLake' }, CRED, parameters, extra);

	async function run(parameters: INodeParameters, items = 1, extra: Partial<INode> = {}): Promise<RunResult> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [node(parameters, extra)], connections: {}, inputItems: inputItems(items) });
		// What a user or an AI agent sees: the items and the error's message and description.
		const emitted = result.runData['HPE GreenLake'] ? result.items('HPE GreenLake') : [];
		transcripts.push(JSON.stringify(emitted), `${result.error?.message ?? ''} ${result.error?.description ?? ''}`);
		return result;
	}

	async function ok(parameters: INodeParameters): Promise<Array<Record<string, any>>> {
		const result = await run(parameters);
		if (result.status !== 'success') throw new Error(`${JSON.stringify(parameters)} failed: ${result.error?.message} ${result.error?.description ?? ''}`);
		return result.output('HPE GreenLake') as Array<Record<string, any>>;
	}

	async function registered(name = 'ops-hook', options: IDataObject = {}): Promise<Record<string, any>> {
		const [webhook] = await ok({ resource: 'webhook', operation: 'register', name, destination, secret: shared, webhookOptions: options as INodeParameters });
		return webhook;
	}

	it('Register → PENDING, then ACTIVE; Get, Get Many, Verify; the secret is never in the output', async () => {
		const webhook = await registered('ops-hook', { description: 'From n8n', batching: true });
		expect(webhook).toMatchObject({ name: 'ops-hook', status: 'PENDING', batching: true, description: 'From n8n', destination });
		await sb.events.idle();
		const [got] = await ok({ resource: 'webhook', operation: 'get', webhookId: webhook.id });
		expect(got.status).toBe('ACTIVE');
		const many = await ok({ resource: 'webhook', operation: 'getMany', returnAll: true });
		expect(many.map((w) => w.id)).toEqual([webhook.id]);
		const [verified] = await ok({ resource: 'webhook', operation: 'verify', webhookId: webhook.id });
		expect(verified).toMatchObject({ status: 'ACTIVE', destinationResponse: { statusCode: 200 } });
		expect(transcripts.join('\n').includes(shared)).toBe(false);
	});

	it('Update: pause, rename, new secret (back to PENDING); an empty update is refused by name', async () => {
		const webhook = await registered();
		await sb.events.idle();
		const [paused] = await ok({ resource: 'webhook', operation: 'update', webhookId: webhook.id, updateFields: { paused: true, name: 'renamed' } });
		expect(paused).toMatchObject({ status: 'DISABLED', paused: true, name: 'renamed' });
		const [resumed] = await ok({ resource: 'webhook', operation: 'update', webhookId: webhook.id, updateFields: { paused: false, secret: `${shared}` } });
		expect(resumed.status).toBe('PENDING');
		const empty = await run({ resource: 'webhook', operation: 'update', webhookId: webhook.id, updateFields: {} });
		expect(empty.status).toBe('error');
		expect(empty.error?.message).toBe('Update Fields is empty');
	});

	it('Event Subscription: Create (array), Get Many, Update the filter, Delete; Webhook Delete removes the rest', async () => {
		const webhook = await registered();
		const created = await ok({
			resource: 'eventSubscription',
			operation: 'create',
			webhookId: webhook.id,
			eventTypes: [EVENT_TYPES.auditLogCreated, EVENT_TYPES.expiringSubscriptions],
			customEventTypes: EVENT_TYPES.serviceProvisioned,
			eventFilter: '',
		});
		expect(created.map((s) => s.eventType).sort()).toEqual([EVENT_TYPES.auditLogCreated, EVENT_TYPES.serviceProvisioned, EVENT_TYPES.expiringSubscriptions].sort());
		const listed = await ok({ resource: 'eventSubscription', operation: 'getMany', webhookId: webhook.id, returnAll: true });
		expect(listed).toHaveLength(3);
		const audit = created.find((s) => s.eventType === EVENT_TYPES.auditLogCreated)!;
		const [updated] = await ok({
			resource: 'eventSubscription',
			operation: 'update',
			subscriptionId: audit.id,
			webhookId: webhook.id,
			eventType: EVENT_TYPES.auditLogCreated,
			eventFilter: "category eq 'User Activity'",
		});
		expect(updated).toMatchObject({ id: audit.id, eventFilter: "category eq 'User Activity'", generation: 2 });
		const [deleted] = await ok({ resource: 'eventSubscription', operation: 'delete', subscriptionIds: `${audit.id}` });
		expect(deleted).toEqual({ deleted: true, ids: [audit.id] });
		expect(sb.events.webhooks()[0].subscriptions).toHaveLength(2);
		const [removed] = await ok({ resource: 'webhook', operation: 'delete', webhookId: webhook.id, deleteSubscriptions: true });
		expect(removed).toMatchObject({ id: webhook.id, deleted: true });
		expect((removed.deletedSubscriptionIds as string[]).length).toBe(2);
		expect(sb.events.webhooks()).toHaveLength(0);
	});

	it('Recent Deliveries and Retry Delivery Failure', async () => {
		const webhook = await registered();
		await sb.events.idle();
		await ok({ resource: 'eventSubscription', operation: 'create', webhookId: webhook.id, eventTypes: [EVENT_TYPES.auditLogCreated] });
		receiverStatus = 503;
		sb.addAuditLogs(client.workspaceId, [{ createdAt: new Date().toISOString(), description: 'Will fail once' }]);
		await sb.events.idle();
		const deliveries = await ok({ resource: 'webhook', operation: 'getRecentDeliveries', webhookId: webhook.id, returnAll: true });
		expect(deliveries).toHaveLength(1);
		expect(deliveries[0]).toMatchObject({ status: 'FAILURE', retryStatus: 'RETRY', httpResponseCode: 503 });
		receiverStatus = 200;
		const [retried] = await ok({ resource: 'webhook', operation: 'retryDelivery', webhookId: webhook.id, failureId: deliveries[0].failureId });
		expect(retried).toMatchObject({ httpResponseCode: 200, failureId: deliveries[0].failureId });
		const after = await ok({ resource: 'webhook', operation: 'getRecentDeliveries', webhookId: webhook.id, returnAll: false, limit: 1 });
		expect(after[0]).toMatchObject({ status: 'SUCCESS', httpResponseCode: 200 });
	});

	it('bad input and GreenLake refusals: clear errors, one error item per input item with Continue On Fail', async () => {
		const badName = await run({ resource: 'webhook', operation: 'register', name: 'has space', destination, secret: shared });
		expect(badName.error?.message).toBe('Name "has space" is not valid');
		const shortSecret = await run({ resource: 'webhook', operation: 'register', name: 'x1', destination, secret: 'abc' });
		expect(shortSecret.error?.message).toBe('Secret must be 4–100 characters');
		const query = await run({ resource: 'webhook', operation: 'register', name: 'x2', destination: `${destination}?a=1`, secret: shared });
		expect(query.error?.message).toMatch(/HTTP 400/);
		expect(query.error?.description).toContain('must not contain query parameters');
		const slash = await run({ resource: 'webhook', operation: 'get', webhookId: '../devices' });
		expect(slash.error?.message).toBe('Webhook ID "../devices" is not valid');
		const missing = await run({ resource: 'webhook', operation: 'get', webhookId: '00000000-0000-4000-8000-000000000000' });
		expect(missing.error?.message).toMatch(/HTTP 404/);
		const noTypes = await run({ resource: 'eventSubscription', operation: 'create', webhookId: 'abc', eventTypes: [] });
		expect(noTypes.error?.message).toBe('No event type given');

		sb.events.setPermission(client.clientId, false);
		const denied = await run({ resource: 'webhook', operation: 'getMany', returnAll: true });
		expect(denied.error?.message).toMatch(/HTTP 403/);
		expect(denied.error?.description).toContain('Automations Webhook');

		const paired = await run({ resource: 'webhook', operation: 'get', webhookId: '={{ $json.n === 1 ? "a/b" : "x" }}' }, 3, { onError: 'continueRegularOutput' });
		expect(paired.status).toBe('success');
		const out = paired.items('HPE GreenLake');
		expect(out).toHaveLength(3);
		expect(out.map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 1, 2]);
		expect(out.every((item) => typeof item.json.error === 'string')).toBe(true);
		expect(transcripts.join('\n').includes(shared)).toBe(false);
	});
});
