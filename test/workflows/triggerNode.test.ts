// HPE GreenLake Trigger against the GreenLake sandbox, run through n8n-core's real PollContext (runPoll).
// Needs the built package: `npm run build && npx jest test/workflows/triggerNode.test.ts`. TRIGGER_PKG_DIR may point at a
// copy of the built package (package.json + dist + a node_modules link) to test while others rebuild dist/.
import { createCredentialStore, loadPackage, runPoll } from '../support/workflowRunner';
import type { CredentialStore, LoadedPackage } from '../support/workflowRunner';

import { join, resolve } from 'node:path';

import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { SEED, startSandbox } from '../sandbox';
import type { AuditLog, Sandbox, SandboxOptions } from '../sandbox';

const REPO = process.env.TRIGGER_PKG_DIR ?? resolve(__dirname, '../..');
const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLakeTrigger';
const CREDENTIAL_ID = 'greenlake-trigger-test';
const AUDIT_ROUTE = '/audit-log/v2beta1/logs';
const MIN = 60_000;
const HOUR = 60 * MIN;


const iso = (ms: number) => new Date(ms).toISOString();
const sleep = async (ms: number) => await new Promise((done) => setTimeout(done, ms));

describe('HPE GreenLake Trigger (sandbox, n8n-core PollContext)', () => {
	let pkg: LoadedPackage;
	let sandbox: Sandbox | undefined;
	let store: CredentialStore;
	const client = SEED.clients.standard;
	const workspace = SEED.workspaces.standard.id;

	// The process-wide token cache and rate-limit pacer of the BUILT package (the module instances its nodes use).
	let tokenEngine: { clear(): void };
	let sharedPacer: { clear(): void };

	beforeAll(async () => {
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(join(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
		({ sharedPacer } = (await import(join(REPO, 'dist/nodes/shared/http/rateLimit'))) as { sharedPacer: { clear(): void } });
	});

	beforeEach(() => {
		tokenEngine.clear();
		sharedPacer.clear();
	});

	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	/** A sandbox whose audit log holds only the events a test adds (unless sizes say otherwise). */
	async function start(options: SandboxOptions = {}, credentialClient = client): Promise<Sandbox> {
		sandbox = await startSandbox({ sizes: { auditLogs: 0 }, ...options });
		store = createCredentialStore([
			{
				id: CREDENTIAL_ID,
				name: 'GreenLake',
				type: 'hpeGreenLakeApi',
				data: {
					clientId: credentialClient.clientId,
					clientSecret: credentialClient.clientSecret,
					workspaceId: credentialClient.workspaceId,
					issuer: 'workspace',
					baseUrl: 'custom',
					customBaseUrl: sandbox.url,
					clientAuthentication: 'body',
					accessToken: '',
				},
			},
		]);
		return sandbox;
	}

	function triggerNode(parameters: INodeParameters = {}): INode {
		return {
			id: 'trigger-node',
			name: 'HPE GreenLake Trigger',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: { hpeGreenLakeApi: { id: CREDENTIAL_ID, name: 'GreenLake' } },
		};
	}

	async function poll(node: INode, staticData: IDataObject, mode: 'trigger' | 'manual' = 'trigger'): Promise<IDataObject[] | null> {
		const result: INodeExecutionData[][] | null = await runPoll({ pkg, credentials: store, node, staticData, mode });
		if (result === null) return null;
		expect(result).toHaveLength(1);
		return result[0].map((item) => item.json);
	}

	/** Adds events at the given times (ISO strings) and returns them. */
	function add(times: number[], extra: Partial<AuditLog> = {}): AuditLog[] {
		return sandbox!.addAuditLogs(
			workspace,
			times.map((t) => ({ ...extra, createdAt: iso(t) })),
		);
	}

	const idsOf = (events: Array<{ id?: unknown }> | null) => (events ?? []).map((event) => String(event.id));
	const snapshot = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

	function expectOldestFirst(events: IDataObject[]): void {
		const times = events.map((event) => Date.parse(String(event.createdAt)));
		for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
	}

	it('emits every event exactly once, oldest first, while events keep arriving (shared timestamps, a late event)', async () => {
		await start();
		const t0 = Date.now();
		const node = triggerNode({ startFrom: 'lookBack', lookBackHours: 1 });
		const staticData: IDataObject = {};

		add([t0 - 2 * HOUR]); // before the look-back: never emitted
		const sharedTime = t0 - 10_000;
		const batchA = [...add([t0 - 50 * MIN, t0 - 20 * MIN]), ...add([sharedTime, sharedTime, sharedTime])];

		const first = await poll(node, staticData);
		expect(idsOf(first).sort()).toEqual(idsOf(batchA).sort());
		expectOldestFirst(first!);
		expect(idsOf(first).slice(0, 2)).toEqual(idsOf(batchA).slice(0, 2));

		// Arriving between polls: more events at the cursor's exact timestamp, newer ones, and a late one whose
		// createdAt is 3 minutes older than the newest event already emitted (inside the 5-minute overlap).
		const late = add([sharedTime - 3 * MIN]);
		const atCursor = add([sharedTime, sharedTime]);
		const newer = add([Date.now() - 5, Date.now() - 5]);
		const second = await poll(node, staticData);
		expect(idsOf(second).sort()).toEqual(idsOf([...late, ...atCursor, ...newer]).sort());
		expect(idsOf(second)[0]).toBe(late[0].id);
		expectOldestFirst(second!);

		expect(await poll(node, staticData)).toBeNull();

		await sleep(20);
		const burst = add(Array.from({ length: 7 }, () => Date.now() - 3));
		const third = await poll(node, staticData);
		expect(idsOf(third).sort()).toEqual(idsOf(burst).sort());

		const emitted = [...idsOf(first), ...idsOf(second), ...idsOf(third)];
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(emitted).toHaveLength(batchA.length + late.length + atCursor.length + newer.length + burst.length);
	});

	it('keeps the cursor when a poll fails mid-way, then delivers everything once on the next poll', async () => {
		const box = await start();
		const t0 = Date.now();
		const node = triggerNode({ startFrom: 'lookBack', lookBackHours: 2 });
		const staticData: IDataObject = {};

		// A first poll that fails before anything is read leaves no cursor at all.
		const initial = add([t0 - 90 * MIN, t0 - 60 * MIN, t0 - 30 * MIN]);
		box.faults.inject({ kind: 'status', status: 503, count: 10, route: AUDIT_ROUTE });
		await expect(poll(node, staticData)).rejects.toThrow(/503/);
		expect(staticData).toEqual({});
		box.faults.clear();
		expect(idsOf(await poll(node, staticData)).sort()).toEqual(idsOf(initial).sort());

		// 4,500 new events (three pages of 2,000), some sharing a timestamp; the second page fails past the retries.
		const times: number[] = [];
		for (let i = 0; i < 4_500; i++) times.push(i % 10 === 9 ? times[i - 1] : t0 - 29 * MIN + i * 300);
		const backlog = add(times);
		const before = snapshot(staticData);
		const okBefore = box.counters().requests.byRoute[`GET ${AUDIT_ROUTE}`]?.['200'] ?? 0;
		box.faults.inject({ kind: 'delay', ms: 0, count: 1, route: AUDIT_ROUTE });
		box.faults.inject({ kind: 'status', status: 503, count: 10, route: AUDIT_ROUTE });

		await expect(poll(node, staticData)).rejects.toThrow(/503/);
		const afterFailure = box.counters().requests.byRoute[`GET ${AUDIT_ROUTE}`];
		expect(afterFailure['200'] - okBefore).toBe(1); // the first page was read: the poll failed mid-way
		expect(afterFailure['503']).toBeGreaterThanOrEqual(2 * 6); // 1 + 5 retries, in each failed poll
		expect(snapshot(staticData)).toEqual(before);

		box.faults.clear();
		const retried = await poll(node, staticData);
		expect(retried).toHaveLength(backlog.length);
		expect(new Set(idsOf(retried))).toEqual(new Set(idsOf(backlog)));
		expectOldestFirst(retried!);
		expect(await poll(node, staticData)).toBeNull();
	});

	it('delivers a backlog of 25,000 events completely despite the 10,000-result cap, then 12,000 more after a pause', async () => {
		const box = await start();
		const t0 = Date.now();
		const node = triggerNode({ startFrom: 'lookBack', lookBackHours: 72 });
		const staticData: IDataObject = {};

		// 25,000 events over the last 48 hours, every 20th sharing the previous one's timestamp.
		const times: number[] = [];
		for (let i = 0; i < 25_000; i++) times.push(i % 20 === 19 ? times[i - 1] : t0 - 48 * HOUR + i * 6_000);
		const backlog = add(times);

		const first = await poll(node, staticData);
		expect(first).toHaveLength(25_000);
		expect(new Set(idsOf(first)).size).toBe(25_000);
		expect(new Set(idsOf(first))).toEqual(new Set(idsOf(backlog)));
		expectOldestFirst(first!);
		// More than 10,000 matched the first request: the window had to be split.
		expect(box.counters().requests.byRoute[`GET ${AUDIT_ROUTE}`]['200']).toBeGreaterThanOrEqual(13);

		// The workflow pauses while 12,000 more events arrive.
		const newest = Math.max(...times);
		const pauseTimes = Array.from({ length: 12_000 }, (_, i) => newest + 1 + Math.floor((i * (Date.now() - newest - 2)) / 12_000));
		const afterPause = add(pauseTimes);
		const second = await poll(node, staticData);
		expect(second).toHaveLength(12_000);
		expect(new Set(idsOf(second))).toEqual(new Set(idsOf(afterPause)));
		expectOldestFirst(second!);
		expect(await poll(node, staticData)).toBeNull();
	});

	it('returns the latest event in manual mode ("Fetch Test Event") without touching static data', async () => {
		await start();
		const t0 = Date.now();
		add([t0 - 3 * HOUR, t0 - 2 * HOUR]);
		const [latest] = add([t0 - MIN]);
		const node = triggerNode();

		const empty: IDataObject = {};
		const fetched = await poll(node, empty, 'manual');
		expect(idsOf(fetched)).toEqual([latest.id]);
		expect(empty).toEqual({});

		// With an active cursor, the test fetch neither moves nor rewrites it.
		const active: IDataObject = {};
		expect(await poll(node, active)).toBeNull();
		const before = snapshot(active);
		add([Date.now() - 1]);
		expect(await poll(node, active, 'manual')).toHaveLength(1);
		expect(snapshot(active)).toEqual(before);
		expect(await poll(node, active)).toHaveLength(1);

		await expect(poll(triggerNode({ filters: { username: 'nobody@example.com' } }), {}, 'manual')).rejects.toThrow(
			'No audit-log event matches the filters',
		);
	});

	it('starts from "now" on first activation: emits nothing, then only newer events', async () => {
		// The seeded log too: 2,000 events over the last day, so some lie within the overlap before activation.
		await start({ sizes: { auditLogs: 2_000 }, auditLogDays: 1 });
		const t0 = Date.now();
		add([t0 - 4 * MIN, t0 - 30_000, t0 - 1, t0 - 1]);
		const node = triggerNode(); // Start From defaults to Now
		const staticData: IDataObject = {};

		expect(await poll(node, staticData)).toBeNull();
		expect(Object.keys(staticData)).not.toHaveLength(0);
		expect(await poll(node, staticData)).toBeNull();

		await sleep(5);
		const fresh = add([Date.now() - 2, Date.now() - 2, Date.now() - 1]);
		const next = await poll(node, staticData);
		expect(idsOf(next).sort()).toEqual(idsOf(fresh).sort());
		expect(await poll(node, staticData)).toBeNull();
	});

	it('applies the filters and the shared workspace selection', async () => {
		await start({}, SEED.clients.msp);
		const tenant = SEED.workspaces.tenants[0].id;
		const t0 = Date.now();
		sandbox!.addAuditLogs(tenant, [
			{ createdAt: iso(t0 - 2 * MIN), category: 'User Activity', username: 'ana@alpha.example' },
			{ createdAt: iso(t0 - MIN), category: 'Device Management', username: 'ana@alpha.example' },
			{ createdAt: iso(t0 - MIN), category: 'User Activity', username: 'bo@alpha.example' },
		]);
		sandbox!.addAuditLogs(SEED.clients.msp.workspaceId, [{ createdAt: iso(t0 - MIN), category: 'User Activity', username: 'ana@alpha.example' }]);
		const node = triggerNode({
			workspaceScope: 'tenant',
			tenant: { __rl: true, mode: 'id', value: tenant },
			startFrom: 'lookBack',
			lookBackHours: 1,
			filters: { categories: 'User Activity, Device Management', username: 'ana@alpha.example' },
		});
		const events = await poll(node, {});
		expect(events!.map((event) => [event.category, (event.workspace as IDataObject).id])).toEqual([
			['User Activity', tenant],
			['Device Management', tenant],
		]);

		// The same through v1 (whole-second time bounds, other filter keys and item shape).
		const v1 = await poll(triggerNode({ ...node.parameters, apiVersion: 'v1' }), {});
		expect(v1!.map((event) => [event.category, (event.user as IDataObject).username])).toEqual([
			['User Activity', 'ana@alpha.example'],
			['Device Management', 'ana@alpha.example'],
		]);

		// From the MSP workspace, "Include MSP Tenant Events" reads the tenants' events instead of the MSP's own.
		const own = await poll(triggerNode({ startFrom: 'lookBack', lookBackHours: 1 }), {});
		expect(own!.map((event) => (event.workspace as IDataObject).id)).toEqual([SEED.clients.msp.workspaceId]);
		const tenants = await poll(triggerNode({ startFrom: 'lookBack', lookBackHours: 1, filters: { tenantEvents: true } }), {});
		expect(tenants).toHaveLength(3);
		expect(new Set(tenants!.map((event) => (event.workspace as IDataObject).id))).toEqual(new Set([tenant]));
	});

	it('gives clear errors for a look-back beyond retention, an invalid filter and a bad or foreign tenant', async () => {
		await start({}, SEED.clients.msp);
		const staticData: IDataObject = {};

		await expect(poll(triggerNode({ startFrom: 'lookBack', lookBackHours: 24 * 120 }), staticData)).rejects.toThrow(
			/Look Back \(Hours\) is 2880, beyond GreenLake's audit-log retention/,
		);

		// GreenLake's own 400 (v1 allows at most five application ids), with its details.
		const sixOffers = Array.from({ length: 6 }, (_, i) => `0000000${i}-0000-0000-0000-000000000000`).join(',');
		const apiError = await poll(triggerNode({ apiVersion: 'v1', filters: { serviceOfferIds: sixOffers } }), staticData).catch(
			(error: unknown) => error as { message: string; description?: string; httpCode?: string },
		);
		expect(apiError).toMatchObject({ httpCode: '400' });
		expect((apiError as { message: string }).message).toMatch(/HTTP 400/);
		expect((apiError as { description?: string }).description).toMatch(/filter: Maximum five serviceOffer\/id/);

		await expect(poll(triggerNode({ filters: { serviceOfferIds: sixOffers } }), staticData)).rejects.toThrow(
			/Service Offer IDs" has 6 IDs/,
		);
		await expect(
			poll(triggerNode({ workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: 'not-a-workspace' } }), staticData),
		).rejects.toThrow(/not a valid workspace ID/);
		// A workspace this MSP does not manage: the token exchange is refused.
		await expect(
			poll(triggerNode({ workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: SEED.workspaces.standard.id } }), staticData),
		).rejects.toThrow(/refused the token exchange for the tenant workspace/);
		expect(staticData).toEqual({});
	});
});
