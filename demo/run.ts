/**
 * `npm run demo`: the example workflows of examples/, executed by a real n8n 2.41.1 with this package installed as a
 * community package, against the local GreenLake sandbox (or real GreenLake, see below). Prints what each did.
 *
 *   npm run demo                      run everything, print the summary, clean up; exit 0 on success, 1 on failure
 *   npm run demo -- --serve           ...then keep n8n (http://127.0.0.1:5678) and the sandbox running until Ctrl+C
 *   npm run demo -- --serve --port N  another port for n8n
 *
 * Real GreenLake: with GREENLAKE_CLIENT_ID, GREENLAKE_CLIENT_SECRET and GREENLAKE_WORKSPACE_ID set (optional
 * GREENLAKE_BASE_URL, default https://global.api.greenlake.hpe.com) no sandbox is started; the same three workflows
 * run against your workspace. They only read (GET) from GreenLake; the audit-log events go to a local file.
 *
 * How each example runs: msp-device-inventory.json and token-to-http-request.json with `n8n execute` (the Schedule
 * Trigger swapped for a Manual Trigger); audit-log-to-file.json is published and n8n started, because a polling trigger
 * only polls in an active workflow: n8n polls once at activation, and the demo makes it poll again at once by
 * deactivating and re-activating it through n8n's public API (the trigger's cursor survives, as it does between
 * scheduled polls), instead of waiting 5 minutes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { SEED, startSandbox, type Sandbox, type SandboxCounters } from '../test/sandbox';
import { cleanupHarness, ensureRuntime, N8nInstance, nodeOutput, packPackage } from '../test/e2e/n8n';
import {
	exampleByFile,
	findRepoRoot,
	parseJsonLines,
	prepareExample,
	readExamples,
	type Example,
	type ExampleWorkflow,
} from './examples';
import {
	DEMO_OWNER,
	executeWorkflow,
	executionsOf,
	pollNow,
	setUpOwner,
	waitForExecutions,
	type OwnerSession,
	type WorkflowRun,
} from './n8nServer';
import { sandboxDevicesPerTenant, sandboxToken, sandboxTotal } from './sandboxQueries';

const FILES = {
	audit: 'audit-log-to-file.json',
	msp: 'msp-device-inventory.json',
	httpRequest: 'token-to-http-request.json',
} as const;
const WORKFLOW_IDS: Record<keyof typeof FILES, string> = {
	audit: 'demoAuditLogFile',
	msp: 'demoMspInventory',
	httpRequest: 'demoTokenToHttp',
};
const CREDENTIAL_ID = 'demoGreenLake';
const AUDIT_FILE = 'greenlake-audit-log.jsonl';
/**
 * Sandbox data: every seeded audit event within the last 12 h (inside the trigger's 24 h look-back); 700 devices per
 * tenant.
 */
const SANDBOX_SIZES = { auditLogs: 300, devices: 700, subscriptions: 20, users: 20, locations: 40 };
const SANDBOX_AUDIT_DAYS = 0.5;
const NEW_EVENTS = 3;

// ---------------------------------------------------------------------------------------------------------------
// Command line and output

interface Args {
	serve: boolean;
	port: number;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { serve: false, port: 5678 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--serve') args.serve = true;
		else if (arg === '--port' || arg.startsWith('--port=')) {
			const value = arg.includes('=') ? arg.slice('--port='.length) : argv[++i];
			args.port = Number(value);
			if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) throw new UsageError(`--port needs a port number, got "${value}"`);
		} else if (arg === '--help' || arg === '-h') {
			console.log('Usage: npm run demo [-- --serve [--port 5678]]\n\nSee the comment at the top of demo/run.ts.');
			process.exit(0);
		} else throw new UsageError(`unknown argument "${arg}" (known: --serve, --port N, --help)`);
	}
	return args;
}

class UsageError extends Error {}

const started = Date.now();
function step(message: string): void {
	const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
	console.log(`[${seconds} s] ${message}`);
}

const fmt = (n: number): string => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------------------
// Target: the sandbox, or real GreenLake from the environment

interface Target {
	kind: 'sandbox' | 'greenlake';
	label: string;
	/** replaces https://global.api.greenlake.hpe.com in the examples (undefined: keep it) */
	baseUrl?: string;
	credentialName: string;
	credentialData: Record<string, unknown>;
}

