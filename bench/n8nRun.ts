/**
 * The real n8n of the e2e harness (test/e2e/n8n.ts), driven for measurements: the runtime is resolved by running
 * install-runtime.sh from the source tree (the compiled harness looks for the script next to itself, which
 * .build/ does not have), and each `n8n execute` is spawned here, with the harness's environment and parser, so
 * that its process group can be sampled through /proc while it runs.
 */
import * as net from 'node:net';
import * as path from 'node:path';

import {
	parseExecuteOutput,
	runCommand,
	type ExecutionResult,
	type N8nInstance,
	type N8nRuntime,
	type NodeRun,
} from '../test/e2e/n8n';
import { ProcSampler, type ProcReport } from './proc';

export async function resolveRuntime(sourceRoot: string): Promise<N8nRuntime> {
	const script = path.join(sourceRoot, 'test', 'e2e', 'install-runtime.sh');
	const result = await runCommand('install-runtime', 'bash', [script], {
		cwd: sourceRoot,
		timeoutMs: 30 * 60_000,
		inheritStderr: true,
	});
	const last = result.stdout.trim().split('\n').pop() ?? '';
	const runtime = JSON.parse(last) as N8nRuntime;
	for (const key of ['nodeBin', 'nodeDir', 'n8nDir', 'n8nBin', 'n8nVersion'] as const) {
		if (!runtime[key]) throw new Error(`install-runtime.sh output lacks "${key}": ${last}`);
	}
	return runtime;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export interface MeasuredExecution extends ExecutionResult {
	proc: ProcReport;
	startedAt: number;
}

/** `n8n execute --id --rawOutput` like N8nInstance.execute, with the process group sampled (peak RSS, CPU). */
export async function executeMeasured(n8n: N8nInstance, workflowId: string, timeoutMs = 300_000): Promise<MeasuredExecution> {
	const sampler = new ProcSampler(50);
	const step = `execute ${workflowId}`;
	const startedAt = Date.now();
	const brokerPort = await freePort();
	let result;
	let proc: ProcReport;
	try {
		result = await runCommand(step, n8n.runtime.n8nBin, ['execute', `--id=${workflowId}`, '--rawOutput'], {
			cwd: n8n.userFolder,
			// BENCH_N8N_NODE_OPTIONS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the measured n8n processes
			env: n8n.env(brokerPort, {
				N8N_LOG_FORMAT: 'json',
				N8N_LOG_LEVEL: 'info',
				...(process.env.BENCH_N8N_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_N8N_NODE_OPTIONS } : {}),
			}),
			timeoutMs,
			allowFailure: true,
			onSpawn: (child) => sampler.start(child.pid),
		});
	} finally {
		proc = sampler.stop();
	}
	return { ...parseExecuteOutput(step, result), proc, startedAt };
}

/** One node's first run: start (epoch ms), duration, output items and error, or undefined when it did not run. */
export function nodeRun(result: ExecutionResult, name: string): { start: number; ms: number; run: NodeRun } | undefined {
	const run = result.runData[name]?.[0];
	if (!run) return undefined;
	return { start: Number(run.startTime ?? 0), ms: Number(run.executionTime ?? 0), run };
}

/** The json of a node's first output item (the Summary nodes output exactly one). */
export function firstJson(result: ExecutionResult, name: string): Record<string, unknown> | undefined {
	return result.runData[name]?.[0]?.data?.main?.[0]?.[0]?.json;
}

export function nodeError(result: ExecutionResult, name: string): string | undefined {
	const error = result.runData[name]?.[0]?.error;
	return error ? String(error.message ?? 'error') : undefined;
}
