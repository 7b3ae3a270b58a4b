// Proves the in-process harness (test/support/workflowRunner.ts) against a generated fixture
// package and a real loopback HTTP server: preAuthentication with the hidden expirable field,
// persistence of the minted token, the 401 -> re-mint -> retry path, continueOnFail pairing, and
// poll-trigger static data.
import {
	createCredentialStore,
	loadPackage,
	runPoll,
	runWorkflow,
	type CredentialStore,
	type LoadedPackage,
} from '../../support/workflowRunner';
import {
	FIXTURE_GET_NODE_TYPE,
	FIXTURE_TRIGGER_NODE_TYPE,
	writeFixturePackage,
	type FixturePackage,
} from '../../support/fixturePackage';

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INode } from 'n8n-workflow';

interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
	body?: unknown;
}

class FixtureServer {
	readonly requests: RecordedRequest[] = [];
	private readonly validTokens = new Set<string>();
	private tokenCounter = 0;
	private server!: Server;
	baseUrl = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((done) => this.server.close(() => done()));
	}

	/** Revokes every issued token: the next /data call with one gets a 401. */
	revokeAll(): void {
		this.validTokens.clear();
	}

	tokenRequests(): RecordedRequest[] {
		return this.requests.filter((r) => r.path === '/token');
	}

	dataRequests(): RecordedRequest[] {
		return this.requests.filter((r) => r.path !== '/token');
	}

	/** Forgets recorded requests (issued tokens stay valid). */
	clearRequests(): void {
		this.requests.length = 0;
	}

	/** Back to a fresh server: no requests, no valid tokens, token numbering restarts at tok-1. */
	reset(): void {
		this.clearRequests();
		this.validTokens.clear();
		this.tokenCounter = 0;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', this.baseUrl);
		const recorded: RecordedRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			authorization: req.headers.authorization,
			body: raw ? JSON.parse(raw) : undefined,
		};
		this.requests.push(recorded);

		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};

		if (url.pathname === '/token' && req.method === 'POST') {
			const body = recorded.body as { client_id?: string; client_secret?: string } | undefined;
			if (body?.client_id !== 'client-1' || body?.client_secret !== 's3cret') {
				return send(400, { error: 'invalid_client' });
			}
			const token = `tok-${++this.tokenCounter}`;
			this.validTokens.add(token);
			return send(200, { access_token: token, token_type: 'Bearer', expires_in: 7200 });
		}

		const token = recorded.authorization?.replace(/^Bearer /, '');
		if (!token || !this.validTokens.has(token)) {
			return send(401, { error: 'invalid_token' });
		}
		if (url.pathname === '/data') {
			return send(200, { ok: true, token, item: recorded.query.item, poll: recorded.query.poll });
		}
		if (url.pathname === '/fail') {
			return send(500, { message: `boom for item ${recorded.query.item}` });
		}
		return send(404, { error: 'not found' });
	}
}

const CREDENTIAL_ID = 'cred-1';

