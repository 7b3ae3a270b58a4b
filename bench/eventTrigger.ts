/**
 * `npm run bench:events`: how soon a GreenLake audit event starts an execution, with the HPE GreenLake Event Trigger
 * (webhook) and the HPE GreenLake Trigger (polling every minute, n8n's shortest schedule), side by side in one real
 * n8n 2.41.1 on loopback, on the same events; plus the GreenLake API calls each spends. Prints a Markdown table.
 *
 * Events are created one at a time, `--events=N` (default 30) every `--spacing=S` seconds (default 4), so each
 * webhook delivery is measured on its own (a burst measures n8n's queueing instead). Latency = execution start
 * (n8n's startedAt) − the moment the sandbox stored the event; for the webhook, also − the moment it sent the delivery.
 */
import * as path from 'node:path';

import { EVENT_TYPES, SEED, startSandbox } from '../test/sandbox';
import { cleanupHarness, N8nInstance, packPackage } from '../test/e2e/n8n';
import { sandboxCredentialData } from '../test/support/greenlakeFixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const client = SEED.clients.standard;
const CREDENTIAL = { id: 'benchEventsCred1', name: 'GreenLake (bench)' };
const WF = { webhook: 'benchEventHook01', polling: 'benchEventPoll01' };

function arg(name: string, fallback: number): number {
	const found = process.argv.find((a) => a.startsWith(`--${name}=`));
	return found ? Number(found.split('=')[1]) : fallback;
}

function log(message: string): void {
	process.stderr.write(`[bench:events ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const utc = (text: unknown): number => {
	const s = String(text);
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function workflow(id: string, name: string, node: Record<string, unknown>): Record<string, unknown> {
	return { id, name, active: false, settings: { executionOrder: 'v1' }, nodes: [node], connections: {}, pinData: {} };
}

async function main(): Promise<void> {
	const count = arg('events', 30);
	const spacingMs = arg('spacing', 4) * 1000;
	const sandbox = await startSandbox({ sizes: { auditLogs: 0, devices: 1, subscriptions: 1, users: 1, locations: 1 } });
	const n8n = await N8nInstance.create({ packageTarball: await packPackage(ROOT) });
	try {
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				type: 'hpeGreenLakeApi',
				data: sandboxCredentialData(client, sandbox.url),
			},
		]);
		await n8n.importWorkflow([
			workflow(WF.webhook, 'Webhook trigger', {
				id: '00000000-0000-4000-8000-0000000be001',
				name: 'Events',
				type: 'n8n-nodes-hpe-greenlake.hpeGreenLakeEventTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: '6a0e1f9c-0000-4000-8000-0000000be001',
				parameters: { events: [EVENT_TYPES.auditLogCreated] },
				credentials: { hpeGreenLakeApi: CREDENTIAL },
			}),
			workflow(WF.polling, 'Polling trigger', {
				id: '00000000-0000-4000-8000-0000000be002',
				name: 'Events',
				type: 'n8n-nodes-hpe-greenlake.hpeGreenLakeTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newAuditLogEvent', startFrom: 'now', apiVersion: 'v2beta1' },
				credentials: { hpeGreenLakeApi: CREDENTIAL },
			}),
		]);
		await n8n.publishWorkflow(WF.webhook);
		await n8n.publishWorkflow(WF.polling);
		await n8n.start({ timeoutMs: 240_000 });
		for (let i = 0; i < 240 && !sandbox.events.webhooks().some((w) => w.status === 'ACTIVE'); i++) await sleep(250);
		if (!sandbox.events.webhooks().some((w) => w.status === 'ACTIVE')) throw new Error('the webhook never became ACTIVE');
		log(`n8n started, webhook ACTIVE; creating ${count} audit events, one every ${spacingMs / 1000} s`);

		sandbox.resetCounters();
		const createdAt = new Map<string, number>();
		const started = Date.now();
		for (let i = 0; i < count; i++) {
			const now = Date.now();
			const [log_] = sandbox.addAuditLogs(client.workspaceId, [{ createdAt: new Date(now).toISOString(), description: `bench ${i}` }]);
			createdAt.set(log_.id, now);
			await sleep(spacingMs);
		}
		const windowMinutes = (Date.now() - started) / 60_000;
		log('waiting for the polling trigger to catch up (its next poll is at most a minute away)');
		const emitted = async (workflowId: string, pick: (json: Record<string, any>) => string) => {
			const executions = await n8n.savedExecutions(workflowId);
			const out = new Map<string, number>();
			for (const execution of executions) {
				for (const item of execution.runData.Events?.[0]?.data?.main?.[0] ?? []) out.set(pick(item.json), utc(execution.startedAt));
			}
			return out;
		};
		const pollingId = (json: Record<string, any>) => String(json.id);
		const webhookId = (json: Record<string, any>) => String(json.data?.id);
		for (let i = 0; i < 100 && (await emitted(WF.polling, pollingId)).size < count; i++) await sleep(3000);
		const counters = sandbox.counters();
		const webhookStarts = await emitted(WF.webhook, webhookId);
		const pollingStarts = await emitted(WF.polling, pollingId);
		const sentAt = new Map(sandbox.events.deliveries().map((d) => [JSON.parse(d.requestText).data.id as string, d.sentAt]));

		const webhook = [...createdAt].filter(([id]) => webhookStarts.has(id)).map(([id, t]) => webhookStarts.get(id)! - t);
		const fromSend = [...createdAt].filter(([id]) => webhookStarts.has(id)).map(([id]) => webhookStarts.get(id)! - sentAt.get(id)!);
		const polling = [...createdAt].filter(([id]) => pollingStarts.has(id)).map(([id, t]) => pollingStarts.get(id)! - t);
		const auditCalls = Object.values(counters.requests.byRoute['GET /audit-log/v2beta1/logs'] ?? {}).reduce((a, b) => a + b, 0);
		const eventApiCalls = Object.entries(counters.requests.byRoute)
			.filter(([route]) => route.includes('/events/'))
			.reduce((sum, [, statuses]) => sum + Object.values(statuses).reduce((a, b) => a + b, 0), 0);
		const fmt = (values: number[]) =>
			values.length === 0 ? 'n/a' : `${percentile(values, 50)} ms | ${percentile(values, 95)} ms | ${Math.max(...values)} ms`;
		const table = [
			`Event → execution start, ${count} audit events created one every ${spacingMs / 1000} s over ${windowMinutes.toFixed(1)} min, n8n 2.41.1 and the sandbox on loopback (${new Date().toISOString().slice(0, 10)}):`,
			'',
			'| trigger | events seen | p50 | p95 | max | GreenLake API calls in the window |',
			'|---|---|---|---|---|---|',
			`| HPE GreenLake Event Trigger (webhook) | ${webhook.length}/${count} | ${fmt(webhook)} | ${eventApiCalls} (events API) |`,
			`| … of which delivery sent → execution start | | ${fmt(fromSend)} | |`,
			`| HPE GreenLake Trigger (polling, every minute) | ${polling.length}/${count} | ${fmt(polling)} | ${auditCalls} (audit-log list) |`,
		].join('\n');
		process.stdout.write(`${table}\n`);
	} finally {
		await n8n.dispose();
		await sandbox.close();
		cleanupHarness();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
	process.exitCode = 1;
});
