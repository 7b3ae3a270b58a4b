// The Tenant picker (methods.listSearch.searchTenants of the BUILT package, in a real n8n-core LoadOptionsContext)
// against a sandbox MSP with 1,000 tenants: a search finds a tenant on any page in the first request of the list,
// "load more" (paginationToken) goes on where the search stopped, and a whole id is one filtered request.
// Run `npm run build` first.
import { createCredentialStore, loadOptionsContext, loadPackage } from '../support/workflowRunner';
import { packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';
import { SEED, startSandbox, type Sandbox } from '../sandbox';

import { resolve } from 'node:path';

import type { LoadOptionsContext } from 'n8n-core';
import type { ILoadOptionsFunctions, INode, INodeListSearchResult, INodeType } from 'n8n-workflow';

const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLake';
const NODE_NAME = 'HPE GreenLake';
const CRED = { id: 'cred-msp', name: 'GreenLake MSP' };
const TENANTS = 1000;
const ROUTE = 'GET /workspaces/v1/msp-tenants';
const figure = (text: string) => process.stdout.write(`[figures] ${text}\n`);

type Search = (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) => Promise<INodeListSearchResult>;

describe('Tenant picker with 1,000 tenants (real LoadOptionsContext, built package)', () => {
	let sandbox: Sandbox;
	let context: LoadOptionsContext;
	let search: Search;
	let tokenEngine: { clear(): void };

	const requests = () => Object.values(sandbox.counters().requests.byRoute[ROUTE] ?? {}).reduce((sum, n) => sum + n, 0);
	const names = (result: INodeListSearchResult) => result.results.map((entry) => entry.name);

	/** Every page of a search, following paginationToken as the list's "load more" does. */
	async function allPages(filter: string): Promise<{ results: string[]; calls: number }> {
		const results: string[] = [];
		let token: string | undefined;
		let calls = 0;
		do {
			const page = await search.call(context, filter, token);
			calls += 1;
			results.push(...names(page));
			token = page.paginationToken as string | undefined;
		} while (token !== undefined && calls < 50);
		return { results, calls };
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ mspTenants: TENANTS, sizes: { auditLogs: 1, devices: 1, subscriptions: 1, users: 1, locations: 1 } });
		const pkg = await loadPackage(REPO);
		({ tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } });
		const store = createCredentialStore([
			{ ...CRED, type: 'hpeGreenLakeApi', data: sandboxCredentialData(SEED.clients.msp, sandbox.url) },
		]);
		const node: INode = packageNode({ id: 'picker', name: NODE_NAME, type: NODE_TYPE }, CRED, {
			resource: 'workspace',
			operation: 'get',
			workspaceScope: 'tenant',
			tenant: { __rl: true, mode: 'list', value: '' },
		});
		context = loadOptionsContext(pkg, store, node, 'parameters.tenant');
		search = (pkg.nodeTypes.getByName(NODE_TYPE) as INodeType).methods?.listSearch?.searchTenants as Search;
	});

	afterAll(() => sandbox?.close());

	beforeEach(() => {
		tokenEngine.clear();
		sandbox.resetCounters();
	});

	it('a name on the fourth page (Tenant 0950) is in the results of the first request of the list', async () => {
		const tenant = sandbox.tenants()[949];
		expect(tenant.name).toBe('Tenant 0950');
		const result = await search.call(context, 'tenant 0950');
		expect(names(result)).toEqual(['Tenant 0950']);
		expect(String(result.results[0].value).replace(/-/g, '')).toBe(tenant.id);
		expect(result.paginationToken).toBeUndefined();
		// four pages of 300 were read to get there, within this one call
		expect(requests()).toBe(4);
		figure(`tenant picker, 1,000 tenants: "tenant 0950" found in the first call (${requests()} msp-tenants requests)`);
	});

	it('a whole tenant id is one filtered request; part of an id is matched across all pages', async () => {
		const tenant = sandbox.tenants()[999];
		const byId = await search.call(context, tenant.id.toUpperCase());
		expect(names(byId)).toEqual(['Tenant 1000']);
		expect(requests()).toBe(1);
		sandbox.resetCounters();
		const byPart = await search.call(context, tenant.id.slice(4, 20));
		expect(names(byPart)).toEqual(['Tenant 1000']);
		expect(requests()).toBe(4);
	});

	it('a broad search stops at enough matches and "load more" returns every match exactly once', async () => {
		const first = await search.call(context, 'tenant 0');
		expect(first.results.length).toBe(297); // Tenant 0004 … 0300: the first page had enough
		expect(first.paginationToken).toBe('300');
		const { results, calls } = await allPages('tenant 0');
		expect(calls).toBe(4);
		expect(results).toHaveLength(996); // Tenant 0004 … Tenant 0999
		expect(new Set(results).size).toBe(996);
	});

	it('without search text: 300 tenants a call, all 1,000 once', async () => {
		const { results, calls } = await allPages('');
		expect(calls).toBe(4);
		expect(results).toHaveLength(TENANTS);
		expect(new Set(results).size).toBe(TENANTS);
	});

	it('no match anywhere: every page read once, an empty list, no "load more"', async () => {
		const result = await search.call(context, 'no such tenant');
		expect(result.results).toEqual([]);
		expect(result.paginationToken).toBeUndefined();
		expect(requests()).toBe(4);
	});
});