function greenLakeTarget(): Target | undefined {
	const names = ['GREENLAKE_CLIENT_ID', 'GREENLAKE_CLIENT_SECRET', 'GREENLAKE_WORKSPACE_ID'];
	const set = names.filter((name) => (process.env[name] ?? '').trim() !== '');
	if (set.length === 0) return undefined;
	if (set.length < names.length) {
		throw new UsageError(
			`to run against real GreenLake set all of ${names.join(', ')} (missing: ${names.filter((n) => !set.includes(n)).join(', ')}); ` +
				'unset them all to use the local sandbox',
		);
	}
	const baseUrl = process.env.GREENLAKE_BASE_URL?.trim().replace(/\/+$/, '') || undefined;
	return {
		kind: 'greenlake',
		label: `real HPE GreenLake (${baseUrl ?? 'https://global.api.greenlake.hpe.com'}, workspace ${process.env.GREENLAKE_WORKSPACE_ID!.trim()})`,
		baseUrl,
		credentialName: 'HPE GreenLake account',
		credentialData: {
			clientId: process.env.GREENLAKE_CLIENT_ID!.trim(),
			clientSecret: process.env.GREENLAKE_CLIENT_SECRET!.trim(),
			workspaceId: process.env.GREENLAKE_WORKSPACE_ID!.trim(),
			issuer: 'workspace',
			clientAuthentication: 'body',
			...(baseUrl ? { baseUrl: 'custom', customBaseUrl: baseUrl } : {}),
		},
	};
}

