/**
 * Every workflow in examples/, imported into a real n8n 2.41.1 with the built package installed as a community package,
 * executed against the GreenLake sandbox. The files are transformed (demo/examples.ts), never copied by hand: the
 * credential placeholder becomes a sandbox credential, GreenLake's URL the sandbox's, the Docker file folder a temp
 * folder, and a Schedule Trigger a Manual Trigger. An example starting with the polling trigger is published and run by
 * n8n itself: n8n polls at activation, and deactivating + activating it again is the next poll, at once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	EVENT_TRIGGER_TYPE,
	PLACEHOLDER_CREDENTIAL,
	TRIGGER_TYPE,
	eventTriggerOf,
	hasManualStart,
	parseJsonLines,
	pollTriggerOf,
	prepareExample,
	readExamples,
	type Example,
} from '../../demo/examples';
import { executeWorkflow, pollNow, setUpOwner, waitForExecutions } from '../../demo/n8nServer';
import { sandboxDevicesPerTenant, sandboxToken, sandboxTotal } from '../../demo/sandboxQueries';
import { SEED, startSandbox, type Sandbox } from '../sandbox';
import { cleanupHarness, N8nInstance, nodeOutput, packPackage } from './n8n';

const REPO = path.resolve(__dirname, '../..');
/** Every seeded audit event lies within the last 12 h, i.e. inside the example trigger's 24 h look-back. */
const SIZES = { auditLogs: 300, devices: 450, subscriptions: 20, users: 20, locations: 25 };
const AUDIT_LOG_DAYS = 0.5;
const AUDIT_FILE = 'greenlake-audit-log.jsonl';
const CREDENTIAL = { id: 'exampleSandbox1', name: 'HPE GreenLake account (sandbox)' };

const examples: Example[] = readExamples(REPO);
const workflowId = (file: string): string => `example${String(examples.findIndex((e) => e.file === file)).padStart(3, '0')}`;

let sandbox: Sandbox;
let n8n: N8nInstance;
let filesDir: string;
let expectedAuditEvents: number;
let expectedDevicesPerTenant: Record<string, number>;

function requestsTo(route: string): number {
	return Object.values(sandbox.counters().requests.byRoute[route] ?? {}).reduce((sum, n) => sum + n, 0);
}

/** Audit-log list requests the sandbox has answered (any API version, any status). */
function auditLogRequests(): number {
	return Object.entries(sandbox.counters().requests.byRoute)
		.filter(([route]) => /^GET \/audit-log\/[^/]+\/logs$/.test(route))
		.reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, n) => a + n, 0), 0);
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
	for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((resolve) => setTimeout(resolve, 100))) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
	}
}

beforeAll(async () => {
	sandbox = await startSandbox({ sizes: SIZES, auditLogDays: AUDIT_LOG_DAYS });
	// The sandbox's own answers, asked directly over HTTP (not through the package).
	const mspToken = await sandboxToken(sandbox.url, SEED.clients.msp);
	expectedAuditEvents = await sandboxTotal(sandbox.url, mspToken, '/audit-log/v2beta1/logs');
	expectedDevicesPerTenant = await sandboxDevicesPerTenant(
		sandbox.url,
		SEED.clients.msp,
		SEED.workspaces.tenants.map((tenant) => tenant.id),
	);

	filesDir = mkdtempSync(path.join(os.tmpdir(), 'greenlake-examples-files-'));
	n8n = await N8nInstance.create({
		packageTarball: await packPackage(REPO),
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
	});
	await n8n.importCredentials([
		{
			...CREDENTIAL,
			type: 'hpeGreenLakeApi',
			data: {
				clientId: SEED.clients.msp.clientId,
				clientSecret: SEED.clients.msp.clientSecret,
				workspaceId: SEED.clients.msp.workspaceId,
				issuer: 'workspace',
				baseUrl: 'custom',
				customBaseUrl: sandbox.url,
				clientAuthentication: 'body',
			},
		},
	]);
	await n8n.importWorkflow(
		examples.map((example) =>
			prepareExample(example.workflow, {
				id: workflowId(example.file),
				credential: CREDENTIAL,
				baseUrl: sandbox.url,
				filesDir,
				manualStart: true,
			}),
		),
	);
}, 30 * 60_000);

afterAll(async () => {
	try {
		await n8n?.dispose();
		await sandbox?.close();
		if (filesDir) rmSync(filesDir, { recursive: true, force: true });
	} finally {
		cleanupHarness();
	}
});

