// The host rule on the package's own request path (HPE GreenLake node → transport), the credential fields that feed
// it (Additional Allowed Hosts, Custom Base URL, Token URL) and the API Request Headers field: hostile inputs run as
// real in-process workflows (n8n-core WorkflowExecute, the BUILT package) against the sandbox, with a foreign loopback
// listener that counts what reaches it. Run `npm run build` first.
import {
	createCredentialStore,
	loadPackage,
	runWorkflow,
	type CredentialStore,
	type LoadedPackage,
	type RunResult,
} from '../support/workflowRunner';
import { packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';
import { SEED, startSandbox, type Sandbox } from '../sandbox';
import { HostileTally, loopbackForms, startForeignListener, type ForeignListener } from './support';

import { resolve } from 'node:path';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const CRED = { id: 'cred-hosts', name: 'GreenLake' };
const NODE = 'HPE GreenLake';
const SECRETS = Object.values(SEED.clients).map((client) => client.clientSecret);
const tally = new HostileTally('hosts, URLs and headers on the node\'s own path');

describe('host rule, URL fields and headers', () => {
	let sandbox: Sandbox;
	let foreign: ForeignListener;
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let tokenEngine: { clear(): void };
	let config: { TRUSTED_API_HOST_SUFFIXES: string[] };
	const transcripts: string[] = [];

	const useCredential = (data: IDataObject) => {
		store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data }]);
	};
	const node = (parameters: INodeParameters): INode =>
		packageNode({ id: 'gl', name: NODE, type: 'n8n-nodes-hpe-greenlake.hpeGreenLake' }, CRED, parameters);
	const apiRequest = (path: string, extra: INodeParameters = {}): INode =>
		node({ resource: 'apiRequest', operation: 'send', method: 'GET', path, ...extra });

	async function run(workflowNode: INode): Promise<RunResult> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [workflowNode], connections: {} });
		const error = result.nodeError(NODE) ?? result.error;
		transcripts.push(JSON.stringify(result.runData), `${error?.message ?? ''}\n${String(error?.description ?? '')}`);
		return result;
	}

	async function failure(workflowNode: INode): Promise<string> {
		const result = await run(workflowNode);
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE);
		return `${String(error?.message)}\n${String(error?.description ?? '')}`;
	}

	async function expectRefused(url: string, host: string): Promise<void> {
		expect(await failure(apiRequest(url))).toContain(`Refusing to send the GreenLake token to ${host}`);
		expect(foreign.requests).toHaveLength(0);
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 5, devices: 5, users: 5, subscriptions: 5 } });
		foreign = await startForeignListener();
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
		config = (await import(resolve(REPO, 'dist/nodes/shared/config'))) as typeof config;
	});

	afterAll(async () => {
		tally.report();
		await foreign?.close();
		await sandbox?.close();
	});

	beforeEach(() => {
		tokenEngine.clear();
		sandbox.resetCounters();
		sandbox.faults.clear();
		foreign.reset();
		useCredential(sandboxCredentialData(SEED.clients.standard, sandbox.url));
	});

	describe('full URLs in API Request → Path', () => {
		for (const url of loopbackForms(0)) {
			const form = url.replace(':0', ':PORT');
			tally.probe(`loopback form ${form}`, async () => {
				const target = new URL(form.replace('PORT', String(foreign.port)));
				await expectRefused(`${target.origin}/devices/v1/devices`, target.host);
			});
		}
		tally.probe('user info: https://global.api.greenlake.hpe.com@127.0.0.1:<port>/', async () => {
			await expectRefused(`https://global.api.greenlake.hpe.com@127.0.0.1:${foreign.port}/x`, `127.0.0.1:${foreign.port}`);
		});
		tally.probe('user info: http://<sandbox>@<foreign>/', async () => {
			await expectRefused(`http://127.0.0.1:${sandbox.port}@127.0.0.1:${foreign.port}/x`, `127.0.0.1:${foreign.port}`);
		});
		tally.probe('user info on the Base URL host itself: http://user:pw@<sandbox>/', async () => {
			expect(await failure(apiRequest(`http://user:pw@127.0.0.1:${sandbox.port}/devices/v1/devices`))).toContain('Refusing to send the GreenLake token');
			expect(sandbox.counters().requests.byRoute['GET /devices/v1/devices']).toBeUndefined();
		});
		for (const host of ['global.api.greenlake.hpe.com.evil.example', 'evilapi.greenlake.hpe.com', 'xcloud.hpe.com', 'hpe.com']) {
			tally.probe(`look-alike host ${host}`, async () => {
				await expectRefused(`https://${host}/devices/v1/devices`, host);
			});
		}
		tally.probe('a trusted host over plain http', async () => {
			await expectRefused('http://global.api.greenlake.hpe.com/devices/v1/devices', 'global.api.greenlake.hpe.com');
		});
		tally.probe('the refusal names every trusted host suffix from config.ts (item 13)', async () => {
			const text = await failure(apiRequest(`${foreign.url}/x`));
			for (const suffix of config.TRUSTED_API_HOST_SUFFIXES) expect(text).toContain(`*.${suffix}`);
		});
	});

	describe('paths relative to the Base URL stay on it', () => {
		for (const path of [
			'/%2e%2e/%2e%2e/devices/v1/devices',
			'/..%2f..%2fdevices',
			`/@127.0.0.1:PORT/x`,
			'//127.0.0.1:PORT/x',
			'/\\127.0.0.1:PORT/x',
			'/%2F%2F127.0.0.1:PORT/x',
		]) {
			tally.probe(`encoded / authority-like path ${path}`, async () => {
				await run(apiRequest(path.replace('PORT', String(foreign.port))));
				expect(foreign.requests).toHaveLength(0);
				expect(sandbox.counters().requests.total).toBeGreaterThanOrEqual(1);
			});
		}
		tally.probe('CRLF in the path does not inject a header', async () => {
			const recorder = await startForeignListener(() => ({ status: 200, body: { items: [], count: 0, total: 0, offset: 0 } }));
			try {
				useCredential(sandboxCredentialData(SEED.clients.standard, recorder.url, {
					issuer: 'custom',
					tokenUrl: `${sandbox.url}/authorization/v2/oauth2/${SEED.workspaces.standard.id}/token`,
				}));
				await run(apiRequest('/devices/v1/devices\r\nX-Injected: 1\r\n'));
				expect(recorder.requests.every((request) => request.headers['x-injected'] === undefined)).toBe(true);
				expect(recorder.requests.every((request) => !/[\r\n]/.test(request.url))).toBe(true);
			} finally {
				await recorder.close();
			}
		});
	});

	describe('redirects on API and token calls are not followed', () => {
		tally.probe('API call: the Base URL answers 302 to the foreign listener', async () => {
			sandbox.faults.inject({ kind: 'redirect', location: `${foreign.url}/stolen`, count: 5, route: '/devices/v1/devices' });
			await run(apiRequest('/devices/v1/devices'));
			expect(foreign.requests).toHaveLength(0);
		});
		tally.probe('API call: 307 (method and body preserved) to the foreign listener', async () => {
			sandbox.faults.inject({ kind: 'redirect', status: 307, location: `${foreign.url}/stolen`, count: 5, route: '/devices/v1/devices' });
			await run(apiRequest('/devices/v1/devices', { method: 'POST', body: '{"a":1}' }));
			expect(foreign.requests).toHaveLength(0);
		});
		tally.probe('token call: the issuer answers 307 to the foreign listener (the client secret must not follow)', async () => {
			sandbox.faults.inject({ kind: 'redirect', status: 307, location: `${foreign.url}/token`, count: 5, route: '/token' });
			expect((await run(apiRequest('/devices/v1/devices'))).status).toBe('error');
			expect(foreign.requests).toHaveLength(0);
		});
	});

	describe("the credential's authenticate, called directly with hostile request options", () => {
		type Authenticate = (credentials: IDataObject, options: Record<string, unknown>) => Promise<{ headers?: IDataObject }>;
		let authenticate: Authenticate;
		beforeAll(async () => {
			const { HpeGreenLakeApi } = (await import(resolve(REPO, 'dist/credentials/HpeGreenLakeApi.credentials'))) as {
				HpeGreenLakeApi: new () => { authenticate: Authenticate };
			};
			authenticate = new HpeGreenLakeApi().authenticate;
		});
		const credentials = () => ({ ...sandboxCredentialData(SEED.clients.standard, sandbox.url), accessToken: 'stored-token' });

		for (const [label, options] of [
			['a relative URL without a base (n8n would send it to localhost)', { url: '/devices/v1/devices' }],
			['an absolute foreign URL next to the allowed baseURL', { baseURL: 'SANDBOX', url: 'FOREIGN/x' }],
			['a foreign baseURL with a relative URL', { baseURL: 'FOREIGN', url: '/devices/v1/devices' }],
			['a legacy uri with user info naming the sandbox', { uri: 'http://SANDBOXHOST@127.0.0.1:1/x' }],
			['a protocol-relative URL', { url: '//127.0.0.1:1/x' }],
			['no URL at all', {}],
		] as const) {
			tally.probe(`${label}: refused`, async () => {
				const replace = (value: string) =>
					value.replace('SANDBOXHOST', `127.0.0.1:${sandbox.port}`).replace('SANDBOX', sandbox.url).replace('FOREIGN', foreign.url);
				const resolved = Object.fromEntries(Object.entries(options).map(([key, value]) => [key, replace(value)]));
				await expect(authenticate(credentials(), resolved)).rejects.toThrow(/Refusing to send the GreenLake token/);
			});
		}
	});

	describe('Additional Allowed Hosts (item 11)', () => {
		const withHosts = (allowedHosts: string) => sandboxCredentialData(SEED.clients.standard, sandbox.url, { allowedHosts });

		for (const entry of ['*.example.com', 'http://example.com', 'example.com/path', 'user@example.com', 'exa mple.com', 'example..com', '-bad.example.com']) {
			tally.probe(`refused naming the field: "${entry}"`, async () => {
				useCredential(withHosts(`good.example.com, ${entry}`));
				const text = await failure(apiRequest('/devices/v1/devices'));
				expect(text).toContain('Credential field "allowedHosts"');
				expect(text).toContain(`"${entry}"`);
				expect(sandbox.counters().requests.total).toBe(0);
			});
		}

		it('https://host/ and host:443 are normalised to the host and then match it', async () => {
			const { parseAllowedHosts } = (await import(resolve(REPO, 'dist/nodes/shared/auth/clientConfig'))) as {
				parseAllowedHosts: (value: string) => string[];
			};
			expect(parseAllowedHosts('https://US1.data.example.com/, eu.example.com:443, lab.example.com:8443')).toEqual([
				'us1.data.example.com',
				'eu.example.com',
				'lab.example.com:8443',
			]);
			const { mayReceiveToken } = (await import(resolve(REPO, 'dist/nodes/shared/auth/hostRule'))) as {
				mayReceiveToken: (url: URL, config: unknown) => boolean;
			};
			const configOf = { baseUrl: 'https://global.api.greenlake.hpe.com', extraAllowedHosts: parseAllowedHosts('https://us1.data.example.com/, eu.example.com:443') };
			expect(mayReceiveToken(new URL('https://us1.data.example.com/x'), configOf)).toBe(true);
			expect(mayReceiveToken(new URL('https://eu.example.com:443/x'), configOf)).toBe(true);
			expect(mayReceiveToken(new URL('http://eu.example.com/x'), configOf)).toBe(false);
			expect(mayReceiveToken(new URL('https://other.example.com/x'), configOf)).toBe(false);
		});

		it('the field help names every trusted host suffix (one source: config.ts)', async () => {
			const { HpeGreenLakeApi } = (await import(resolve(REPO, 'dist/credentials/HpeGreenLakeApi.credentials'))) as {
				HpeGreenLakeApi: new () => { properties: Array<{ name: string; description?: string }> };
			};
			const help = new HpeGreenLakeApi().properties.find((property) => property.name === 'allowedHosts')?.description ?? '';
			for (const suffix of config.TRUSTED_API_HOST_SUFFIXES) expect(help).toContain(`*.${suffix}`);
		});
	});

	describe('Custom Base URL and Token URL (item 11)', () => {
		for (const [field, value, expected] of [
			['customBaseUrl', 'https://global.api.greenlake.hpe.com?q=1', 'query or fragment'],
			['customBaseUrl', 'https://global.api.greenlake.hpe.com/#frag', 'query or fragment'],
			['customBaseUrl', 'https://global.api.greenlake.hpe.com?', 'query or fragment'],
			['customBaseUrl', 'https://user:pw@global.api.greenlake.hpe.com', 'user name or password'],
			['tokenUrl', 'https://sso.common.cloud.hpe.com/as/token.oauth2#x', 'query or fragment'],
		] as const) {
			tally.probe(`${field} = ${value}`, async () => {
				const extra: IDataObject = field === 'tokenUrl' ? { issuer: 'custom', tokenUrl: value } : { customBaseUrl: value };
				useCredential(sandboxCredentialData(SEED.clients.standard, sandbox.url, extra));
				const text = await failure(apiRequest('/devices/v1/devices'));
				expect(text).toContain(`Credential field "${field}"`);
				expect(text).toContain(expected);
				expect(text).not.toContain('pw@');
				expect(sandbox.counters().requests.total).toBe(0);
			});
		}
	});

	describe('API Request headers (item 12)', () => {
		const withHeader = (name: string, value: string) =>
			apiRequest('/devices/v1/devices', { headers: { header: [{ name, value }] } });

		for (const [name, value, expected] of [
			['X Bad', 'v', 'is not a valid header name'],
			['X-Bad:', 'v', 'is not a valid header name'],
			['X-Bad\r\nX-Injected', 'v', 'is not a valid header name'],
			['X-Ok', 'v\r\nX-Injected: 1', 'line break or control character'],
			['X-Ok', 'v\u0000', 'line break or control character'],
			['Authorization', 'Bearer attacker', 'is set by the node'],
			['host', '127.0.0.1', 'is set by the node'],
		] as const) {
			tally.probe(`header ${JSON.stringify(name)}: ${JSON.stringify(value)}`, async () => {
				const text = await failure(withHeader(name, value));
				expect(text).toMatch(/^Headers: /);
				expect(text).toContain(expected);
				expect(text).not.toMatch(/ERR_INVALID|check the network/i);
				expect(sandbox.counters().requests.byRoute['GET /devices/v1/devices']).toBeUndefined();
			});
		}

		it('control: a valid custom header is sent', async () => {
			const result = await run(withHeader('X-Request-Id', 'abc-123'));
			expect(result.status).toBe('success');
		});
	});

	afterAll(() => {
		const all = transcripts.join('\n');
		expect(transcripts.length).toBeGreaterThan(20);
		for (const secret of SECRETS) expect(all.includes(secret)).toBe(false);
		expect(all).not.toMatch(/Bearer eyJ/);
	});
});
