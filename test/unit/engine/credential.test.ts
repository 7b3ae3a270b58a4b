// The BUILT credential class hpeGreenLakeApi (dist): preAuthentication goes through the shared engine (one mint,
// shared with the nodes), a refused token is replaced, and authenticate always sends the engine's freshest token.
// Run `npm run build` first.
import { resolve } from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { SEED, startSandbox, type Sandbox } from '../../sandbox';

// GLPKG: an alternative built copy of the package (lets these tests run while another build rewrites dist/).
const REPO = process.env.GLPKG ?? resolve(__dirname, '../../..');

interface Engine {
	clear(): void;
	peek(config: unknown): { accessToken: string } | undefined;
	fingerprint(config: unknown): string;
}

describe('credential hpeGreenLakeApi (dist) against the sandbox', () => {
	let sandbox: Sandbox;
	let credentialType: ICredentialType;
	let tokenEngine: Engine;
	let parseClientConfig: (data: ICredentialDataDecryptedObject) => unknown;

	const helper: IHttpRequestHelper = {
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				const response = await fetch(String(options.url), {
					method: options.method,
					headers: options.headers as Record<string, string>,
					body: String(options.body),
				});
				const full: IN8nHttpFullResponse = { statusCode: response.status, headers: {}, body: await response.text() };
				return full;
			},
		} as IHttpRequestHelper['helpers'],
	};

	const data = (extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject => ({
		clientId: SEED.clients.standard.clientId,
		clientSecret: SEED.clients.standard.clientSecret,
		workspaceId: SEED.clients.standard.workspaceId,
		issuer: 'workspace',
		baseUrl: 'custom',
		customBaseUrl: sandbox.url,
		clientAuthentication: 'body',
		accessToken: '',
		...extra,
	});

	const preAuthenticate = async (credentials: ICredentialDataDecryptedObject) =>
		(await credentialType.preAuthentication!.call(helper, credentials)) as ICredentialDataDecryptedObject;

	async function authorizedStatus(credentials: ICredentialDataDecryptedObject): Promise<number> {
		const authenticate = credentialType.authenticate as (
			credentials: ICredentialDataDecryptedObject,
			options: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		// authenticate refuses a URL it cannot place on an allowed host, so the request names its base (as the Test does).
		const options = await authenticate(credentials, { baseURL: sandbox.url, url: `/workspaces/v1/workspaces/${SEED.workspaces.standard.id}` });
		expect(options.sendCredentialsOnCrossOriginRedirect).toBe(false);
		const response = await fetch(`${options.baseURL}${options.url}`, { headers: options.headers as Record<string, string> });
		await response.arrayBuffer();
		return response.status;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 5, devices: 5, users: 5 } });
		const { HpeGreenLakeApi } = (await import(resolve(REPO, 'dist/credentials/HpeGreenLakeApi.credentials'))) as {
			HpeGreenLakeApi: new () => ICredentialType;
		};
		credentialType = new HpeGreenLakeApi();
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: Engine });
		({ parseClientConfig } = (await import(resolve(REPO, 'dist/nodes/shared/auth/clientConfig'))) as {
			parseClientConfig: typeof parseClientConfig;
		});
	});

	afterAll(async () => {
		await sandbox?.close();
	});

	beforeEach(() => {
		tokenEngine.clear();
		sandbox.resetCounters();
	});

	it('declares the hidden expirable token, a test request and httpRequestNode support; no maximum secret length', () => {
		const accessToken = credentialType.properties.find((property) => property.name === 'accessToken');
		expect(accessToken).toMatchObject({ type: 'hidden', typeOptions: { expirable: true, password: true } });
		expect(credentialType.test?.request.method).toBe('GET');
		expect((credentialType.httpRequestNode as { apiBaseUrlPlaceholder?: string } | undefined)?.apiBaseUrlPlaceholder).toBe('https://global.api.greenlake.hpe.com');
		const secret = credentialType.properties.find((property) => property.name === 'clientSecret');
		expect(secret?.typeOptions?.password).toBe(true);
		expect(JSON.stringify(secret)).not.toMatch(/maxLength|maxValue/);
	});

	it('preAuthentication mints once through the engine; a second call is served from the cache', async () => {
		const first = await preAuthenticate(data());
		const second = await preAuthenticate(data());

		expect(first.accessToken).toEqual(expect.any(String));
		expect(second.accessToken).toBe(first.accessToken);
		expect(Number(first.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 800_000);
		expect(first.accessTokenFingerprint).toBe(tokenEngine.fingerprint(parseClientConfig(data())));
		expect(sandbox.counters().mints.total).toBe(1);
		expect(await authorizedStatus(data({ accessToken: first.accessToken }))).toBe(200);
	});

	it('a refused token handed back by n8n is replaced (one new mint); authenticate then sends the new one', async () => {
		const first = await preAuthenticate(data());
		sandbox.revokeAllTokens();
		expect(await authorizedStatus(data({ accessToken: first.accessToken }))).toBe(401);

		const renewed = await preAuthenticate(data({ accessToken: first.accessToken }));
		expect(renewed.accessToken).not.toBe(first.accessToken);
		expect(sandbox.counters().mints.total).toBe(2);
		// Even with n8n still holding the old token, the header carries the engine's fresh one.
		expect(await authorizedStatus(data({ accessToken: first.accessToken }))).toBe(200);
	});

	it('a 4,096-character secret passes preAuthentication', async () => {
		const result = await preAuthenticate(
			data({ clientId: SEED.clients.longSecret.clientId, clientSecret: SEED.clients.longSecret.clientSecret }),
		);
		expect(String(result.accessToken).length).toBeGreaterThan(100);
		expect(sandbox.counters().mints).toMatchObject({ total: 1, rejected: 0 });
	});

	it('bad values fail preAuthentication with the field named and the secret not echoed', async () => {
		const secret = 'short-secret';
		const error = await preAuthenticate(data({ clientSecret: secret })).then(
			() => undefined,
			(failure: unknown) => failure as Error & { description?: string },
		);
		expect(error?.message).toMatch(/"clientSecret": Client Secret is shorter than 16 characters/);
		expect(`${error?.message}${error?.description}`).not.toContain(secret);
		expect(sandbox.counters().requests.total).toBe(0);
	});
});
