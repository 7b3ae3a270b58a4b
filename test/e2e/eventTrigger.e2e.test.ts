/**
 * HPE GreenLake Event Trigger in a real n8n 2.x (`n8n start`), registered with the sandbox's events framework over
 * loopback: publish → ACTIVE after a challenge n8n answered; audit events → one execution each, re-deliveries
 * dropped; forged deliveries → 401 and no execution; batching → one item per event; unpublish → nothing left;
 * publish again after the webhook was deleted in GreenLake → re-created; no secret in n8n's log.
 * Latency figures (delivery sent → execution started) are printed, not asserted; see bench/eventTrigger.ts.
 */
import { createHmac } from 'node:crypto';
import * as path from 'node:path';

import { EVENT_TYPES, SEED, startSandbox, type Sandbox } from '../sandbox';
import { chain, PACKAGE, type WorkflowNode } from './greenlakeWorkflows';
import { cleanupHarness, httpJson, N8nInstance, packPackage } from './n8n';
import { ownerSession, type OwnerSession } from './rest';
import { sandboxCredentialData } from '../support/greenlakeFixtures';

const REPO = path.resolve(__dirname, '../..');
const client = SEED.clients.standard;
const CREDENTIAL = { id: 'glEventCred00001', name: 'GreenLake events' };
const WF = { audit: 'glEventAudit0001', batched: 'glEventBatch0001' };
const hex = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

