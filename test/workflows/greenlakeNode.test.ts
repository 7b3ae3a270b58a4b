// The HPE GreenLake node in real in-process workflows (n8n-core WorkflowExecute, the BUILT package from dist) against
// the GreenLake sandbox at full size (5,000 devices, 25,000 audit logs per workspace): pagination, the audit-log cap,
// async operations, the tenant list search, host allow-listing, Continue On Fail and bad input.
// Run `npm run build` first.
import {
	createCredentialStore,
	loadOptionsContext,
	loadPackage,
	runWorkflow,
	type CredentialStore,
	type LoadedPackage,
	type RunResult,
} from '../support/workflowRunner';
import { inputItems, packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';
import { SEED, startSandbox, type Sandbox, type SeedClient } from '../sandbox';

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

import type {
	IDataObject,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

// GLPKG: an alternative built copy of the package (lets these tests run while another build rewrites dist/).
const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLake';
const NODE_NAME = 'HPE GreenLake';
/** Measured figures, printed for the report (jest does not buffer stdout writes). */
const figure = (text: string) => process.stdout.write(`[figures] ${text}\n`);
const CRED = { id: 'cred-greenlake', name: 'GreenLake' };
const SECRETS = Object.values(SEED.clients).map((client) => client.clientSecret);
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
const DAY_MS = 86_400_000;
/** The platform and the two services the sandbox's audit logs come from. */
const SERVICE_OFFER_IDS = [
	SEED.platformServiceOffer.id,
	'd46569ae-0516-4dd2-81ce-b6d645842acc',
	'68067533-5764-401a-9620-24e6e2cdc574',
];

const hyphenated = (id: string) =>
	`${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

describe('HPE GreenLake node (workflows against the full-size sandbox)', () => {
	let sandbox: Sandbox;
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let tokenEngine: { clear(): void };
	let sharedPacer: { clear(): void };
	/** A plain HTTP server that is not GreenLake: no request may ever reach it. */
	let foreign: Server;
	let foreignRequests = 0;
	let foreignUrl: string;
	const transcripts: string[] = [];

	const credentialData = (client: SeedClient, extra: IDataObject = {}): IDataObject =>
		sandboxCredentialData(client, sandbox.url, extra);

	const useClient = (client: SeedClient) => {
		store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data: credentialData(client) }]);
	};

	const node = (parameters: INodeParameters, extra: Partial<INode> = {}): INode =>
		packageNode({ id: 'greenlake-node', name: NODE_NAME, type: NODE_TYPE }, CRED, parameters, extra);

	const items = inputItems;

	async function run(workflowNode: INode, inputItems: INodeExecutionData[] = items(1)): Promise<RunResult> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [workflowNode], connections: {}, inputItems });
		transcripts.push(JSON.stringify(result.runData), JSON.stringify(result.error ?? null));
		const error = result.nodeError(NODE_NAME);
		if (error) transcripts.push(`${error.message}\n${String(error.description ?? '')}`);
		return result;
	}

	async function nodeError(workflowNode: INode): Promise<{ message: string; description: string; raw: IDataObject }> {
		const result = await run(workflowNode);
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME);
		expect(error).toBeDefined();
		return {
			message: String(error?.message),
			description: String(error?.description ?? ''),
			raw: error as unknown as IDataObject,
		};
	}

	const routeCount = (route: string, status?: string): number => {
		const byStatus = sandbox.counters().requests.byRoute[route] ?? {};
		return status ? (byStatus[status] ?? 0) : Object.values(byStatus).reduce((sum, n) => sum + n, 0);
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
		({ sharedPacer } = (await import(resolve(REPO, 'dist/nodes/shared/http/rateLimit'))) as { sharedPacer: { clear(): void } });
		foreign = createServer((_req, res) => {
			foreignRequests += 1;
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"items":[]}');
		});
		await new Promise<void>((done) => foreign.listen(0, '127.0.0.1', done));
		foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		await sandbox?.close();
		await new Promise((done) => foreign?.close(done));
	});

	beforeEach(() => {
		tokenEngine.clear();
		sharedPacer.clear();
		sandbox.resetCounters();
		sandbox.faults.clear();
		useClient(SEED.clients.standard);
	});

	it('Device → Get Many, Return All on 5,000 devices: exactly 3 API requests, 5,000 unique ids', async () => {
		const result = await run(node({ resource: 'device', operation: 'getMany', returnAll: true }));

		expect(result.status).toBe('success');
		const out = result.items(NODE_NAME);
		expect(out).toHaveLength(5000);
		expect(new Set(out.map((item) => item.json.id)).size).toBe(5000);
		expect(out.every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
		expect(sandbox.counters().requests.byRoute['GET /devices/v1/devices']).toEqual({ '200': 3 });
		figure(`devices Return All: ${out.length} items, ${routeCount('GET /devices/v1/devices')} requests`);
	});

	it('Device → Get Many with Limit 2,500 and a filter: 2 requests, exactly 2,500 items matching the filter', async () => {
		const result = await run(
			node({
				resource: 'device',
				operation: 'getMany',
				returnAll: false,
				limit: 2500,
				listOptions: { filter: "deviceType in 'COMPUTE','AP','SWITCH','STORAGE','GATEWAY'", select: 'id,deviceType' },
			}),
		);
		expect(result.status).toBe('success');
		const out = result.output(NODE_NAME);
		expect(out).toHaveLength(2500);
		expect(Object.keys(out[0]).sort()).toEqual(expect.arrayContaining(['deviceType', 'id']));
		expect(out[0].serialNumber).toBeUndefined();
		expect(routeCount('GET /devices/v1/devices', '200')).toBe(2);
	});

	it('API Request, Return All on /devices/v1/devices: the same 3 requests and 5,000 items', async () => {
		const result = await run(
			node({ resource: 'apiRequest', operation: 'send', method: 'GET', path: '/devices/v1/devices', pagination: 'all' }),
		);
		expect(result.status).toBe('success');
		expect(new Set(result.output(NODE_NAME).map((json) => json.id)).size).toBe(5000);
		expect(routeCount('GET /devices/v1/devices', '200')).toBe(3);
	});

	it('Audit Log → Get Many, Return All on 25,000 logs over 90 days: all returned once, newest first', async () => {
		const started = Date.now();
		const result = await run(
			node({
				resource: 'auditLog',
				operation: 'getMany',
				apiVersion: 'v2beta1',
				returnAll: true,
				since: new Date(Date.now() - 90 * DAY_MS - 3_600_000).toISOString(),
				filters: { serviceOfferIds: SERVICE_OFFER_IDS.join(', ') },
			}),
		);
		const seconds = (Date.now() - started) / 1000;

		expect(result.status).toBe('success');
		const out = result.output(NODE_NAME);
		expect(out).toHaveLength(25_000);
		expect(new Set(out.map((json) => json.id)).size).toBe(25_000);
		const times = out.map((json) => Date.parse(String(json.createdAt)));
		expect(times.every((time, i) => i === 0 || time <= times[i - 1])).toBe(true);
		expect(new Set(out.map((json) => (json.serviceOffer as IDataObject).id)).size).toBe(3);
		const requests = routeCount('GET /audit-log/v2beta1/logs', '200');
		// 25,000 records at 2,000 a page need at least 13 pages; the 10,000 cap splits them over >= 3 windows.
		expect(requests).toBeGreaterThanOrEqual(13);
		expect(requests).toBeLessThanOrEqual(18);
		expect(routeCount('GET /audit-log/v2beta1/logs')).toBe(requests);
		figure(`audit logs Return All: ${out.length} items, ${new Set(out.map((json) => json.id)).size} unique, ${requests} requests, ${seconds.toFixed(1)} s`);
	});

	it('Audit Log → Get Many with Limit 10,500 (beyond the 10,000 cap): exactly 10,500 unique events, the newest', async () => {
		const result = await run(
			node({
				resource: 'auditLog',
				operation: 'getMany',
				returnAll: false,
				limit: 10_500,
				filters: { serviceOfferIds: SERVICE_OFFER_IDS.join(',') },
			}),
		);
		expect(result.status).toBe('success');
		const out = result.output(NODE_NAME);
		expect(out).toHaveLength(10_500);
		expect(new Set(out.map((json) => json.id)).size).toBe(10_500);
		const times = out.map((json) => Date.parse(String(json.createdAt)));
		expect(times.every((time, i) => i === 0 || time <= times[i - 1])).toBe(true);
		expect(routeCount('GET /audit-log/v2beta1/logs', '200')).toBe(6);
	});

	it('Audit Log → Get Many on the v1 API with a username filter: v1 paths and filter keys', async () => {
		const sample = await run(node({ resource: 'auditLog', operation: 'getMany', apiVersion: 'v1', returnAll: false, limit: 1 }));
		const username = String((sample.output(NODE_NAME)[0].user as IDataObject).username);
		const result = await run(
			node({ resource: 'auditLog', operation: 'getMany', apiVersion: 'v1', returnAll: true, filters: { username } }),
		);
		expect(result.status).toBe('success');
		const out = result.output(NODE_NAME);
		expect(out.length).toBeGreaterThan(1);
		expect(out.every((json) => (json.user as IDataObject).username === username)).toBe(true);
		expect(routeCount('GET /audit-log/v1/logs', '200')).toBe(2);
		expect(routeCount('GET /audit-log/v2beta1/logs', '200')).toBe(0);
	});

	it('Audit Log → Get Many with a limit, then Get and Get Details of one event', async () => {
		const list = await run(
			node({ resource: 'auditLog', operation: 'getMany', returnAll: false, limit: 120, filters: { categories: 'User Activity' } }),
		);
		expect(list.status).toBe('success');
		const logs = list.output(NODE_NAME);
		expect(logs).toHaveLength(120);
		expect(logs.every((json) => json.category === 'User Activity')).toBe(true);

		const withDetails = await run(
			node({ resource: 'auditLog', operation: 'getMany', returnAll: false, limit: 200 }),
		);
		const event = withDetails.output(NODE_NAME).find((json) => json.hasDetails === true);
		expect(event).toBeDefined();
		const get = await run(node({ resource: 'auditLog', operation: 'get', apiVersion: 'v2beta1', id: String(event?.id) }));
		expect(get.output(NODE_NAME)).toEqual([expect.objectContaining({ id: event?.id, createdAt: event?.createdAt })]);
		const details = await run(
			node({ resource: 'auditLog', operation: 'getDetails', apiVersion: 'v2beta1', id: String(event?.id) }),
		);
		expect(details.status).toBe('success');
		expect(details.output(NODE_NAME)[0]).toEqual(expect.objectContaining({ id: event?.id }));
		expect(routeCount('GET /audit-log/v2beta1/logs/{id}/details', '200')).toBe(1);
	});

	it('User → Get Many Return All (1,500 users, page 600) and Subscription → Get Many with a limit', async () => {
		const users = await run(node({ resource: 'user', operation: 'getMany', returnAll: true }));
		expect(users.status).toBe('success');
		expect(new Set(users.output(NODE_NAME).map((json) => json.id)).size).toBe(1500);
		expect(routeCount('GET /identity/v1/users', '200')).toBe(3);

		const subscriptions = await run(node({ resource: 'subscription', operation: 'getMany', returnAll: false, limit: 250 }));
		expect(subscriptions.output(NODE_NAME)).toHaveLength(250);
		expect(routeCount('GET /subscriptions/v1/subscriptions', '200')).toBe(2);
	});

	it('API Request with a full URL to another host: a clear error and 0 requests reach it', async () => {
		const before = foreignRequests;
		const error = await nodeError(
			node({ resource: 'apiRequest', operation: 'send', method: 'GET', path: `${foreignUrl}/devices/v1/devices` }),
		);
		expect(error.message).toMatch(/Refusing to send the GreenLake token to 127\.0\.0\.1:\d+/);
		expect(error.description).toMatch(/Additional Allowed Hosts/);
		// Even a redirect-looking or https variant of a foreign host is refused before sending.
		const https = await nodeError(
			node({ resource: 'apiRequest', operation: 'send', method: 'GET', path: 'https://greenlake.example.com/devices/v1/devices' }),
		);
		expect(https.message).toMatch(/Refusing to send the GreenLake token to greenlake\.example\.com/);
		expect(foreignRequests - before).toBe(0);
		expect(sandbox.counters().requests.total).toBe(0);

		// A full URL on the credential's own host is fine.
		const own = await run(
			node({ resource: 'apiRequest', operation: 'send', method: 'GET', path: `${sandbox.url}/devices/v1/devices`, query: { parameter: [{ name: 'limit', value: '3' }] } }),
		);
		expect(own.status).toBe('success');
		expect(own.output(NODE_NAME)).toHaveLength(3);
	});

	it('Device → Update (merge patch) with Wait for Completion: output status SUCCEEDED, and the change is applied', async () => {
		const list = await run(node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 2 }));
		const ids = list.output(NODE_NAME).map((json) => String(json.id));
		expect(ids).toHaveLength(2);
		const manager = '0892c36d-40df-4f26-923b-76b5d213b420';

		const result = await run(
			node({
				resource: 'device',
				operation: 'update',
				deviceIds: ids.join(', '),
				patch: JSON.stringify({ application: { id: manager }, region: 'us-west' }),
				waitForCompletion: true,
			}),
		);

		expect(result.nodeError(NODE_NAME)).toBeUndefined();
		expect(result.status).toBe('success');
		const [operation] = result.output(NODE_NAME);
		expect(operation.status).toBe('SUCCEEDED');
		expect((operation.result as IDataObject).succeeded).toEqual(ids.map((id) => ({ id })));
		expect(routeCount('PATCH /devices/v1/devices', '202')).toBe(1);
		expect(routeCount('GET /devices/v1/async-operations/{id}', '200')).toBeGreaterThanOrEqual(2);

		const device = await run(node({ resource: 'device', operation: 'get', id: ids[0] }));
		expect(device.output(NODE_NAME)[0]).toMatchObject({ application: { id: manager }, region: 'us-west' });
		figure(`device PATCH + wait: status=${String(operation.status)}`);
	});

	it('Device → Update with 7 devices: two PATCH requests (GreenLake takes at most 5), one output item per batch', async () => {
		const list = await run(node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 7 }));
		const ids = list.output(NODE_NAME).map((json) => String(json.id));
		expect(ids).toHaveLength(7);
		const before = routeCount('PATCH /devices/v1/devices', '202');

		const result = await run(
			node({ resource: 'device', operation: 'update', deviceIds: ids.join(','), patch: JSON.stringify({ subscription: [] }), waitForCompletion: true }),
		);

		expect(result.nodeError(NODE_NAME)).toBeUndefined();
		const batches = result.output(NODE_NAME);
		expect(batches.map((batch) => batch.deviceIds)).toEqual([ids.slice(0, 5), ids.slice(5)]);
		expect(batches.map((batch) => batch.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
		expect(routeCount('PATCH /devices/v1/devices', '202') - before).toBe(2);
	});

	it('API Request PATCH with Wait for Completion (merge-patch content type option): SUCCEEDED', async () => {
		const list = await run(node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 1 }));
		const id = String(list.output(NODE_NAME)[0].id);
		const result = await run(
			node({
				resource: 'apiRequest',
				operation: 'send',
				method: 'PATCH',
				path: '/devices/v1/devices',
				query: { parameter: [{ name: 'id', value: id }] },
				body: JSON.stringify({ subscription: [] }),
				sendOptions: { contentType: 'application/merge-patch+json', waitForCompletion: true },
			}),
		);
		expect(result.status).toBe('success');
		expect(result.output(NODE_NAME)[0].status).toBe('SUCCEEDED');
	});

	it('Tenant list search (methods.listSearch.searchTenants in a real LoadOptionsContext): the 3 sandbox tenants', async () => {
		useClient(SEED.clients.msp);
		const tenantNode = node({
			resource: 'workspace',
			operation: 'get',
			workspaceScope: 'tenant',
			tenant: { __rl: true, mode: 'list', value: '' },
		});
		const context = loadOptionsContext(pkg, store, tenantNode, 'parameters.tenant');
		const nodeType = pkg.nodeTypes.getByName(NODE_TYPE) as INodeType;
		const search = nodeType.methods?.listSearch?.searchTenants as (
			this: ILoadOptionsFunctions,
			filter?: string,
			paginationToken?: string,
		) => Promise<INodeListSearchResult>;

		const all = await search.call(context);
		expect(all.results.map((entry) => entry.name)).toEqual(['Tenant Alpha', 'Tenant Bravo', 'Tenant Charlie']);
		expect(all.results.map((entry) => String(entry.value).replace(/-/g, ''))).toEqual(
			SEED.workspaces.tenants.map((tenant) => tenant.id),
		);
		expect(all.paginationToken).toBeUndefined();
		const bravo = await search.call(context, 'bravo');
		expect(bravo.results.map((entry) => entry.name)).toEqual(['Tenant Bravo']);
		// An ID matches with or without hyphens, in any case.
		const charlie = SEED.workspaces.tenants[2].id;
		for (const needle of [charlie, hyphenated(charlie).toUpperCase()]) {
			expect((await search.call(context, needle)).results.map((entry) => entry.name)).toEqual(['Tenant Charlie']);
		}
		expect(routeCount('GET /workspaces/v1/msp-tenants', '200')).toBe(4);
		figure(`searchTenants: ${all.results.map((entry) => entry.name).join(', ')}`);

		// The value picked from the list works as the node's Tenant.
		const picked = await run({
			...tenantNode,
			parameters: { ...tenantNode.parameters, tenant: { __rl: true, mode: 'list', value: all.results[1].value } },
		});
		expect(picked.output(NODE_NAME)[0].workspaceName).toBe('Tenant Bravo');
	});

	it('Workspace → Get Many MSP Tenants', async () => {
		useClient(SEED.clients.msp);
		const result = await run(node({ resource: 'workspace', operation: 'getManyTenants', returnAll: true }));
		expect(result.output(NODE_NAME).map((json) => json.workspaceName)).toEqual(['Tenant Alpha', 'Tenant Bravo', 'Tenant Charlie']);
	});

	it('Continue On Fail: 3 items, the first with an invalid JSON body → 3 items, the error paired to input 1', async () => {
		const list = await run(node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 3 }));
		const ids = list.output(NODE_NAME).map((json) => String(json.id));
		sandbox.resetCounters();
		const result = await run(
			node(
				{
					resource: 'apiRequest',
					operation: 'send',
					method: 'PATCH',
					path: '/devices/v1/devices',
					query: { parameter: [{ name: 'id', value: '={{ $json.id }}' }] },
					body: '={{ $json.body }}',
					sendOptions: { contentType: 'application/merge-patch+json' },
				},
				{ onError: 'continueRegularOutput' },
			),
			[
				{ json: { id: ids[0], body: '{"subscription": [}' } },
				{ json: { id: ids[1], body: '{"subscription": []}' } },
				{ json: { id: ids[2], body: '{"subscription": []}' } },
			],
		);

		expect(result.status).toBe('success');
		const out = result.items(NODE_NAME);
		expect(out).toHaveLength(3);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(String(out[0].json.error)).toMatch(/Body \(JSON\) is not valid JSON/);
		expect(out[1].json).toMatchObject({ code: 202 });
		expect(out[2].json).toMatchObject({ code: 202 });
		expect(out[1].json.error).toBeUndefined();
		expect(routeCount('PATCH /devices/v1/devices', '202')).toBe(2);
	});

	it('GreenLake errors become NodeApiErrors with status, errorCode, debugId and flattened details', async () => {
		const error = await nodeError(
			node({
				resource: 'apiRequest',
				operation: 'send',
				method: 'GET',
				path: '/devices/v1/devices',
				query: { parameter: [{ name: 'limit', value: '5000' }] },
			}),
		);
		expect(error.message).toMatch(/GreenLake GET \/devices\/v1\/devices failed: HTTP 400 HPE_GL_ERROR_BAD_REQUEST/);
		expect(error.description).toMatch(/limit: Invalid limit value '5000'/);
		expect(error.description).toMatch(/debugId: [0-9a-f-]{36}/);
		expect(error.raw.httpCode).toBe('400');

		const missing = await nodeError(node({ resource: 'device', operation: 'get', id: 'no-such-device' }));
		expect(missing.message).toMatch(/HTTP 404/);
		expect(missing.message).toMatch(/Device not found/);
	});

	describe('bad input: errors naming the field, nothing sent', () => {
		const send = (parameters: INodeParameters) =>
			node({ resource: 'apiRequest', operation: 'send', method: 'GET', path: '/devices/v1/devices', ...parameters });

		afterEach(() => {
			expect(routeCount('GET /devices/v1/devices')).toBe(0);
		});

		it('invalid query JSON', async () => {
			const error = await nodeError(send({ queryJson: '{"limit": 5,}' }));
			expect(error.message).toMatch(/Query Parameters \(JSON\) is not valid JSON/);
		});

		it('path without a leading slash', async () => {
			const error = await nodeError(send({ path: 'devices/v1/devices' }));
			expect(error.message).toMatch(/Path "devices\/v1\/devices" must start with "\/"/);
		});

		it('an unknown method', async () => {
			const error = await nodeError(send({ method: 'TRACE' }));
			expect(error.message).toMatch(/Method "TRACE" is not supported/);
		});

		it('negative limit (API Request pagination and Device → Get Many)', async () => {
			const paged = await nodeError(send({ pagination: 'limit', limit: -5 }));
			expect(paged.message).toMatch(/Limit must be a whole number of at least 1 \(got -5\)/);
			const list = await nodeError(node({ resource: 'device', operation: 'getMany', returnAll: false, limit: -1 }));
			expect(list.message).toMatch(/Limit must be a whole number of at least 1 \(got -1\)/);
		});

		it('malformed tenant id (typed: n8n\'s own field validation; from an expression: the node\'s check)', async () => {
			useClient(SEED.clients.msp);
			const typed = send({ workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: 'tenant-alpha' } });
			await expect(run(typed)).rejects.toThrow(/A workspace ID is 32 hexadecimal characters, with or without hyphens/);

			const error = await nodeError(
				send({ workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: '={{ "tenant-" + "alpha" }}' } }),
			);
			expect(error.message).toBe('Tenant "tenant-alpha" is not a valid workspace ID');
			expect(error.description).toMatch(/32 hexadecimal characters/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('Device → Update with a patch that is not JSON', async () => {
			const error = await nodeError(node({ resource: 'device', operation: 'update', deviceIds: 'abc', patch: '{"application": ' }));
			expect(error.message).toMatch(/Patch \(JSON\) is not valid JSON/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('Audit Log → Get Many with a Created After that is not a date', async () => {
			const error = await nodeError(node({ resource: 'auditLog', operation: 'getMany', since: 'last tuesday' }));
			expect(error.message).toMatch(/Created After "last tuesday" is not a date and time/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('a tenant the MSP does not own: a clear error', async () => {
			useClient(SEED.clients.msp);
			const error = await nodeError(
				send({ workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: hyphenated(SEED.workspaces.standard.id) } }),
			);
			expect(error.message).toMatch(/refused the token exchange for the tenant workspace/);
			expect(error.description).toMatch(/MSP workspace that owns this tenant/);
			expect(sandbox.counters().mints.tokenExchange).toBe(0);
		});
	});

	it('no run above put a client secret or a token into its output or errors', () => {
		expect(transcripts.length).toBeGreaterThan(20);
		for (const text of transcripts) {
			for (const secret of SECRETS) expect(text.includes(secret)).toBe(false);
			expect(text).not.toMatch(JWT);
		}
	});
});
