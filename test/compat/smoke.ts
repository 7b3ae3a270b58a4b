/**
 * The real-n8n smoke of one n8n version: the built package installed the way that version's Community Nodes
 * installer does it, then, against the GreenLake sandbox over loopback:
 *   request node · Token → HTTP Request · HTTP Request node with the credential   (`n8n execute`, server stopped)
 *   load of all nodes and the credential · credential Test · tenant list · one poll of the trigger   (`n8n start`)
 * Each step passes or fails on its own (a failure does not stop the next step), with the sandbox's mint count.
 * Results are read from what n8n stored (the execution in its database), the same way on 1.x and 2.x: 1.x prints
 * no JSON log lines for the harness's `execute` parser.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { sandboxToken, sandboxTotal } from '../../demo/sandboxQueries';
import {
	chain,
	greenLakeNode,
	httpNodeWithCredentialWorkflow,
	manualTrigger,
	summaryNode,
	tokenToHttpWorkflow,
	PACKAGE,
	type CredentialRef,
} from '../e2e/greenlakeWorkflows';
import { httpJson, N8nInstance, nodeOutput, runCommand, type N8nRuntime, type NodeRun } from '../e2e/n8n';
import { testCredential } from '../e2e/rest';
import { SEED, type Sandbox, type SeedClient } from '../sandbox';
import { sandboxCredentialData } from '../support/greenlakeFixtures';
import type { CompatTarget } from './versions';

export const STEPS = [
	['install', 'install'],
	['load', 'load all nodes + credential'],
	['request', 'request node'],
	['tokenToHttp', 'Token → HTTP Request'],
	['httpCredential', 'HTTP Request + credential'],
	['credentialTest', 'credential Test'],
	['tenantList', 'tenant list'],
	['triggerPoll', 'trigger poll'],
] as const;
export type StepId = (typeof STEPS)[number][0];

export interface StepResult {
	ok: boolean;
	detail: string;
	mints: number;
	ms: number;
}

export interface VersionResult {
	target: CompatTarget;
	nodeVersion: string;
	steps: Partial<Record<StepId, StepResult>>;
	/** What the stored execution holds in the Token node's access_token (n8n's sensitiveOutputFields redaction). */
	tokenInSavedExecution: string;
	/** Wall-clock time of the smoke (runtime install excluded). */
	ms: number;
}

const DEVICES = 2500;
const WF = {
	request: 'compatRequest001',
	generate: 'compatGenerate01',
	httpCredential: 'compatHttpCred01',
	trigger: 'compatTrigger001',
};

function credential(id: string, name: string, client: SeedClient, sandbox: Sandbox) {
	return { id, name, type: 'hpeGreenLakeApi', data: sandboxCredentialData(client, sandbox.url) };
}
const ref = (cred: { id: string; name: string }): CredentialRef => ({ id: cred.id, name: cred.name });

function requestsTo(sandbox: Sandbox, route: string): number {
	return Object.values(sandbox.counters().requests.byRoute[route] ?? {}).reduce((sum, n) => sum + n, 0);
}

function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

/** The newest stored execution of a workflow: status and run data (n8n's flatted execution_data, parsed). */
async function latestStored(
	n8n: N8nInstance,
	workflowId: string,
): Promise<{ id: string; status: string; runData: Record<string, NodeRun[]>; error?: string } | undefined> {
	const [row] = await n8n.sqlite(
		`SELECT e.id, e.status, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id
		 WHERE e.workflowId = ? ORDER BY e.id DESC LIMIT 1`,
		[workflowId],
		{ flattedColumns: ['data'] },
	);
	if (!row) return undefined;
	const resultData = (row.data as { resultData?: { runData?: Record<string, NodeRun[]>; error?: { message?: string } } } | null)
		?.resultData;
	return { id: String(row.id), status: String(row.status), runData: resultData?.runData ?? {}, error: resultData?.error?.message };
}

/** `n8n execute --id`, then the execution n8n stored. */
async function executeStored(n8n: N8nInstance, workflowId: string) {
	const before = (await latestStored(n8n, workflowId))?.id;
	const command = await n8n.n8n(`execute ${workflowId}`, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		allowFailure: true,
		timeoutMs: 180_000,
	});
	const stored = await latestStored(n8n, workflowId);
	if (!stored || stored.id === before) {
		const output = `${command.stdout}\n${command.stderr}`.trim().split('\n').slice(-8).join(' | ');
		throw new Error(`n8n stored no execution (exit ${command.exitCode ?? command.signal}): ${output.slice(0, 600)}`);
	}
	assert(stored.status === 'success', `execution ${stored.status}: ${stored.error ?? 'no error message'}`);
	return stored;
}

