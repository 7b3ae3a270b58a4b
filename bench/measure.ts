/**
 * Turns one `n8n execute` (run data, /proc samples, sandbox counters) into the numbers of each scenario. Called right
 * after each execution so that the run data (up to ~30,000 records) can be dropped at once.
 */
import type { SandboxCounters } from '../test/sandbox/types';
import { firstJson, nodeError, nodeRun, type MeasuredExecution } from './n8nRun';
import { N, S3_BUCKET, S3_LIMIT, type BenchConfig } from './plan';
import { cpuAt, hwmAfter } from './proc';
import { apiRequests, routeRequests, type RateLogEntry } from './sandbox';

export interface Outcome {
	status: string;
	error?: string;
	/** the whole `n8n execute` command, start-up included */
	commandMs: number;
	loadAvg1: number;
}

export interface TokenRun {
	nodeMs?: number;
	records?: number;
	errors?: number;
	mints: number;
	api401: number;
	apiRequests: number;
	error?: string;
}

export interface PageRun {
	nodeMs?: number;
	requests: number;
	byStatus: Record<string, number>;
	records?: number;
	uniqueIds?: number;
	error?: string;
}

export interface RateRun {
	nodeMs?: number;
	records?: number;
	failedItems: number;
	api429: number;
	sentWhileExhausted: number;
	accepted: number;
	windowsSpanned: number;
	/** accepted requests in the windows strictly between the first and the last, as a share of the limit */
	share?: number;
	error?: string;
}

export interface OverheadRun {
	nodeMs?: number;
	cpuMs?: number;
	records?: number;
	errors?: number;
	mints: number;
	requests: number;
	/** TCP connections the sandbox accepted during the whole execution (scenario 4's sandbox only) */
	connections: number;
	error?: string;
}

export interface MainRun extends Outcome {
	tok: TokenRun;
	/** scenario 1, HTTP Request node with our credential (theirs' workflow only) */
	tokPredefined?: TokenRun;
	s4: OverheadRun;
	devices: PageRun;
	audit: PageRun;
	auditTotal?: PageRun;
	s3: RateRun;
}

export interface MemoryRun extends Outcome {
	/** n8n main process VmHWM right after the pull (first sample after T1), KiB */
	peakPullKiB?: number;
	/** lifetime peak RSS (VmHWM) of n8n's main process, KiB (includes handing the records to the Code node) */
	peakMainKiB?: number;
	/** largest lifetime peak RSS of the other processes of the group (the task runner), KiB */
	peakRunnerKiB?: number;
	nodeMs?: number;
	records?: number;
	uniqueIds?: number;
	requests: number;
	/** RSS of the main process over the execution: [ms since the sub-workflow started, MiB] every ~250 ms */
	timeline: Array<[number, number]>;
}

function outcome(execution: MeasuredExecution, loadAvg1: number): Outcome {
	return {
		status: execution.status,
		error: execution.error ? execution.error.message.slice(0, 300) : undefined,
		commandMs: execution.durationMs,
		loadAvg1,
	};
}

function num(value: unknown): number | undefined {
	return typeof value === 'number' ? value : undefined;
}

export function tokenRun(execution: MeasuredExecution, node: string, summaryName: string, counters: SandboxCounters): TokenRun {
	const run = nodeRun(execution, node);
	const summary = firstJson(execution, summaryName);
	return {
		nodeMs: run?.ms,
		records: num(summary?.records),
		errors: num(summary?.errors),
		mints: counters.mints.total,
		api401: counters.api401,
		apiRequests: apiRequests(counters),
		error: nodeError(execution, node) ?? (run ? undefined : 'did not run'),
	};
}

/** A pull run in a timed sub-workflow: the Execute Workflow node's output is the sub-workflow's Summary. */
function pageRun(execution: MeasuredExecution, node: string, counters: SandboxCounters, route: string): PageRun {
	const run = nodeRun(execution, node);
	const summary = firstJson(execution, node);
	const requests = routeRequests(counters, route);
	return {
		nodeMs: num(summary?.contenderMs),
		requests: requests.total,
		byStatus: requests.byStatus,
		records: num(summary?.records),
		uniqueIds: num(summary?.uniqueIds),
		error:
			nodeError(execution, node) ??
			(typeof summary?.error === 'string' ? summary.error : undefined) ??
			(typeof summary?.firstError === 'string' ? summary.firstError : undefined) ??
			(run ? undefined : 'did not run'),
	};
}