beforeEach(() => sandbox.resetCounters());

describe('examples/: importable workflows users would run', () => {
	it('has exactly the four documented examples, each executed by a test below', () => {
		// a new example needs its own test below, checking what it does (a polling one must also be published)
		expect(examples.map((example) => example.file).sort()).toEqual([
			'audit-log-to-file.json',
			'msp-device-inventory.json',
			'realtime-audit-events.json',
			'token-to-http-request.json',
		]);
	});

	it.each(examples.map((example) => [example.file, example] as const))(
		'%s: placeholder credential, no sticky notes, readable unique node names, valid connections',
		(_file, { workflow }) => {
			expect(typeof workflow.name).toBe('string');
			const names = workflow.nodes.map((node) => node.name);
			expect(new Set(names).size).toBe(names.length);
			for (const node of workflow.nodes) {
				expect(node.type).not.toBe('n8n-nodes-base.stickyNote');
				// n8n appends a number to a repeated default name ("Code1", "HTTP Request2"): every name here was chosen
				expect(node.name).not.toMatch(/[A-Za-z ]\d+$/);
				expect(typeof node.typeVersion).toBe('number');
				expect(node.position).toHaveLength(2);
				for (const [type, ref] of Object.entries(node.credentials ?? {})) {
					expect(type).toBe('hpeGreenLakeApi');
					expect(ref).toEqual(PLACEHOLDER_CREDENTIAL);
				}
			}
			expect(workflow.nodes.some((node) => node.type.startsWith('n8n-nodes-hpe-greenlake.'))).toBe(true);
			for (const [source, outputs] of Object.entries(workflow.connections)) {
				expect(names).toContain(source);
				for (const link of outputs.main.flat()) expect(names).toContain(link.node);
			}
			// each example runs either with a manual start (execute) or published (a polling trigger)
			const prepared = prepareExample(workflow, { id: 'x', credential: CREDENTIAL, manualStart: true });
			expect(hasManualStart(prepared) || pollTriggerOf(workflow) !== undefined || eventTriggerOf(workflow) !== undefined).toBe(true);
		},
	);
});

