/**
 * Acceptance for issue #14 in a real n8n 2.41.1 (the built package installed as a community package): n8n's own HTTP
 * Request node (v4.2: follows redirects and, by its default, sends credentials on cross-origin redirects) with
 * "Predefined Credential Type → HPE GreenLake API", and the credential's Test button, against the sandbox and a
 * foreign loopback listener that counts the Authorization headers it receives.
 */
import * as path from 'node:path';

import { SEED, startSandbox, type Sandbox } from '../sandbox';
import { startForeignListener, type ForeignListener } from '../security/support';
import { chain, httpRequestNode, manualTrigger } from './greenlakeWorkflows';
import { cleanupHarness, httpJson, N8nInstance, packPackage } from './n8n';
import { ownerSession, testCredential } from './rest';

// GLPKG: another built copy of the package (e.g. main, to show what the tests catch).
const REPO = process.env.GLPKG ?? path.resolve(__dirname, '../..');
const figure = (text: string) => process.stderr.write(`[e2e security] ${text}\n`);

let sandbox: Sandbox;
let foreign: ForeignListener;
let n8n: N8nInstance;

function credential(id: string, name: string) {
	return {
		id,
		name,
		type: 'hpeGreenLakeApi',
		data: {
			clientId: SEED.clients.standard.clientId,
			clientSecret: SEED.clients.standard.clientSecret,
			workspaceId: SEED.clients.standard.workspaceId,
			issuer: 'workspace',
			baseUrl: 'custom',
			customBaseUrl: '',
			clientAuthentication: 'body',
		},
	};
}
const creds = {
	foreign: credential('glSecCred0000001', 'Security: foreign URL'),
	redirect: credential('glSecCred0000002', 'Security: redirect'),
	nextUrl: credential('glSecCred0000004', 'Security: pagination next URL'),
	test: credential('glSecCred0000003', 'Security: Test button'),
};
const WF = { foreign: 'glSecForeign0001', redirect: 'glSecRedirect001', nextUrl: 'glSecNextUrl0001' };
const predefined = (url: string, cred: { id: string; name: string }) =>
	httpRequestNode(
		'HTTP Request',
		{ url, authentication: 'predefinedCredentialType', nodeCredentialType: 'hpeGreenLakeApi' },
		{ hpeGreenLakeApi: { id: cred.id, name: cred.name } },
	);

beforeAll(async () => {
	sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 5, devices: 5, users: 5, subscriptions: 5 } });
	foreign = await startForeignListener();
	for (const cred of Object.values(creds)) cred.data.customBaseUrl = sandbox.url;
	n8n = await N8nInstance.create({ packageTarball: await packPackage(REPO) });
	await n8n.importCredentials(Object.values(creds));
	await n8n.importWorkflow([
		chain(WF.foreign, 'HTTP Request node → foreign host', [manualTrigger(), predefined(`${foreign.url}/devices/v1/devices`, creds.foreign)]),
		chain(WF.redirect, 'HTTP Request node → sandbox redirecting to a foreign host', [
			manualTrigger(),
			predefined(`${sandbox.url}/workspaces/v1/workspaces/${SEED.workspaces.standard.id}`, creds.redirect),
		]),
		// Pagination "Response Contains Next URL": the next URL comes from the API's answer (here: a foreign host).
		chain(WF.nextUrl, 'HTTP Request node pagination → a next URL on a foreign host', [
			manualTrigger(),
			{
				...predefined(`${sandbox.url}/devices/v1/devices?limit=2`, creds.nextUrl),
				parameters: {
					url: `${sandbox.url}/devices/v1/devices?limit=2`,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: 'hpeGreenLakeApi',
					options: {
						pagination: {
							pagination: {
								paginationMode: 'responseContainsNextURL',
								// Empty on the first page ($response is {} then), the foreign host once the API answered.
								nextURL: `={{ $response.body && $response.body.items ? "${foreign.url}/devices/v1/devices?offset=2" : undefined }}`,
								paginationCompleteWhen: 'responseIsEmpty',
								limitPagesFetched: true,
								maxRequests: 3,
							},
						},
					},
				},
			},
		]),
	]);
}, 30 * 60_000);