/** Accepted requests per rate-limit window (index = floor(t / window)) and the share of the inner windows used. */
export function windowUse(log: RateLogEntry[], windowMs: number, limit: number): { accepted: number; spanned: number; share?: number } {
	const entries = log.filter((entry) => entry.bucket === S3_BUCKET);
	if (entries.length === 0) return { accepted: 0, spanned: 0 };
	const first = Math.floor(entries[0].t / windowMs);
	const last = Math.floor(entries[entries.length - 1].t / windowMs);
	const perWindow = new Map<number, number>();
	let accepted = 0;
	for (const entry of entries) {
		if (!entry.allowed) continue;
		accepted++;
		const index = Math.floor(entry.t / windowMs);
		perWindow.set(index, (perWindow.get(index) ?? 0) + 1);
	}
	const spanned = last - first + 1;
	if (spanned <= 2) return { accepted, spanned, share: accepted / (limit * spanned) };
	let inner = 0;
	for (let index = first + 1; index < last; index++) inner += perWindow.get(index) ?? 0;
	return { accepted, spanned, share: inner / (limit * (spanned - 2)) };
}

export function mainRun(
	cfg: BenchConfig,
	execution: MeasuredExecution,
	counters: Record<'token' | 'tokenOAuth' | 'tokenPredefined' | 'pages' | 'pagesTotal' | 'rate' | 'overhead', SandboxCounters>,
	overheadConnections: number,
	rateLog: RateLogEntry[],
	theirs: boolean,
	loadAvg1: number,
): MainRun {
	const s4Run = nodeRun(execution, N.s4);
	const s4Summary = firstJson(execution, N.s4Summary);
	const cpuStart = s4Run ? cpuAt(execution.proc.samples, s4Run.start) : undefined;
	const cpuEnd = s4Run ? cpuAt(execution.proc.samples, s4Run.start + s4Run.ms) : undefined;
	const s3Run = nodeRun(execution, N.s3);
	const s3Summary = firstJson(execution, N.s3Summary);
	const s3Error = nodeError(execution, N.s3);
	const use = windowUse(rateLog, cfg.s3WindowSeconds * 1000, S3_LIMIT);
	const s3Errors = num(s3Summary?.errors) ?? 0;
	return {
		...outcome(execution, loadAvg1),
		tok: tokenRun(execution, N.tok, N.tokSummary, theirs ? counters.tokenOAuth : counters.token),
		tokPredefined: theirs ? tokenRun(execution, N.tokPredefined, N.tokPredefinedSummary, counters.tokenPredefined) : undefined,
		s4: {
			nodeMs: s4Run?.ms,
			cpuMs: cpuStart !== undefined && cpuEnd !== undefined ? cpuEnd - cpuStart : undefined,
			records: num(s4Summary?.records),
			errors: num(s4Summary?.errors),
			mints: counters.overhead.mints.total,
			requests: apiRequests(counters.overhead),
			connections: overheadConnections,
			error: nodeError(execution, N.s4),
		},
		devices: pageRun(execution, N.s2Devices, counters.pages, 'GET /devices/v1/devices'),
		audit: pageRun(execution, N.s2Audit, counters.pages, 'GET /audit-log/v1/logs'),
		auditTotal: theirs ? pageRun(execution, N.s2AuditTotal, counters.pagesTotal, 'GET /audit-log/v1/logs') : undefined,
		s3: {
			nodeMs: s3Run?.ms,
			records: s3Error ? 0 : num(s3Summary?.records),
			// a failed node fails every item; with On Error: Continue each failed item is an error item
			failedItems: s3Run === undefined ? cfg.s3Items : s3Error ? cfg.s3Items : s3Errors,
			api429: counters.rate.api429,
			sentWhileExhausted: counters.rate.sentWhileExhausted,
			accepted: use.accepted,
			windowsSpanned: use.spanned,
			share: use.share,
			error: s3Error,
		},
	};
}

export function memoryRun(execution: MeasuredExecution, counters: SandboxCounters, loadAvg1: number): MemoryRun {
	const run = nodeRun(execution, N.mem);
	const summary = firstJson(execution, N.mem);
	const leader = execution.proc.peaks.find((peak) => peak.leader);
	const others = execution.proc.peaks.filter((peak) => !peak.leader);
	const t1 = num(summary?.t1);
	const samples = execution.proc.samples;
	const from = run?.start ?? samples[0]?.t ?? 0;
	const timeline: Array<[number, number]> = [];
	let next = from;
	for (const sample of samples) {
		if (sample.t < next) continue;
		timeline.push([sample.t - from, Math.round(sample.rssKiB / 1024)]);
		next = sample.t + 250;
	}
	return {
		...outcome(execution, loadAvg1),
		error: execution.error?.message.slice(0, 300) ?? nodeError(execution, N.mem) ?? (typeof summary?.firstError === 'string' ? summary.firstError : undefined),
		peakPullKiB: t1 !== undefined ? hwmAfter(samples, t1) : undefined,
		peakMainKiB: leader?.hwmKiB,
		peakRunnerKiB: others.length ? Math.max(...others.map((peak) => peak.hwmKiB)) : undefined,
		nodeMs: num(summary?.contenderMs),
		records: num(summary?.records),
		uniqueIds: num(summary?.uniqueIds),
		requests: routeRequests(counters, 'GET /audit-log/v1/logs').total,
		timeline,
	};
}
