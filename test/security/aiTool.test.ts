// AI agent tools (item 14): a token must never flow into a model, and a GreenLake tool is read-only unless the user
// turns that off. n8n derives a tool from a node by appending "Tool" to its type and description name
// (n8n/dist/node-types.js getByNameAndVersion → convertNodeToAiTool); the package relies on exactly that suffix
// (runsAsAiTool, the "@tool" display option), so the tool variants here are built the same way and run in-process
// (n8n-core WorkflowExecute, the BUILT package). Run `npm run build` first.
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
import { HostileTally } from './support';

import { resolve } from 'node:path';
import type { INode, INodeParameters, INodeType, INodeTypeDescription, INodeTypes, UsableAsToolDescription } from 'n8n-workflow';

const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const PKG = 'n8n-nodes-hpe-greenlake';
const CRED = { id: 'cred-tool', name: 'GreenLake' };
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
const tally = new HostileTally('AI agent tools');

/** The tool variant n8n builds: same node, type and description name + "Tool", usableAsTool replacements applied. */
function toolVariant(base: INodeType): INodeType {
	const usable = base.description.usableAsTool;
	const replacements = typeof usable === 'object' ? (usable as UsableAsToolDescription).replacements : {};
	const description = Object.create(base.description, {
		...Object.fromEntries(Object.entries(replacements ?? {}).map(([key, value]) => [key, { value }])),
		name: { value: `${base.description.name}Tool` },
	}) as INodeTypeDescription;
	return Object.create(base, { description: { value: description } }) as INodeType;
}

function withToolVariants(pkg: LoadedPackage): LoadedPackage {
	const tools = new Map<string, INodeType>();
	const resolveType = (type: string, version?: number): INodeType => {
		if (!type.endsWith('Tool')) return pkg.nodeTypes.getByNameAndVersion(type, version);
		let tool = tools.get(type);
		if (!tool) {
			tool = toolVariant(pkg.nodeTypes.getByNameAndVersion(type.replace(/Tool$/, ''), version));
			tools.set(type, tool);
		}
		return tool;
	};
	const nodeTypes: INodeTypes = {
		getByName: (type) => resolveType(type),
		getByNameAndVersion: (type, version) => resolveType(type, version),
		getKnownTypes: () => pkg.nodeTypes.getKnownTypes(),
	};
	return { ...pkg, nodeTypes };
}

