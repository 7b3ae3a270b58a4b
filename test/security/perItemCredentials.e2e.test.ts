/**
 * Finding 2 in a real n8n 2.x (the built package installed as a community package, `n8n execute`): one credential
 * whose Client ID, Client Secret and Workspace ID are expressions choosing one of two workspaces per item. 20 items
 * (2 workspaces × 10, interleaved) → every output item from its own workspace, checked against the sandbox's data.
 * The secrets live in the (encrypted) credential; items carry only the workspace index.
 */
import * as path from 'node:path';

import { SEED, startSandbox, type Sandbox, type SeedClient } from '../sandbox';
import { chain, greenLakeNode, itemsNode, manualTrigger } from '../e2e/greenlakeWorkflows';
import { cleanupHarness, N8nInstance, nodeOutput, packPackage } from '../e2e/n8n';

const REPO = path.resolve(__dirname, '../..');
const CLIENTS: SeedClient[] = [SEED.clients.standard, SEED.clients.msp];
const NAMES = [SEED.workspaces.standard.name, SEED.workspaces.msp.name];
const CRED = { id: 'glPerItemCred001', name: 'Per-item workspace' };
const WF = { workspaces: 'glPerItemWsGet01', devices: 'glPerItemDevs001' };
const ITEMS = 20;
const pick = (field: keyof SeedClient) => `={{ ${JSON.stringify(CLIENTS.map((client) => client[field]))}[$json.ws] }}`;
const compact = (id: unknown) => String(id).replace(/-/g, '').toLowerCase();

let sandbox: Sandbox;
let n8n: N8nInstance;

/** The device ids the sandbox holds for a workspace, read straight from its API. */
async function sandboxDevices(client: SeedClient): Promise<Set<string>> {
	const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
	const minted = await fetch(`${sandbox.url}/authorization/v2/oauth2/${client.workspaceId}/token`, { method: 'POST', body: form });
	const { access_token: token } = (await minted.json()) as { access_token: string };
	const list = await fetch(`${sandbox.url}/devices/v1/devices?limit=2000`, { headers: { Authorization: `Bearer ${token}` } });
	const { items } = (await list.json()) as { items: Array<{ id: string }> };
	return new Set(items.map((item) => item.id));
}

beforeAll(async () => {
	sandbox = await startSandbox({ rateLimits: false, sizes: { devices: 30, auditLogs: 10, users: 5, subscriptions: 5, locations: 5 } });
	n8n = await N8nInstance.create({ packageTarball: await packPackage(REPO) });
	await n8n.importCredentials([
		{
			...CRED,
			type: 'hpeGreenLakeApi',
			data: {
				clientId: pick('clientId'),
				clientSecret: pick('clientSecret'),
				workspaceId: pick('workspaceId'),
				issuer: 'workspace',
				baseUrl: 'custom',
				customBaseUrl: sandbox.url,
				clientAuthentication: 'body',
			},
		},
	]);
	const items = () => itemsNode('Items', ITEMS, '{ ws: i % 2 }');
	await n8n.importWorkflow([
		chain(WF.workspaces, 'Per-item workspaces', [manualTrigger(), items(), greenLakeNode('GreenLake', CRED, { resource: 'workspace', operation: 'get' })]),
		chain(WF.devices, 'Per-item devices', [
			manualTrigger(),
			items(),
			greenLakeNode('GreenLake', CRED, { resource: 'device', operation: 'getMany', returnAll: false, limit: 2 }),
		]),
	]);
}, 30 * 60_000);

afterAll(async () => {
	try {
		await n8n?.dispose();
		await sandbox?.close();
	} finally {
		cleanupHarness();
	}
});

beforeEach(() => sandbox.resetCounters());

describe('per-item credentials in a real n8n (finding 2)', () => {
	it('Workspace → Get over 20 items (2 workspaces × 10): every item gets its own workspace; one mint per workspace', async () => {
		const result = await n8n.execute(WF.workspaces);
		expect(result.status).toBe('success');
		const out = nodeOutput(result, 'GreenLake');
		expect(out).toHaveLength(ITEMS);
		const own = out.filter((json, i) => compact(json.id) === CLIENTS[i % 2].workspaceId && json.workspaceName === NAMES[i % 2]);
		expect(own).toHaveLength(ITEMS);
		const mints = sandbox.counters().mints.byWorkspace;
		expect(mints).toEqual({ [CLIENTS[0].workspaceId]: 1, [CLIENTS[1].workspaceId]: 1 });
		process.stdout.write(`[figures] real n8n per-item workspaces: ${own.length}/${ITEMS} items from their own workspace, mints ${JSON.stringify(Object.values(mints))}\n`);
	});

	it('Device → Get Many (limit 2) over the same 20 items: every device belongs to its item\'s workspace in the sandbox', async () => {
		const owned = await Promise.all(CLIENTS.map(sandboxDevices));
		expect([...owned[0]].some((id) => owned[1].has(id))).toBe(false);
		const result = await n8n.execute(WF.devices);
		expect(result.status).toBe('success');
		const run = result.runData.GreenLake[0];
		const items = run.data?.main?.[0] ?? [];
		expect(items).toHaveLength(ITEMS * 2);
		const misplaced = items.filter((item) => {
			const input = (item.pairedItem as { item: number }).item;
			return !owned[input % 2].has(String(item.json.id));
		});
		expect(misplaced).toEqual([]);
		process.stdout.write(`[figures] real n8n per-item devices: ${items.length - misplaced.length}/${items.length} devices from their item's workspace\n`);
	});
});
