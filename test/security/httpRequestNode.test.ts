// The credential's route through n8n's HTTP Request node ("Authentication → Predefined Credential Type → HPE
// GreenLake API"): n8n calls the credential's `authenticate` for whatever URL the user typed. Exercised in-process
// (n8n-core WorkflowExecute, the BUILT package) with a probe node that calls n8n-core's request helpers exactly as the
// HTTP Request node v4.2 does (legacy helper, follow redirects, credentials on cross-origin redirects by default) and
// as declarative nodes do (modern helper). The real HTTP Request node is exercised in test/e2e/security.e2e.test.ts.
// Run `npm run build` first.
import {
	createCredentialStore,
	loadPackage,
	runWorkflow,
	type CredentialStore,
	type LoadedPackage,
	type RunResult,
} from '../support/workflowRunner';
import { sandboxCredentialData } from '../support/greenlakeFixtures';
import { SEED, startSandbox, type Sandbox } from '../sandbox';
import {
	HostileTally,
	PROBE_NODE_TYPE,
	loopbackForms,
	startForeignListener,
	withProbeNode,
	type ForeignListener,
} from './support';

import { resolve } from 'node:path';
import type { IDataObject, INode } from 'n8n-workflow';

const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const CRED = { id: 'cred-http-node', name: 'GreenLake for HTTP Request' };
const NODE = 'HTTP Request';
const SECRETS = Object.values(SEED.clients).map((client) => client.clientSecret);
const tally = new HostileTally('HTTP Request node route (credential authenticate)');

