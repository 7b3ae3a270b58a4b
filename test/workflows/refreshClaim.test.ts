// Refresh claims through n8n's real credential path (n8n-core httpRequestWithAuthentication + a credentials helper
// mirroring the CLI's preAuthentication/updateCredentials), in-process workflows of the BUILT package against the
// sandbox. The token in the store is placed past the refresh point (60 s left of a 15-minute token: inside the 90-s
// margin, above the 9-s floor), as a queue-mode worker would find it. Run `npm run build` first.
import { resolve } from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import { SEED, startSandbox, type Sandbox } from '../sandbox';
import { inputItems, packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';
import { createCredentialStore, loadPackage, runWorkflow, type CredentialStore, type LoadedPackage } from '../support/workflowRunner';

const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const NODE_NAME = 'HPE GreenLake';
const CRED = { id: 'cred-refresh-claim', name: 'GreenLake' };

interface Engine {
	clear(): void;
	processId: string;
}

describe('refresh claims in workflows of the HPE GreenLake node', () => {
	let sandbox: Sandbox;
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let tokenEngine: Engine;

	const workspaceGet: INode = packageNode(
		{ id: 'greenlake-node', name: NODE_NAME, type: 'n8n-nodes-hpe-greenlake.hpeGreenLake' },
		CRED,
		{ resource: 'workspace', operation: 'get' },
	);

	async function run(): Promise<void> {
		const result = await runWorkflow({ pkg, credentials: store, nodes: [workspaceGet], connections: {}, inputItems: inputItems(1) });
		expect(result.status).toBe('success');
		expect(result.output(NODE_NAME)[0].workspaceName).toBe(SEED.workspaces.standard.name);
	}

	/** A real token minted and stored by a first run, then aged to 60 s before its (recorded) expiry, in a new process. */
	async function storedTokenPastRefreshPoint(extra: IDataObject = {}): Promise<string> {
		store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data: sandboxCredentialData(SEED.clients.standard, sandbox.url) }]);
		tokenEngine.clear();
		await run();
		const token = String(store.getData(CRED.id).accessToken);
		store.patch(CRED.id, { accessTokenExpiresAt: Date.now() + 60_000, ...extra } as IDataObject as never);
		tokenEngine.clear();
		sandbox.resetCounters();
		return token;
	}

	const writes = () => store.writes.map((w) => ({ accessToken: w.data.accessToken, refreshBy: w.data.accessTokenRefreshBy }));

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimits: false, sizes: { auditLogs: 5, devices: 5, users: 5, subscriptions: 5 } });
		pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: Engine });
	});

	afterAll(async () => {
		await sandbox?.close();
	});

	it('past the refresh point with no claim: the claim is stored, nothing is sent for it, then one mint is stored', async () => {
		const old = await storedTokenPastRefreshPoint();
		const before = store.writes.length;
		await run();
		const counters = sandbox.counters();
		expect(counters.mints.total).toBe(1);
		// only the workflow's own request reached the API: the claim's carrier request was never sent
		expect(counters.requests.byRoute['GET /workspaces/v1/workspaces/{id}']).toEqual({ '200': 1 });
		expect(Object.keys(counters.requests.byRoute).filter((route) => !/token/i.test(route))).toEqual(['GET /workspaces/v1/workspaces/{id}']);
		const [claim, minted, ...rest] = writes().slice(before);
		expect(claim).toEqual({ accessToken: old, refreshBy: tokenEngine.processId });
		expect(minted.accessToken).not.toBe(old);
		expect(minted.refreshBy).toBe('');
		expect(rest).toEqual([]);
	});

	it("past the refresh point with another process's claim stored: the stored token is sent, no mint, no write", async () => {
		const old = await storedTokenPastRefreshPoint({ accessTokenRefreshBy: 'another-process' });
		const before = store.writes.length;
		await run();
		expect(sandbox.counters().mints.total).toBe(0);
		expect(store.writes.length).toBe(before);
		expect(store.getData(CRED.id).accessToken).toBe(old);
	});
});
