/**
 * The package in n8n QUEUE MODE: PostgreSQL + Redis + a main + 2 workers (real n8n 2.x, each process with its own user
 * folder and the package installed as a community package), webhook-triggered workflows calling the GreenLake sandbox.
 *
 * - 1 worker, then 2 workers: tokens living 5 s, 20 s of steady webhook traffic: mints ≤ 20/5 + 2 and no API 401;
 *   the token minted by one process is persisted (encrypted) in n8n's credential store and adopted by the others;
 * - 100 concurrent webhook executions: none failed, both workers used (the Set node reports $env.QUEUE_TEST_WORKER,
 *   cross-checked with each worker's "Worker started execution <id>" log line);
 * - SIGTERM to a worker mid-run: it drains (its running executions finish), every webhook call is answered, every
 *   execution ends 'success'.
 * Which process minted when: the sandbox sits behind a tracing proxy that maps each token request's TCP connection
 * to the process that opened it (tracingProxy.ts). Every credential has its own proxy port, hence its own base URL
 * and its own token-engine cache key, so scenarios do not share tokens.
 */
import * as http from 'node:http';
import * as path from 'node:path';

import { cleanupHarness, type CredentialImport } from '../e2e/n8n';
import { SEED, startSandbox, type Sandbox } from '../sandbox';
import { packBuiltSnapshot } from './packSnapshot';
import { QueueCluster } from './queueCluster';
import { webhookWorkspaceWorkflow } from './queueWorkflows';
import { delay } from './services';
import { startTracingProxy, type TracingProxy } from './tracingProxy';

const REPO = path.resolve(__dirname, '../..');
const TTL_SECONDS = 5;
const RUN_SECONDS = 20;
/** One webhook call every INTERVAL_MS during RUN_SECONDS (steady traffic both workers keep up with on 2 cores). */
const INTERVAL_MS = 400;
const MAX_MINTS = RUN_SECONDS / TTL_SECONDS + 2;
/** A package folder to test instead of the repo's build (e.g. a patched build): GREENLAKE_QUEUE_PACKAGE_DIR. */
const PACKAGE_DIR = process.env.GREENLAKE_QUEUE_PACKAGE_DIR ?? REPO;

interface Scenario {
	credential: CredentialImport;
	workflowId: string;
	path: string;
	proxy?: TracingProxy;
}

const scenarios: Record<'burst' | 'ttl1' | 'ttl2', Scenario> = {
	burst: { credential: cred('glQueueCredBurst', 'Queue: burst'), workflowId: 'glQueueBurst0001', path: 'gl-queue-burst' },
	ttl1: { credential: cred('glQueueCredTtl01', 'Queue: 5 s tokens, 1 worker'), workflowId: 'glQueueTtlOne001', path: 'gl-queue-ttl-1' },
	ttl2: { credential: cred('glQueueCredTtl02', 'Queue: 5 s tokens, 2 workers'), workflowId: 'glQueueTtlTwo001', path: 'gl-queue-ttl-2' },
};

function cred(id: string, name: string): CredentialImport {
	const client = SEED.clients.standard;
	return {
		id,
		name,
		type: 'hpeGreenLakeApi',
		data: {
			clientId: client.clientId,
			clientSecret: client.clientSecret,
			workspaceId: client.workspaceId,
			issuer: 'workspace',
			baseUrl: 'custom',
			customBaseUrl: '', // the scenario's proxy URL, once known
			clientAuthentication: 'body',
		},
	};
}

let sandbox: Sandbox;
let cluster: QueueCluster;
const report: string[] = [];
const suiteStarted = Date.now();

function note(line: string): void {
	report.push(line);
	process.stderr.write(`[queue] ${line}\n`);
}

interface WebhookAnswer {
	status: number;
	body: Record<string, unknown> | undefined;
	text: string;
	ms: number;
	error?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });

