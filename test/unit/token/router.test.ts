// The Token node's router and operations with a stub IExecuteFunctions and a stub token endpoint: per-execution
// state (Force Refresh once per workspace, impossible lifetimes), pairing in both output modes, option validation.
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { router } from '../../../nodes/HpeGreenLakeToken/actions/router';
import { tokenEngine } from '../../../nodes/shared/auth/tokenEngine';

const MSP = '0123456789abcdef0123456789abcdef';
const TENANT_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TENANT_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
/** A fake client secret (the stub endpoint accepts anything); it must never show up in an error. */
const FAKE_CLIENT_KEY = ['unit', 'test', 'client', 'key', '0123456789'].join('-');

const NODE: INode = {
	id: 'token',
	name: 'HPE GreenLake Token',
	type: 'n8n-nodes-hpe-greenlake.hpeGreenLakeToken',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

interface Stub {
	ctx: IExecuteFunctions;
	/** Every token request: the workspace in its URL and its grant type. */
	requests: Array<{ workspace: string; grant: string }>;
}

/**
 * A context whose parameters may depend on the item (functions of the item index), and whose httpRequest is a token
 * endpoint that issues `tok-<n>` for 900 s.
 */
function stub(
	parameters: Record<string, unknown | ((itemIndex: number) => unknown)>,
	inputCount: number,
	continueOnFail = false,
	lifetimeSeconds = 900,
): Stub {
	const requests: Stub['requests'] = [];
	let issued = 0;
	const credentials: ICredentialDataDecryptedObject = {
		clientId: 'client-1',
		clientSecret: FAKE_CLIENT_KEY,
		workspaceId: MSP,
		issuer: 'workspace',
		baseUrl: 'https://global.api.greenlake.hpe.com',
		clientAuthentication: 'body',
	};
	const httpRequest = async (options: IHttpRequestOptions) => {
		const workspace = /oauth2\/([0-9a-f]{32})\/token$/.exec(String(options.url))?.[1] ?? '?';
		const grant = (options.body as URLSearchParams).get('grant_type') ?? '?';
		requests.push({ workspace, grant });
		return {
			statusCode: 200,
			headers: {},
			body: { access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: lifetimeSeconds },
		};
	};
	const input: INodeExecutionData[] = Array.from({ length: inputCount }, (_, i) => ({ json: { i } }));
	const ctx = {
		getInputData: () => input,
		getNode: () => NODE,
		continueOnFail: () => continueOnFail,
		getCredentials: async () => ({ ...credentials }),
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = parameters[name];
			if (value === undefined) {
				if (fallback === undefined) throw new Error(`Could not get parameter "${name}"`);
				return fallback;
			}
			return typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
		},
		helpers: { httpRequest },
	} as unknown as IExecuteFunctions;
	return { ctx, requests };
}

const run = async (s: Stub) => (await router.call(s.ctx))[0];
const json = (out: INodeExecutionData[]) => out.map((item) => item.json);

beforeEach(() => tokenEngine.clear());

describe('Token node router', () => {
	it('perItem: one mint for all items, each output paired with its input', async () => {
		const s = stub({ operation: 'generateToken', options: { output: 'perItem' } }, 5);
		const out = await run(s);
		expect(s.requests).toEqual([{ workspace: MSP, grant: 'client_credentials' }]);
		expect(out.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(json(out).map((j) => j.cached)).toEqual([false, true, true, true, true]);
		expect(out[0].json.authorization_header).toBe('Bearer tok-1');
	});

	it('once: parameters of item 0, one output paired with every input', async () => {
		const s = stub({ operation: 'generateToken' }, 3);
		const out = await run(s);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('Force Refresh with perItem refreshes each workspace once per execution, not once per item', async () => {
		const tenants = [TENANT_A, TENANT_B, TENANT_A, TENANT_B];
		const s = stub(
			{
				operation: 'generateToken',
				workspaceScope: 'tenant',
				tenant: (i: number) => ({ __rl: true, mode: 'id', value: tenants[i] }),
				options: { forceRefresh: true, output: 'perItem' },
			},
			4,
		);
		await run(s); // warm: MSP + A + B
		s.requests.length = 0;

		const out = await run(s);
		// Each tenant exchange is forced once (its MSP parent comes from the cache).
		expect(s.requests).toEqual([
			{ workspace: TENANT_A, grant: 'urn:ietf:params:oauth:grant-type:token-exchange' },
			{ workspace: TENANT_B, grant: 'urn:ietf:params:oauth:grant-type:token-exchange' },
		]);
		expect(json(out).map((j) => [j.workspace_id, j.cached])).toEqual([
			[TENANT_A, false],
			[TENANT_B, false],
			[TENANT_A, true],
			[TENANT_B, true],
		]);
	});

	it('an impossible Minimum Remaining Lifetime fails every item with Continue On Fail, minting once', async () => {
		const s = stub({ operation: 'generateToken', options: { minRemainingSeconds: 900, output: 'perItem' } }, 10, true);
		const out = await run(s);
		expect(s.requests).toHaveLength(1);
		expect(out).toHaveLength(10);
		for (const [i, item] of out.entries()) {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toEqual({ error: expect.stringContaining('Minimum Remaining Lifetime of 900 s can never be met') });
		}
	});

	it('a negative or non-numeric Minimum Remaining Lifetime is refused before any request, naming the option', async () => {
		for (const bad of [-1, 'soon']) {
			const s = stub({ operation: 'generateToken', options: { minRemainingSeconds: bad } }, 1);
			const error = await run(s).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toMatch(/^Minimum Remaining Lifetime must be a number/);
			expect(s.requests).toHaveLength(0);
		}
	});

	it('once mode with Continue On Fail: one error item, paired like the output would be', async () => {
		const s = stub({ operation: 'generateToken', workspaceScope: 'tenant', tenant: 'x' }, 2, true);
		const out = await run(s);
		expect(out).toEqual([{ json: { error: 'Tenant "x" is not a valid workspace ID' }, pairedItem: [{ item: 0 }, { item: 1 }] }]);
	});

	it('errors carry the item index and never the secret', async () => {
		const s = stub(
			{ operation: 'generateToken', workspaceScope: 'tenant', tenant: (i: number) => (i === 1 ? 'bad' : TENANT_A), options: { output: 'perItem' } },
			2,
		);
		const error = (await run(s).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.context.itemIndex).toBe(1);
		expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(FAKE_CLIENT_KEY);
	});

	it('Inspect Cached Token: nothing cached → present false with the issuer that would mint it; never requests', async () => {
		const s = stub({ operation: 'inspectCachedToken', workspaceScope: 'tenant', tenant: TENANT_A }, 1);
		const out = await run(s);
		expect(out[0].json).toEqual({
			present: false,
			cached: false,
			workspace_id: TENANT_A,
			issuer: `https://global.api.greenlake.hpe.com/authorization/v2/oauth2/${TENANT_A}/token`,
		});
		expect(s.requests).toHaveLength(0);
	});

	it('Inspect Cached Token after Generate: the facts without the token', async () => {
		const generate = stub({ operation: 'generateToken' }, 1);
		const [generated] = json(await run(generate));
		const inspect = stub({ operation: 'inspectCachedToken' }, 1);
		const [inspected] = json(await run(inspect));
		const { access_token: _token, authorization_header: _header, cached: _cached, ...facts } = generated as IDataObject;
		expect(inspected).toEqual({ present: true, ...facts, expires_in: expect.any(Number), cached: true, expired: false });
		expect(JSON.stringify(inspected)).not.toContain('tok-1');
		expect(inspect.requests).toHaveLength(0);
	});
});
