/**
 * n8n's REST and public API on a started instance: owner setup, cookie login and an API key (recipe:
 * shared/n8n-headless.md §7). Used to read executions the way the editor and API show them (after n8n's redaction)
 * and to press the credential's Test button programmatically.
 */
import { httpJson } from './n8n';

export interface OwnerSession {
	baseUrl: string;
	cookie: string;
	apiKey: string;
}

const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'TestPassw0rd!' };

function authCookie(setCookie: string | string[] | undefined): string {
	const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
	const auth = cookies.map((cookie) => cookie.split(';')[0]).find((cookie) => cookie.startsWith('n8n-auth='));
	if (!auth) throw new Error('n8n answered the login without an n8n-auth cookie');
	return auth;
}

/** Sets the owner up (or, when an earlier call in this user folder did, just logs in) and makes an API key. */
export async function ownerSession(baseUrl: string): Promise<OwnerSession> {
	const setup = await httpJson('POST', `${baseUrl}/rest/owner/setup`, OWNER);
	if (setup.status >= 300 && !/already setup/i.test(setup.text)) {
		throw new Error(`owner setup failed: HTTP ${setup.status} ${setup.text.slice(0, 300)}`);
	}
	const login = await httpJson('POST', `${baseUrl}/rest/login`, { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	if (login.status >= 300) throw new Error(`login failed: HTTP ${login.status} ${login.text.slice(0, 300)}`);
	const cookie = authCookie(login.headers['set-cookie']);
	const scopes = await httpJson('GET', `${baseUrl}/rest/api-keys/scopes`, undefined, { cookie });
	const created = await httpJson(
		'POST',
		`${baseUrl}/rest/api-keys`,
		{ label: `e2e-${Date.now()}`, scopes: (scopes.body as { data: string[] }).data, expiresAt: null },
		{ cookie },
	);
	if (created.status >= 300) throw new Error(`API key creation failed: HTTP ${created.status} ${created.text.slice(0, 300)}`);
	return { baseUrl, cookie, apiKey: (created.body as { data: { rawApiKey: string } }).data.rawApiKey };
}

/** The newest execution of a workflow with its data, as n8n's public API serves it. */
export async function latestExecution(session: OwnerSession, workflowId: string): Promise<Record<string, unknown>> {
	const response = await httpJson(
		'GET',
		`${session.baseUrl}/api/v1/executions?workflowId=${workflowId}&includeData=true&limit=1`,
		undefined,
		{ 'X-N8N-API-KEY': session.apiKey },
	);
	if (response.status !== 200) throw new Error(`GET /api/v1/executions failed: HTTP ${response.status}`);
	const [execution] = (response.body as { data: Array<Record<string, unknown>> }).data;
	if (!execution) throw new Error(`no execution of workflow ${workflowId}`);
	return execution;
}

/** What the credential's Test button does: POST /rest/credentials/test. */
export async function testCredential(
	session: OwnerSession,
	credential: { id: string; name: string; type: string; data: Record<string, unknown> },
): Promise<{ status: string; message: string }> {
	const response = await httpJson('POST', `${session.baseUrl}/rest/credentials/test`, { credentials: credential }, { cookie: session.cookie });
	if (response.status !== 200) throw new Error(`POST /rest/credentials/test failed: HTTP ${response.status} ${response.text.slice(0, 300)}`);
	return (response.body as { data: { status: string; message: string } }).data;
}
