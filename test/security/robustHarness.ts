// Shared set-up of the robustness probes in test/security (pagination, timeouts, responses, scrubbing, lifetimes,
// per-item credentials, trigger, device update): the BUILT package in real in-process workflows (n8n-core
// WorkflowExecute) against the GreenLake sandbox, whose hostile fault modes play the misbehaving server.
// Run `npm run build` first.
import { createCredentialStore, loadPackage, runWorkflow } from '../support/workflowRunner';
import type { CredentialStore, LoadedPackage, RunResult } from '../support/workflowRunner';

import { resolve } from 'node:path';

import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { SEED, startSandbox } from '../sandbox';
import type { Sandbox, SandboxOptions, SeedClient } from '../sandbox';
import { inputItems, packageNode, sandboxCredentialData } from '../support/greenlakeFixtures';

export const REPO = process.env.GLPKG ?? resolve(__dirname, '../..');
export const NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLake';
export const GENERATOR_NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLakeToken';
export const TRIGGER_NODE_TYPE = 'n8n-nodes-hpe-greenlake.hpeGreenLakeTrigger';
export const NODE_NAME = 'HPE GreenLake';
export const CRED = { id: 'cred-robust', name: 'GreenLake' };

export { SEED, inputItems };

/** Printed for the report (jest does not buffer direct stdout writes). */
export const figure = (text: string) => process.stdout.write(`[figures] ${text}\n`);

/**
 * Counts hostile inputs per file: `tried` when a probe starts, `held` when every assertion of it passed. The totals
 * are printed after the file; a probe that fails also fails its test, so held < tried never goes unnoticed.
 */
export function hostileTally(file: string) {
	let tried = 0;
	let held = 0;
	afterAll(() => figure(`hostile inputs ${file}: ${tried} tried, ${held} held`));
	return async function probe<T>(body: () => Promise<T>): Promise<T> {
		tried += 1;
		const value = await body();
		held += 1;
		return value;
	};
}

export interface Robust {
	sandbox: Sandbox;
	pkg: LoadedPackage;
	store: CredentialStore;
	/** A node of the package (default: the HPE GreenLake node) using CRED. */
	node(parameters: INodeParameters, extra?: { name?: string; type?: string } & Partial<INode>): INode;
	run(node: INode, items?: INodeExecutionData[]): Promise<RunResult>;
	/** The package's process-wide token engine and pacer (as loaded from dist). */
	reset(): void;
	routeCount(route: string, status: string): number;
	/** Everything every run output or failed with, for the secret scan. */
	transcripts: string[];
}

/** Starts a sandbox and a credential store holding CRED for `client` (default: Contoso's standard client). */
export async function startRobust(options: SandboxOptions = {}, client: SeedClient = SEED.clients.standard, extra: IDataObject = {}): Promise<Robust> {
	const sandbox = await startSandbox({ rateLimits: false, ...options });
	const pkg = await loadPackage(REPO);
	const { tokenEngine } = (await import(resolve(REPO, 'dist/nodes/shared/auth/tokenEngine'))) as { tokenEngine: { clear(): void } };
	const { sharedPacer } = (await import(resolve(REPO, 'dist/nodes/shared/http/rateLimit'))) as { sharedPacer: { clear(): void } };
	const store = createCredentialStore([{ ...CRED, type: 'hpeGreenLakeApi', data: sandboxCredentialData(client, sandbox.url, extra) }]);
	const transcripts: string[] = [];
	const robust: Robust = {
		sandbox,
		pkg,
		store,
		transcripts,
		node: (parameters, more = {}) => {
			const { name = NODE_NAME, type = NODE_TYPE, ...rest } = more;
			return packageNode({ id: `node-${name}`, name, type }, CRED, parameters, rest);
		},
		async run(node, items = [{ json: {} }]) {
			const result = await runWorkflow({ pkg, credentials: store, nodes: [node], connections: {}, inputItems: items });
			transcripts.push(JSON.stringify(result.runData), JSON.stringify(result.error ?? null));
			const error = result.nodeError(node.name);
			if (error) transcripts.push(`${error.message}\n${String(error.description ?? '')}`);
			return result;
		},
		reset() {
			tokenEngine.clear();
			sharedPacer.clear();
			sandbox.faults.clear();
			sandbox.resetCounters();
		},
		routeCount: (route, status) => sandbox.counters().requests.byRoute[route]?.[status] ?? 0,
	};
	return robust;
}

/** The node's failure: the workflow-level error message and description, or '' when it succeeded. */
export function failureText(result: RunResult, name = NODE_NAME): string {
	const error = result.nodeError(name);
	return error ? `${error.message}\n${String(error.description ?? '')}` : '';
}

/** A module of the BUILT package (dist/…), the same instance the loaded nodes use. */
export async function distModule<T>(path: string): Promise<T> {
	return (await import(resolve(REPO, 'dist', path))) as T;
}

/** A valid parsed credential (ClientConfig) for unit probes that never reach the network. */
export const UNIT_CONFIG = {
	clientId: 'client-a',
	clientSecret: 'secret-secret-secret',
	workspaceId: '0123456789abcdef0123456789abcdef',
	issuer: 'workspace',
	tokenUrl: 'https://global.api.greenlake.hpe.com/authorization/v2/oauth2/0123456789abcdef0123456789abcdef/token',
	baseUrl: 'https://global.api.greenlake.hpe.com',
	clientAuthentication: 'body',
	extraAllowedHosts: [] as string[],
};
