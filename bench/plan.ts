/**
 * What the benchmarks run: sizes, one sandbox per scenario (its own options and counters), the credentials and the
 * workflows of every contender. Scenarios 1 to 4 share one workflow per contender (one `n8n execute` each, to
 * save the 5–30 s start-up of the CLI): tokens, per-item GETs, pagination, then the rate-limited pull last (the HTTP
 * Request node stops the workflow there when it fails). Each scenario — and in scenario 1 each contender — has its
 * own sandbox, so counters are exact and no token is shared. Scenario 5 (peak RSS) needs a process per contender.
 *
 * `n8n execute` prints the run data of every node of the workflow it runs: for thousands of records, tens of megabytes
 * whose serialisation would be timed and weighed with the contender. So those pulls (scenarios 2 and 5) run in sub-workflows (Execute Workflow
 * node, same process), whose run data stays inside n8n: Called → T0 (Date.now()) → Contender → Limit 1 → T1
 * (Date.now()) → Summary, which returns the counts and t1 − t0.
 */
import { SEED } from '../test/sandbox';
import type { SandboxOptions } from '../test/sandbox/types';
import type { CredentialRef, WorkflowNode } from '../test/e2e/greenlakeWorkflows';
import type { CredentialImport } from '../test/e2e/n8n';
import { startBenchSandbox, type BenchSandbox } from './sandbox';
import {
	COMPLETE_SHORT_PAGE,
	COMPLETE_TOTAL,
	docsPagination,
	executeWorkflowNode,
	itemsNode,
	limitNode,
	manualTrigger,
	noOpNode,
	ours,
	stampNode,
	subWorkflowTrigger,
	summaryNode,
	theirsOAuth2,
	theirsPredefined,
	timedSummaryNode,
	workflow,
} from './workflows';

export interface BenchConfig {
	quick: boolean;
	rounds: number;
	/** stop starting rounds when the next one would end after this (ms since start) */
	budgetMs: number;
	tokenTtlSeconds: number;
	/** scenario 1: items, sandbox latency per request (ours: sequential), HTTP Request batch interval (theirs) */
	s1Items: number;
	s1LatencyMs: number;
	s1IntervalMs: number;
	s2Devices: number;
	s2Audit: number;
	s3Items: number;
	s3WindowSeconds: number;
	s4Items: number;
	s5Audit: number;
}

export function benchConfig(quick: boolean): BenchConfig {
	const common = { quick, tokenTtlSeconds: 5, s1LatencyMs: 35, s1IntervalMs: 40, s3WindowSeconds: 2, s2Devices: 5000 };
	return quick
		? { ...common, rounds: 1, budgetMs: 5 * 60_000, s1Items: 150, s2Audit: 12_000, s3Items: 80, s4Items: 200, s5Audit: 20_000 }
		: { ...common, rounds: 3, budgetMs: 14 * 60_000, s1Items: 300, s2Audit: 25_000, s3Items: 240, s4Items: 1000, s5Audit: 100_000 };
}

export const CLIENT = SEED.clients.standard;
export const WORKSPACE = CLIENT.workspaceId;
/** devices.get: the documented per-minute limit, applied per scaled window */
export const S3_BUCKET = 'devices.get';
export const S3_LIMIT = 40;

const SMALL = { subscriptions: 20, users: 20, locations: 5, devices: 50, auditLogs: 50 };

export interface Sandboxes {
	token: BenchSandbox;
	tokenOAuth: BenchSandbox;
	tokenPredefined: BenchSandbox;
	pages: BenchSandbox;
	pagesTotal: BenchSandbox;
	rate: BenchSandbox;
	overhead: BenchSandbox;
	memory: BenchSandbox;
}