describe('AI agent tools', () => {
	let sandbox: Sandbox;
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let tokenEngine: { clear(): void };
	const transcripts: string[] = [];

	const node = (type: string, name: string, parameters: INodeParameters): INode =>
		packageNode({ id: name, name, type: `${PKG}.${type}` }, CRED, parameters);

	async function run(workflowNode: INode): Promise<RunResult> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [workflowNode], connections: {} });
		const error = result.nodeError(workflowNode.name) ?? result.error;
		// The regular Token node's own output holds the token by design; everything else is checked for tokens.
		if (workflowNode.name !== 'Token') transcripts.push(JSON.stringify(result.runData[workflowNode.name] ?? null), `${error?.message ?? ''}\n${String(error?.description ?? '')}`);
		return result;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 5, devices: 5, users: 5, subscriptions: 5 } });
		pkg = withToolVariants(await loadPackage(REPO));
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
	});

	afterAll(async () => {
		tally.report();
		await sandbox?.close();
	});

	beforeEach(() => {
		tokenEngine.clear();
		sandbox.resetCounters();
		store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data: sandboxCredentialData(SEED.clients.standard, sandbox.url) }]);
	});

	describe('HPE GreenLake Token as a tool', () => {
		it('its tool variant is hidden from the node picker (usableAsTool replacements)', () => {
			const { description } = pkg.nodeTypes.getByNameAndVersion(`${PKG}.hpeGreenLakeToken`);
			const usable = description.usableAsTool as UsableAsToolDescription;
			expect(typeof usable).toBe('object');
			expect(usable.replacements?.hidden).toBe(true);
			expect(usable.replacements?.description).toMatch(/never the token/);
		});

		tally.probe('Generate Token run as a tool (e.g. imported workflow JSON): refused, nothing minted, no token in the output', async () => {
			const result = await run(node('hpeGreenLakeTokenTool', 'Token Tool', { operation: 'generateToken' }));
			expect(result.status).toBe('error');
			expect(result.nodeError('Token Tool')?.message).toBe('Generate Token is not available to AI agents');
			expect(sandbox.counters().mints.total).toBe(0);
			expect(JSON.stringify(result.runData)).not.toMatch(JWT);
		});

		tally.probe('Generate Token as a tool with a token already cached: still refused, no token out', async () => {
			expect((await run(node('hpeGreenLakeToken', 'Token', { operation: 'generateToken' }))).status).toBe('success');
			const result = await run(node('hpeGreenLakeTokenTool', 'Token Tool', { operation: 'generateToken' }));
			expect(result.status).toBe('error');
			expect(JSON.stringify(result.runData['Token Tool'])).not.toMatch(JWT);
		});

		it('Inspect Cached Token works as a tool and carries no token', async () => {
			expect((await run(node('hpeGreenLakeToken', 'Token', { operation: 'generateToken' }))).status).toBe('success');
			const result = await run(node('hpeGreenLakeTokenTool', 'Token Tool', { operation: 'inspectCachedToken' }));
			expect(result.status).toBe('success');
			const [json] = result.output('Token Tool');
			expect(json.workspace_id).toBe(SEED.workspaces.standard.id);
			expect(JSON.stringify(json)).not.toMatch(JWT);
			expect(json.access_token).toBeUndefined();
		});
	});

	describe('HPE GreenLake as a tool', () => {
		const deviceUpdate = {
			resource: 'device',
			operation: 'update',
			deviceIds: SEED.workspaces.standard.id,
			patch: '{"application":{"id":null}}',
		};

		tally.probe('Read Only (default): Device Update is refused before anything is sent', async () => {
			const result = await run(node('hpeGreenLakeTool', 'GreenLake Tool', deviceUpdate));
			expect(result.status).toBe('error');
			expect(result.nodeError('GreenLake Tool')?.message).toBe('Device Update is not allowed: this HPE GreenLake tool is read-only');
			expect(sandbox.counters().requests.total).toBe(0);
		});

		for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
			tally.probe(`Read Only (default): API Request ${method} is refused before anything is sent`, async () => {
				const result = await run(node('hpeGreenLakeTool', 'GreenLake Tool', { resource: 'apiRequest', operation: 'send', method, path: '/devices/v1/devices', body: '{}' }));
				expect(result.status).toBe('error');
				expect(result.nodeError('GreenLake Tool')?.message).toContain(`API Request with method ${method} is not allowed`);
				expect(sandbox.counters().requests.total).toBe(0);
			});
		}

		for (const [resource, operation, shown] of [
			['webhook', 'register', 'Webhook Register'],
			['webhook', 'update', 'Webhook Update'],
			['webhook', 'delete', 'Webhook Delete'],
			['webhook', 'verify', 'Webhook Verify'],
			['webhook', 'retryDelivery', 'Webhook Retry Delivery'],
			['eventSubscription', 'create', 'Event Subscription Create'],
			['eventSubscription', 'update', 'Event Subscription Update'],
			['eventSubscription', 'delete', 'Event Subscription Delete'],
		]) {
			tally.probe(`Read Only (default): ${shown} is refused before anything is sent`, async () => {
				// every required field filled, so only the read-only rule can stop it
				const fields = { webhookId: 'w1', subscriptionId: 's1', subscriptionIds: 's1', failureId: 'f1', secret: 'a-secret-of-at-least-32-characters!!', name: 'n', destination: 'https://example.com/hook' };
				const result = await run(node('hpeGreenLakeTool', 'GreenLake Tool', { resource, operation, ...fields }));
				expect(result.status).toBe('error');
				expect(result.nodeError('GreenLake Tool')?.message).toBe(`${shown} is not allowed: this HPE GreenLake tool is read-only`);
				expect(sandbox.counters().requests.total).toBe(0);
			});
		}

		it('Read Only (default): webhook reads are allowed', async () => {
			const result = await run(node('hpeGreenLakeTool', 'GreenLake Tool', { resource: 'webhook', operation: 'getMany', returnAll: true }));
			expect(result.status).toBe('success');
			expect(sandbox.counters().requests.byRoute['GET /events/v1beta1/webhooks']).toBeDefined();
		});

		it('Read Only: GET requests work, and the output holds no token', async () => {
			const result = await run(node('hpeGreenLakeTool', 'GreenLake Tool', { resource: 'device', operation: 'getMany', returnAll: true }));
			expect(result.status).toBe('success');
			expect(result.output('GreenLake Tool').length).toBeGreaterThan(0);
			expect(JSON.stringify(result.runData)).not.toMatch(JWT);
		});

		it('Read Only turned off: a write is sent', async () => {
			const result = await run(node('hpeGreenLakeTool', 'GreenLake Tool', { resource: 'apiRequest', operation: 'send', method: 'POST', path: '/devices/v1/devices', body: '{}', toolReadOnly: false }));
			expect(result.nodeError('GreenLake Tool')?.message ?? '').not.toContain('read-only');
			expect(sandbox.counters().requests.byRoute['POST /devices/v1/devices']).toBeDefined();
		});

		it('the regular node (not a tool) is not limited', async () => {
			const result = await run(node('hpeGreenLake', 'GreenLake', { resource: 'apiRequest', operation: 'send', method: 'POST', path: '/devices/v1/devices', body: '{}' }));
			expect(result.nodeError('GreenLake')?.message ?? '').not.toContain('read-only');
			expect(sandbox.counters().requests.byRoute['POST /devices/v1/devices']).toBeDefined();
		});

		it('the tool description tells the agent what it reads and that it is read-only', () => {
			const usable = pkg.nodeTypes.getByNameAndVersion(`${PKG}.hpeGreenLake`).description.usableAsTool as UsableAsToolDescription;
			expect(usable.replacements?.description).toMatch(/audit logs, devices, subscriptions, users, workspaces/);
			expect(usable.replacements?.description).toMatch(/Read-only/);
		});
	});

	afterAll(() => {
		const all = transcripts.join('\n');
		expect(all).not.toMatch(JWT);
		for (const client of Object.values(SEED.clients)) expect(all.includes(client.clientSecret)).toBe(false);
	});
});
