// The HPE GreenLake node under pressure, in real in-process workflows (n8n-core WorkflowExecute, the BUILT package
// from dist) against a small GreenLake sandbox whose rate windows are scaled to 2 s: a 429 storm, 5xx bursts, dropped
// sockets, malformed JSON, and audit-log window splitting through a tie of events at the 10,000-record edge.
// Run `npm run build` first.
import {
	createCredentialStore,
	loadPackage,
	runWorkflow,
	type CredentialStore,
	type LoadedPackage,
	type RunResult,
} from '../support/workflowRunner';
import { SEED, startSandbox, TestClock, type Sandbox } from '../sandbox';

import { resolve } from 'node:path';
import type { INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

// GLPKG: an alternative built copy of the package (lets these tests run while another build rewrites dist/).
const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLake';
const NODE_NAME = 'HPE GreenLake';
/** Measured figures, printed for the report (jest does not buffer stdout writes). */
const figure = (text: string) => process.stdout.write(`[figures] ${text}\n`);
const CRED = { id: 'cred-greenlake', name: 'GreenLake' };
const WINDOW_SECONDS = 2;
const DEVICES_GET_LIMIT = 6;
const DEVICES_LIST_LIMIT = 4;
const SIZES = { devices: 40, auditLogs: 10, users: 10, subscriptions: 10, locations: 10 };
/** A second credential, on a sandbox whose clock the Max Wait test stops (60 s windows). */
const CRED_FROZEN = { id: 'cred-greenlake-frozen', name: 'GreenLake (frozen clock)' };

describe('HPE GreenLake node under rate limits and faults (rate window 2 s)', () => {
	let sandbox: Sandbox;
	let frozenSandbox: Sandbox;
	const frozenClock = new TestClock();
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let tokenEngine: { clear(): void };
	let sharedPacer: { clear(): void };
	let deviceIds: string[];

	const node = (parameters: INodeParameters, name = NODE_NAME, credential = CRED): INode => ({
		id: `node-${name}`,
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { hpeGreenLakeApi: credential },
	});

	const deviceGet = (name = NODE_NAME) => node({ resource: 'device', operation: 'get', id: '={{ $json.id }}' }, name);
	const deviceItems = (count: number): INodeExecutionData[] =>
		Array.from({ length: count }, (_, i) => ({ json: { id: deviceIds[i % deviceIds.length] } }));

	/** Every run's data and errors, serialized: scanned for the secret and tokens at the end. */
	const transcripts: string[] = [];

	async function run(workflowNode: INode, inputItems: INodeExecutionData[] = [{ json: {} }]): Promise<RunResult> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [workflowNode], connections: {}, inputItems });
		transcripts.push(JSON.stringify(result.runData), JSON.stringify(result.error ?? null));
		const error = result.nodeError(workflowNode.name);
		if (error) transcripts.push(`${error.message}\n${String(error.description ?? '')}`);
		return result;
	}

	/** Items a run emitted that carry an error (Continue On Fail) plus a node-level failure. */
	function failedItems(result: RunResult, name = NODE_NAME): number {
		const errorItems = result.items(name).filter((item) => item.error !== undefined || item.json.error !== undefined).length;
		return errorItems + (result.nodeError(name) ? 1 : 0);
	}

	const routeCount = (route: string, status: string): number => sandbox.counters().requests.byRoute[route]?.[status] ?? 0;

	beforeAll(async () => {
		sandbox = await startSandbox({
			rateWindowSeconds: WINDOW_SECONDS,
			rateLimits: { 'devices.get': DEVICES_GET_LIMIT, 'devices.list': DEVICES_LIST_LIMIT },
			sizes: SIZES,
		});
		frozenSandbox = await startSandbox({
			rateWindowSeconds: 60,
			rateLimits: { 'devices.get': DEVICES_GET_LIMIT },
			sizes: SIZES,
			clock: frozenClock,
		});
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
		({ sharedPacer } = (await import(resolve(REPO, 'dist/nodes/shared/http/rateLimit'))) as { sharedPacer: { clear(): void } });
		const credentialData = (sb: Sandbox) => ({
			clientId: SEED.clients.standard.clientId,
			clientSecret: SEED.clients.standard.clientSecret,
			workspaceId: SEED.clients.standard.workspaceId,
			issuer: 'workspace',
			baseUrl: 'custom',
			customBaseUrl: sb.url,
			clientAuthentication: 'body',
		});
		store = createCredentialStore([
			{ ...CRED, type: 'hpeGreenLakeApi', data: credentialData(sandbox) },
			{ ...CRED_FROZEN, type: 'hpeGreenLakeApi', data: credentialData(frozenSandbox) },
		]);
		const list = await run(node({ resource: 'device', operation: 'getMany', returnAll: true }));
		deviceIds = list.output(NODE_NAME).map((json) => String(json.id));
		expect(deviceIds).toHaveLength(40);
	});

	afterAll(async () => {
		await sandbox?.close();
		await frozenSandbox?.close();
	});

	beforeEach(() => {
		tokenEngine.clear();
		sharedPacer.clear();
		sandbox.faults.clear();
		sandbox.resetCounters();
		frozenClock.release();
	});

	it('a 429 storm: 2 concurrent workflows (30 device gets + a 40-device list at page size 4) and an injected 429 burst → 0 failed items, nothing sent while the budget is 0', async () => {
		sandbox.faults.inject({ kind: 'status', status: 429, count: 2, route: '/devices/v1/devices/' });
		const started = Date.now();
		const [gets, pages] = await Promise.all([
			run(deviceGet('Get'), deviceItems(30)),
			run(
				node(
					{
						resource: 'apiRequest',
						operation: 'send',
						method: 'GET',
						path: '/devices/v1/devices',
						pagination: 'all',
						sendOptions: { pageSize: 4 },
					},
					'List',
				),
			),
		]);
		const seconds = (Date.now() - started) / 1000;
		const counters = sandbox.counters();

		expect(gets.status).toBe('success');
		expect(pages.status).toBe('success');
		expect(failedItems(gets, 'Get') + failedItems(pages, 'List')).toBe(0);
		expect(gets.output('Get').map((json) => json.id)).toEqual(deviceItems(30).map((item) => item.json.id));
		expect(new Set(pages.output('List').map((json) => json.id)).size).toBe(40);
		expect(counters.sentWhileExhausted).toBe(0);
		expect(counters.injected).toBe(2);
		// 30 gets at 6 per 2 s window span at least 5 windows (the first possibly nearly over): more than 3 whole
		// windows of waiting, so pacing, not luck, got them through.
		expect(seconds).toBeGreaterThan((30 / DEVICES_GET_LIMIT - 2) * WINDOW_SECONDS);
		expect(routeCount('GET /devices/v1/devices/{id}', '200')).toBe(30);
		expect(routeCount('GET /devices/v1/devices', '200')).toBe(10);
		figure(
			`429 storm: ${counters.requests.total} requests (40 answered 200) in ${seconds.toFixed(1)} s, failed items=0, sentWhileExhausted=${counters.sentWhileExhausted}, api429=${counters.api429}, injected 429=${counters.injected}`,
		);
	});

	it('a 5xx burst (3 × 503) on GETs: retried, 0 failed items', async () => {
		sandbox.faults.inject({ kind: 'status', status: 503, count: 3, route: '/devices/v1/devices/' });
		const result = await run(deviceGet(), deviceItems(5));

		expect(result.status).toBe('success');
		expect(failedItems(result)).toBe(0);
		expect(result.output(NODE_NAME)).toHaveLength(5);
		expect(routeCount('GET /devices/v1/devices/{id}', '503')).toBe(3);
		expect(routeCount('GET /devices/v1/devices/{id}', '200')).toBe(5);
		figure(`503 burst: injected=${sandbox.counters().injected}, failed items=0`);
	});

	it('dropped sockets (2) on GETs: retried, 0 failed items', async () => {
		sandbox.faults.inject({ kind: 'drop', count: 2, route: '/devices/v1/devices/' });
		const result = await run(deviceGet(), deviceItems(5));

		expect(result.status).toBe('success');
		expect(failedItems(result)).toBe(0);
		expect(result.output(NODE_NAME).map((json) => json.id)).toEqual(deviceItems(5).map((item) => item.json.id));
		expect(routeCount('GET /devices/v1/devices/{id}', 'dropped')).toBe(2);
		figure(`dropped sockets: injected=${sandbox.counters().injected}, failed items=0`);
	});

	it('a GET that times out (Timeout 5 s, that response held back 10 min): retried, 0 failed items', async () => {
		// Timeout is far above any normal answer on a busy machine; the held-back answer never comes in time.
		sandbox.faults.inject({ kind: 'delay', ms: 600_000, count: 1, route: '/devices/v1/devices/' });
		const result = await run(
			node({ resource: 'device', operation: 'get', id: '={{ $json.id }}', requestOptions: { timeoutMs: 5_000 } }),
			deviceItems(2),
		);
		expect(result.nodeError(NODE_NAME)).toBeUndefined();
		expect(result.output(NODE_NAME).map((json) => json.id)).toEqual(deviceItems(2).map((item) => item.json.id));
		expect(sandbox.counters().injected).toBe(1);
	});

	it('a dropped socket on a PATCH is not repeated (it may have reached GreenLake): a clear error', async () => {
		sandbox.faults.inject({ kind: 'drop', count: 1, route: '/devices/v1/devices' });
		const result = await run(
			node({ resource: 'device', operation: 'update', deviceIds: deviceIds[0], patch: '{"subscription": []}', waitForCompletion: false }),
		);
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)?.message).toMatch(/Could not reach GreenLake \(E[A-Z]+\) for PATCH \/devices\/v1\/devices/);
		expect(result.nodeError(NODE_NAME)?.description).toMatch(/was not repeated automatically/);
		expect(sandbox.counters().requests.byRoute['PATCH /devices/v1/devices']).toEqual({ dropped: 1 });
	});

	it('a GET whose sockets keep dropping beyond Max Retries: our message (method, path, code), not a generic one', async () => {
		sandbox.faults.inject({ kind: 'drop', count: 2, route: '/devices/v1/devices/' });
		const result = await run(
			node({ resource: 'device', operation: 'get', id: '={{ $json.id }}', requestOptions: { maxRetries: 1 } }),
			deviceItems(1),
		);
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)?.message).toMatch(/^Could not reach GreenLake \(ECONNRESET\) for GET \/devices\/v1\/devices\//);
		expect(result.nodeError(NODE_NAME)?.description).toMatch(/Check the network/);
		expect(routeCount('GET /devices/v1/devices/{id}', 'dropped')).toBe(2);
	});

	it('a malformed JSON page on a GET: retried, the list is complete', async () => {
		sandbox.faults.inject({ kind: 'malformed', count: 1, route: '/devices/v1/devices' });
		const result = await run(node({ resource: 'device', operation: 'getMany', returnAll: true }));
		expect(result.status).toBe('success');
		expect(new Set(result.output(NODE_NAME).map((json) => json.id)).size).toBe(40);
	});

	it('a non-idempotent PATCH answered 503 is not repeated: a clear error, exactly one PATCH sent', async () => {
		sandbox.faults.inject({ kind: 'status', status: 503, count: 1, route: '/devices/v1/devices' });
		const result = await run(
			node({
				resource: 'device',
				operation: 'update',
				deviceIds: deviceIds[0],
				patch: '{"subscription": []}',
				waitForCompletion: false,
			}),
		);
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)?.message).toMatch(/PATCH \/devices\/v1\/devices failed: HTTP 503/);
		expect(sandbox.counters().requests.byRoute['PATCH /devices/v1/devices']).toEqual({ '503': 1 });
	});

	it('audit logs: 10,100 events with 100 sharing one timestamp across the 10,000 edge → all returned once', async () => {
		const base = Date.now() - 86_400_000;
		const tie = base - 9_950_000;
		const events = Array.from({ length: 10_100 }, (_, i) => ({
			createdAt: new Date(i >= 9_950 && i < 10_050 ? tie : base - i * 1000).toISOString(),
			description: `edge-test event ${i}`,
		}));
		const added = sandbox.addAuditLogs(SEED.workspaces.standard.id, events);
		const result = await run(
			node({
				resource: 'auditLog',
				operation: 'getMany',
				returnAll: true,
				since: new Date(base - 20_000_000).toISOString(),
				filters: { descriptionContains: 'edge-test' },
			}),
		);

		expect(result.status).toBe('success');
		const ids = result.output(NODE_NAME).map((json) => String(json.id));
		expect(ids).toHaveLength(10_100);
		expect(new Set(ids).size).toBe(10_100);
		expect(new Set(ids)).toEqual(new Set(added.map((event) => event.id)));
		// One window of 5 pages hits the cap; the second starts at the tie and ends short.
		expect(routeCount('GET /audit-log/v2beta1/logs', '200')).toBe(6);
	});

	it('a rate-limit wait beyond Max Wait fails the item with a clear error, without sending into the spent window', async () => {
		// The sandbox's clock stands still at the start of a 60 s window: the budget is spent within it and the
		// next request would have to wait the whole minute, however slowly this machine runs the test.
		frozenClock.freezeAtWindowStart(60);
		frozenSandbox.resetCounters();
		const get = (parameters: INodeParameters = {}) =>
			node({ resource: 'device', operation: 'get', id: '={{ $json.id }}', ...parameters }, NODE_NAME, CRED_FROZEN);
		const first = await run(get(), deviceItems(DEVICES_GET_LIMIT));
		expect(first.status).toBe('success');
		const result = await run(get({ requestOptions: { maxWaitSeconds: 0 } }), deviceItems(1));

		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)?.message).toMatch(/rate limit for GET \/devices\/v1\/devices\/.*beyond Max Wait/);
		expect(result.nodeError(NODE_NAME)?.description).toMatch(/Raise Max Wait/);
		const counters = frozenSandbox.counters();
		expect(counters.requests.byRoute['GET /devices/v1/devices/{id}']).toEqual({ '200': DEVICES_GET_LIMIT });
		expect(counters.sentWhileExhausted).toBe(0);
	});

	it('no run above put the client secret or a token into its output or errors', () => {
		expect(transcripts.length).toBeGreaterThan(20);
		const all = transcripts.join('\n');
		expect(all.includes(SEED.clients.standard.clientSecret)).toBe(false);
		expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
	});
});
