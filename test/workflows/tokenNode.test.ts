// The HPE GreenLake Token node in real in-process workflows (n8n-core WorkflowExecute, the BUILT package from dist)
// against the GreenLake sandbox. Run `npm run build` first.
import {
	createCredentialStore,
	loadPackage,
	runWorkflow,
	type CredentialStore,
	type LoadedPackage,
	type RunResult,
} from '../support/workflowRunner';
import { inputItems, packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';
import { SEED, startSandbox, type Sandbox } from '../sandbox';

import { resolve } from 'node:path';
import type { IConnections, IDataObject, INode, INodeExecutionData, INodeParameters, INodeTypeDescription } from 'n8n-workflow';

const REPO = resolve(__dirname, '../..');
const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLakeToken';
const NODE_NAME = 'HPE GreenLake Token';

/** The process-wide engine singleton, from the exact dist module the loaded nodes use (reset between tests). */
let tokenEngine: { clear(): void };

const MSP_CRED = { id: 'cred-msp', name: 'Acme MSP' };
const STANDARD_CRED = { id: 'cred-standard', name: 'Contoso' };
const TENANT = SEED.workspaces.tenants[0];
const TENANT_B = SEED.workspaces.tenants[1];
const SECRETS = Object.values(SEED.clients).map((client) => client.clientSecret);

const hyphenated = (id: string) =>
	`${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

describe('HPE GreenLake Token node (workflows against the sandbox)', () => {
	let sandbox: Sandbox;
	let pkg: LoadedPackage;
	let store: CredentialStore;

	const credentialData = (client: typeof SEED.clients.msp, extra: IDataObject = {}) =>
		sandboxCredentialData(client, sandbox.url, { accessToken: '', ...extra });

	const tokenNode = (parameters: INodeParameters, extra: Partial<INode> = {}): INode =>
		packageNode({ id: 'token-node', name: NODE_NAME, type: NODE_TYPE }, MSP_CRED, parameters, extra);

	const items = inputItems;

	async function run(
		node: INode,
		inputItems: INodeExecutionData[] = items(1),
		downstream: INode[] = [],
	): Promise<RunResult> {
		// A chain: the Token node, then each downstream node in order.
		const chain = [node, ...downstream];
		const connections: IConnections = {};
		for (let i = 0; i + 1 < chain.length; i++) {
			connections[chain[i].name] = { main: [[{ node: chain[i + 1].name, type: 'main', index: 0 }]] };
		}
		const result = await runWorkflow({ pkg, credentials: store, nodes: chain, connections, inputItems });
		// No output, error message, description or stack of any run may contain a client secret.
		const errors = [result.error, ...chain.map((n) => result.nodeError(n.name))].filter(Boolean);
		const transcript = [
			JSON.stringify(result.runData),
			...errors.flatMap((error) => [error?.message, error?.description, error?.stack, JSON.stringify(error)]),
		].join('\n');
		for (const secret of SECRETS) expect(transcript).not.toContain(secret);
		return result;
	}

	/** The sandbox accepts the header on a real API call (the workspace the token acts in). */
	async function apiStatus(authorization: string, workspaceId: string): Promise<number> {
		const response = await fetch(`${sandbox.url}/workspaces/v1/workspaces/${workspaceId}`, {
			headers: { Authorization: authorization },
		});
		await response.arrayBuffer();
		return response.status;
	}

	beforeAll(async () => {
		sandbox = await startSandbox();
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(resolve(pkg.dir, 'dist/nodes/shared/auth/tokenEngine.js'))) as {
			tokenEngine: { clear(): void };
		});
	});

	afterAll(async () => {
		await sandbox?.close();
	});

	beforeEach(() => {
		tokenEngine.clear();
		store = createCredentialStore([
			{ ...MSP_CRED, type: 'hpeGreenLakeApi', data: credentialData(SEED.clients.msp) },
			{ ...STANDARD_CRED, type: 'hpeGreenLakeApi', data: credentialData(SEED.clients.standard) },
		]);
		sandbox.resetCounters();
	});

	// n8n 2.41.1 does not act on sensitiveOutputFields yet (saved executions keep the values: harness.test.ts shows it
	// with the fixture node); the declaration is what a redacting n8n will read.
	it('declares access_token and authorization_header in sensitiveOutputFields, and is usable as an AI tool', () => {
		const description = pkg.nodeTypes.getByName(NODE_TYPE).description as INodeTypeDescription;
		expect(description.sensitiveOutputFields).toEqual(['access_token', 'authorization_header']);
		// Not offered to AI agents (a token must never reach a model): see test/security/aiTool.test.ts.
		expect(description.usableAsTool).toMatchObject({ replacements: { hidden: true } });
	});

	it('100 items, one token per item: 1 mint, 100 outputs each paired with its input', async () => {
		const result = await run(tokenNode({ operation: 'generateToken', options: { output: 'perItem' } }), items(100));

		expect(result.error).toBeUndefined();
		const out = result.items(NODE_NAME);
		expect(out).toHaveLength(100);
		expect(out.map((item) => item.pairedItem)).toEqual(Array.from({ length: 100 }, (_, i) => ({ item: i })));
		expect(sandbox.counters().mints).toMatchObject({ total: 1, clientCredentials: 1, tokenExchange: 0 });

		const first = out[0].json;
		expect(first.cached).toBe(false);
		expect(out.slice(1).every((item) => item.json.cached === true)).toBe(true);
		expect(new Set(out.map((item) => item.json.access_token)).size).toBe(1);
		expect(first).toEqual({
			access_token: expect.any(String),
			token_type: 'Bearer',
			expires_in: expect.any(Number),
			expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			workspace_id: SEED.workspaces.msp.id,
			issuer: `${sandbox.url}/authorization/v2/oauth2/${SEED.workspaces.msp.id}/token`,
			cached: false,
			authorization_header: `Bearer ${String(first.access_token)}`,
		});
		expect(Number.isInteger(first.expires_in)).toBe(true);
		expect(first.expires_in).toBeGreaterThan(890);
		expect(first.expires_in).toBeLessThanOrEqual(900);
		expect(Math.abs(Date.parse(String(first.expires_at)) - (Date.now() + Number(first.expires_in) * 1000))).toBeLessThan(
			3000,
		);
		expect(await apiStatus(String(first.authorization_header), SEED.workspaces.msp.id)).toBe(200);
	});

	it('Output "once": one item for the whole execution, paired with every input item', async () => {
		const result = await run(tokenNode({ operation: 'generateToken' }), items(3));

		expect(result.error).toBeUndefined();
		const out = result.items(NODE_NAME);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sandbox.counters().mints.total).toBe(1);
	});

	it('a second execution is served from the cache; Force Refresh mints exactly one more, once per execution', async () => {
		const first = await run(tokenNode({ operation: 'generateToken' }));
		const second = await run(tokenNode({ operation: 'generateToken' }));
		expect(second.output(NODE_NAME)[0]).toMatchObject({
			cached: true,
			access_token: first.output(NODE_NAME)[0].access_token,
		});
		expect(sandbox.counters().mints.total).toBe(1);

		const forced = await run(
			tokenNode({ operation: 'generateToken', options: { forceRefresh: true, output: 'perItem' } }),
			items(5),
		);
		expect(forced.error).toBeUndefined();
		const out = forced.output(NODE_NAME);
		expect(sandbox.counters().mints.total).toBe(2);
		expect(out.map((json) => json.cached)).toEqual([false, true, true, true, true]);
		expect(new Set(out.map((json) => json.access_token)).size).toBe(1);
		expect(out[0].access_token).not.toBe(first.output(NODE_NAME)[0].access_token);
	});

	it('an MSP tenant workspace: 1 MSP mint + 1 token exchange for all items', async () => {
		const result = await run(
			tokenNode({
				operation: 'generateToken',
				workspaceScope: 'tenant',
				tenant: { __rl: true, mode: 'id', value: hyphenated(TENANT.id) },
				options: { output: 'perItem' },
			}),
			items(3),
		);

		expect(result.error).toBeUndefined();
		const out = result.output(NODE_NAME);
		expect(out).toHaveLength(3);
		expect(sandbox.counters().mints).toMatchObject({ total: 2, clientCredentials: 1, tokenExchange: 1 });
		expect(out.every((json) => json.workspace_id === TENANT.id)).toBe(true);
		expect(out[0].issuer).toBe(`${sandbox.url}/authorization/v2/oauth2/${TENANT.id}/token`);
		expect(out.map((json) => json.cached)).toEqual([false, true, true]);
		expect(await apiStatus(String(out[0].authorization_header), TENANT.id)).toBe(200);
	});

	it('Token node → HPE GreenLake node in one run: the shared engine mints once (credential and tenant workspace)', async () => {
		const greenLake = (parameters: INodeParameters): INode => ({
			id: 'greenlake-node',
			name: 'HPE GreenLake',
			type: 'n8n-nodes-hpe-greenlake.hpeGreenLake',
			typeVersion: 1,
			position: [200, 0],
			parameters: { resource: 'workspace', operation: 'get', ...parameters },
			credentials: { hpeGreenLakeApi: MSP_CRED },
		});

		// The credential's own workspace, selected by its ID (the HPE GreenLake node resolves an ID equal to the
		// credential's workspace to the credential's own token).
		const ownWorkspace = { workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: SEED.workspaces.msp.id } };
		const own = await run(tokenNode({ operation: 'generateToken', options: { output: 'perItem' } }), items(3), [
			greenLake(ownWorkspace),
		]);
		expect(own.error).toBeUndefined();
		expect(own.output('HPE GreenLake')).toHaveLength(3);
		expect(sandbox.counters().mints).toMatchObject({ total: 1, clientCredentials: 1, tokenExchange: 0 });

		sandbox.resetCounters();
		const tenant = { workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: TENANT.id } };
		const tenantRun = await run(
			tokenNode({ operation: 'generateToken', ...tenant, options: { output: 'perItem' } }),
			items(3),
			[greenLake(tenant)],
		);
		expect(tenantRun.error).toBeUndefined();
		expect(tenantRun.output('HPE GreenLake')).toHaveLength(3);
		// The MSP token is already cached from the first run: only the exchange is new.
		expect(sandbox.counters().mints).toMatchObject({ total: 1, clientCredentials: 0, tokenExchange: 1 });
	});

	it('Inspect Cached Token: never mints or calls the network, never outputs the token', async () => {
		const before = await run(tokenNode({ operation: 'inspectCachedToken' }));
		expect(before.error).toBeUndefined();
		expect(before.output(NODE_NAME)).toEqual([
			{
				present: false,
				cached: false,
				workspace_id: SEED.workspaces.msp.id,
				issuer: `${sandbox.url}/authorization/v2/oauth2/${SEED.workspaces.msp.id}/token`,
			},
		]);
		expect(sandbox.counters().requests.total).toBe(0);
		expect(sandbox.counters().mints.total).toBe(0);

		const generated = await run(tokenNode({ operation: 'generateToken' }));
		const token = String(generated.output(NODE_NAME)[0].access_token);
		sandbox.resetCounters();

		const after = await run(tokenNode({ operation: 'inspectCachedToken', options: { output: 'perItem' } }), items(2));
		expect(after.error).toBeUndefined();
		const out = after.items(NODE_NAME);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toEqual({
			present: true,
			token_type: 'Bearer',
			expires_in: expect.any(Number),
			expires_at: generated.output(NODE_NAME)[0].expires_at,
			workspace_id: SEED.workspaces.msp.id,
			issuer: generated.output(NODE_NAME)[0].issuer,
			cached: true,
			expired: false,
		});
		expect(JSON.stringify(after.runData)).not.toContain(token);
		expect(sandbox.counters().requests.total).toBe(0);
		expect(sandbox.counters().mints.total).toBe(0);
	});

	it('Minimum Remaining Lifetime 99999: a clear error naming the option, at most one mint', async () => {
		const result = await run(tokenNode({ operation: 'generateToken', options: { minRemainingSeconds: 99999 } }));

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME);
		expect(error?.message).toMatch(/Minimum Remaining Lifetime/);
		expect(error?.message).toMatch(/99999/);
		expect(error?.description).toMatch(/below 900 seconds/);
		expect(sandbox.counters().mints.total).toBeLessThanOrEqual(1);
	});

	it('Minimum Remaining Lifetime 99999 with Continue On Fail and 20 items: 20 errors, still at most one mint', async () => {
		const result = await run(
			tokenNode(
				{ operation: 'generateToken', options: { minRemainingSeconds: 99999, output: 'perItem' } },
				{ onError: 'continueRegularOutput' },
			),
			items(20),
		);

		const out = result.items(NODE_NAME);
		expect(out).toHaveLength(20);
		expect(out.every((item) => /Minimum Remaining Lifetime/.test(String(item.json.error)))).toBe(true);
		expect(out.map((item) => item.pairedItem)).toEqual(Array.from({ length: 20 }, (_, i) => ({ item: i })));
		expect(sandbox.counters().mints.total).toBeLessThanOrEqual(1);
	});

	it('a reachable Minimum Remaining Lifetime mints anew only when the cached token would expire sooner', async () => {
		sandbox.setTokenTtl(120);
		try {
			await run(tokenNode({ operation: 'generateToken' })); // caches a 120 s token
		} finally {
			sandbox.setTokenTtl(undefined);
		}
		const short = await run(tokenNode({ operation: 'generateToken' }));
		expect(short.output(NODE_NAME)[0]).toMatchObject({ cached: true });
		expect(short.output(NODE_NAME)[0].expires_in).toBeLessThanOrEqual(120);
		sandbox.resetCounters();

		// A long job needs 300 s: the 120 s token is not enough, a new (900 s) one is minted...
		const long = await run(tokenNode({ operation: 'generateToken', options: { minRemainingSeconds: 300 } }));
		expect(long.error).toBeUndefined();
		expect(long.output(NODE_NAME)[0]).toMatchObject({ cached: false });
		expect(long.output(NODE_NAME)[0].expires_in).toBeGreaterThan(300);
		expect(sandbox.counters().mints.total).toBe(1);

		// ...and the next run with the same requirement is served from the cache.
		const again = await run(tokenNode({ operation: 'generateToken', options: { minRemainingSeconds: 300 } }));
		expect(again.output(NODE_NAME)[0]).toMatchObject({ cached: true });
		expect(sandbox.counters().mints.total).toBe(1);
	});

	it('Continue On Fail with a bad tenant ID on item 1 of 3: 3 outputs, item 1 an error paired with input 1', async () => {
		const tenants = [hyphenated(TENANT.id), 'not-a-workspace', TENANT_B.id];
		const result = await run(
			tokenNode(
				{
					operation: 'generateToken',
					workspaceScope: 'tenant',
					tenant: { __rl: true, mode: 'id', value: '={{ $json.tenant }}' },
					options: { output: 'perItem' },
				},
				{ onError: 'continueRegularOutput' },
			),
			items(3, (i) => ({ tenant: tenants[i] })),
		);

		expect(result.status).toBe('success');
		const out = result.items(NODE_NAME);
		expect(out).toHaveLength(3);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.workspace_id).toBe(TENANT.id);
		expect(out[1].json).toEqual({ error: 'Tenant "not-a-workspace" is not a valid workspace ID' });
		expect(out[2].json.workspace_id).toBe(TENANT_B.id);
		expect(sandbox.counters().mints).toMatchObject({ clientCredentials: 1, tokenExchange: 2 });
	});

	it('without Continue On Fail a bad tenant ID from an expression stops the run, naming the value and the item', async () => {
		const tenants = [TENANT.id, 'nope'];
		const result = await run(
			tokenNode({
				operation: 'generateToken',
				workspaceScope: 'tenant',
				tenant: { __rl: true, mode: 'id', value: '={{ $json.tenant }}' },
				options: { output: 'perItem' },
			}),
			items(2, (i) => ({ tenant: tenants[i] })),
		);
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME);
		expect(error?.message).toBe('Tenant "nope" is not a valid workspace ID');
		expect(error?.context?.itemIndex).toBe(1);
		expect(sandbox.counters().mints).toMatchObject({ clientCredentials: 1, tokenExchange: 1 });
	});

	it('a literal bad tenant ID is rejected by n8n before the run (the Tenant field validates its ID mode)', async () => {
		await expect(
			run(
				tokenNode({
					operation: 'generateToken',
					workspaceScope: 'tenant',
					tenant: { __rl: true, mode: 'id', value: 'nope' },
				}),
			),
		).rejects.toThrow(/32 hexadecimal characters/);
		expect(sandbox.counters().mints.total).toBe(0);
	});

	it('a tenant the MSP does not own: the issuer refusal becomes an API error', async () => {
		const result = await run(
			tokenNode(
				{
					operation: 'generateToken',
					workspaceScope: 'tenant',
					tenant: { __rl: true, mode: 'id', value: SEED.workspaces.standard.id },
				},
				{ onError: 'continueRegularOutput' },
			),
		);
		const out = result.output(NODE_NAME);
		expect(out).toHaveLength(1);
		expect(String(out[0].error)).toMatch(/refused the token exchange/);
	});

	it('credential errors name the field and never echo the secret', async () => {
		store.patch(MSP_CRED.id, { clientSecret: `${SEED.clients.msp.clientSecret}-wrong` });
		const wrongSecret = await run(tokenNode({ operation: 'generateToken' }, { onError: 'continueRegularOutput' }));
		expect(String(wrongSecret.output(NODE_NAME)[0].error)).toMatch(/client ID or client secret/);
		expect(JSON.stringify(wrongSecret.runData)).not.toContain(`${SEED.clients.msp.clientSecret}-wrong`);

		store.patch(MSP_CRED.id, { clientSecret: SEED.clients.msp.clientSecret, workspaceId: 'acme' });
		const badWorkspace = await run(tokenNode({ operation: 'generateToken' }));
		expect(badWorkspace.status).toBe('error');
		expect(badWorkspace.nodeError(NODE_NAME)?.message).toMatch(/Credential field "workspaceId"/);
		expect(sandbox.counters().mints.total).toBe(0);
	});

	it('the standard credential gets its own token (one cache entry per credential and workspace)', async () => {
		await run(tokenNode({ operation: 'generateToken' }));
		const standard = await run(
			tokenNode({ operation: 'generateToken' }, { credentials: { hpeGreenLakeApi: STANDARD_CRED } }),
		);
		expect(standard.output(NODE_NAME)[0]).toMatchObject({ workspace_id: SEED.workspaces.standard.id, cached: false });
		expect(sandbox.counters().mints.total).toBe(2);
	});
});