afterAll(async () => {
	try {
		await n8n?.dispose();
		await sandbox?.close();
		await foreign?.close();
	} finally {
		cleanupHarness();
	}
});

beforeEach(() => {
	foreign.reset();
	sandbox.resetCounters();
	sandbox.faults.clear();
});

describe("the token on n8n's own routes (real n8n)", () => {
	it('HTTP Request node, URL on a foreign loopback listener: a clear error, 0 Authorization headers there', async () => {
		const result = await n8n.execute(WF.foreign);
		figure(`foreign URL: "${result.error?.message}"; listener requests=${foreign.requests.length}, Authorization headers=${foreign.authorizations()}`);
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain(`Refusing to send the GreenLake token to 127.0.0.1:${foreign.port}`);
		expect(foreign.authorizations()).toBe(0);
		expect(foreign.requests).toHaveLength(0);
	});

	it('HTTP Request node, the sandbox redirects (302) to the foreign listener: 0 Authorization headers there', async () => {
		sandbox.faults.inject({ kind: 'redirect', status: 302, location: `${foreign.url}/stolen`, count: 1, route: '/workspaces/v1/workspaces' });
		const result = await n8n.execute(WF.redirect);
		figure(`redirect: execution ${result.status}; listener requests=${foreign.requests.length}, Authorization headers=${foreign.authorizations()}`);
		// n8n's HTTP Request node follows the redirect (its default); the token must not travel with it.
		expect(foreign.requests.length).toBeGreaterThanOrEqual(1);
		expect(foreign.authorizations()).toBe(0);
		expect(sandbox.counters().requests.byRoute['GET /workspaces/v1/workspaces/{id}']).toBeDefined();
	});

	it('HTTP Request node pagination whose next URL is on a foreign host: refused there, 0 Authorization headers', async () => {
		const result = await n8n.execute(WF.nextUrl);
		figure(`pagination next URL: execution ${result.status} "${result.error?.message}"; listener requests=${foreign.requests.length}, Authorization headers=${foreign.authorizations()}`);
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain(`Refusing to send the GreenLake token to 127.0.0.1:${foreign.port}`);
		expect(foreign.requests).toHaveLength(0);
		expect(sandbox.counters().requests.byRoute['GET /devices/v1/devices']).toBeDefined();
	});

	it("the credential's Test button does not follow a redirect: an explaining error, 0 requests at the foreign listener", async () => {
		const { baseUrl } = await n8n.start();
		try {
			const session = await ownerSession(baseUrl);

			// What the editor offers: n8n built the tool variants from usableAsTool (hidden Token tool, Read Only setting).
			const types = await httpJson('GET', `${baseUrl}/types/nodes.json`, undefined, { cookie: session.cookie });
			const described = types.body as Array<{ name: string; hidden?: boolean; properties: Array<{ name: string; default?: unknown }> }>;
			const byName = (name: string) => described.find((type) => type.name === `n8n-nodes-hpe-greenlake.${name}`);
			figure(`node types: hpeGreenLakeTokenTool hidden=${String(byName('hpeGreenLakeTokenTool')?.hidden)}, hpeGreenLakeTool toolReadOnly default=${String(byName('hpeGreenLakeTool')?.properties.find((property) => property.name === 'toolReadOnly')?.default)}`);
			expect(types.status).toBe(200);
			expect(byName('hpeGreenLakeToken')?.hidden).toBeUndefined();
			expect(byName('hpeGreenLakeTokenTool')?.hidden).toBe(true);
			expect(byName('hpeGreenLakeTool')?.hidden).toBeUndefined();
			expect(byName('hpeGreenLakeTool')?.properties.find((property) => property.name === 'toolReadOnly')?.default).toBe(true);

			expect((await testCredential(session, creds.test)).status).toBe('OK');
			sandbox.faults.inject({ kind: 'redirect', status: 302, location: `${foreign.url}/stolen`, count: 1, route: '/workspaces/v1/workspaces' });
			const tested = await testCredential(session, creds.test);
			figure(`Test button with a redirect: ${tested.status} "${tested.message}"; listener requests=${foreign.requests.length}`);
			expect(tested.status).toBe('Error');
			expect(tested.message).toMatch(/redirect/i);
			expect(foreign.requests).toHaveLength(0);
		} finally {
			await n8n.stop();
		}
	});
});
