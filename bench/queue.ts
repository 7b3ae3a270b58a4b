/**
 * `npm run bench -- --queue`: token mints of one credential shared by the workers of an n8n QUEUE-MODE cluster
 * (PostgreSQL + Redis + an n8n main + workers, test/queue/queueCluster.ts), with a slow token endpoint. Writes the
 * "Queue mode" section of bench/results.md and prints it. About 8–10 minutes on 2 cores (the cluster start dominates).
 *
 * Steady scenarios (issuer delay × workers): tokens live 5 s; one warm-up webhook call mints and stores the first
 * token, then one webhook call every 250 ms for 20 s (Webhook → HPE GreenLake Workspace Get → Set, answered by
 * whichever worker ran it). Counted: mints (token requests answered 200), failed calls, API 401s. Target: mints
 * ≤ ⌈20 / 5⌉ + 2 = 6 for every worker count, 0 failed, 0 401s.
 * Cold start: 60 concurrent calls on a credential no process holds a token for (2 workers): mints.
 * Each scenario has its own credential and its own tracing proxy in front of the sandbox (its own base URL, so its
 * own token-engine cache key); the proxy holds every token answer for the issuer delay and tells which process
 * minted (tracingProxy.ts).
 *
 * Options: --delays=300,1000 --workers=2,4 --cold-runs=5 --cold-delay=300.
 * Env: BENCH_PACKAGE_DIR = the built package to install (default: the repository root).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanupHarness, type CredentialImport } from '../test/e2e/n8n';
import { packBuiltSnapshot } from '../test/queue/packSnapshot';
import { QueueCluster } from '../test/queue/queueCluster';
import { webhookWorkspaceWorkflow } from '../test/queue/queueWorkflows';
import { startTracingProxy, type TracingProxy } from '../test/queue/tracingProxy';
import { callWebhook, closeWebhookAgent, isGood, steadyTraffic, type WebhookAnswer } from '../test/queue/webhookTraffic';
import { SEED, startSandbox, type Sandbox } from '../test/sandbox';

const SOURCE_ROOT = path.resolve(__dirname, '..', '..');
const TTL_SECONDS = 5;
const RUN_SECONDS = 20;
const INTERVAL_MS = 250;
const MINT_BOUND = Math.ceil(RUN_SECONDS / TTL_SECONDS) + 2;
const COLD_CALLS = 60;
const SECTION_START = '<!-- queue-bench:start -->';
const SECTION_END = '<!-- queue-bench:end -->';

interface Scenario {
	kind: 'steady' | 'cold';
	label: string;
	delayMs: number;
	workers: number;
	credential: CredentialImport;
	workflowId: string;
	path: string;
	proxy?: TracingProxy;
}

interface Outcome {
	scenario: Scenario;
	calls: number;
	/** Calls not answered with the workspace (any reason). */
	failed: number;
	/** Executions of the scenario's calls by status (execution_entity): tells a failed execution from an unanswered call. */
	executions: Record<string, number>;
	api401: number;
	mints: number;
	byProcess: Record<string, number>;
	timeline: string;
	seconds: number;
	byWorker: Record<string, number>;
	failures: string;
}