async function waitForStored(n8n: N8nInstance, workflowId: string, timeoutMs: number) {
	const started = Date.now();
	for (;;) {
		const stored = await latestStored(n8n, workflowId);
		if (stored && !['new', 'running', 'waiting', 'unknown'].includes(stored.status)) return stored;
		if (Date.now() - started > timeoutMs) {
			throw new Error(`no finished execution within ${timeoutMs / 1000} s (latest: ${stored?.status ?? 'none'}); log: ${n8n.logTail(6)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** Owner setup and cookie login: the REST surface shared by 1.x and 2.x (API keys differ, so none is made). */
async function ownerCookie(baseUrl: string): Promise<string> {
	const owner = { email: 'owner@example.com', firstName: 'Compat', lastName: 'Owner', password: 'TestPassw0rd!' };
	const setup = await httpJson('POST', `${baseUrl}/rest/owner/setup`, owner);
	assert(setup.status < 300, `owner setup: HTTP ${setup.status} ${setup.text.slice(0, 200)}`);
	// n8n before 1.7x reads `email`, later versions `emailOrLdapLoginId` (the other key is ignored)
	const login = await httpJson('POST', `${baseUrl}/rest/login`, {
		email: owner.email,
		emailOrLdapLoginId: owner.email,
		password: owner.password,
	});
	assert(login.status < 300, `login: HTTP ${login.status} ${login.text.slice(0, 200)}`);
	const setCookie = login.headers['set-cookie'] ?? [];
	const cookie = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	assert(cookie, 'login answered without an n8n-auth cookie');
	return cookie;
}

/** Installs the tarball as n8n ≤ 1.88 does: `npm init -y` in ~/.n8n/nodes, then a plain `npm install`, with only
 * PATH (and HOME, for npm's own config) in the environment — nothing of ours, no --ignore-scripts. */
async function plainNpmInstall(n8n: N8nInstance, runtime: N8nRuntime, tarball: string): Promise<void> {
	const nodesDir = path.join(n8n.userFolder, '.n8n', 'nodes');
	await fs.mkdir(nodesDir, { recursive: true });
	const env = { PATH: `${runtime.nodeBin}${path.delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '' };
	await runCommand('npm init -y', 'npm', ['init', '-y'], { cwd: nodesDir, env });
	await runCommand('npm install <package>', 'npm', ['install', tarball], { cwd: nodesDir, env, timeoutMs: 600_000 });
}

async function installedPackages(n8n: N8nInstance): Promise<string[]> {
	const dir = path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules');
	const names: string[] = [];
	for (const entry of await fs.readdir(dir)) {
		if (entry.startsWith('.')) continue;
		if (entry.startsWith('@')) for (const scoped of await fs.readdir(path.join(dir, entry))) names.push(`${entry}/${scoped}`);
		else names.push(entry);
	}
	return names.sort();
}

export async function runSmoke(
	target: CompatTarget,
	runtime: N8nRuntime,
	sandbox: Sandbox,
	tarball: string,
	log: (line: string) => void,
): Promise<VersionResult> {
	const started = Date.now();
	const nodeVersion = (await runCommand('node --version', path.join(runtime.nodeBin, 'node'), ['--version'])).stdout.trim();
	const result: VersionResult = { target, nodeVersion, steps: {}, tokenInSavedExecution: 'not read', ms: 0 };
	const legacyEngine: Record<string, string> = target.nodeMajor < 22 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
	const n8n = await N8nInstance.create({
		runtime,
		env: legacyEngine,
		...(target.installer === 'extract' ? { packageTarball: tarball } : {}),
	});

	/** Runs one step; counts the sandbox's mints from the step's start, or (countFrom) from an earlier reset. */
	const step = async (id: StepId, run: () => Promise<string>, options: { countFrom?: number } = {}): Promise<void> => {
		if (options.countFrom === undefined) sandbox.resetCounters();
		const stepStarted = options.countFrom ?? Date.now();
		let outcome: StepResult;
		try {
			const detail = await run();
			outcome = { ok: true, detail, mints: sandbox.counters().mints.total, ms: Date.now() - stepStarted };
		} catch (error) {
			const message = (error as Error).message.split('\n').slice(0, 3).join(' ');
			outcome = { ok: false, detail: message, mints: sandbox.counters().mints.total, ms: Date.now() - stepStarted };
		}
		result.steps[id] = outcome;
		log(`  ${outcome.ok ? 'pass' : 'FAIL'} ${id} (${outcome.mints} mint(s), ${(outcome.ms / 1000).toFixed(1)} s): ${outcome.detail}`);
	};

	const creds = {
		request: credential('compatCredReq01', 'Request node', SEED.clients.msp, sandbox),
		token: credential('compatCredTok01', 'Token node', SEED.clients.standard, sandbox),
		http: credential('compatCredHttp1', 'HTTP Request node', SEED.clients.standard, sandbox),
		tenants: credential('compatCredTen01', 'Tenant list', SEED.clients.msp, sandbox),
		trigger: credential('compatCredTrg01', 'Trigger', SEED.clients.msp, sandbox),
		test: credential('compatCredTst01', 'Credential Test', SEED.clients.longSecret, sandbox),
	};

	try {
		await step('install', async () => {
			if (target.installer === 'npm-install') await plainNpmInstall(n8n, runtime, tarball);
			const installed = await installedPackages(n8n);
			assert(installed.includes(PACKAGE), `${PACKAGE} is not in ~/.n8n/nodes/node_modules`);
			assert(!installed.includes('n8n-workflow'), `the install pulled n8n-workflow into ~/.n8n/nodes (${installed.length} packages)`);
			return target.installer === 'npm-install'
				? `plain npm install: ${installed.length} package(s) in ~/.n8n/nodes/node_modules, no n8n-workflow`
				: `extracted, peers dropped: ${installed.join(', ')}`;
		});

		await n8n.importCredentials(Object.values(creds));
		await n8n.importWorkflow([
			chain(WF.request, 'Compat: request node', [
				manualTrigger(),
				greenLakeNode('GreenLake', ref(creds.request), { resource: 'device', operation: 'getMany', returnAll: true }),
				summaryNode(),
			]),
			tokenToHttpWorkflow(WF.generate, 'Compat: Token to HTTP Request', ref(creds.token), `${sandbox.url}/subscriptions/v1/subscriptions`),
			httpNodeWithCredentialWorkflow(WF.httpCredential, 'Compat: HTTP Request with the credential', ref(creds.http), `${sandbox.url}/identity/v1/users`),
			chain(WF.trigger, 'Compat: trigger', [
				{
					id: '00000000-0000-4000-8000-00000000c0de',
					name: 'Trigger',
					type: `${PACKAGE}.hpeGreenLakeTrigger`,
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						pollTimes: { item: [{ mode: 'everyHour' }] },
						event: 'newAuditLogEvent',
						workspaceScope: 'credential',
						apiVersion: 'v2beta1',
						startFrom: 'lookBack',
						lookBackHours: 24,
					},
					credentials: { hpeGreenLakeApi: ref(creds.trigger) },
				},
				summaryNode(),
			]),
		]);

		await step('request', async () => {
			const stored = await executeStored(n8n, WF.request);
			const [summary] = nodeOutput(stored, 'Summary');
			assert(summary?.count === DEVICES && summary?.uniqueIds === DEVICES, `Summary ${JSON.stringify(summary)}, expected ${DEVICES} devices`);
			const pages = requestsTo(sandbox, 'GET /devices/v1/devices');
			return `Device Get Many (Return All): ${DEVICES} devices in ${pages} requests`;
		});

		await step('tokenToHttp', async () => {
			const stored = await executeStored(n8n, WF.generate);
			const [token] = nodeOutput(stored, 'Token');
			assert(token?.workspace_id === SEED.workspaces.standard.id, `Token output workspace_id ${String(token?.workspace_id)}`);
			assert(nodeOutput(stored, 'HTTP Request').length > 0, 'HTTP Request output is empty');
			assert(requestsTo(sandbox, 'GET /subscriptions/v1/subscriptions') === 1, 'the HTTP Request node did not reach the API once');
			assert(sandbox.counters().api401 === 0, 'the API answered 401');
			const accessToken = token.access_token;
			result.tokenInSavedExecution =
				typeof accessToken === 'string' && /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(accessToken)
					? 'stored in clear (not redacted)'
					: `redacted or altered: ${JSON.stringify(accessToken)?.slice(0, 60)}`;
			return 'token → {{ $json.authorization_header }} → 1 API request, 0 401s';
		});

		await step('httpCredential', async () => {
			const stored = await executeStored(n8n, WF.httpCredential);
			assert(nodeOutput(stored, 'HTTP Request').length > 0, 'HTTP Request output is empty');
			assert(requestsTo(sandbox, 'GET /identity/v1/users') === 1, 'the API was not reached once');
			return 'predefined credential type hpeGreenLakeApi → 1 API request';
		});

		if (target.n8nVersion.startsWith('1.')) {
			await n8n.n8n('activate trigger workflow', ['update:workflow', `--id=${WF.trigger}`, '--active=true']);
		} else {
			await n8n.publishWorkflow(WF.trigger);
		}
		const expectedEvents = await sandboxTotal(sandbox.url, await sandboxToken(sandbox.url, SEED.clients.msp), '/audit-log/v2beta1/logs');
		sandbox.resetCounters();
		const triggerStarted = Date.now();
		const { baseUrl } = await n8n.start({ timeoutMs: 240_000 });
		try {
			// n8n polls once when it activates the workflow, during start; the mints counted since just before start
			await step(
				'triggerPoll',
				async () => {
					const stored = await waitForStored(n8n, WF.trigger, 120_000);
					assert(stored.status === 'success', `execution ${stored.status}: ${stored.error ?? ''}`);
					const [summary] = nodeOutput(stored, 'Summary');
					assert(
						summary?.count === expectedEvents && summary?.uniqueIds === expectedEvents,
						`Summary ${JSON.stringify(summary)}, expected ${expectedEvents} events`,
					);
					return `poll at activation: ${expectedEvents} audit events (24 h look-back), each once`;
				},
				{ countFrom: triggerStarted },
			);
			const cookie = await ownerCookie(baseUrl);

			await step('load', async () => {
				const nodes = await httpJson('GET', `${baseUrl}/types/nodes.json`, undefined, { cookie });
				const credentials = await httpJson('GET', `${baseUrl}/types/credentials.json`, undefined, { cookie });
				assert(nodes.status === 200 && credentials.status === 200, `/types: HTTP ${nodes.status} / ${credentials.status}`);
				const nodeNames = new Set((nodes.body as Array<{ name: string }>).map((node) => node.name));
				// every node package.json lists, by its description name (the file name with a lower-case first letter)
				const listed = (JSON.parse(await fs.readFile(path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE, 'package.json'), 'utf8')) as {
					n8n: { nodes: string[] };
				}).n8n.nodes.map((file) => path.basename(file, '.node.js'));
				const wanted = listed.map((name) => `${PACKAGE}.${name[0].toLowerCase()}${name.slice(1)}`);
				const missing = wanted.filter((name) => !nodeNames.has(name));
				assert(missing.length === 0, `not loaded: ${missing.join(', ')}`);
				const credentialNames = (credentials.body as Array<{ name: string }>).map((cred) => cred.name);
				assert(credentialNames.includes('hpeGreenLakeApi'), 'credential hpeGreenLakeApi not loaded');
				return `${wanted.length} nodes and the credential in /types/nodes.json and /types/credentials.json`;
			});

			await step('credentialTest', async () => {
				const session = { baseUrl, cookie, apiKey: '' };
				const ok = await testCredential(session, creds.test);
				assert(ok.status === 'OK', `right secret: ${ok.status} ${ok.message}`);
				const wrongSecret = 'w'.repeat(64);
				const wrong = await testCredential(session, { ...creds.test, data: { ...creds.test.data, clientSecret: wrongSecret } });
				assert(wrong.status === 'Error' && !wrong.message.includes(wrongSecret), `wrong secret: ${wrong.status} ${wrong.message}`);
				return `right secret OK; wrong secret: "${wrong.message.slice(0, 70)}"`;
			});

			await step('tenantList', async () => {
				const response = await httpJson(
					'POST',
					`${baseUrl}/rest/dynamic-node-parameters/resource-locator-results`,
					{
						nodeTypeAndVersion: { name: `${PACKAGE}.hpeGreenLake`, version: 1 },
						path: 'tenant',
						methodName: 'searchTenants',
						currentNodeParameters: {
							resource: 'workspace',
							operation: 'get',
							workspaceScope: 'tenant',
							tenant: { __rl: true, mode: 'list', value: '' },
						},
						credentials: { hpeGreenLakeApi: ref(creds.tenants) },
						filter: '',
					},
					{ cookie },
				);
				assert(response.status === 200, `HTTP ${response.status} ${response.text.slice(0, 200)}`);
				const results = (response.body as { data: { results: Array<{ name: string; value: string }> } }).data.results;
				const ids = results.map((tenant) => tenant.value.replace(/-/g, '')).sort();
				const expected = SEED.workspaces.tenants.map((tenant) => tenant.id).sort();
				assert(JSON.stringify(ids) === JSON.stringify(expected), `tenants ${JSON.stringify(results)}`);
				return `${results.length} tenants: ${results.map((tenant) => tenant.name).join(', ')}`;
			});

		} finally {
			await n8n.stop();
		}
	} catch (error) {
		log(`  harness error: ${(error as Error).message.split('\n').slice(0, 4).join(' ')}`);
		for (const [id] of STEPS) {
			result.steps[id] ??= { ok: false, detail: `not run: ${(error as Error).message.split('\n')[0]}`, mints: 0, ms: 0 };
		}
	} finally {
		await n8n.dispose();
	}
	result.ms = Date.now() - started;
	return result;
}

export function sandboxSizes() {
	return { sizes: { auditLogs: 40, devices: DEVICES, subscriptions: 5, users: 5, locations: 2 }, auditLogDays: 0.5 };
}