function callWebhook(webhookPath: string, i: number): Promise<WebhookAnswer> {
	const started = Date.now();
	const payload = JSON.stringify({ i });
	return new Promise((resolve) => {
		const req = http.request(
			`${cluster.baseUrl}/webhook/${webhookPath}`,
			{ method: 'POST', agent, timeout: 120_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					let body: Record<string, unknown> | undefined;
					try {
						body = JSON.parse(text) as Record<string, unknown>;
					} catch {
						body = undefined;
					}
					resolve({ status: res.statusCode ?? 0, body, text, ms: Date.now() - started });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (error) => resolve({ status: 0, body: undefined, text: '', ms: Date.now() - started, error: error.message }));
		req.end(payload);
	});
}

/** One call every `intervalMs` for `seconds` (not waiting for answers), then all answers. */
async function steadyTraffic(webhookPath: string, seconds: number, intervalMs: number): Promise<WebhookAnswer[]> {
	const pending: Array<Promise<WebhookAnswer>> = [];
	const started = Date.now();
	for (let i = 0; Date.now() - started < seconds * 1000; i++) {
		pending.push(callWebhook(webhookPath, i));
		const next = started + (i + 1) * intervalMs;
		await delay(Math.max(0, next - Date.now()));
	}
	return await Promise.all(pending);
}

function isGood(answer: WebhookAnswer): boolean {
	const id = String(answer.body?.id ?? '').replace(/-/g, '');
	return answer.status === 200 && id === SEED.workspaces.standard.id && typeof answer.body?.worker === 'string';
}

function describeFailures(answers: WebhookAnswer[]): string {
	return answers
		.filter((a) => !isGood(a))
		.slice(0, 5)
		.map((a) => `HTTP ${a.status} ${a.error ?? ''} ${a.text.slice(0, 300)}`)
		.join('\n');
}

function countBy<T>(values: T[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
	return counts;
}

/** "+0.4 s worker-1, +4.3 s worker-2, …" relative to `t0`. */
function mintTimeline(proxy: TracingProxy, t0: number): string {
	const names = cluster.pidNames();
	return proxy.mints
		.filter((m) => m.status === 200)
		.map((m) => `+${((m.at - t0) / 1000).toFixed(1)} s ${m.pid !== undefined ? (names.get(m.pid) ?? `pid ${m.pid}`) : '?'}`)
		.join(', ');
}

/**
 * Steady traffic with 5 s tokens. Tokens are needed from the first call to the last answer: when a busy machine makes
 * the answers trail the 20 s of calls, that span is longer and the bound grows with it (floor(span / TTL) + 2; 6 for
 * a span under 25 s).
 */
async function ttlRun(
	scenario: Scenario,
	label: string,
): Promise<{ mints: number; api401: number; answers: WebhookAnswer[]; bound: number }> {
	const proxy = scenario.proxy!;
	sandbox.setTokenTtl(TTL_SECONDS);
	sandbox.resetCounters();
	proxy.reset();
	const t0 = Date.now();
	let answers: WebhookAnswer[];
	try {
		answers = await steadyTraffic(scenario.path, RUN_SECONDS, INTERVAL_MS);
	} finally {
		sandbox.setTokenTtl(undefined);
	}
	const seconds = (Date.now() - t0) / 1000;
	const bound = Math.max(MAX_MINTS, Math.floor(seconds / TTL_SECONDS) + 2);
	const counters = sandbox.counters();
	const good = answers.filter(isGood);
	note(
		`${label}: ${answers.length} webhook calls over ${seconds.toFixed(1)} s, ${good.length} OK, by worker ${JSON.stringify(countBy(good.map((a) => a.body!.worker)))}; ` +
			`tokens live ${TTL_SECONDS} s: ${counters.mints.total} mints (bound ${bound}), ${counters.api401} API 401s; ` +
			`mints by process and time: ${mintTimeline(proxy, t0)}`,
	);
	expect(describeFailures(answers)).toBe('');
	return { mints: counters.mints.total, api401: counters.api401, answers, bound };
}

/**
 * Runs exactly `count` workers (worker-1, then worker-2), starting or stopping (SIGTERM) them as needed: each test
 * states the cluster it needs instead of relying on what the tests before it left running. A worker started here
 * has answered a webhook call before this returns (it reports healthy before its queue consumer runs).
 */
async function useWorkers(count: 1 | 2): Promise<void> {
	for (let index = 0; index < cluster.workers.length; index++) {
		const running = cluster.workers[index].daemon?.running === true;
		if (index < count && !running) {
			const { name } = cluster.workers[index];
			await cluster.startWorker(index);
			note(`${name} started in ${((cluster.timings.at(-1)?.ms ?? 0) / 1000).toFixed(1)} s`);
			let answeredBy = '';
			for (let i = 0; i < 10 && answeredBy !== name; i++) {
				const answer = await callWebhook(scenarios.burst.path, 2000 + i);
				if (!isGood(answer)) throw new Error(`warm-up call for ${name} failed: ${describeFailures([answer])}`);
				answeredBy = String(answer.body!.worker);
			}
			if (answeredBy !== name) throw new Error(`${name} answered none of 10 warm-up calls`);
		} else if (index >= count && running) {
			await cluster.stopWorker(index, 'SIGTERM');
		}
	}
}

beforeAll(async () => {
	const tarball = await packBuiltSnapshot(PACKAGE_DIR);
	sandbox = await startSandbox({ rateLimits: false });
	for (const scenario of Object.values(scenarios)) {
		scenario.proxy = await startTracingProxy(sandbox.url);
		scenario.credential.data.customBaseUrl = scenario.proxy.url;
	}
	cluster = await QueueCluster.create({ packageTarball: tarball, workers: 2, concurrency: 10 });
	await cluster.importCredentials(Object.values(scenarios).map((s) => s.credential));
	await cluster.importWorkflows(
		Object.values(scenarios).map((s) => webhookWorkspaceWorkflow(s.workflowId, s.path, { id: s.credential.id, name: s.credential.name })),
	);
	// main and the first worker start side by side; the second worker joins later (1-worker figures first)
	await Promise.all([cluster.startMain({ webhookPaths: Object.values(scenarios).map((s) => s.path) }), cluster.startWorker(0)]);
	note(`ready: ${cluster.timings.map((t) => `${t.step} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}`);
	// A worker reports healthy before its queue consumer is fully running; a few calls first make sure the whole
	// path (main → Redis → worker → sandbox) answers before anything is measured.
	for (let i = 0; i < 3; i++) {
		const answer = await callWebhook(scenarios.burst.path, 1000 + i);
		if (!isGood(answer)) throw new Error(`warm-up webhook call ${i + 1} failed: ${describeFailures([answer])}`);
	}
}, 15 * 60_000);

afterAll(async () => {
	try {
		await cluster?.dispose();
		for (const scenario of Object.values(scenarios)) await scenario.proxy?.close();
		await sandbox?.close();
		agent.destroy();
	} finally {
		cleanupHarness();
		note(`total ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`);
		process.stderr.write(`\n[queue] figures\n${report.map((l) => `  ${l}`).join('\n')}\n`);
	}
}, 120_000);

describe('HPE GreenLake package in n8n queue mode (Postgres + Redis + main + workers)', () => {
	let oneWorkerMints: number | undefined;

	it(`1 worker: tokens living ${TTL_SECONDS} s, ${RUN_SECONDS} s of steady webhook traffic: ≤ ${MAX_MINTS} mints, 0 API 401s`, async () => {
		await useWorkers(1);
		const { mints, api401, bound } = await ttlRun(scenarios.ttl1, '1 worker');
		oneWorkerMints = mints;
		expect(api401).toBe(0);
		expect(mints).toBeLessThanOrEqual(bound);
	}, 180_000);

	it('100 concurrent webhook executions across 2 workers: 0 failed, both workers used', async () => {
		await useWorkers(2);
		const since = await cluster.maxExecutionId();
		sandbox.resetCounters();
		scenarios.burst.proxy!.reset(); // forget the warm-up's mint
		const t0 = Date.now();
		const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => callWebhook(scenarios.burst.path, i)));
		const seconds = (Date.now() - t0) / 1000;
		expect(describeFailures(answers)).toBe('');
		const byWorker = countBy(answers.map((a) => a.body?.worker));
		expect(Object.keys(byWorker).sort()).toEqual(['worker-1', 'worker-2']);
		// each answer's execution id and worker agree with the worker logs and the executions table
		const started = cluster.startedByWorker();
		for (const answer of answers) expect(started.get(String(answer.body!.executionId))?.worker).toBe(answer.body!.worker);
		// every request was answered by its own execution (the Set node echoes the request number, as a string)
		expect(new Set(answers.map((a) => String(a.body!.request)))).toEqual(new Set(Array.from({ length: 100 }, (_, i) => String(i))));
		const executions = await cluster.executions(scenarios.burst.workflowId, since);
		expect(executions).toHaveLength(100);
		expect(countBy(executions.map((e) => e.status))).toEqual({ success: 100 });
		const counters = sandbox.counters();
		note(
			`100 concurrent: all 100 answered 200 in ${seconds.toFixed(1)} s (slowest ${Math.max(...answers.map((a) => a.ms))} ms), ` +
				`by worker ${JSON.stringify(byWorker)}; executions table: ${JSON.stringify(countBy(executions.map((e) => e.status)))}; ` +
				`${counters.mints.total} mints (${mintTimeline(scenarios.burst.proxy!, t0)}), ${counters.api401} API 401s`,
		);
		expect(counters.api401).toBe(0);
		// each worker mints at most once (or not at all when it still holds its warm-up token)
		expect(counters.mints.total).toBeLessThanOrEqual(2);
		// the shared token sits in n8n's credential store encrypted with N8N_ENCRYPTION_KEY, never as plain text
		const [stored] = await cluster.pg.query<{ data: string }>(`SELECT data FROM credentials_entity WHERE id = '${scenarios.burst.credential.id}'`);
		const minted = scenarios.burst.proxy!.mints.map((m) => m.accessToken).filter((t): t is string => typeof t === 'string');
		expect(minted.length).toBe(counters.mints.total);
		for (const token of minted) {
			expect(stored.data.includes(token)).toBe(false);
			expect(stored.data.includes(token.split('.')[1])).toBe(false);
		}
		expect(stored.data).not.toMatch(/accessToken|clientSecret/);
	}, 300_000);

	it(`2 workers: tokens living ${TTL_SECONDS} s, ${RUN_SECONDS} s of steady webhook traffic: ≤ ${MAX_MINTS} mints (not × workers), 0 API 401s`, async () => {
		await useWorkers(2);
		const { mints, api401, answers, bound } = await ttlRun(scenarios.ttl2, '2 workers');
		note(`mints, 1 worker vs 2 workers: ${oneWorkerMints ?? 'not measured in this run'} vs ${mints}`);
		expect(Object.keys(countBy(answers.map((a) => a.body?.worker))).sort()).toEqual(['worker-1', 'worker-2']);
		expect(api401).toBe(0);
		expect(mints).toBeLessThanOrEqual(bound);
	}, 180_000);

	it('SIGTERM to a worker mid-run: its running executions finish, every call is answered, nothing is lost', async () => {
		await useWorkers(2);
		const since = await cluster.maxExecutionId();
		const calls = 24;
		// Every GreenLake call of this run is held 10 s by the sandbox. The signal goes out once 11 of those calls have
		// arrived: a worker runs at most 10 executions at once, so at least one of them is worker-2's, inside its
		// GreenLake call (n8n registers an execution as running before the workflow sends anything), and it is still
		// there when the signal arrives. Counted, not timed (a log line "Worker started execution" comes earlier, before
		// the execution is registered, so it cannot tell).
		const delayMs = 10_000;
		const concurrentOnOneWorker = 10;
		const injectedBefore = sandbox.counters().injected;
		const arrived = () => sandbox.counters().injected - injectedBefore;
		sandbox.faults.inject({ kind: 'delay', ms: delayMs, count: calls, route: '/workspaces/v1/workspaces' });
		try {
			const t0 = Date.now();
			const pending = Array.from({ length: calls }, (_, i) => callWebhook(scenarios.burst.path, 1000 + i));
			const runningOn = (worker: string, at: number): string[] => {
				const finished = cluster.finishedByWorker();
				return [...cluster.startedByWorker()]
					.filter(([id, s]) => s.worker === worker && Number(id) > since && s.at < at && !((finished.get(id)?.at ?? Infinity) < at))
					.map(([id]) => id);
			};
			for (const deadline = Date.now() + 60_000; arrived() <= concurrentOnOneWorker; await delay(50)) {
				if (Date.now() > deadline) throw new Error(`only ${arrived()} of ${calls} GreenLake calls arrived within 60 s`);
			}
			const signalAt = Date.now();
			note(`SIGTERM: ${arrived()} GreenLake calls held by the sandbox when the signal went out, ${((signalAt - t0) / 1000).toFixed(1)} s into the burst`);
			const stopped = await cluster.stopWorker(1, 'SIGTERM');
			const answers = await Promise.all(pending);
			const seconds = (Date.now() - t0) / 1000;

			// running on worker-2 when the signal was sent: started before it, not finished before it
			const runningAtSignal = runningOn('worker-2', signalAt);
			expect(runningAtSignal.length).toBeGreaterThan(0);
			expect(stopped.exit).toBe('exit code 0');
			const finishedBy = cluster.finishedByWorker();
			for (const id of runningAtSignal) {
				expect(finishedBy.get(id)?.worker).toBe('worker-2');
				expect(finishedBy.get(id)!.at).toBeGreaterThanOrEqual(signalAt);
			}
			// the worker's own list of what it had to drain: every one finished there, after the signal
			const drainLine = cluster.workers[1].daemon!.lines.find((l) => /Waiting for \d+ active executions to finish/.test(l.text));
			expect(drainLine?.text).toMatch(/execution IDs: \d/);
			const drained = drainLine!.text.match(/execution IDs: ([\d, ]+)/)![1].split(/,\s*/).filter(Boolean);
			expect(drained.length).toBeGreaterThan(0);
			for (const id of drained) {
				expect(finishedBy.get(id)?.worker).toBe('worker-2');
				expect(finishedBy.get(id)!.at).toBeGreaterThanOrEqual(signalAt);
			}
			expect(describeFailures(answers)).toBe('');
			const executions = await cluster.executions(scenarios.burst.workflowId, since);
			expect(executions).toHaveLength(calls);
			expect(countBy(executions.map((e) => e.status))).toEqual({ success: calls });
			const lastFinish = Math.max(...runningAtSignal.map((id) => finishedBy.get(id)!.at));
			note(
				`SIGTERM: sent to worker-2 ${((signalAt - t0) / 1000).toFixed(1)} s into a ${calls}-call burst (every GreenLake call delayed ${delayMs / 1000} s) while it ran ` +
					`${runningAtSignal.length} execution(s) (ids ${runningAtSignal.join(', ')}); it finished them all, the last ${((lastFinish - signalAt) / 1000).toFixed(1)} s ` +
					`after the signal, and exited (${stopped.exit}) after ${(stopped.ms / 1000).toFixed(1)} s; worker-2 log: "${drainLine?.text.trim() ?? 'no drain line'}"; ` +
					`${answers.filter(isGood).length}/${calls} calls answered 200 in ${seconds.toFixed(1)} s, by worker ${JSON.stringify(countBy(answers.map((a) => a.body?.worker)))}; ` +
					`executions table: ${JSON.stringify(countBy(executions.map((e) => e.status)))}`,
			);
		} finally {
			sandbox.faults.clear();
		}
	}, 180_000);
});