function sandboxTarget(sandbox: Sandbox): Target {
	return {
		kind: 'sandbox',
		label: `local GreenLake sandbox (${sandbox.url}, MSP workspace "Acme MSP" with 3 tenants)`,
		baseUrl: sandbox.url,
		credentialName: 'HPE GreenLake account (sandbox)',
		credentialData: {
			clientId: SEED.clients.msp.clientId,
			clientSecret: SEED.clients.msp.clientSecret,
			workspaceId: SEED.clients.msp.workspaceId,
			issuer: 'workspace',
			baseUrl: 'custom',
			customBaseUrl: sandbox.url,
			clientAuthentication: 'body',
		},
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

function runtimeCached(): boolean {
	const cache = process.env.GREENLAKE_E2E_CACHE || path.join(os.homedir(), '.cache/n8n-nodes-hpe-greenlake');
	return existsSync(path.join(cache, `n8n-${process.env.N8N_VERSION || '2.41.1'}`, '.complete'));
}

interface Usage {
	apiRequests: number;
	clientCredentials: number;
	exchanges: number;
	api401: number;
}

function usage(counters: SandboxCounters): Usage {
	let apiRequests = 0;
	for (const [route, byStatus] of Object.entries(counters.requests.byRoute)) {
		if (route.includes('/token')) continue;
		apiRequests += Object.values(byStatus).reduce((sum, n) => sum + n, 0);
	}
	return {
		apiRequests,
		clientCredentials: counters.mints.clientCredentials,
		exchanges: counters.mints.tokenExchange,
		api401: counters.api401,
	};
}

function usageLine(u: Usage | undefined): string {
	if (!u) return '  (no sandbox counters against real GreenLake)';
	const minted = u.clientCredentials + u.exchanges;
	return (
		`  GreenLake API requests: ${u.apiRequests} · tokens minted: ${minted}` +
		(minted > 0 ? ` (${u.clientCredentials} client-credentials, ${u.exchanges} MSP tenant exchanges)` : '') +
		` · requests served by a cached token: ${Math.max(0, u.apiRequests - minted)} · 401s: ${u.api401}`
	);
}

function assertSuccess(result: WorkflowRun, file: string): void {
	if (result.status !== 'success') {
		throw new Error(
			`n8n could not run examples/${file}: ${result.error?.message ?? `status ${result.status}`}` +
				(result.error?.node ? ` (node "${result.error.node}")` : '') +
				(result.error?.description ? `\n  ${result.error.description}` : ''),
		);
	}
}

function readAuditFile(file: string): Array<Record<string, unknown>> {
	return existsSync(file) ? parseJsonLines(readFileSync(file, 'utf8')) : [];
}

// ---------------------------------------------------------------------------------------------------------------
// The demo

interface Resources {
	sandbox?: Sandbox;
	n8n?: N8nInstance;
	filesDir?: string;
}

async function cleanup(resources: Resources): Promise<void> {
	try {
		await resources.n8n?.dispose();
	} catch (error) {
		console.error(`(cleanup) n8n: ${(error as Error).message}`);
	}
	await resources.sandbox?.close().catch(() => undefined);
	if (resources.filesDir) rmSync(resources.filesDir, { recursive: true, force: true });
	cleanupHarness();
}

async function main(args: Args, resources: Resources): Promise<void> {
	const repoRoot = findRepoRoot();
	const real = greenLakeTarget();
	console.log(`HPE GreenLake nodes for n8n: demo${args.serve ? ' (--serve)' : ''}`);
	if (args.serve && !(await portIsFree(args.port))) {
		throw new UsageError(`port ${args.port} on 127.0.0.1 is in use; stop what uses it or pass --port N`);
	}

	if (!runtimeCached()) {
		step('installing Node 24 and n8n 2.41.1 into ~/.cache/n8n-nodes-hpe-greenlake: first run only, about 5 minutes and 3 GB');
	}
	const runtime = await ensureRuntime();
	step(`n8n ${runtime.n8nVersion} ready (Node 24 runtime in ${path.dirname(runtime.nodeBin)})`);

	let target: Target;
	if (real) {
		target = real;
	} else {
		resources.sandbox = await startSandbox({ sizes: SANDBOX_SIZES, auditLogDays: SANDBOX_AUDIT_DAYS });
		target = sandboxTarget(resources.sandbox);
	}
	const sandbox = resources.sandbox;
	step(`target: ${target.label}${real ? ' — read-only workflows only' : ''}`);

	resources.filesDir = mkdtempSync(path.join(os.tmpdir(), 'greenlake-demo-files-'));
	const auditFile = path.join(resources.filesDir, AUDIT_FILE);
	const n8n = await N8nInstance.create({
		packageTarball: await packPackage(repoRoot),
		port: args.serve ? args.port : undefined,
		// n8n 2.x lets Read/Write Files from Disk write only below N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files)
		env: { N8N_RESTRICT_FILE_ACCESS_TO: resources.filesDir },
	});
	resources.n8n = n8n;
	step(`package built, packed and installed as a community package in a fresh n8n (${n8n.userFolder})`);

	const credential = { id: CREDENTIAL_ID, name: target.credentialName };
	const examples = readExamples(repoRoot);
	const prepare = (example: Example, manualStart: boolean): ExampleWorkflow =>
		prepareExample(example.workflow, {
			id: WORKFLOW_IDS[(Object.keys(FILES) as Array<keyof typeof FILES>).find((key) => FILES[key] === example.file)!],
			credential,
			baseUrl: target.baseUrl,
			filesDir: resources.filesDir,
			manualStart,
		});
	const known = examples.filter((example) => Object.values(FILES).includes(example.file as never));
	await n8n.importCredentials([{ ...credential, type: 'hpeGreenLakeApi', data: target.credentialData }]);
	await n8n.importWorkflow(known.map((example) => prepare(example, true)));
	step(`credential "${credential.name}" and ${known.length} example workflows imported (first n8n command: database set-up)`);

	// What the sandbox holds, asked directly (not through n8n), to check the workflows' results against.
	let expected: { auditEvents: number; devicesPerTenant: Record<string, number> } | undefined;
	if (sandbox) {
		const mspToken = await sandboxToken(sandbox.url, SEED.clients.msp);
		expected = {
			auditEvents: await sandboxTotal(sandbox.url, mspToken, '/audit-log/v2beta1/logs'),
			devicesPerTenant: await sandboxDevicesPerTenant(
				sandbox.url,
				SEED.clients.msp,
				SEED.workspaces.tenants.map((tenant) => tenant.id),
			),
		};
		sandbox.resetCounters();
	}
	const measure = (): Usage | undefined => {
		if (!sandbox) return undefined;
		const u = usage(sandbox.counters());
		sandbox.resetCounters();
		return u;
	};
	const report: string[] = [];
	const totals: Usage = { apiRequests: 0, clientCredentials: 0, exchanges: 0, api401: 0 };
	const addTotals = (u: Usage | undefined): void => {
		if (!u) return;
		for (const key of Object.keys(totals) as Array<keyof Usage>) totals[key] += u[key];
	};

	// 1. MSP device inventory
	{
		const example = exampleByFile(examples, FILES.msp);
		const result = await executeWorkflow(n8n, WORKFLOW_IDS.msp);
		const u = measure();
		addTotals(u);
		report.push('', `examples/${FILES.msp}: "${example.workflow.name}"`);
		report.push('  run by `n8n execute`, its Schedule Trigger swapped for a Manual Trigger');
		const forbidden = result.status !== 'success' && /403|forbidden|not an MSP/i.test(`${result.error?.message} ${result.error?.description}`);
		if (real && forbidden) {
			report.push(`  skipped: this workspace is not an MSP workspace (${result.error?.message})`);
		} else {
			assertSuccess(result, FILES.msp);
			const rows = nodeOutput(result, 'Devices per tenant') as Array<{
				tenantId: string;
				tenantName: string;
				devices: number;
				byType: Record<string, number>;
			}>;
			report.push(`  ${'tenant'.padEnd(22)} ${'devices'.padStart(8)}  by type`);
			for (const row of rows) {
				const types = Object.entries(row.byType)
					.sort(([a], [b]) => a.localeCompare(b))
					.map(([type, n]) => `${type} ${fmt(n)}`)
					.join(' · ');
				report.push(`  ${String(row.tenantName).padEnd(22)} ${fmt(row.devices).padStart(8)}  ${types}`);
			}
			const total = rows.reduce((sum, row) => sum + row.devices, 0);
			report.push(`  ${rows.length} tenants, ${fmt(total)} devices`);
			if (expected) {
				const mismatches = rows.filter((row) => expected!.devicesPerTenant[row.tenantId.replace(/-/g, '')] !== row.devices);
				if (rows.length !== SEED.workspaces.tenants.length || mismatches.length > 0) {
					throw new Error(
						`examples/${FILES.msp}: devices per tenant ${JSON.stringify(rows.map((r) => [r.tenantName, r.devices]))} ` +
							`differ from the sandbox's ${JSON.stringify(expected.devicesPerTenant)}`,
					);
				}
				report.push('  = the sandbox\'s own device count of every tenant (asked directly)');
			}
		}
		report.push(usageLine(u));
		step(`executed examples/${FILES.msp}`);
	}

	// 2. Token -> HTTP Request
	{
		const example = exampleByFile(examples, FILES.httpRequest);
		const result = await executeWorkflow(n8n, WORKFLOW_IDS.httpRequest);
		const u = measure();
		addTotals(u);
		assertSuccess(result, FILES.httpRequest);
		const token = nodeOutput(result, 'Generate token')[0];
		const response = nodeOutput(result, 'List locations')[0] as { count?: number; total?: number; items?: Array<Record<string, unknown>> };
		const items = Array.isArray(response?.items) ? response.items : [];
		if (!response || (sandbox && items.length === 0)) throw new Error(`examples/${FILES.httpRequest}: the HTTP Request node returned no locations`);
		const firstName = items[0] ? String(items[0].name ?? items[0].id) : undefined;
		report.push('', `examples/${FILES.httpRequest}: "${example.workflow.name}"`);
		report.push(
			`  Generate token: ${token.cached ? 'served from the cache' : 'minted'} (cached: ${String(token.cached)}), ` +
				`${String(token.token_type)} token for workspace ${String(token.workspace_id)}, expires in ${String(token.expires_in)} s` +
				(token.cached ? ' (adopted from the credential, where the previous n8n process stored it)' : ''),
		);
		report.push(
			`  List locations (n8n's HTTP Request node, Authorization: {{ $json.authorization_header }}): ` +
				`${fmt(items.length)} locations${response.total !== undefined ? ` of ${fmt(Number(response.total))}` : ''}` +
				(firstName ? `, first: "${firstName}"` : ''),
		);
		report.push(usageLine(u));
		step(`executed examples/${FILES.httpRequest}`);
	}

	if (args.serve) {
		// The editor should show the MSP example as users import it (with its Schedule Trigger), not the manual variant.
		await n8n.importWorkflow(prepare(exampleByFile(examples, FILES.msp), false));
	}

	// 3. Audit log -> file: published, polled by n8n
	{
		const example = exampleByFile(examples, FILES.audit);
		await n8n.publishWorkflow(WORKFLOW_IDS.audit);
		const { baseUrl, publications } = await n8n.start({ timeoutMs: 180_000 });
		const publication = publications.find((p) => p.workflowId === WORKFLOW_IDS.audit);
		const triggerError = publication?.errorMessage ?? publication?.triggers.find((t) => t.errorMessage)?.errorMessage;
		if (publication?.status !== 'completed' || triggerError) {
			throw new Error(`n8n could not activate examples/${FILES.audit}: ${triggerError ?? publication?.status ?? 'not published'}`);
		}
		step(`n8n started at ${baseUrl}; examples/${FILES.audit} published: the trigger polled at activation`);
		const session: OwnerSession = await setUpOwner(baseUrl);

		const polls: string[] = [];
		// poll 1: at activation (look back 24 h)
		let executions = await waitForExecutions(n8n, WORKFLOW_IDS.audit, 1, sandbox ? 60_000 : 20_000);
		if (sandbox && executions.length < 1) throw new Error(`examples/${FILES.audit}: the poll at activation started no execution`);
		const failed = (rows: typeof executions) => rows.filter((row) => row.status !== 'success');
		let lines = readAuditFile(auditFile);
		polls.push(`  poll 1 (at activation, Look Back 24 h): ${fmt(lines.length)} events appended${executions.length === 0 ? ' (none in the last 24 h: no execution)' : ''}`);
		if (sandbox && lines.length !== expected!.auditEvents) {
			throw new Error(`examples/${FILES.audit}: the first poll wrote ${lines.length} events; the sandbox holds ${expected!.auditEvents}`);
		}

		// poll 2: new events appear, the trigger polls again
		let added: string[] = [];
		if (sandbox) {
			const now = Date.now();
			added = sandbox
				.addAuditLogs(
					SEED.clients.msp.workspaceId,
					Array.from({ length: NEW_EVENTS }, (_, i) => ({
						createdAt: new Date(now - (NEW_EVENTS - i) * 1000).toISOString(),
						description: `Demo event ${i + 1}: logged in`,
					})),
				)
				.map((event) => event.id);
		}
		const before2 = executions.length;
		await pollNow(session, WORKFLOW_IDS.audit);
		executions = await waitForExecutions(n8n, WORKFLOW_IDS.audit, before2 + (sandbox ? 1 : 0), sandbox ? 60_000 : 8_000);
		const afterPoll2 = readAuditFile(auditFile);
		polls.push(
			`  poll 2 (${sandbox ? `after ${NEW_EVENTS} new events appeared in the sandbox` : 'a moment later'}): ` +
				`${fmt(afterPoll2.length - lines.length)} events appended`,
		);
		if (sandbox) {
			const appended = afterPoll2.slice(lines.length).map((event) => String(event.id));
			if (JSON.stringify(appended) !== JSON.stringify(added)) {
				throw new Error(`examples/${FILES.audit}: poll 2 appended ${JSON.stringify(appended)}, expected the new events ${JSON.stringify(added)}`);
			}
		}
		lines = afterPoll2;

		// poll 3: nothing new (sandbox) — no execution, nothing appended
		const before3 = (await executionsOf(n8n, WORKFLOW_IDS.audit)).length;
		await pollNow(session, WORKFLOW_IDS.audit);
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		executions = await waitForExecutions(n8n, WORKFLOW_IDS.audit, before3, 30_000);
		const afterPoll3 = readAuditFile(auditFile);
		polls.push(
			`  poll 3 (${sandbox ? 'nothing new' : 'again'}): ${executions.length === before3 ? 'no execution' : `${executions.length - before3} execution(s)`}, ` +
				`${fmt(afterPoll3.length - lines.length)} events appended`,
		);
		if (sandbox && (executions.length !== before3 || afterPoll3.length !== lines.length)) {
			throw new Error(`examples/${FILES.audit}: poll 3 found new events although none were added`);
		}
		lines = afterPoll3;
		if (failed(executions).length > 0) {
			const saved = await n8n.savedExecutions(WORKFLOW_IDS.audit);
			const error = saved.find((run) => run.status !== 'success')?.data.resultData.error as { message?: string } | undefined;
			throw new Error(`examples/${FILES.audit}: an execution failed: ${error?.message ?? 'see the n8n log'}`);
		}
		const u = measure();
		addTotals(u);

		const ids = lines.map((event) => String(event.id));
		const unique = new Set(ids).size;
		const ordered = lines.every((event, i) => i === 0 || String(lines[i - 1].createdAt) <= String(event.createdAt));
		if (unique !== ids.length) throw new Error(`examples/${FILES.audit}: the file holds ${ids.length - unique} duplicate events`);
		report.push('', `examples/${FILES.audit}: "${example.workflow.name}"`);
		report.push('  published and run by n8n itself (n8n polls when it activates the trigger; the demo re-activates it for polls 2 and 3)');
		report.push(...polls);
		report.push(
			`  ${args.serve ? auditFile : `${AUDIT_FILE} (temporary folder)`}: ${fmt(lines.length)} lines, ${fmt(unique)} distinct event ids, ${ordered ? 'oldest first' : 'NOT in time order'}` +
				(sandbox ? ` = the sandbox's ${fmt(expected!.auditEvents)} + ${NEW_EVENTS} new events: no gaps, no duplicates` : ': no duplicates'),
		);
		report.push(usageLine(u));
		step(`examples/${FILES.audit}: 3 polls done`);

		// Summary
		console.log('\nSummary: the example workflows, executed by n8n ' + runtime.n8nVersion);
		console.log('='.repeat(72));
		for (const line of report) console.log(line);
		if (sandbox) {
			const minted = totals.clientCredentials + totals.exchanges;
			console.log('\nTokens, whole demo (sandbox counters)');
			console.log(
				`  minted: ${minted} (${totals.clientCredentials} client-credentials for the MSP workspace, ${totals.exchanges} token exchanges, one per tenant)`,
			);
			console.log(
				`  GreenLake API requests: ${totals.apiRequests}, ${Math.max(0, totals.apiRequests - minted)} of them with a token served from the cache; 401s: ${totals.api401}`,
			);
			console.log(
				'  the MSP token was minted once, by the first `n8n execute`; the second `n8n execute` and the n8n server (separate\n' +
					'  processes) adopted it from the credential, where the package stores it encrypted. Tenant tokens are per process.',
			);
		}
		console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s.`);

		if (args.serve) {
			console.log('\nn8n keeps running with the examples imported' + (sandbox ? ' and the sandbox answering' : '') + ':');
			console.log(`  open      ${baseUrl}`);
			console.log(`  log in    ${DEMO_OWNER.email} / ${DEMO_OWNER.password}`);
			console.log(`  workflows "${exampleByFile(examples, FILES.audit).workflow.name}" (active, polls every 5 minutes),`);
			console.log(`            "${exampleByFile(examples, FILES.msp).workflow.name}", "${exampleByFile(examples, FILES.httpRequest).workflow.name}"`);
			console.log(`  audit-log file ${auditFile}`);
			if (sandbox) console.log(`  sandbox   ${sandbox.url} (counters: ${sandbox.url}/__sandbox/counters)`);
			console.log(`  n8n log   ${path.join(n8n.userFolder, 'n8n-start.log')}`);
			console.log('Press Ctrl+C to stop n8n and the sandbox and remove the temporary files.');
		}
	}
}

const resources: Resources = {};
let stopping = false;
/** --serve is up: Ctrl+C is then the normal way to end the demo (exit 0). */
let serving = false;

async function stop(code: number): Promise<never> {
	if (!stopping) {
		stopping = true;
		await cleanup(resources);
	}
	process.exit(code);
}

let args: Args;
try {
	args = parseArgs(process.argv.slice(2));
} catch (error) {
	console.error(`demo: ${(error as Error).message}`);
	process.exit(2);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		console.log(`\n${signal}: stopping n8n${resources.sandbox ? ' and the sandbox' : ''}…`);
		void stop(serving ? 0 : signal === 'SIGINT' ? 130 : 143).then(undefined, () => process.exit(1));
	});
}

main(args, resources).then(
	async () => {
		if (args.serve) {
			serving = true; // stays up until Ctrl+C
			return;
		}
		await stop(0);
	},
	async (error: unknown) => {
		const message = error instanceof Error ? error.message : String(error);
		console.error(`\ndemo FAILED: ${message}`);
		if (resources.n8n?.running) console.error(`--- n8n log (last lines) ---\n${resources.n8n.logTail(30)}`);
		if (!(error instanceof UsageError)) {
			console.error('Rerun with N8N_E2E_VERBOSE=1 to stream n8n\'s output, KEEP_N8N=1 to keep its user folder.');
		}
		await stop(error instanceof UsageError ? 2 : 1);
	},
);