describe('examples/ executed by a real n8n against the sandbox', () => {
	it('msp-device-inventory.json: devices per tenant equal the sandbox\'s own count of every tenant', async () => {
		const result = await executeWorkflow(n8n, workflowId('msp-device-inventory.json'));
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const rows = nodeOutput(result, 'Devices per tenant');
		const perTenant = Object.fromEntries(rows.map((row) => [String(row.tenantId).replace(/-/g, ''), row.devices]));
		expect(perTenant).toEqual(expectedDevicesPerTenant);
		expect(Object.keys(perTenant)).toHaveLength(SEED.workspaces.tenants.length);
		expect(rows.map((row) => row.tenantName).sort()).toEqual(SEED.workspaces.tenants.map((tenant) => tenant.name).sort());
		for (const row of rows) {
			const byType = row.byType as Record<string, number>;
			expect(Object.values(byType).reduce((sum, n) => sum + n, 0)).toBe(row.devices);
		}
		const counters = sandbox.counters();
		expect(counters.mints.tokenExchange).toBe(SEED.workspaces.tenants.length);
		expect(counters.api401).toBe(0);
	}, 300_000);

	it('token-to-http-request.json: Generate token → HTTP Request lists the locations', async () => {
		const result = await executeWorkflow(n8n, workflowId('token-to-http-request.json'));
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const token = nodeOutput(result, 'Generate token')[0];
		expect(token.workspace_id).toBe(SEED.workspaces.msp.id);
		const [response] = nodeOutput(result, 'List locations');
		expect(response.total).toBe(SIZES.locations);
		expect(Array.isArray(response.items)).toBe(true);
		expect((response.items as unknown[]).length).toBeGreaterThan(0);
		expect(requestsTo('GET /locations/v1/locations')).toBe(1);
		expect(sandbox.counters().api401).toBe(0);
	}, 300_000);

	it('audit-log-to-file.json: published, every event is appended once, across polls', async () => {
		const id = workflowId('audit-log-to-file.json');
		expect(pollTriggerOf(examples.find((e) => e.file === 'audit-log-to-file.json')!.workflow)?.type).toBe(TRIGGER_TYPE);
		const file = path.join(filesDir, AUDIT_FILE);
		const lines = () => (existsSync(file) ? parseJsonLines(readFileSync(file, 'utf8')) : []);

		await n8n.publishWorkflow(id);
		const { baseUrl, publications } = await n8n.start({ timeoutMs: 240_000 });
		try {
			const publication = publications.find((p) => p.workflowId === id);
			expect(publication?.status).toBe('completed');
			expect(publication?.triggers.map((t) => t.status)).toEqual(['activated']);

			// poll 1, at activation: the 24 h look-back holds every seeded event
			let executions = await waitForExecutions(n8n, id, 1, 90_000);
			expect(executions.map((e) => e.status)).toEqual(['success']);
			const first = lines();
			expect(first).toHaveLength(expectedAuditEvents);
			expect(new Set(first.map((event) => event.id)).size).toBe(expectedAuditEvents);
			const times = first.map((event) => Date.parse(String(event.createdAt)));
			expect(times).toEqual([...times].sort((a, b) => a - b));

			// poll 2: exactly the new events, appended oldest first
			const session = await setUpOwner(baseUrl);
			const now = Date.now();
			const added = sandbox.addAuditLogs(
				SEED.workspaces.msp.id,
				[3, 2, 1].map((secondsAgo) => ({ createdAt: new Date(now - secondsAgo * 1000).toISOString(), description: 'examples test' })),
			);
			await pollNow(session, id);
			executions = await waitForExecutions(n8n, id, 2, 90_000);
			expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
			const second = lines();
			expect(second.slice(0, first.length)).toEqual(first);
			expect(second.slice(first.length).map((event) => event.id)).toEqual(added.map((event) => event.id));

			// poll 3: nothing new. Wait for its audit-log request to be answered (each poll reads [cursor, its own start),
			// so an event stamped later is never its business), then poll 4 with one new event: if poll 3 had started an
			// execution or appended anything, there would be 4 executions or more lines than poll 4's one event.
			const polled = auditLogRequests();
			await pollNow(session, id);
			await waitUntil('poll 3 to read the audit log', () => auditLogRequests() > polled, 90_000);
			const [late] = sandbox.addAuditLogs(SEED.workspaces.msp.id, [
				{ createdAt: new Date(Date.now()).toISOString(), description: 'examples test, after poll 3' },
			]);
			await pollNow(session, id);
			executions = await waitForExecutions(n8n, id, 3, 90_000);
			expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
			expect(lines()).toEqual([...second, expect.objectContaining({ id: late.id })]);
			expect(sandbox.counters().api401).toBe(0);
		} finally {
			await n8n.stop();
		}
	}, 600_000);

	it('realtime-audit-events.json: published, registers its webhook; each new audit event is appended once, at once', async () => {
		const id = workflowId('realtime-audit-events.json');
		expect(eventTriggerOf(examples.find((e) => e.file === 'realtime-audit-events.json')!.workflow)?.type).toBe(EVENT_TRIGGER_TYPE);
		const file = path.join(filesDir, 'greenlake-realtime-audit.jsonl');
		const lines = () => (existsSync(file) ? parseJsonLines(readFileSync(file, 'utf8')) : []);
		await n8n.publishWorkflow(id);
		const { publications } = await n8n.start({ timeoutMs: 240_000 });
		try {
			expect(publications.find((p) => p.workflowId === id)?.triggers.map((t) => t.status)).toEqual(['activated']);
			const active = () => sandbox.events.webhooks().find((w) => String(w.name).startsWith(`n8n-${id}-`) && w.status === 'ACTIVE');
			await waitUntil('the example\'s webhook to become ACTIVE', () => active() !== undefined, 90_000);
			expect(active()?.subscriptions.map((s: { eventType: string }) => s.eventType)).toEqual(['com.hpe.greenlake.audit-log.v1.logs.created']);

			const now = Date.now();
			const added = sandbox.addAuditLogs(
				SEED.workspaces.msp.id,
				[0, 1, 2].map((i) => ({ createdAt: new Date(now + i).toISOString(), description: `real-time example ${i}` })),
			);
			const executions = await waitForExecutions(n8n, id, 3, 90_000);
			expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
			const written = lines();
			expect(written.map((line) => line.auditLogId).sort()).toEqual(added.map((event) => event.id).sort());
			expect(written.every((line) => line.type === 'com.hpe.greenlake.audit-log.v1.logs.created')).toBe(true);
		} finally {
			await n8n.stop();
		}
	}, 600_000);
});