describe("n8n's HTTP Request node with the HPE GreenLake API credential", () => {
	let sandbox: Sandbox;
	let foreign: ForeignListener;
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let tokenEngine: { clear(): void };
	const transcripts: string[] = [];

	const useCredential = (data: IDataObject) => {
		store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data }]);
	};

	const probeNode = (url: string, helper: 'legacy' | 'modern'): INode => ({
		id: 'probe',
		name: NODE,
		type: PROBE_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { url, helper },
		credentials: { hpeGreenLakeApi: CRED },
	});

	async function run(url: string, helper: 'legacy' | 'modern' = 'legacy'): Promise<RunResult> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [probeNode(url, helper)], connections: {} });
		const error = result.nodeError(NODE) ?? result.error;
		transcripts.push(JSON.stringify(result.runData), `${error?.message ?? ''}\n${String(error?.description ?? '')}`);
		return result;
	}

	function errorText(result: RunResult): string {
		const error = result.nodeError(NODE);
		return `${String(error?.message)}\n${String(error?.description ?? '')}`;
	}

	/** The URL is refused naming its host; nothing reached the foreign listener. */
	async function expectRefused(url: string, host: string, helper: 'legacy' | 'modern' = 'legacy'): Promise<void> {
		const result = await run(url, helper);
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain(`Refusing to send the GreenLake token to ${host}`);
		expect(foreign.requests).toHaveLength(0);
	}

	const workspaceUrl = () => `${sandbox.url}/workspaces/v1/workspaces/${SEED.workspaces.standard.id}`;

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 5, devices: 5, users: 5, subscriptions: 5 } });
		foreign = await startForeignListener();
		pkg = withProbeNode(await loadPackage(REPO));
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
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

	it('control: the Base URL host gets the token, through both request helpers', async () => {
		for (const helper of ['legacy', 'modern'] as const) {
			const result = await run(workspaceUrl(), helper);
			expect(result.status).toBe('success');
			expect(result.output(NODE)[0].workspaceName).toBe(SEED.workspaces.standard.name);
		}
		expect(sandbox.counters().mints.total).toBe(1);
	});

	describe('URLs on foreign hosts are refused before anything is sent', () => {
		tally.probe('a foreign loopback listener (legacy helper, as the HTTP Request node): clear error, 0 requests, no extra mint', async () => {
			await expectRefused(`${foreign.url}/devices/v1/devices`, `127.0.0.1:${foreign.port}`);
			// preAuthentication minted once for the empty store; the refusal did not make n8n throw it away and re-mint.
			expect(sandbox.counters().mints.total).toBeLessThanOrEqual(1);
			sandbox.resetCounters();
			await expectRefused(`${foreign.url}/devices/v1/devices`, `127.0.0.1:${foreign.port}`);
			expect(sandbox.counters().mints.total).toBe(0);
		});

		tally.probe('a foreign loopback listener (modern helper, as declarative nodes)', async () => {
			await expectRefused(`${foreign.url}/x`, `127.0.0.1:${foreign.port}`, 'modern');
		});

		for (const url of loopbackForms(0)) {
			const form = url.replace(':0', ':PORT');
			tally.probe(`loopback form ${form} of the foreign listener`, async () => {
				const target = new URL(form.replace('PORT', String(foreign.port)));
				await expectRefused(`${target.origin}/devices/v1/devices`, target.host);
			});
		}

		tally.probe('user info that names the sandbox in front of the foreign host (http://<sandbox>@<foreign>/)', async () => {
			await expectRefused(`http://127.0.0.1:${sandbox.port}@127.0.0.1:${foreign.port}/x`, `127.0.0.1:${foreign.port}`);
		});

		tally.probe('user info naming GreenLake in front of the foreign host (https://global.api.greenlake.hpe.com@127.0.0.1:<port>)', async () => {
			await expectRefused(`https://global.api.greenlake.hpe.com@127.0.0.1:${foreign.port}/x`, `127.0.0.1:${foreign.port}`);
		});

		tally.probe('user info on the allowed host itself (http://user:pw@<sandbox>/…) is refused too', async () => {
			const result = await run(`http://user:pw@127.0.0.1:${sandbox.port}/workspaces/v1/workspaces/${SEED.workspaces.standard.id}`);
			expect(result.status).toBe('error');
			expect(errorText(result)).toContain(`Refusing to send the GreenLake token to 127.0.0.1:${sandbox.port}`);
			expect(sandbox.counters().requests.byRoute['GET /workspaces/v1/workspaces/{id}']).toBeUndefined();
		});

		for (const host of [
			'global.api.greenlake.hpe.com.evil.example',
			'api.greenlake.hpe.com-evil.example',
			'evilapi.greenlake.hpe.com',
			'global-api-greenlake-hpe.com',
			'cloud.hpe.com.evil.example',
			'xcloud.hpe.com',
			'api.central.arubanetworks.com.evil.example',
		]) {
			tally.probe(`look-alike host ${host}`, async () => {
				await expectRefused(`https://${host}/devices/v1/devices`, host);
			});
		}

		tally.probe('a trusted GreenLake host over plain http', async () => {
			await expectRefused('http://global.api.greenlake.hpe.com/devices/v1/devices', 'global.api.greenlake.hpe.com');
		});

		tally.probe('the sandbox host on another port (same host name, different origin)', async () => {
			await expectRefused(`http://127.0.0.1:${foreign.port}/workspaces/v1/workspaces/${SEED.workspaces.standard.id}`, `127.0.0.1:${foreign.port}`);
		});
	});

	describe('redirects never carry the token to another origin', () => {
		for (const status of [301, 302, 303, 307, 308] as const) {
			tally.probe(`the Base URL answers ${status} to the foreign listener (legacy helper, follow redirects on): 0 Authorization there`, async () => {
				sandbox.faults.inject({ kind: 'redirect', status, location: `${foreign.url}/stolen`, count: 1, route: '/workspaces/v1/workspaces' });
				await run(workspaceUrl());
				expect(foreign.requests.length).toBeGreaterThanOrEqual(1);
				expect(foreign.authorizations()).toBe(0);
			});
		}

		tally.probe('the Base URL answers 302 to the foreign listener (modern helper): 0 Authorization there', async () => {
			sandbox.faults.inject({ kind: 'redirect', status: 302, location: `${foreign.url}/stolen`, count: 1, route: '/workspaces/v1/workspaces' });
			await run(workspaceUrl(), 'modern');
			expect(foreign.authorizations()).toBe(0);
		});
	});

	describe('a token stored before the credential was edited is not sent (item 3)', () => {
		for (const helper of ['legacy', 'modern'] as const) {
			tally.probe(`another client's stored token, fingerprint of the old values (${helper} helper)`, async () => {
				// 1. The credential as it was: the MSP client. Its token is stored with the fingerprint of those values.
				useCredential(sandboxCredentialData(SEED.clients.msp, sandbox.url));
				expect((await run(`${sandbox.url}/workspaces/v1/workspaces/${SEED.workspaces.msp.id}`, helper)).status).toBe('success');
				const old = store.getData(CRED.id);
				const staleToken = String(old.accessToken);
				expect(staleToken.length).toBeGreaterThan(20);

				// 2. The user edits the credential to another client and workspace, pointing at a recording API host.
				//    The stale token (still valid at the issuer) must never be sent again.
				const recorder = await startForeignListener((request) =>
					request.authorization && request.authorization !== `Bearer ${staleToken}`
						? { status: 200, body: { ok: true } }
						: { status: 401, body: { message: 'token required' } },
				);
				try {
					tokenEngine.clear(); // a new process: only the credential store remembers the old token
					useCredential({
						...sandboxCredentialData(SEED.clients.standard, recorder.url, {
							issuer: 'custom',
							tokenUrl: `${sandbox.url}/authorization/v2/oauth2/${SEED.workspaces.standard.id}/token`,
						}),
						accessToken: staleToken,
						accessTokenExpiresAt: old.accessTokenExpiresAt,
						accessTokenLifetime: old.accessTokenLifetime,
						accessTokenFingerprint: old.accessTokenFingerprint,
					});
					const result = await run(`${recorder.url}/identity/v1/users`, helper);
					expect(result.status).toBe('success');
					expect(recorder.requests.some((request) => request.authorization === `Bearer ${staleToken}`)).toBe(false);
					expect(recorder.authorizations()).toBeGreaterThanOrEqual(1);
				} finally {
					await recorder.close();
				}
			});
		}
	});

	afterAll(() => {
		const all = transcripts.join('\n');
		expect(transcripts.length).toBeGreaterThan(10);
		for (const secret of SECRETS) expect(all.includes(secret)).toBe(false);
		expect(all).not.toMatch(/Bearer eyJ/);
	});
});
