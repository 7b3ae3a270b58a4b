// Finding 2 (High): credential fields that resolve per item (expressions) must give every item its own workspace.
// Before the fix the HPE GreenLake node opened its session once, from item 0's credential, so item 1 got item 0's
// workspace. 2 workspaces × 10 items, interleaved, checked against the sandbox's own data.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { createCredentialStore, runWorkflow } from '../support/workflowRunner';
import type { RunResult } from '../support/workflowRunner';

import { SEED, GENERATOR_NODE_TYPE, figure, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';
import { packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';

const PER_ITEM_CRED = { id: 'cred-per-item', name: 'Per-item GreenLake' };
const CLIENTS = [SEED.clients.standard, SEED.clients.msp];
const NAMES: Record<string, string> = {
	[SEED.workspaces.standard.id]: SEED.workspaces.standard.name,
	[SEED.workspaces.msp.id]: SEED.workspaces.msp.name,
};
const compact = (id: unknown) => String(id).replace(/-/g, '').toLowerCase();

describe('per-item credentials: every item in its own workspace (finding 2)', () => {
	let robust: Robust;
	const probe = hostileTally('perItemCredentials');
	/** 20 items alternating between the two workspaces: the credential's fields come from each item. */
	const items: INodeExecutionData[] = Array.from({ length: 20 }, (_, i) => {
		const client = CLIENTS[i % 2];
		return { json: { clientId: client.clientId, clientSecret: client.clientSecret, workspaceId: client.workspaceId, n: i } };
	});
	/** What the sandbox holds for each workspace, read with a plain (non-expression) credential per workspace. */
	const devicesOf: Record<string, Set<string>> = {};

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: 30, auditLogs: 30, users: 5, subscriptions: 5, locations: 5 } });
		robust.store = createCredentialStore([
			{
				...PER_ITEM_CRED,
				type: 'hpeGreenLakeApi',
				data: {
					clientId: '={{ $json.clientId }}',
					clientSecret: '={{ $json.clientSecret }}',
					workspaceId: '={{ $json.workspaceId }}',
					issuer: 'workspace',
					baseUrl: 'custom',
					customBaseUrl: robust.sandbox.url,
					clientAuthentication: 'body',
				},
			},
			...CLIENTS.map((client) => ({
				id: `plain-${client.workspaceId}`,
				name: client.name,
				type: 'hpeGreenLakeApi',
				data: sandboxCredentialData(client, robust.sandbox.url),
			})),
		]);
		for (const client of CLIENTS) {
			const node = packageNode(
				{ id: 'plain', name: 'Plain', type: 'n8n-nodes-hpe-greenlake.hpeGreenLake' },
				{ id: `plain-${client.workspaceId}`, name: client.name },
				{ resource: 'device', operation: 'getMany', returnAll: true },
			);
			const result = await runWorkflow({ pkg: robust.pkg, credentials: robust.store, nodes: [node], connections: {} });
			devicesOf[client.workspaceId] = new Set(result.output('Plain').map((json) => String(json.id)));
			expect(devicesOf[client.workspaceId].size).toBe(30);
		}
		// The two workspaces' data must differ, or the check below could not tell them apart.
		const [a, b] = CLIENTS.map((client) => devicesOf[client.workspaceId]);
		expect([...a].some((id) => b.has(id))).toBe(false);
	});

	afterAll(async () => {
		await robust?.sandbox.close();
	});

	beforeEach(() => robust.reset());

	async function runPerItem(parameters: IDataObject, type = 'n8n-nodes-hpe-greenlake.hpeGreenLake'): Promise<RunResult> {
		const node = packageNode({ id: 'per-item', name: 'Per Item', type }, PER_ITEM_CRED, parameters as never);
		const result = await runWorkflow({ pkg: robust.pkg, credentials: robust.store, nodes: [node], connections: {}, inputItems: items });
		robust.transcripts.push(JSON.stringify(result.runData));
		return result;
	}

	it('Workspace → Get: each of 20 items (2 workspaces × 10, interleaved) outputs its own workspace', async () => {
		await probe(async () => {
			const result = await runPerItem({ resource: 'workspace', operation: 'get' });
			expect(result.nodeError('Per Item')).toBeUndefined();
			const out = result.items('Per Item');
			expect(out).toHaveLength(20);
			const wrong = out.filter((item, i) => {
				const wanted = CLIENTS[i % 2].workspaceId;
				return compact(item.json.id) !== wanted || item.json.workspaceName !== NAMES[wanted] || (item.pairedItem as { item: number }).item !== i;
			});
			expect(wrong).toEqual([]);
			// One mint per workspace, not per item.
			expect(robust.sandbox.counters().mints.byWorkspace).toEqual({ [CLIENTS[0].workspaceId]: 1, [CLIENTS[1].workspaceId]: 1 });
			figure(`per-item workspaces (in-process): ${out.length - wrong.length}/20 items from their own workspace, mints=${robust.sandbox.counters().mints.total}`);
		});
	});

	it('Device → Get Many (limit 3): each item\'s devices are devices of its own workspace in the sandbox', async () => {
		await probe(async () => {
			const result = await runPerItem({ resource: 'device', operation: 'getMany', returnAll: false, limit: 3 });
			expect(result.nodeError('Per Item')).toBeUndefined();
			const out = result.items('Per Item');
			expect(out).toHaveLength(60);
			const misplaced = out.filter((item) => {
				const input = (item.pairedItem as { item: number }).item;
				return !devicesOf[CLIENTS[input % 2].workspaceId].has(String(item.json.id));
			});
			expect(misplaced).toEqual([]);
		});
	});

	it('Token node, one token per item: each token is for the item\'s own workspace (it already resolved per item)', async () => {
		await probe(async () => {
			const result = await runPerItem({ operation: 'generateToken', options: { output: 'perItem' } }, GENERATOR_NODE_TYPE);
			expect(result.nodeError('Per Item')).toBeUndefined();
			const out = result.output('Per Item');
			expect(out.map((json) => json.workspace_id)).toEqual(items.map((item) => item.json.workspaceId));
			// The token itself carries the workspace (sandbox JWT claim): not only the facts around it.
			const claims = out.map((json) => JSON.parse(Buffer.from(String(json.access_token).split('.')[1], 'base64url').toString('utf8')) as IDataObject);
			expect(claims.map((claim) => claim.hpe_workspace_id)).toEqual(items.map((item) => item.json.workspaceId));
		});
	});
});