function eventTrigger(id: string, webhookId: string, parameters: Record<string, unknown>): WorkflowNode & { webhookId: string } {
	return {
		id,
		name: 'GreenLake Events',
		type: `${PACKAGE}.hpeGreenLakeEventTrigger`,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters,
		credentials: { hpeGreenLakeApi: CREDENTIAL },
	};
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('HPE GreenLake Event Trigger in a real n8n (sandbox events framework)', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let session: OwnerSession;

	/** Every webhook secret in use, recomputed from the nonce n8n saved (the secret itself is never stored). */
	const secrets = new Set<string>();
	async function captureSecrets(): Promise<void> {
		const rows = await n8n.sqlite('SELECT staticData FROM workflow_entity WHERE staticData IS NOT NULL', [], { record: false });
		for (const row of rows) {
			const data = (typeof row.staticData === 'string' ? JSON.parse(row.staticData) : row.staticData) as Record<string, { production?: { nonce?: string } }>;
			const nonce = data?.['node:GreenLake Events']?.production?.nonce;
			if (nonce) secrets.add(hex(client.clientSecret, `n8n-nodes-hpe-greenlake/webhook-secret/v1/${nonce}`));
		}
	}

	const webhooksOf = (workflowId: string) => sandbox.events.webhooks().filter((w) => String(w.name).startsWith(`n8n-${workflowId}-`));
	const count = async (workflowId: string, status?: string) =>
		Number(
			(
				await n8n.sqlite(
					`SELECT COUNT(*) AS n FROM execution_entity WHERE workflowId = ?${status ? ' AND status = ?' : ''}`,
					status ? [workflowId, status] : [workflowId],
					{ record: false },
				)
			)[0].n,
		);

	async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
		const started = Date.now();
		for (;;) {
			const value = await probe();
			if (value !== undefined) return value;
			if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}\n${n8n.logTail(40)}`);
			await new Promise((done) => setTimeout(done, 250));
		}
	}

	/** n8n 2.41 publishes and unpublishes through an outbox: true once every entry has been processed. */
	const outboxIdle = async () =>
		Number((await n8n.sqlite("SELECT COUNT(*) AS n FROM workflow_publication_outbox WHERE status NOT IN ('completed', 'failed')", [], { record: false }))[0].n) === 0
			? true
			: undefined;

	async function api(method: string, route: string) {
		const response = await httpJson(method, `${session.baseUrl}/api/v1${route}`, undefined, { 'X-N8N-API-KEY': session.apiKey });
		if (response.status >= 300) throw new Error(`${method} ${route}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
		return response.body;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({
			sizes: { auditLogs: 0, devices: 1, subscriptions: 1, users: 1, locations: 1 },
			// Patient like GreenLake (it retries for 12 h): on a busy machine n8n may take many seconds to read a request.
			events: { challengeRetryMs: 500, batchWindowMs: 2000, deliveryTimeoutMs: 60_000, retryDelaysMs: Array(10).fill(2000) },
		});
		n8n = await N8nInstance.create({ packageTarball: await packPackage(REPO) });
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				type: 'hpeGreenLakeApi',
				data: sandboxCredentialData(client, sandbox.url),
			},
		]);
		await n8n.importWorkflow([
			chain(WF.audit, 'Real-time audit events', [
				eventTrigger('00000000-0000-4000-8000-00000000e201', '7d1f9c0a-1111-4a5b-9c3d-000000000201', { events: [EVENT_TYPES.auditLogCreated] }),
			]),
			chain(WF.batched, 'Batched expiring subscriptions', [
				eventTrigger('00000000-0000-4000-8000-00000000e202', '7d1f9c0a-1111-4a5b-9c3d-000000000202', {
					events: [EVENT_TYPES.expiringSubscriptions],
					options: { batching: true },
				}),
			]),
		]);
		await n8n.publishWorkflow(WF.audit);
		await n8n.publishWorkflow(WF.batched);
		const started = await n8n.start({ timeoutMs: 240_000 });
		expect(started.publications.map((p) => [p.workflowId, p.status, p.triggers.map((t) => t.status)]).sort()).toEqual([
			[WF.audit, 'completed', ['activated']],
			[WF.batched, 'completed', ['activated']],
		]);
		session = await ownerSession(started.baseUrl);
	}, 600_000);

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.close();
		cleanupHarness();
	}, 600_000);

	it('publish → one webhook per workflow, ACTIVE after a challenge n8n answered, subscribed to the chosen types', async () => {
		await until('both webhooks ACTIVE', () => (sandbox.events.webhooks().filter((w) => w.status === 'ACTIVE').length === 2 ? true : undefined));
		const [audit] = webhooksOf(WF.audit);
		expect(webhooksOf(WF.audit)).toHaveLength(1);
		expect(audit.destination).toBe(`${n8n.baseUrl}/webhook/7d1f9c0a-1111-4a5b-9c3d-000000000201/webhook`);
		expect(audit.subscriptions.map((s: { eventType: string }) => s.eventType)).toEqual([EVENT_TYPES.auditLogCreated]);
		expect(webhooksOf(WF.batched)[0]).toMatchObject({ batching: true, subscriptions: [{ eventType: EVENT_TYPES.expiringSubscriptions }] });
		const events = sandbox.counters().events;
		expect(events.challengesPassed).toBe(2);
		await captureSecrets();
		expect(secrets.size).toBe(2);
		// The sandbox's signatures verify with exactly these secrets: n8n answered the challenge with them.
		// A challenge that arrives before n8n has saved the registration gets 503 and is retried.
		process.stderr.write(`[event trigger e2e] challenges sent ${events.challengesSent}, passed ${events.challengesPassed}, failed ${events.challengesFailed}\n`);
	}, 600_000);

	it('50 audit events → exactly 50 executions, each event once; 5 re-deliveries → no new execution', async () => {
		const before = await count(WF.audit);
		expect(await count(WF.audit, 'success')).toBe(before);
		const now = Date.now();
		const logs = sandbox.addAuditLogs(
			client.workspaceId,
			Array.from({ length: 50 }, (_, i) => ({ createdAt: new Date(now + i).toISOString(), description: `Real-time ${i}` })),
		);
		await until('50 finished executions', async () => ((await count(WF.audit, 'success')) - before >= 50 ? true : undefined), 480_000);
		await sandbox.events.idle();
		const executions = (await n8n.savedExecutions(WF.audit)).slice(0, (await count(WF.audit)) - before);
		expect(executions).toHaveLength(50);
		expect(executions.map((e) => e.status)).toEqual(Array(50).fill('success'));
		const emitted = executions.flatMap((e) => (e.runData['GreenLake Events'][0].data!.main![0] ?? []).map((item) => item.json));
		expect(emitted.map((event) => (event.data as { id: string }).id).sort()).toEqual(logs.map((l) => l.id).sort());

		const webhookId = webhooksOf(WF.audit)[0].id as string;
		const redelivered = await sandbox.events.redeliver(webhookId, 5);
		expect(redelivered.map((d) => [d.httpResponseCode, d.responseBody])).toEqual(Array(5).fill([200, '{"received":1,"accepted":0}']));
		expect(await count(WF.audit)).toBe(before + 50);

		// Latency: the sandbox's send time of each delivery → n8n's execution start, on loopback.
		const sentAt = new Map(sandbox.events.deliveries(webhookId).filter((d) => d.kind === 'delivery').map((d) => [d.eventIds[0], d.sentAt]));
		const latencies = executions.map((e) => {
			const event = e.runData['GreenLake Events'][0].data!.main![0]![0].json as { id: string };
			return Date.parse(`${String(e.startedAt).replace(' ', 'T')}${String(e.startedAt).endsWith('Z') ? '' : 'Z'}`) - sentAt.get(event.id)!;
		});
		process.stderr.write(`[event trigger e2e] delivery → execution start over ${latencies.length} events: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms\n`);
	}, 600_000);

	it('10 forged deliveries (bad signature, none, body changed after signing) → 10 × 401, no execution', async () => {
		const before = await count(WF.audit);
		const [webhook] = webhooksOf(WF.audit);
		const genuine = sandbox.events.deliveries(webhook.id).at(-1)!;
		const signature = genuine.requestHeaders['hpe-webhook-signature'][0];
		const event = JSON.parse(genuine.requestText);
		const forged = JSON.stringify({ ...event, id: 'forged', data: { ...event.data, description: 'Attacker' } });
		const attempts: Array<[string, Record<string, string>]> = [
			[forged, { 'hpe-webhook-signature': `sha256=${hex('guess', forged)}` }],
			[forged, { 'hpe-webhook-signature': `sha256=${'0'.repeat(64)}` }],
			[forged, { 'hpe-webhook-signature': 'sha256=zz' }],
			[forged, { 'hpe-webhook-signature': signature.replace('sha256=', 'sha1=') }],
			[forged, {}],
			[genuine.requestText.replace('"id":"', '"id":"x'), {}],
			[forged, { 'hpe-webhook-signature': signature }],
			[JSON.stringify(event, null, 1), { 'hpe-webhook-signature': signature }],
			[genuine.requestText.replace('Real-time', 'Fake-time'), { 'hpe-webhook-signature': signature }],
			[JSON.stringify([event]), { 'hpe-webhook-signature': signature }],
		];
		const statuses: number[] = [];
		for (const [text, headers] of attempts) {
			const response = await fetch(webhook.destination as string, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
			statuses.push(response.status);
		}
		expect(statuses).toEqual(Array(10).fill(401));
		expect(await count(WF.audit)).toBe(before);
	}, 600_000);

	it('batching on: 25 events in batched deliveries → 25 items', async () => {
		const before = await count(WF.batched);
		expect(before).toBe(0);
		for (let i = 0; i < 25; i++) sandbox.events.emit(client.workspaceId, EVENT_TYPES.expiringSubscriptions, { key: `SUB-${i}`, quantity: i });
		sandbox.events.flush();
		await sandbox.events.idle();
		const webhookId = webhooksOf(WF.batched)[0].id as string;
		const batches = sandbox.events.deliveries(webhookId).filter((d) => d.kind === 'delivery');
		expect(batches.map((d) => [d.batch, d.eventIds.length, d.httpResponseCode]).sort()).toEqual([
			[true, 10, 200],
			[true, 10, 200],
			[true, 5, 200],
		]);
		await until('3 finished batched executions', async () => ((await count(WF.batched, 'success')) - before >= 3 ? true : undefined));
		const executions = await n8n.savedExecutions(WF.batched);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
		const items = executions.flatMap((e) => e.runData['GreenLake Events'][0].data!.main![0] ?? []);
		expect(items).toHaveLength(25);
		expect(new Set(items.map((item) => (item.json.data as { key: string }).key)).size).toBe(25);
	}, 600_000);

	it('unpublish → 0 webhooks and 0 subscriptions; publish again → re-created; deleted in GreenLake → re-created on the next publish', async () => {
		// n8n 2.41 unpublishes through its publication outbox, shortly after the API call returns.
		const gone = () => (sandbox.events.webhooks().length === 0 ? true : undefined);
		await api('POST', `/workflows/${WF.batched}/deactivate`);
		await api('POST', `/workflows/${WF.audit}/deactivate`);
		await until('both webhooks removed', gone);
		expect(sandbox.events.webhooks().flatMap((w) => w.subscriptions)).toHaveLength(0);
		expect(sandbox.counters().events.webhooksDeleted).toBe(2);

		await api('POST', `/workflows/${WF.audit}/activate`);
		const first = await until('the webhook re-registered and ACTIVE', () => webhooksOf(WF.audit).find((w) => w.status === 'ACTIVE'));
		sandbox.events.deleteWebhook(first.id as string);
		await api('POST', `/workflows/${WF.audit}/deactivate`);
		await until('n8n processed the unpublication', outboxIdle);
		await api('POST', `/workflows/${WF.audit}/activate`);
		const second = await until('re-created after deletion in GreenLake', () => webhooksOf(WF.audit).find((w) => w.status === 'ACTIVE'));
		expect(second.id).not.toBe(first.id);
		expect(webhooksOf(WF.audit)).toHaveLength(1);
		expect(second.subscriptions).toHaveLength(1);
		await captureSecrets();

		const before = await count(WF.audit);
		sandbox.addAuditLogs(client.workspaceId, [{ createdAt: new Date().toISOString(), description: 'After re-creation' }]);
		await until('an execution after re-creation', async () => ((await count(WF.audit)) > before ? true : undefined));
		await api('POST', `/workflows/${WF.audit}/deactivate`);
		await until('the webhook removed again', gone);
	}, 600_000);

	it("no webhook secret or client secret in n8n's log or in the stored executions", async () => {
		expect(secrets.size).toBeGreaterThanOrEqual(3);
		const log = n8n.logTail(1_000_000);
		expect(log.length).toBeGreaterThan(1000);
		const executions = [...(await n8n.savedExecutions(WF.audit)), ...(await n8n.savedExecutions(WF.batched))];
		expect(executions.length).toBeGreaterThan(50);
		const dump = JSON.stringify(executions.map((e) => e.data));
		for (const secret of [...secrets, client.clientSecret]) {
			expect(log.includes(secret)).toBe(false);
			expect(dump.includes(secret)).toBe(false);
		}
		const stored = JSON.stringify(await n8n.sqlite('SELECT staticData, nodes FROM workflow_entity', [], { record: false }));
		for (const secret of [...secrets, client.clientSecret]) expect(stored.includes(secret)).toBe(false);
	}, 600_000);
});
