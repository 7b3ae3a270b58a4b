/**
 * `npm run bench` (`-- --quick` for one round with smaller sizes): this package against n8n's own HTTP Request node,
 * in one real n8n 2.41.1, against local GreenLake sandboxes. Writes bench/results.md and prints it.
 *
 * Setup: reference pulls with undici (what the sandboxes hold), the built package installed in a fresh n8n, the
 * credentials and workflows imported, the server started once (see below). Each round then alternates the
 * contenders: scenarios 1–4 (one workflow each: ours, theirs), scenario 5 (ours, theirs; a baseline in round 1),
 * then the raw undici loop. Rounds stop early when the next one would not end within the budget (14 min full,
 * 5 min quick), so `npm run bench` stays under 15 minutes on a busy 2-core machine.
 *
 * Options: --quick; --only=main or --only=memory (scenarios 1–4 or 5 only, for development); --queue runs the
 * queue-mode benchmark instead (bench/queue.ts: mints of workers sharing a credential, slow token endpoint).
 * Env: BENCH_PACKAGE_DIR = the built package to install (default: the repository root, built by `npm run bench`);
 * BENCH_N8N_NODE_OPTIONS = NODE_OPTIONS for the measured `n8n execute` (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof");
 * BENCH_VERBOSE=1 logs the RSS timeline of the memory pulls.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanupHarness, N8nInstance, packPackage, runCommand } from '../test/e2e/n8n';
import { memoryRun, mainRun, type MainRun, type MemoryRun, type TokenRun } from './measure';
import { executeMeasured, resolveRuntime, type MeasuredExecution } from './n8nRun';
import { benchConfig, buildPlan, CLIENT, startSandboxes, WF, WORKSPACE, type Sandboxes } from './plan';
import { machineCpuSnapshot } from './proc';
import { mintToken, pullAuditLogs, pullCollection, runRawLoop, type RawLoopResult } from './raw';
import { readQueueSection, runQueueBench } from './queue';
import { renderResults, type Results } from './report';
import type { BenchSandbox } from './sandbox';
import { int, median, sec } from './stats';

const SOURCE_ROOT = path.resolve(__dirname, '..', '..');

function log(message: string): void {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function packageRoot(): string {
	return path.resolve(process.env.BENCH_PACKAGE_DIR ?? SOURCE_ROOT);
}

async function main(): Promise<void> {
	if (process.argv.includes('--queue')) return await runQueueBench();
	const started = Date.now();
	const quick = process.argv.includes('--quick');
	const cfg = benchConfig(quick);
	// --only=main,memory: run scenarios 1-4 or 5 only (for development; the report shows n/a for the rest)
	const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
	const only = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ['main', 'memory']);
	const notes: string[] = [];
	const cpuBefore = machineCpuSnapshot();
	log(`${quick ? 'quick' : 'full'} run: up to ${cfg.rounds} round(s), budget ${sec(cfg.budgetMs, 0)}; load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);

	const runtime = await resolveRuntime(SOURCE_ROOT);
	const sb = await startSandboxes(cfg);
	const all = Object.values(sb) as BenchSandbox[];
	let n8n: N8nInstance | undefined;
	try {
		// What the sandboxes hold, read directly (and the token of the raw loop)
		const devices = await pullCollection(sb.pages.url, await mintToken(sb.pages.url, CLIENT), '/devices/v1/devices');
		const audit = await pullAuditLogs(sb.pages.url, await mintToken(sb.pages.url, CLIENT));
		const memory = await pullAuditLogs(sb.memory.url, await mintToken(sb.memory.url, CLIENT));
		const rawToken = await mintToken(sb.overhead.url, CLIENT);
		log(`sandboxes: ${int(devices.records)} devices, ${int(audit.records)} audit logs, ${int(memory.records)} audit logs (${(memory.jsonBytes / 1048576).toFixed(1)} MiB JSON) for the memory pull`);
		const s3Ids = sb.rate.server.state.data.devices(WORKSPACE).slice(0, cfg.s3Items).map((device) => device.id);
		const plan = buildPlan(cfg, sb, s3Ids);

		const tarball = await packPackage(packageRoot());
		n8n = await N8nInstance.create({ packageTarball: tarball, runtime });
		await n8n.importCredentials(plan.credentials);
		await n8n.importWorkflow(plan.workflows);
		// Sub-workflows given as JSON run with the CLI user's permissions, whose role scopes n8n writes to its database
		// only when the server starts (`n8n execute` does not): start it once so that their credentials are usable.
		await n8n.start();
		await n8n.stop();
		log(`n8n ${runtime.n8nVersion} ready (${sec(Date.now() - started, 0)} since start)`);

		const tok = { ours: [] as TokenRun[], theirs: [] as TokenRun[], predefined: [] as TokenRun[] };
		const mainRuns = { ours: [] as MainRun[], theirs: [] as MainRun[] };
		const mem = { ours: [] as MemoryRun[], theirs: [] as MemoryRun[], base: [] as MemoryRun[] };
		const raw: RawLoopResult[] = [];
		const loads: number[] = [];
		const instance = n8n;

		const execute = async (workflowId: string): Promise<{ execution: MeasuredExecution; load: number }> => {
			for (const sandbox of all) sandbox.reset();
			const load = os.loadavg()[0];
			loads.push(load);
			const execution = await executeMeasured(instance, workflowId);
			return { execution, load };
		};
		const counters = (sandboxes: Sandboxes) => ({
			token: sandboxes.token.counters(),
			tokenOAuth: sandboxes.tokenOAuth.counters(),
			tokenPredefined: sandboxes.tokenPredefined.counters(),
			pages: sandboxes.pages.counters(),
			pagesTotal: sandboxes.pagesTotal.counters(),
			rate: sandboxes.rate.counters(),
			overhead: sandboxes.overhead.counters(),
		});

		let rounds = 0;
		let lastRoundMs = 0;
		for (let round = 1; round <= cfg.rounds; round++) {
			const elapsed = Date.now() - started;
			if (round > 1 && elapsed + lastRoundMs * 1.05 > cfg.budgetMs) {
				notes.push(`Stopped after ${rounds} round(s): another round (~${sec(lastRoundMs, 0)}) would end after the ${sec(cfg.budgetMs, 0)} budget.`);
				log(notes[notes.length - 1]);
				break;
			}
			const roundStart = Date.now();
			log(`round ${round}/${cfg.rounds}`);

			for (const [key, id] of only.has('main') ? ([['ours', WF.mainOurs], ['theirs', WF.mainTheirs]] as const) : []) {
				const { execution, load } = await execute(id);
				const result = mainRun(cfg, execution, counters(sb), sb.overhead.connections(), [...sb.rate.rateLog], key === 'theirs', load);
				mainRuns[key].push(result);
				tok[key].push(result.tok);
				if (result.tokPredefined) tok.predefined.push(result.tokPredefined);
				for (const [label, run] of [[key, result.tok], ['predefined', result.tokPredefined]] as const) {
					if (run) log(`  1 tokens ${label}: ${sec(run.nodeMs)} node, ${run.mints} mints, ${run.api401} 401s, ${run.records ?? 0} items` + (run.error ? ` ERROR ${run.error}` : ''));
				}
				log(
					`  4 per-item ${key}: ${sec(result.s4.nodeMs)} for ${cfg.s4Items}, CPU ${sec(result.s4.cpuMs)}, ${result.s4.mints} mints` +
						` | 2 devices ${result.devices.records ?? '-'} in ${result.devices.requests} req, audit ${result.audit.records ?? '-'} in ${result.audit.requests} req` +
						(result.auditTotal ? `, audit B ${result.auditTotal.records ?? '-'} in ${result.auditTotal.requests} req` : '') +
						` | 3 rate ${result.s3.records ?? 0} records, ${result.s3.failedItems} failed, ${result.s3.api429} 429s, ${sec(result.s3.nodeMs)}` +
						` (command ${sec(result.commandMs, 1)})`,
				);
				execution.runData = {};
			}

			if (round === 1 && only.has('memory')) {
				const { execution, load } = await execute(WF.memBase);
				mem.base.push(memoryRun(execution, sb.memory.counters(), load));
				log(`  5 memory baseline: ${Math.round((mem.base[0].peakPullKiB ?? 0) / 1024)} MiB at T1, lifetime peak ${Math.round((mem.base[0].peakMainKiB ?? 0) / 1024)} MiB`);
			}
			for (const [key, id] of only.has('memory') ? ([['ours', WF.memOurs], ['theirs', WF.memTheirs]] as const) : []) {
				const { execution, load } = await execute(id);
				const result = memoryRun(execution, sb.memory.counters(), load);
				mem[key].push(result);
				log(
					`  5 memory ${key}: ${result.records ?? '-'} records, ${Math.round((result.peakPullKiB ?? 0) / 1024)} MiB at the end of the pull, lifetime peak ${Math.round((result.peakMainKiB ?? 0) / 1024)} MiB, runner ${Math.round((result.peakRunnerKiB ?? 0) / 1024)} MiB, pull ${sec(result.nodeMs)}` +
						(result.error ? ` ERROR ${result.error}` : ''),
				);
				if (process.env.BENCH_VERBOSE === '1') log(`    RSS MiB over time (ms): ${result.timeline.map(([t, v]) => `${t}:${v}`).join(' ')}`);
			}

			sb.overhead.reset();
			const loop = await runRawLoop(path.join(runtime.nodeBin, 'node'), `${sb.overhead.url}/workspaces/v1/workspaces/${WORKSPACE}`, rawToken, cfg.s4Items);
			raw.push({ ...loop, connections: sb.overhead.connections() });
			log(`  4 raw undici loop: ${sec(loop.ms)} for ${loop.n}`);

			rounds = round;
			lastRoundMs = Date.now() - roundStart;
		}

		const cmd = (runs: Array<{ commandMs: number }>) => sec(median(runs.map((run) => run.commandMs)), 1);
		notes.push(
			`\`n8n execute\` commands, start-up included (medians): scenarios 1–4 ours ${cmd(mainRuns.ours)}, theirs ${cmd(mainRuns.theirs)}; ` +
				`scenario 5 ours ${cmd(mem.ours)}, theirs ${cmd(mem.theirs)}.`,
		);
		const cpuAfter = machineCpuSnapshot();
		const results: Results = {
			cfg,
			env: {
				date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
				n8nVersion: runtime.n8nVersion,
				n8nNode: (await nodeVersion(runtime.nodeBin)) ?? '24',
				benchNode: process.versions.node,
				cores: os.cpus().length,
				cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
			},
			refs: { devices, audit, memory },
			rounds,
			tok,
			main: mainRuns,
			mem,
			raw,
			loads,
			machineBusy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total),
			totalMs: Date.now() - started,
			notes,
		};
		const markdown = renderResults(results);
		const file = path.join(SOURCE_ROOT, 'bench', 'results.md');
		// the queue-mode section comes from its own run (npm run bench -- --queue): keep it
		const queueSection = await readQueueSection(file);
		await fs.writeFile(file, markdown + (queueSection ? `\n\n${queueSection}` : '') + '\n');
		process.stdout.write(markdown + '\n');
		log(`wrote ${path.relative(process.cwd(), file) || file}; total ${sec(Date.now() - started, 0)}`);
	} finally {
		await n8n?.dispose();
		for (const sandbox of all) await sandbox.close();
		cleanupHarness();
	}
}

async function nodeVersion(nodeBin: string): Promise<string | undefined> {
	try {
		const result = await runCommand('node --version', path.join(nodeBin, 'node'), ['--version'], { timeoutMs: 30_000 });
		return result.stdout.trim().replace(/^v/, '');
	} catch {
		return undefined;
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`[bench] failed: ${(error as Error).stack ?? String(error)}\n`);
	process.exitCode = 1;
});