describe('workflowRunner (in-process n8n-core harness)', () => {
	let fixture: FixturePackage;
	let pkg: LoadedPackage;
	let server: FixtureServer;
	let store: CredentialStore;

	const credentialRef = { supportFixtureApi: { id: CREDENTIAL_ID, name: 'Fixture account' } };

	const getNode = (overrides: Partial<INode> = {}): INode => ({
		id: 'node-get',
		name: 'Get',
		type: FIXTURE_GET_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: credentialRef,
		...overrides,
	});

	beforeAll(async () => {
		fixture = writeFixturePackage();
		pkg = await loadPackage(fixture.dir);
		server = new FixtureServer();
		await server.start();
	});

	afterAll(async () => {
		await server?.stop();
		fixture?.cleanup();
	});

	beforeEach(() => {
		server.reset();
		// Stored as n8n stores a fresh credential: no accessToken key at all. The credential-type
		// default ('') is applied on read, which is what makes preAuthentication fire.
		store = createCredentialStore([
			{
				id: CREDENTIAL_ID,
				name: 'Fixture account',
				type: 'supportFixtureApi',
				data: { baseUrl: server.baseUrl, clientId: 'client-1', secret: 's3cret' },
			},
		]);
	});

	it('loads the built fixture package with PackageDirectoryLoader', () => {
		expect(pkg.packageName).toBe('n8n-nodes-support-fixture');
		expect(pkg.nodeTypeNames.sort()).toEqual(
			[FIXTURE_GET_NODE_TYPE, FIXTURE_TRIGGER_NODE_TYPE].sort(),
		);
		expect(pkg.credentialTypeNames).toEqual(['supportFixtureApi']);
		expect(pkg.credentialTypes.getSupportedNodes('supportFixtureApi').sort()).toEqual(
			[FIXTURE_GET_NODE_TYPE, FIXTURE_TRIGGER_NODE_TYPE].sort(),
		);
	});

	it('mints one token for 3 items, persists it once, and reuses it on the next run', async () => {
		const result = await runWorkflow({
			pkg,
			credentials: store,
			nodes: [getNode()],
			connections: {},
			inputItems: [{ json: { n: 0 } }, { json: { n: 1 } }, { json: { n: 2 } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.output('Get')).toEqual([
			{ ok: true, token: 'tok-1', item: '0' },
			{ ok: true, token: 'tok-1', item: '1' },
			{ ok: true, token: 'tok-1', item: '2' },
		]);
		expect(result.items('Get').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);

		expect(server.tokenRequests()).toHaveLength(1);
		expect(server.tokenRequests()[0]).toMatchObject({
			method: 'POST',
			body: { client_id: 'client-1', client_secret: 's3cret' },
		});
		expect(server.dataRequests().map((r) => r.authorization)).toEqual([
			'Bearer tok-1',
			'Bearer tok-1',
			'Bearer tok-1',
		]);

		expect(store.writeCount(CREDENTIAL_ID)).toBe(1);
		expect(store.lastWrite(CREDENTIAL_ID)?.data).toEqual({
			baseUrl: server.baseUrl,
			clientId: 'client-1',
			secret: 's3cret',
			accessToken: 'tok-1',
		});
		expect(store.getData(CREDENTIAL_ID).accessToken).toBe('tok-1');

		// A second execution reads the persisted token: no token request, no write.
		server.clearRequests();
		const second = await runWorkflow({
			pkg,
			credentials: store,
			nodes: [getNode()],
			connections: {},
		});
		expect(second.status).toBe('success');
		expect(second.output('Get')).toEqual([{ ok: true, token: 'tok-1', item: '0' }]);
		expect(server.tokenRequests()).toHaveLength(0);
		expect(store.writeCount(CREDENTIAL_ID)).toBe(1);
	});

	it('re-mints exactly once through the 401 path after the token is revoked', async () => {
		const first = await runWorkflow({
			pkg,
			credentials: store,
			nodes: [getNode()],
			connections: {},
		});
		expect(first.status).toBe('success');
		expect(store.writeCount(CREDENTIAL_ID)).toBe(1);

		server.revokeAll();
		server.clearRequests();

		const result = await runWorkflow({
			pkg,
			credentials: store,
			nodes: [getNode()],
			connections: {},
			inputItems: [{ json: {} }, { json: {} }, { json: {} }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.output('Get').map((json) => json.token)).toEqual(['tok-2', 'tok-2', 'tok-2']);

		// item 0: stale tok-1 -> 401 -> preAuthentication(..., true) -> tok-2 -> retried once.
		expect(server.requests.map((r) => `${r.path} ${r.authorization ?? ''}`.trim())).toEqual([
			'/data Bearer tok-1',
			'/token',
			'/data Bearer tok-2',
			'/data Bearer tok-2',
			'/data Bearer tok-2',
		]);
		expect(store.writeCount(CREDENTIAL_ID)).toBe(2);
		expect(store.lastWrite(CREDENTIAL_ID)?.data.accessToken).toBe('tok-2');

		const calls = result.credentialsHelper.preAuthenticationCalls;
		expect(calls.filter((c) => c.invoked)).toEqual([
			{ type: 'supportFixtureApi', nodeName: 'Get', credentialsExpired: true, invoked: true },
		]);
	});

	it('continueOnFail yields one error item per failed input, paired to it', async () => {
		const node = getNode({
			parameters: { path: '={{ $json.path }}' },
			onError: 'continueRegularOutput',
		});
		const result = await runWorkflow({
			pkg,
			credentials: store,
			nodes: [node],
			connections: {},
			inputItems: [
				{ json: { path: '/data' } },
				{ json: { path: '/fail' } },
				{ json: { path: '/data' } },
				{ json: { path: '/fail' } },
			],
		});

		expect(result.status).toBe('success');
		const items = result.items('Get');
		expect(items).toHaveLength(4);
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(items[0].json).toMatchObject({ ok: true, item: '0' });
		expect(items[2].json).toMatchObject({ ok: true, item: '2' });
		for (const index of [1, 3]) {
			expect(typeof items[index].json.error).toBe('string');
			expect(items[index].error).toBeDefined();
		}
		// A 500 is not a 401: no re-mint.
		expect(server.tokenRequests()).toHaveLength(1);
		expect(store.writeCount(CREDENTIAL_ID)).toBe(1);
	});

	it('fails the execution without continueOnFail and reports the failing node', async () => {
		const result = await runWorkflow({
			pkg,
			credentials: store,
			nodes: [getNode({ parameters: { path: '/fail' } })],
			connections: {},
		});
		expect(result.status).toBe('error');
		expect(result.error).toBeDefined();
		expect(result.nodeError('Get')?.message).toBeTruthy();
	});

	it('persists the poll trigger static data across two runPoll calls', async () => {
		const node: INode = {
			id: 'node-trigger',
			name: 'Trigger',
			type: FIXTURE_TRIGGER_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: credentialRef,
		};
		const staticData: IDataObject = {};

		const first = await runPoll({ pkg, credentials: store, node, staticData });
		expect(first?.[0]?.[0]?.json).toMatchObject({
			counter: 1,
			previous: 0,
			mode: 'trigger',
			activation: 'activate',
			body: { ok: true, token: 'tok-1', poll: '1' },
		});
		expect(staticData.counter).toBe(1);

		const second = await runPoll({ pkg, credentials: store, node, staticData });
		expect(second?.[0]?.[0]?.json).toMatchObject({
			counter: 2,
			previous: 1,
			body: { token: 'tok-1', poll: '2' },
		});
		expect(staticData.counter).toBe(2);

		// The token minted in the first poll was persisted and reused by the second.
		expect(server.tokenRequests()).toHaveLength(1);
		expect(store.writeCount(CREDENTIAL_ID)).toBe(1);
	});
	it('runs a poll node inside a manual workflow run (workflow static data `node:<name>`) and chains into the next node', async () => {
		const trigger: INode = {
			id: 'node-trigger',
			name: 'Trigger',
			type: FIXTURE_TRIGGER_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { fetch: false },
			credentials: credentialRef,
		};
		const staticData: IDataObject = { 'node:Trigger': { counter: 41 } };
		const result = await runWorkflow({
			pkg,
			credentials: store,
			nodes: [trigger, getNode()],
			connections: { Trigger: { main: [[{ node: 'Get', type: 'main', index: 0 }]] } },
			staticData,
		});

		expect(result.error).toBeUndefined();
		expect(result.executedNodes()).toEqual(['Trigger', 'Get']);
		expect(result.output('Trigger')).toEqual([
			{ counter: 42, previous: 41, mode: 'manual', activation: 'manual' },
		]);
		expect(result.items('Get')[0]).toMatchObject({
			json: { ok: true, token: 'tok-1' },
			pairedItem: { item: 0 },
		});
		expect(JSON.parse(JSON.stringify(staticData))).toEqual({ 'node:Trigger': { counter: 42 } });
	});
});
