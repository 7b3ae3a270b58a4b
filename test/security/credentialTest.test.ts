// The credential's Test button, in-process: the same steps as n8n's CredentialsTester.runRequestTest (n8n 2.41.1
// dist/services/credentials-tester.service.js): a mock noOp node whose "temp" property routes the credential's
// `test.request`, run by n8n-core's RoutingNode with the form's values, then the test's `rules` applied to an error
// response. n8n follows redirects and, by default, carries the credential across origins; the Test must not.
// The real Test button is exercised in test/e2e/security.e2e.test.ts. Run `npm run build` first.
import {
	createAdditionalData,
	createCredentialStore,
	loadPackage,
	TestCredentialsHelper,
	type LoadedPackage,
} from '../support/workflowRunner';
import { sandboxCredentialData } from '../support/greenlakeFixtures';
import { SEED, startSandbox, type Sandbox } from '../sandbox';
import { HostileTally, startForeignListener, type ForeignListener } from './support';

import { resolve } from 'node:path';
import { ExecuteContext, RoutingNode } from 'n8n-core';
import { Workflow, createRunExecutionData } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, ICredentialTestRequest, IDataObject, INode, INodeType, INodeTypes } from 'n8n-workflow';

const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const CRED = { id: 'cred-test-button', name: 'GreenLake (testing)' };
const tally = new HostileTally('credential Test button');

interface TestVerdict {
	status: 'OK' | 'Error';
	message: string;
}

describe("the credential's Test button", () => {
	let sandbox: Sandbox;
	let foreign: ForeignListener;
	let pkg: LoadedPackage;
	let tokenEngine: { clear(): void };

	/** What n8n's CredentialsTester does for a credential with a `test` request. */
	async function pressTest(data: IDataObject): Promise<TestVerdict> {
		const testRequest = (pkg.credentialTypes.getByName('hpeGreenLakeApi').test ?? {}) as ICredentialTestRequest;
		const store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data }]);
		const nodeType: INodeType = {
			description: {
				displayName: 'No Operation',
				name: 'noOp',
				group: ['organization'],
				version: 1,
				description: 'credential test stand-in',
				defaults: { name: 'Temp-Node' },
				inputs: ['main'],
				outputs: ['main'],
				credentials: [{ name: 'hpeGreenLakeApi', required: true }],
				properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' }],
			},
		};
		const node: INode = {
			id: 'temp',
			name: 'Temp-Node',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
			parameters: { temp: '' },
			credentials: { hpeGreenLakeApi: CRED },
		};
		const nodeTypes: INodeTypes = {
			getByName: () => nodeType,
			getByNameAndVersion: () => nodeType,
			getKnownTypes: () => ({}),
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const additionalData = createAdditionalData({ credentialsHelper: new TestCredentialsHelper(store, pkg.credentialTypes) });
		const context = new ExecuteContext(
			workflow,
			node,
			additionalData,
			'internal',
			createRunExecutionData(),
			0,
			[],
			{ main: [[{ json: {} }]] },
			{ node, data: {}, source: null },
			[],
		);
		const routingNode = new RoutingNode(context, nodeType, { ...CRED, type: 'hpeGreenLakeApi', data: data as ICredentialDataDecryptedObject });
		await workflow.expression.acquireIsolate();
		try {
			await routingNode.runNode();
			return { status: 'OK', message: 'Connection successful!' };
		} catch (error) {
			const response = (error as { cause?: { response?: { status: number; statusText?: string } } }).cause?.response;
			if (response) {
				for (const rule of (testRequest.rules ?? []) as Array<{ type: string; properties: { value: number; message: string } }>) {
					if (rule.type === 'responseCode' && rule.properties.value === response.status) return { status: 'Error', message: rule.properties.message };
				}
				return { status: 'Error', message: response.statusText || `Received HTTP status code: ${response.status}` };
			}
			return { status: 'Error', message: String((error as Error).message) };
		} finally {
			await workflow.expression.releaseIsolate();
		}
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 5, devices: 5, users: 5, subscriptions: 5 } });
		foreign = await startForeignListener();
		pkg = await loadPackage(REPO);
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
	});

	it('control: the right credential passes, a wrong secret fails', async () => {
		expect(await pressTest(sandboxCredentialData(SEED.clients.standard, sandbox.url))).toEqual({ status: 'OK', message: 'Connection successful!' });
		const wrong = await pressTest(sandboxCredentialData(SEED.clients.standard, sandbox.url, { clientSecret: 'w'.repeat(40) }));
		expect(wrong.status).toBe('Error');
		expect(wrong.message.includes('w'.repeat(40))).toBe(false);
	});

	for (const status of [301, 302, 303, 307, 308] as const) {
		tally.probe(`the Base URL answers ${status} towards a foreign listener: not followed, an explaining error, 0 requests there`, async () => {
			sandbox.faults.inject({ kind: 'redirect', status, location: `${foreign.url}/stolen`, count: 1, route: '/workspaces/v1/workspaces' });
			const verdict = await pressTest(sandboxCredentialData(SEED.clients.standard, sandbox.url));
			expect(verdict.status).toBe('Error');
			expect(verdict.message).toContain(`redirect (HTTP ${status})`);
			expect(foreign.requests).toHaveLength(0);
		});
	}

	tally.probe('the issuer answers 307 towards a foreign listener: the client secret does not follow', async () => {
		sandbox.faults.inject({ kind: 'redirect', status: 307, location: `${foreign.url}/token`, count: 1, route: '/token' });
		const verdict = await pressTest(sandboxCredentialData(SEED.clients.standard, sandbox.url));
		expect(verdict.status).toBe('Error');
		expect(foreign.requests).toHaveLength(0);
	});

	tally.probe('a Custom Base URL with user info naming GreenLake in front of the foreign host', async () => {
		const verdict = await pressTest(
			sandboxCredentialData(SEED.clients.standard, `http://global.api.greenlake.hpe.com@127.0.0.1:${foreign.port}`),
		);
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain('customBaseUrl');
		expect(foreign.requests).toHaveLength(0);
	});
});
