// The credential hpeGreenLakeApi and the shared token engine, exercised through real in-process workflows of the
// HPE GreenLake node (n8n-core WorkflowExecute, the BUILT package from dist) against the GreenLake sandbox.
// Run `npm run build` first.
import {
	createCredentialStore,
	loadPackage,
	runWorkflow,
	type CredentialStore,
	type LoadedPackage,
	type RunResult,
} from '../support/workflowRunner';
import { inputItems, packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';
import { SEED, startSandbox, type Sandbox, type SeedClient } from '../sandbox';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

// GLPKG: an alternative built copy of the package (lets these tests run while another build rewrites dist/).
const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLake';
const NODE_NAME = 'HPE GreenLake';
/** Measured figures, printed for the report (jest does not buffer stdout writes). */
const figure = (text: string) => process.stdout.write(`[figures] ${text}\n`);
const CRED = { id: 'cred-greenlake', name: 'GreenLake' };
const SECRETS = Object.values(SEED.clients).map((client) => client.clientSecret);
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

interface Engine {
	clear(): void;
	peek(config: unknown, workspaceId?: string): { accessToken: string } | undefined;
}

const hyphenated = (id: string) =>
	`${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
const sleep = async (ms: number) => await new Promise((done) => setTimeout(done, Math.max(0, ms)));

describe('credential + token engine in workflows of the HPE GreenLake node', () => {
	let sandbox: Sandbox;
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let tokenEngine: Engine;
	let sharedPacer: { clear(): void };
	let parseClientConfig: (data: IDataObject) => unknown;
	/** Every run's data and errors, serialized: scanned for secrets and tokens at the end. */
	const transcripts: string[] = [];
	const issuedTokens = new Set<string>();

	const credentialData = (client: SeedClient, extra: IDataObject = {}): IDataObject =>
		sandboxCredentialData(client, sandbox.url, extra);

	const useCredential = (data: IDataObject) => {
		store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data }]);
	};

	const node = (parameters: INodeParameters): INode =>
		packageNode({ id: 'greenlake-node', name: NODE_NAME, type: NODE_TYPE }, CRED, parameters);

	const items = inputItems;

	/** Workspace → Get: one API call per item, in the credential's workspace. */
	const workspaceGet = node({ resource: 'workspace', operation: 'get' });

	async function run(workflowNode: INode, inputItems: INodeExecutionData[] = items(1)): Promise<RunResult> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [workflowNode], connections: {}, inputItems });
		transcripts.push(JSON.stringify(result.runData), JSON.stringify(result.error ?? null));
		const error = result.nodeError(NODE_NAME) ?? result.error;
		if (error) transcripts.push(`${error.message}\n${String(error.description ?? '')}`);
		for (const write of store.writes) {
			if (typeof write.data.accessToken === 'string' && write.data.accessToken !== '') issuedTokens.add(write.data.accessToken);
		}
		return result;
	}

	/** The node failed; returns its error (message + description) for assertions. */
	async function failing(data: IDataObject, workflowNode: INode = workspaceGet): Promise<{ message: string; description: string }> {
		useCredential(data);
		const result = await run(workflowNode);
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME);
		expect(error).toBeDefined();
		return { message: String(error?.message), description: String(error?.description ?? '') };
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 20, devices: 20, users: 20, subscriptions: 20 } });
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: Engine });
		({ sharedPacer } = (await import(resolve(REPO, 'dist/nodes/shared/http/rateLimit'))) as { sharedPacer: { clear(): void } });
		({ parseClientConfig } = (await import(resolve(REPO, 'dist/nodes/shared/auth/clientConfig'))) as {
			parseClientConfig: (data: IDataObject) => unknown;
		});
	});

	afterAll(async () => {
		await sandbox?.close();
	});

	beforeEach(() => {
		tokenEngine.clear();
		sharedPacer.clear();
		sandbox.resetCounters();
		sandbox.faults.clear();
		sandbox.setTokenTtl(undefined);
		useCredential(credentialData(SEED.clients.standard));
	});

	it('a 200-item workflow mints exactly 1 token (and n8n stores it once)', async () => {
		const result = await run(workspaceGet, items(200));

		expect(result.status).toBe('success');
		const out = result.output(NODE_NAME);
		expect(out).toHaveLength(200);
		expect(out.every((json) => json.workspaceName === SEED.workspaces.standard.name)).toBe(true);
		const counters = sandbox.counters();
		expect(counters.mints).toMatchObject({ total: 1, clientCredentials: 1 });
		expect(counters.requests.byRoute['GET /workspaces/v1/workspaces/{id}']).toEqual({ '200': 200 });
		expect(counters.api401).toBe(0);
		expect(store.writeCount(CRED.id)).toBe(1);
		figure(`200 items: mints=${counters.mints.total}, api401=${counters.api401}`);
	});

	it('token lifetime 5 s, 12 runs one second apart: at most one mint per 4 s elapsed (+1), zero API 401s', async () => {
		sandbox.setTokenTtl(5);
		const started = Date.now();
		for (let second = 0; second < 12; second++) {
			await sleep(started + second * 1000 - Date.now());
			const result = await run(workspaceGet, items(5));
			expect(result.status).toBe('success');
			expect(result.output(NODE_NAME)).toHaveLength(5);
		}
		const elapsed = (Date.now() - started) / 1000;
		const counters = sandbox.counters();

		expect(elapsed).toBeGreaterThanOrEqual(11);
		// A 5 s token is refreshed 1 s before it expires (refreshMarginMs): one mint per 4 s of runs, plus the first.
		// 4 when the runs keep to their schedule (11 s); a busy machine that stretches them needs tokens for longer.
		expect(counters.mints.total).toBeLessThanOrEqual(Math.ceil(elapsed / 4) + 1);
		// Proactive refresh really happened: a 5 s token cannot cover 11+ s.
		expect(counters.mints.total).toBeGreaterThanOrEqual(3);
		expect(counters.api401).toBe(0);
		expect(counters.requests.byRoute['GET /workspaces/v1/workspaces/{id}']).toEqual({ '200': 60 });
		figure(`ttl 5 s over ${elapsed.toFixed(1)} s: mints=${counters.mints.total}, api401=${counters.api401}`);
	});

	it('items over 3 MSP tenants (by ID, hyphenated or not): 1 MSP mint + 3 exchanges', async () => {
		useCredential(credentialData(SEED.clients.msp));
		const tenants = SEED.workspaces.tenants;
		const result = await run(
			node({
				resource: 'workspace',
				operation: 'get',
				workspaceScope: 'tenant',
				tenant: { __rl: true, mode: 'id', value: '={{ $json.tenant }}' },
			}),
			items(9, (i) => ({ tenant: i % 2 === 0 ? tenants[i % 3].id : hyphenated(tenants[i % 3].id).toUpperCase() })),
		);

		expect(result.status).toBe('success');
		const out = result.output(NODE_NAME);
		expect(out.map((json) => String(json.id).replace(/-/g, ''))).toEqual(
			Array.from({ length: 9 }, (_, i) => tenants[i % 3].id),
		);
		expect(out.map((json) => json.workspaceType)).toEqual(Array(9).fill('MSP_TENANT'));
		const counters = sandbox.counters();
		expect(counters.mints).toMatchObject({ total: 4, clientCredentials: 1, tokenExchange: 3 });
		for (const tenant of tenants) expect(counters.mints.byWorkspace[tenant.id]).toBe(1);
		expect(counters.api401).toBe(0);
		const config = parseClientConfig(credentialData(SEED.clients.msp));
		for (const tenant of tenants) issuedTokens.add(String(tokenEngine.peek(config, tenant.id)?.accessToken));
		figure(
			`3 tenants: clientCredentials=${counters.mints.clientCredentials}, exchanges=${counters.mints.tokenExchange}`,
		);
	});

	it('a revoked token: the 401 is answered by one re-mint and one retry, the item succeeds', async () => {
		expect((await run(workspaceGet)).status).toBe('success');
		sandbox.revokeAllTokens();
		sandbox.resetCounters();
		const result = await run(workspaceGet, items(3));

		expect(result.status).toBe('success');
		expect(result.output(NODE_NAME)).toHaveLength(3);
		const counters = sandbox.counters();
		expect(counters.api401).toBe(1);
		expect(counters.mints.total).toBe(1);
	});

	it('a revoked tenant token: the tenant 401 re-mints the MSP token, re-exchanges and retries once', async () => {
		useCredential(credentialData(SEED.clients.msp));
		const tenantGet = node({
			resource: 'workspace',
			operation: 'get',
			workspaceScope: 'tenant',
			tenant: { __rl: true, mode: 'id', value: SEED.workspaces.tenants[1].id },
		});
		expect((await run(tenantGet)).status).toBe('success');
		sandbox.revokeAllTokens();
		sandbox.resetCounters();
		const result = await run(tenantGet, items(2));

		expect(result.status).toBe('success');
		expect(result.output(NODE_NAME).map((json) => json.workspaceName)).toEqual(['Tenant Bravo', 'Tenant Bravo']);
		const counters = sandbox.counters();
		expect(counters.api401).toBe(1);
		// The revoked MSP token is refused once at the exchange, then replaced: 1 new MSP token, 1 new tenant token.
		expect(counters.mints).toMatchObject({ clientCredentials: 1, tokenExchange: 1, rejected: 1 });
	});

	it('a 4,096-character secret works', async () => {
		useCredential(credentialData(SEED.clients.longSecret));
		const result = await run(workspaceGet, items(2));
		expect(result.status).toBe('success');
		expect(result.output(NODE_NAME)[0].workspaceName).toBe(SEED.workspaces.standard.name);
		expect(sandbox.counters().mints).toMatchObject({ total: 1, rejected: 0 });
	});

	it('HTTP Basic client authentication works (with the 4,096-character secret too)', async () => {
		for (const client of [SEED.clients.standard, SEED.clients.longSecret]) {
			tokenEngine.clear();
			useCredential(credentialData(client, { clientAuthentication: 'basic' }));
			const result = await run(workspaceGet);
			expect(result.status).toBe('success');
			expect(result.output(NODE_NAME)[0].workspaceName).toBe(SEED.workspaces.standard.name);
		}
		expect(sandbox.counters().mints).toMatchObject({ clientCredentials: 2, rejected: 0 });
	});

	it('an SSO-style issuer (custom Token URL of the sandbox\'s /as/token.oauth2) works for a service client', async () => {
		useCredential(
			credentialData(SEED.clients.service, { issuer: 'custom', tokenUrl: `${sandbox.url}/as/token.oauth2` }),
		);
		const result = await run(workspaceGet, items(3));
		expect(result.status).toBe('success');
		expect(result.output(NODE_NAME)).toHaveLength(3);
		const counters = sandbox.counters();
		expect(counters.requests.byRoute['POST /as/token.oauth2']).toEqual({ '200': 1 });
		expect(counters.mints.total).toBe(1);
	});

	describe('bad credential input: a clear error naming the field; nothing sent when the field is malformed', () => {
		it('empty secret', async () => {
			const error = await failing(credentialData(SEED.clients.standard, { clientSecret: '' }));
			expect(error.message).toMatch(/Credential field "clientSecret": Client Secret is empty/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('short secret', async () => {
			const error = await failing(credentialData(SEED.clients.standard, { clientSecret: 'short' }));
			expect(error.message).toMatch(/"clientSecret": Client Secret is shorter than 16 characters/);
			expect(error.description).toMatch(/Personal API clients/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('unknown client (invalid_client): names client ID / secret and how to reset it', async () => {
			const error = await failing(credentialData(SEED.clients.standard, { clientId: 'no-such-client' }));
			expect(error.message).toMatch(/rejected the client ID or client secret/);
			expect(error.message).toMatch(/invalid_client/);
			expect(error.description).toMatch(/Reset client secret/);
			expect(sandbox.counters().mints).toMatchObject({ total: 0, rejected: 1 });
			expect(sandbox.counters().requests.byRoute['GET /workspaces/v1/workspaces/{id}']).toBeUndefined();
		});

		it('wrong secret of a known client: the same clear error, secret not echoed', async () => {
			const wrong = `${SEED.clients.standard.clientSecret}X`;
			const error = await failing(credentialData(SEED.clients.standard, { clientSecret: wrong }));
			expect(error.message).toMatch(/client ID or client secret/);
			expect(`${error.message}${error.description}`).not.toContain(wrong);
		});

		it('malformed workspace id', async () => {
			const error = await failing(credentialData(SEED.clients.standard, { workspaceId: 'contoso-standard' }));
			expect(error.message).toMatch(/"workspaceId": Workspace ID must be 32 hexadecimal characters/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('custom token URL that is not a URL', async () => {
			const error = await failing(credentialData(SEED.clients.standard, { issuer: 'custom', tokenUrl: 'my token url' }));
			expect(error.message).toMatch(/"tokenUrl": "my token url" is not a URL/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('http:// to a non-loopback host (base URL and token URL)', async () => {
			const base = await failing(credentialData(SEED.clients.standard, { customBaseUrl: 'http://greenlake.example.com' }));
			expect(base.message).toMatch(/"customBaseUrl": http:\/\/greenlake\.example\.com is not allowed/);
			expect(base.description).toMatch(/https/);
			const token = await failing(
				credentialData(SEED.clients.standard, { issuer: 'custom', tokenUrl: 'http://sso.example.com/as/token.oauth2' }),
			);
			expect(token.message).toMatch(/"tokenUrl": http:\/\/sso\.example\.com is not allowed/);
			expect(sandbox.counters().requests.total).toBe(0);
		});

		it('a token response that is not JSON (malformed body on the token route)', async () => {
			sandbox.faults.inject({ kind: 'malformed', count: 1, route: '/token' });
			const error = await failing(credentialData(SEED.clients.standard));
			expect(error.message).toMatch(/token endpoint answered with a body that is not JSON/);
			expect(error.description).toMatch(/Token Issuer|token issuer/);
		});

		it('a token response without access_token (a custom Token URL that is no OAuth2 endpoint)', async () => {
			let requests = 0;
			const stub = createServer((_req, res) => {
				requests += 1;
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 900 }));
			});
			await new Promise<void>((done) => stub.listen(0, '127.0.0.1', done));
			try {
				const { port } = stub.address() as AddressInfo;
				const error = await failing(
					credentialData(SEED.clients.standard, { issuer: 'custom', tokenUrl: `http://127.0.0.1:${port}/oauth/token` }),
				);
				expect(error.message).toMatch(/token endpoint answered without an access_token/);
				expect(error.description).toMatch(/Token URL/);
				expect(requests).toBe(1);
				expect(sandbox.counters().requests.total).toBe(0);
			} finally {
				await new Promise((done) => stub.close(done));
			}
		});
	});

	it('no run above put a client secret or an issued token into its output or errors', () => {
		expect(issuedTokens.size).toBeGreaterThanOrEqual(5);
		expect(transcripts.length).toBeGreaterThan(20);
		const all = transcripts.join('\n');
		for (const secret of SECRETS) expect(all.includes(secret)).toBe(false);
		for (const token of issuedTokens) expect(all.includes(token)).toBe(false);
		expect(all).not.toMatch(JWT);
	});
});