function log(message: string): void {
	process.stderr.write(`[bench queue ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function listArg(name: string, fallback: number[]): number[] {
	const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
	return arg ? arg.slice(name.length + 3).split(',').map(Number).filter((n) => Number.isFinite(n)) : fallback;
}

function countBy<T>(values: T[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
	return counts;
}

function scenario(n: number, kind: Scenario['kind'], label: string, delayMs: number, workers: number): Scenario {
	const id = String(n).padStart(5, '0');
	const client = SEED.clients.standard;
	return {
		kind,
		label,
		delayMs,
		workers,
		workflowId: `glBenchFlow${id}`,
		path: `gl-bench-queue-${id}`,
		credential: {
			id: `glBenchCred${id}`,
			name: `Queue bench: ${label}`,
			type: 'hpeGreenLakeApi',
			data: {
				clientId: client.clientId,
				clientSecret: client.clientSecret,
				workspaceId: client.workspaceId,
				issuer: 'workspace',
				baseUrl: 'custom',
				customBaseUrl: '', // the scenario's proxy, once started
				clientAuthentication: 'body',
			},
		},
	};
}

async function measure(scenario: Scenario, cluster: QueueCluster, answers: WebhookAnswer[], t0: number, since: number): Promise<Outcome> {
	const proxy = scenario.proxy!;
	const names = cluster.pidNames();
	const mints = proxy.mints.filter((m) => m.status === 200);
	const nameOf = (pid?: number) => (pid !== undefined ? (names.get(pid) ?? `pid ${pid}`) : '?');
	const bad = answers.filter((a) => !isGood(a));
	return {
		scenario,
		calls: answers.length,
		failed: bad.length,
		executions: countBy((await cluster.executions(scenario.workflowId, since)).map((e) => e.status)),
		api401: proxy.unauthorized.length,
		mints: mints.length,
		byProcess: countBy(mints.map((m) => nameOf(m.pid))),
		timeline: mints.map((m) => `+${((m.at - t0) / 1000).toFixed(1)} s ${nameOf(m.pid)}`).join(', '),
		seconds: (Math.max(...answers.map((a) => a.at + a.ms)) - t0) / 1000,
		byWorker: countBy(answers.filter(isGood).map((a) => String(a.body!.worker))),
		failures: bad
			.slice(0, 3)
			.map((a) => `HTTP ${a.status} ${a.error ?? ''} ${a.text.slice(0, 200)}`)
			.join(' | '),
	};
}

async function steadyRun(scenario: Scenario, cluster: QueueCluster): Promise<Outcome> {
	// The first token of the run: minted and stored by one call, as in a cluster that has been running.
	const warm = await callWebhook(cluster.baseUrl, scenario.path, 10_000);
	if (!isGood(warm)) throw new Error(`${scenario.label}: warm-up call failed: HTTP ${warm.status} ${warm.text.slice(0, 300)}`);
	scenario.proxy!.reset();
	const since = await cluster.maxExecutionId();
	const t0 = Date.now();
	const answers = await steadyTraffic(cluster.baseUrl, scenario.path, RUN_SECONDS, INTERVAL_MS);
	return await measure(scenario, cluster, answers, t0, since);
}

/** Cold start with GreenLake's 15-minute tokens: the burst outlasts a 5-s token on a busy machine. */
async function coldRun(scenario: Scenario, cluster: QueueCluster, sandbox: Sandbox): Promise<Outcome> {
	scenario.proxy!.reset();
	sandbox.setTokenTtl(undefined);
	try {
		const since = await cluster.maxExecutionId();
		const t0 = Date.now();
		const answers = await Promise.all(Array.from({ length: COLD_CALLS }, (_, i) => callWebhook(cluster.baseUrl, scenario.path, i)));
		return await measure(scenario, cluster, answers, t0, since);
	} finally {
		sandbox.setTokenTtl(TTL_SECONDS);
	}
}

/** Where failed calls went: executions by status, the worker that ran each unfinished one, worker log warnings. */
async function explainFailures(scenario: Scenario, cluster: QueueCluster, since: number): Promise<void> {
	const executions = await cluster.executions(scenario.workflowId, since);
	const started = cluster.startedByWorker();
	const finished = cluster.finishedByWorker();
	const unfinished = executions.filter((e) => e.status !== 'success');
	log(
		`${scenario.label}: executions ${JSON.stringify(countBy(executions.map((e) => e.status)))}; not successful: ` +
			unfinished.map((e) => `${e.id} ${e.status} started by ${started.get(String(e.id))?.worker ?? '?'}, finished by ${finished.get(String(e.id))?.worker ?? '-'}`).join('; '),
	);
	for (const proc of [cluster.main, ...cluster.workers]) {
		const lines = (await proc.log()).split('\n').filter((line) => /error|stalled|warn|fail/i.test(line));
		if (lines.length > 0) log(`${proc.name} log (warnings/errors, last 8):\n${lines.slice(-8).join('\n')}`);
	}
}

function executionsText(outcome: Outcome): string {
	return Object.entries(outcome.executions).map(([status, count]) => `${count} ${status}`).join(', ') || 'none';
}

function render(outcomes: Outcome[], meta: { date: string; totalSeconds: number; load: string }): string {
	const steady = outcomes.filter((o) => o.scenario.kind === 'steady');
	const cold = outcomes.filter((o) => o.scenario.kind === 'cold');
	const lines = [
		SECTION_START,
		'## Queue mode: one credential shared by the workers, slow token endpoint (`npm run bench -- --queue`)',
		'',
		`${meta.date} · n8n 2.41.1 in queue mode (PostgreSQL + Redis + a main + workers, concurrency 10) on 2 cores · total ${meta.totalSeconds.toFixed(0)} s · load average at the end ${meta.load}`,
		'',
		`Tokens live ${TTL_SECONDS} s; the token endpoint answers after the issuer delay (the token's life starts when the request arrived). ` +
			`One warm-up call mints and stores the first token, then one webhook call every ${INTERVAL_MS} ms for ${RUN_SECONDS} s ` +
			`(Webhook → HPE GreenLake Workspace Get → Set, run by whichever worker takes the job). Mints are the token requests answered 200 ` +
			`during the traffic; target ≤ ⌈${RUN_SECONDS}/${TTL_SECONDS}⌉ + 2 = ${MINT_BOUND}, 0 failed calls, 0 API 401s.`,
		'',
		'"failed" counts calls not answered with the workspace; "executions" are those calls\' rows in n8n\'s executions table ' +
			'(a call can go unanswered while its execution succeeded: n8n\'s main did not deliver the queued execution\'s response).',
		'',
		'| issuer delay | workers | calls | failed | executions | API 401s | mints (target ≤ 6) | mints by process | calls by worker | traffic + last answer |',
		'|---|---|---|---|---|---|---|---|---|---|',
		...steady.map(
			(o) =>
				`| ${o.scenario.delayMs} ms | ${o.scenario.workers} | ${o.calls} | ${o.failed} | ${executionsText(o)} | ${o.api401} | **${o.mints}** | ${Object.entries(o.byProcess).map(([k, v]) => `${k} ${v}`).join(', ')} | ${Object.entries(o.byWorker).map(([k, v]) => `${k} ${v}`).join(', ')} | ${o.seconds.toFixed(1)} s |`,
		),
		'',
		`Cold start: ${COLD_CALLS} concurrent calls on a credential no process holds a token for (a new credential per run), ${cold[0]?.scenario.workers ?? 2} workers, issuer delay ${cold[0]?.scenario.delayMs ?? 0} ms, 15-minute tokens.`,
		'',
		'| run | calls | failed | executions | API 401s | mints | mints by process |',
		'|---|---|---|---|---|---|---|',
		...cold.map(
			(o, i) =>
				`| ${i + 1} | ${o.calls} | ${o.failed} | ${executionsText(o)} | ${o.api401} | **${o.mints}** | ${Object.entries(o.byProcess).map(([k, v]) => `${k} ${v}`).join(', ')} |`,
		),
		'',
		'Mint timelines (seconds after the first call, minting process):',
		'',
		...outcomes.map((o) => `- ${o.scenario.label}: ${o.timeline || 'none'}${o.failures ? `; failures: ${o.failures}` : ''}`),
		SECTION_END,
	];
	return lines.join('\n');
}

/** Replaces (or appends) the queue section of bench/results.md, leaving the rest of the file as it is. */
export async function writeQueueSection(file: string, section: string): Promise<void> {
	const current = await fs.readFile(file, 'utf8').catch(() => '');
	const start = current.indexOf(SECTION_START);
	const end = current.indexOf(SECTION_END);
	const next =
		start >= 0 && end > start
			? current.slice(0, start) + section + current.slice(end + SECTION_END.length)
			: `${current.trimEnd()}\n\n${section}\n`;
	await fs.writeFile(file, next);
}

/** The queue section of an existing results file (kept when the main benchmark rewrites the file). */
export async function readQueueSection(file: string): Promise<string | undefined> {
	const current = await fs.readFile(file, 'utf8').catch(() => '');
	const start = current.indexOf(SECTION_START);
	const end = current.indexOf(SECTION_END);
	return start >= 0 && end > start ? current.slice(start, end + SECTION_END.length) : undefined;
}

export async function runQueueBench(): Promise<void> {
	const started = Date.now();
	const delays = listArg('delays', [300, 1000]);
	const workerCounts = listArg('workers', [2, 4]).sort((a, b) => a - b);
	const coldRuns = listArg('cold-runs', [5])[0] ?? 5;
	const coldDelay = listArg('cold-delay', [300])[0] ?? 300;
	const scenarios: Scenario[] = [];
	let n = 1;
	for (let run = 1; run <= coldRuns; run++) scenarios.push(scenario(n++, 'cold', `cold start ${run}, 2 workers, ${coldDelay} ms`, coldDelay, 2));
	for (const workers of workerCounts) {
		for (const delayMs of delays) scenarios.push(scenario(n++, 'steady', `${delayMs} ms, ${workers} workers`, delayMs, workers));
	}
	const warmUp = scenario(n++, 'cold', 'warm-up', 0, 0);

	let sandbox: Sandbox | undefined;
	let cluster: QueueCluster | undefined;
	const outcomes: Outcome[] = [];
	try {
		const tarball = await packBuiltSnapshot(path.resolve(process.env.BENCH_PACKAGE_DIR ?? SOURCE_ROOT));
		sandbox = await startSandbox({ rateLimits: false, tokenTtlSeconds: TTL_SECONDS });
		for (const s of [...scenarios, warmUp]) {
			s.proxy = await startTracingProxy(sandbox.url, { tokenDelayMs: s.delayMs });
			s.credential.data.customBaseUrl = s.proxy.url;
		}
		const maxWorkers = Math.max(2, ...workerCounts);
		cluster = await QueueCluster.create({ packageTarball: tarball, workers: maxWorkers, concurrency: 10 });
		await cluster.importCredentials([...scenarios, warmUp].map((s) => s.credential));
		await cluster.importWorkflows(
			[...scenarios, warmUp].map((s) => webhookWorkspaceWorkflow(s.workflowId, s.path, { id: s.credential.id, name: s.credential.name })),
		);
		await Promise.all([cluster.startMain({ webhookPaths: [...scenarios, warmUp].map((s) => s.path) }), cluster.startWorker(0)]);
		await cluster.startWorker(1);
		// a worker reports ready before its queue consumer runs: a few calls make sure main → Redis → workers answers
		for (let i = 0; i < 6; i++) {
			const answer = await callWebhook(cluster.baseUrl, warmUp.path, 1000 + i);
			if (!isGood(answer)) throw new Error(`warm-up call ${i + 1} failed: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
		}
		log(`cluster ready: ${cluster.timings.map((t) => `${t.step} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}`);

		let running = 2;
		for (const s of scenarios) {
			while (running < s.workers) {
				await cluster.startWorker(running);
				running += 1;
				log(`worker-${running} started`);
			}
			const since = await cluster.maxExecutionId();
			const outcome = s.kind === 'cold' ? await coldRun(s, cluster, sandbox) : await steadyRun(s, cluster);
			outcomes.push(outcome);
			if (outcome.failed > 0) await explainFailures(s, cluster, since);
			log(
				`${s.label}: ${outcome.calls} calls, ${outcome.failed} failed, executions ${executionsText(outcome)}, ${outcome.api401} API 401s, ${outcome.mints} mints ` +
					`(${outcome.timeline}); calls by worker ${JSON.stringify(outcome.byWorker)}${outcome.failures ? `; failures: ${outcome.failures}` : ''}`,
			);
		}
		const section = render(outcomes, {
			date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
			totalSeconds: (Date.now() - started) / 1000,
			load: os.loadavg().map((v) => v.toFixed(2)).join(' '),
		});
		const file = path.join(SOURCE_ROOT, 'bench', 'results.md');
		await writeQueueSection(file, section);
		process.stdout.write(section + '\n');
		log(`wrote the queue section of ${file}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
	} finally {
		await cluster?.dispose();
		for (const s of [...scenarios, warmUp]) await s.proxy?.close();
		await sandbox?.close();
		closeWebhookAgent();
		cleanupHarness();
	}
}
