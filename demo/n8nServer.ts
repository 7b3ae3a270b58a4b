/**
 * What the demo and the examples e2e test do with a started n8n (test/e2e/n8n.ts `start()`): create the owner account,
 * get a public-API key, make a published polling trigger poll again at once (deactivate + activate: n8n 2.41 polls at
 * activation, keeping the trigger's static data), and wait for the executions a poll starts.
 */
import { httpJson, type N8nInstance, type NodeRun } from '../test/e2e/n8n';

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** The demo's owner account (printed by `npm run demo -- --serve`; local loopback instance only). */
export const DEMO_OWNER: Owner = { email: 'demo@example.com', password: 'Demo-Owner-1', firstName: 'Demo', lastName: 'Owner' };

export interface OwnerSession {
	baseUrl: string;
	cookie: string;
	apiKey: string;
}

function authCookie(setCookie: string | string[] | undefined): string {
	const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
	const auth = cookies.map((cookie) => cookie.split(';')[0]).find((cookie) => cookie.startsWith('n8n-auth='));
	if (!auth) throw new Error('n8n answered the login without an n8n-auth cookie');
	return auth;
}

/** POST /rest/owner/setup, /rest/login, then an API key with every scope (n8n's editor REST API, as the UI does it). */
export async function setUpOwner(baseUrl: string, owner: Owner = DEMO_OWNER): Promise<OwnerSession> {
	const setup = await httpJson('POST', `${baseUrl}/rest/owner/setup`, owner);
	if (setup.status >= 300) throw new Error(`n8n owner setup failed: HTTP ${setup.status} ${setup.text.slice(0, 300)}`);
	const login = await httpJson('POST', `${baseUrl}/rest/login`, { emailOrLdapLoginId: owner.email, password: owner.password });
	if (login.status >= 300) throw new Error(`n8n login failed: HTTP ${login.status} ${login.text.slice(0, 300)}`);
	const cookie = authCookie(login.headers['set-cookie']);
	const scopes = await httpJson('GET', `${baseUrl}/rest/api-keys/scopes`, undefined, { cookie });
	const created = await httpJson(
		'POST',
		`${baseUrl}/rest/api-keys`,
		{ label: 'greenlake-demo', scopes: (scopes.body as { data: string[] }).data, expiresAt: null },
		{ cookie },
	);
	if (created.status >= 300) throw new Error(`n8n API key creation failed: HTTP ${created.status} ${created.text.slice(0, 300)}`);
	return { baseUrl, cookie, apiKey: (created.body as { data: { rawApiKey: string } }).data.rawApiKey };
}

/**
 * Deactivates and re-activates a published workflow through the public API. n8n runs a polling trigger once when it
 * activates it (then on its schedule), and keeps the workflow's static data, so this is "the next poll, now".
 */
export async function pollNow(session: OwnerSession, workflowId: string): Promise<void> {
	for (const action of ['deactivate', 'activate']) {
		const response = await httpJson('POST', `${session.baseUrl}/api/v1/workflows/${workflowId}/${action}`, undefined, {
			'X-N8N-API-KEY': session.apiKey,
		});
		if (response.status !== 200) {
			throw new Error(`POST /api/v1/workflows/${workflowId}/${action} failed: HTTP ${response.status} ${response.text.slice(0, 300)}`);
		}
	}
}

export interface ExecutionRow {
	id: string;
	status: string;
	mode: string;
}

const UNFINISHED = new Set(['new', 'running', 'waiting', 'unknown']);

/** The workflow's stored executions, oldest first. */
export async function executionsOf(n8n: N8nInstance, workflowId: string): Promise<ExecutionRow[]> {
	const rows = await n8n.sqlite('SELECT id, status, mode FROM execution_entity WHERE workflowId = ? ORDER BY id', [workflowId], {
		record: false,
	});
	return rows.map((row) => ({ id: String(row.id), status: String(row.status), mode: String(row.mode) }));
}

/**
 * Waits until the workflow has at least `count` executions and none is still running; returns them (oldest first).
 * With `count` not reached within `timeoutMs`, returns what there is (the caller decides whether that is an error).
 */
export async function waitForExecutions(
	n8n: N8nInstance,
	workflowId: string,
	count: number,
	timeoutMs: number,
): Promise<ExecutionRow[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = await executionsOf(n8n, workflowId);
		if (rows.length >= count && rows.every((row) => !UNFINISHED.has(row.status))) return rows;
		if (Date.now() > deadline) return rows;
		await new Promise((resolve) => setTimeout(resolve, 400));
	}
}

export interface WorkflowRun {
	status: string;
	runData: Record<string, NodeRun[]>;
	error?: { message: string; description?: string; node?: string };
}

/** `n8n execute` of a workflow (the harness reads its whole output from a file, however large). */
export async function executeWorkflow(n8n: N8nInstance, workflowId: string, timeoutMs = 300_000): Promise<WorkflowRun> {
	const result = await n8n.execute(workflowId, { timeoutMs });
	return { status: result.status, runData: result.runData, error: result.error };
}