export async function startSandboxes(cfg: BenchConfig): Promise<Sandboxes> {
	const start = (name: string, options: SandboxOptions) => startBenchSandbox(name, options);
	// 5 s tokens; every request (token endpoint included) answered after s1LatencyMs, which paces the 300 items
	const tokenOptions: SandboxOptions = { tokenTtlSeconds: cfg.tokenTtlSeconds, latencyMs: cfg.s1LatencyMs, rateLimits: { 'workspaces.get': 1e6 }, sizes: SMALL };
	return {
		token: await start('token', tokenOptions),
		tokenOAuth: await start('tokenOAuth', tokenOptions),
		tokenPredefined: await start('tokenPredefined', tokenOptions),
		pages: await start('pages', { sizes: { ...SMALL, devices: cfg.s2Devices, auditLogs: cfg.s2Audit } }),
		// a second identical sandbox for the HTTP Request node's second pagination variant (separate counters)
		pagesTotal: await start('pagesTotal', { sizes: { ...SMALL, devices: cfg.s2Devices, auditLogs: cfg.s2Audit } }),
		// rate-limit windows of 2 s instead of 60 s; the documented per-minute limits apply per window (time × 1/30)
		rate: await start('rate', { rateWindowSeconds: cfg.s3WindowSeconds, sizes: { ...SMALL, devices: Math.max(cfg.s3Items, 300) } }),
		// rate-limit headers on every answer (as GreenLake sends them) but a limit that is never reached
		overhead: await start('overhead', { rateLimits: { 'workspaces.get': 1e9 }, sizes: SMALL }),
		memory: await start('memory', { sizes: { ...SMALL, auditLogs: cfg.s5Audit } }),
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials

function oursCredential(id: string, name: string, sandbox: BenchSandbox): CredentialImport {
	return {
		id,
		name,
		type: 'hpeGreenLakeApi',
		data: {
			clientId: CLIENT.clientId,
			clientSecret: CLIENT.clientSecret,
			workspaceId: WORKSPACE,
			issuer: 'workspace',
			baseUrl: 'custom',
			customBaseUrl: sandbox.url,
			clientAuthentication: 'body',
		},
	};
}

/** n8n's generic OAuth2 credential, client-credentials grant, at the sandbox's workspace issuer. */
function oauthCredential(id: string, name: string, sandbox: BenchSandbox): CredentialImport {
	return {
		id,
		name,
		type: 'oAuth2Api',
		data: {
			grantType: 'clientCredentials',
			accessTokenUrl: `${sandbox.url}/authorization/v2/oauth2/${WORKSPACE}/token`,
			clientId: CLIENT.clientId,
			clientSecret: CLIENT.clientSecret,
			scope: '',
			authQueryParameters: '',
			authentication: 'body',
		},
	};
}

const ref = (credential: CredentialImport): CredentialRef => ({ id: credential.id, name: credential.name });

// ---------------------------------------------------------------------------------------------------------------
// Workflows

export const WF = {
	mainOurs: 'bnMainOurs000001',
	mainTheirs: 'bnMainTheirs0001',
	memOurs: 'bnMemOurs0000001',
	memTheirs: 'bnMemTheirs00001',
	memBase: 'bnMemBase0000001',
} as const;

/** Node names the measurements read. */
export const N = {
	tok: 'S1 Contender',
	tokSummary: 'S1 Summary',
	tokPredefined: 'S1 HTTP Request + our credential',
	tokPredefinedSummary: 'S1 HTTP Request + our credential Summary',
	s4: 'S4 Contender',
	s4Summary: 'S4 Summary',
	s2Devices: 'S2 Devices (sub-workflow)',
	s2Audit: 'S2 Audit (sub-workflow)',
	s2AuditTotal: 'S2 Audit, complete on total (sub-workflow)',
	contender: 'Contender',
	s3Items: 'S3 Device IDs',
	s3: 'S3 Contender',
	s3Summary: 'S3 Summary',
	mem: 'S5 Pull (sub-workflow)',
} as const;

export interface Plan {
	credentials: CredentialImport[];
	workflows: Array<Record<string, unknown>>;
}

export function buildPlan(cfg: BenchConfig, sb: Sandboxes, s3DeviceIds: string[]): Plan {
	const c = {
		tokOurs: oursCredential('bcTokOurs0000001', 'Bench token: ours', sb.token),
		tokPredefined: oursCredential('bcTokPredef00001', 'Bench token: HTTP Request + ours', sb.tokenPredefined),
		tokOAuth: oauthCredential('bcTokOAuth000001', 'Bench token: OAuth2', sb.tokenOAuth),
		pagesOurs: oursCredential('bcPagesOurs00001', 'Bench pages: ours', sb.pages),
		pagesOAuth: oauthCredential('bcPagesOAuth0001', 'Bench pages: OAuth2', sb.pages),
		pagesTotalOAuth: oauthCredential('bcPagesTotOAuth1', 'Bench pages (total): OAuth2', sb.pagesTotal),
		rateOurs: oursCredential('bcRateOurs000001', 'Bench rate: ours', sb.rate),
		rateOAuth: oauthCredential('bcRateOAuth00001', 'Bench rate: OAuth2', sb.rate),
		overheadOurs: oursCredential('bcOverOurs000001', 'Bench overhead: ours', sb.overhead),
		overheadOAuth: oauthCredential('bcOverOAuth00001', 'Bench overhead: OAuth2', sb.overhead),
		memOurs: oursCredential('bcMemOurs0000001', 'Bench memory: ours', sb.memory),
		memOAuth: oauthCredential('bcMemOAuth000001', 'Bench memory: OAuth2', sb.memory),
	};
	const workspacePath = `/workspaces/v1/workspaces/${WORKSPACE}`;
	// theirs in scenario 1: one request every s1IntervalMs (n8n otherwise sends every item's request at once)
	const paced = { options: { batching: { batch: { batchSize: 1, batchInterval: cfg.s1IntervalMs } } } };

	const continueOnError = { onError: 'continueRegularOutput' };
	const timedChild = (name: string, contender: WorkflowNode) =>
		workflow('', name, [
			subWorkflowTrigger(),
			stampNode('T0', 't0'),
			{ ...contender, name: N.contender },
			limitNode('Limit'),
			stampNode('T1', 't1'),
			timedSummaryNode('Summary', N.contender),
		]);

	const mainOurs: WorkflowNode[] = [
		manualTrigger(),
		itemsNode('S1 Items', cfg.s1Items),
		ours(N.tok, ref(c.tokOurs), { resource: 'workspace', operation: 'get' }),
		summaryNode(N.tokSummary),
		itemsNode('S4 Items', cfg.s4Items),
		ours(N.s4, ref(c.overheadOurs), { resource: 'apiRequest', operation: 'send', method: 'GET', path: workspacePath }),
		summaryNode(N.s4Summary),
		executeWorkflowNode(N.s2Devices, timedChild('Bench 2: devices, ours', ours(N.contender, ref(c.pagesOurs), { resource: 'device', operation: 'getMany', returnAll: true })), continueOnError),
		executeWorkflowNode(N.s2Audit, timedChild('Bench 2: audit logs, ours', ours(N.contender, ref(c.pagesOurs), { resource: 'auditLog', operation: 'getMany', apiVersion: 'v1', returnAll: true })), continueOnError),
		itemsNode(N.s3Items, s3DeviceIds),
		ours(N.s3, ref(c.rateOurs), { resource: 'device', operation: 'get', id: '={{ $json.id }}' }),
		summaryNode(N.s3Summary),
	];

	const mainTheirs: WorkflowNode[] = [
		manualTrigger(),
		itemsNode('S1 Items', cfg.s1Items),
		theirsOAuth2(N.tok, ref(c.tokOAuth), { url: `${sb.tokenOAuth.url}${workspacePath}`, ...paced }),
		summaryNode(N.tokSummary),
		itemsNode('S1 Items (2)', cfg.s1Items),
		theirsPredefined(N.tokPredefined, ref(c.tokPredefined), { url: `${sb.tokenPredefined.url}${workspacePath}`, ...paced }),
		summaryNode(N.tokPredefinedSummary),
		itemsNode('S4 Items', cfg.s4Items),
		theirsOAuth2(N.s4, ref(c.overheadOAuth), { url: `${sb.overhead.url}${workspacePath}` }),
		summaryNode(N.s4Summary),
		executeWorkflowNode(N.s2Devices, timedChild('Bench 2: devices, HTTP Request', theirsOAuth2(N.contender, ref(c.pagesOAuth), { url: `${sb.pages.url}/devices/v1/devices`, ...docsPagination(COMPLETE_SHORT_PAGE) })), continueOnError),
		// On Error: Continue, so that a pagination failing at GreenLake's 10,000 cap is reported, not fatal
		executeWorkflowNode(N.s2Audit, timedChild('Bench 2: audit logs, HTTP Request', theirsOAuth2(N.contender, ref(c.pagesOAuth), { url: `${sb.pages.url}/audit-log/v1/logs`, ...docsPagination(COMPLETE_SHORT_PAGE) }, continueOnError)), continueOnError),
		executeWorkflowNode(N.s2AuditTotal, timedChild('Bench 2: audit logs, HTTP Request (total)', theirsOAuth2(N.contender, ref(c.pagesTotalOAuth), { url: `${sb.pagesTotal.url}/audit-log/v1/logs`, ...docsPagination(COMPLETE_TOTAL) }, continueOnError)), continueOnError),
		itemsNode(N.s3Items, s3DeviceIds),
		// as users configure it: Retry On Fail, 5 tries, 5 s apart (n8n's maximums), default options
		theirsOAuth2(N.s3, ref(c.rateOAuth), { url: `={{ "${sb.rate.url}/devices/v1/devices/" + $json.id }}` }, { retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 }),
		summaryNode(N.s3Summary),
	];

	// Scenario 5 runs its pull in a timed sub-workflow too; the bench reads n8n's peak RSS (VmHWM) right after T1, i.e.
	// at the end of the pull, before the Summary Code node hands the records to the task runner.
	const memParent = (id: string, name: string, child: Record<string, unknown>) => workflow(id, name, [manualTrigger(), executeWorkflowNode(N.mem, child)]);

	return {
		credentials: Object.values(c),
		workflows: [
			workflow(WF.mainOurs, 'Bench 1-4: ours', mainOurs),
			workflow(WF.mainTheirs, 'Bench 1-4: HTTP Request', mainTheirs),
			memParent(WF.memOurs, 'Bench 5: ours', timedChild('Bench 5: pull, ours', ours(N.contender, ref(c.memOurs), { resource: 'auditLog', operation: 'getMany', apiVersion: 'v1', returnAll: true }))),
			memParent(
				WF.memTheirs,
				'Bench 5: HTTP Request + OAuth2',
				timedChild('Bench 5: pull, HTTP Request + OAuth2', theirsOAuth2(N.contender, ref(c.memOAuth), { url: `${sb.memory.url}/audit-log/v1/logs`, ...docsPagination(COMPLETE_TOTAL) }, continueOnError)),
			),
			memParent(WF.memBase, 'Bench 5: baseline', timedChild('Bench 5: baseline (no pull)', noOpNode(N.contender))),
		],
	};
}
