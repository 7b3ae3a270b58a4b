/**
 * Real-n8n end-to-end harness (dev-only). Drives a real n8n 2.x (installed outside the repo by install-runtime.sh)
 * through its CLI and, for webhook tests, as a background server. Recipe: /work/shared/n8n-headless.md.
 *
 * Exported API
 *   interface N8nRuntime { nodeBin, nodeDir, n8nDir, n8nBin, n8nVersion }
 *   ensureRuntime(): Promise<N8nRuntime>
 *       Runs test/e2e/install-runtime.sh once per process (its stderr progress is forwarded to ours), parses the JSON
 *       on its last stdout line. The first install takes ~5 min and 3 GB; later calls take ~1 s. On failure throws an
 *       Error naming the failed step (from the script) and how to rerun it.
 *   packPackage(repoRoot): Promise<string>
 *       `npm pack` of the BUILT package at repoRoot into a temp folder; returns the .tgz path. Every file listed in
 *       package.json `n8n.nodes`/`n8n.credentials` must exist (else: "run `npm run build`"). Cached per process.
 *   class N8nInstance
 *       static create({ packageTarball?, packageTarballs?, env?, runtime?, port? }): fresh N8N_USER_FOLDER (mkdtemp),
 *           random N8N_ENCRYPTION_KEY, N8N_PORT `port` or a free one; installs each tarball as a community package
 *           the way n8n 2.41 does (extract into <userFolder>/.n8n/nodes/node_modules/<name>, drop dev/peer/optional
 *           deps, `npm install --ignore-scripts` inside it when it has dependencies, record it in nodes/package.json).
 *       readonly userFolder, encryptionKey, port, runtime; timings: Array<{ step, ms }> (every command, in order)
 *       importCredentials(creds[])            `n8n import:credentials` (data as plain JSON; n8n encrypts it)
 *       importWorkflow(workflow | workflow[]) `n8n import:workflow` (one command for an array)
 *       execute(workflowId): ExecutionResult  `N8N_LOG_FORMAT=json n8n execute --id --rawOutput`; never throws because
 *           the workflow failed (status 'error' + error); throws CommandError if the output cannot be parsed at all
 *       publishWorkflow(id)                   `n8n publish:workflow` (server must be stopped; takes effect at start())
 *       start(): { baseUrl, publications }   `n8n start` on 127.0.0.1:<port>, waits for /healthz/readiness,
 *                                             "Editor is now accessible" and the (asynchronous in 2.41) activation of
 *                                             every published workflow; returns each publication's outcome (trigger
 *                                             errors included, not thrown); log in <userFolder>/n8n-start.log
 *       stop()                                SIGTERM, SIGKILL of the process group after 15 s
 *       exportCredentials(): unknown[]        `n8n export:credentials --all --decrypted`
 *       sqlite(query, params?): rows[]        read-only query of <userFolder>/.n8n/database.sqlite (n8n's sqlite3 module
 *                                             under Node 24); works while the server runs
 *       savedExecutions(workflowId): SavedExecution[]  stored executions, newest first, `data` un-flatted
 *                                             (the raw stored execution data: what n8n persisted)
 *       version(): string                     `n8n --version`
 *       logTail(lines?): string               last lines of the server log
 *       dispose()                             stop, kill children, rm -rf the user folder (kept if KEEP_N8N=1)
 *   nodeOutput(result, nodeName, runIndex = 0, outputIndex = 0): Array<Record<string, unknown>>   items' json
 *   cleanupHarness()   kill leftover children, remove temp folders (tarballs, fixtures), clear caches; call in afterAll
 *   runCommand(step, cmd, args, options): CommandResult   spawn helper (throws CommandError); the child's output goes
 *                                             to files, read when it has exited (never a truncated pipe)
 *   registerTempPath(p), onHarnessCleanup(fn)            for helpers such as fixtures.ts
 *   httpJson(method, url, body?, headers?)               small JSON HTTP client for a started instance
 *   parseExecuteOutput(step, commandResult)               the `execute` output parser (exported for reuse)
 *   class CommandError extends Error { step, command, exitCode, signal, stdout, stderr }
 *
 * Every child runs with Node 24 first on PATH, npm_config_nodedir set, loopback-only listeners, telemetry, version
 * notifications, templates and banners off, N8N_LOG_LEVEL=info, and its own free N8N_RUNNERS_BROKER_PORT (a server
 * and an `execute` can run side by side). Commands of one instance run one at a time (an internal queue).
 * Env: KEEP_N8N=1 keeps user folders; N8N_E2E_VERBOSE=1 copies child output to stderr (a command's when it ends, the
 * server's as it comes).
 * Measured on the 2-core dev machine (ranges: quiet → busy with other builds): ensureRuntime when cached 0.3–1 s,
 * create with a package < 0.1 s, first command (DB migrations) 10–19 s, import 6–9 s, execute 5–7 s (17 s busy),
 * start until ready 18–31 s (recipe: ~10 s on an idle machine), stop 0.5–1 s. A harness test file: ~60 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// Beside this file when run from source (jest); from .build/test/e2e (demo, bench) it is in the repo's test/e2e.
const INSTALL_SCRIPT =
	[path.join(__dirname, 'install-runtime.sh'), path.join(__dirname, '../../../test/e2e/install-runtime.sh')].find((candidate) =>
		existsSync(candidate),
	) ?? path.join(__dirname, 'install-runtime.sh');
const RERUN_HINT = 'bash test/e2e/install-runtime.sh';
const VERBOSE = process.env.N8N_E2E_VERBOSE === '1';
const KEEP = process.env.KEEP_N8N === '1';

// ---------------------------------------------------------------------------------------------------------------
// Child processes

export interface CommandResult {
	command: string;
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	timedOut: boolean;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
	/** Resolve with the result instead of throwing on a non-zero exit (a timeout still throws). */
	allowFailure?: boolean;
	/** Forward the child's stderr to ours while it runs (stdout is still captured). */
	inheritStderr?: boolean;
	/** Called with the child right after spawn (e.g. to kill it on dispose). */
	onSpawn?: (child: ChildProcess) => void;
}

/** The last `lines` lines of `text`, at most `maxChars` characters of them (an n8n result is one multi-MB line). */
function tail(text: string, lines = 40, maxChars = 8_000): string {
	const last = text.replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
	return last.length > maxChars ? `…${last.slice(-maxChars)}` : last;
}

function quote(arg: string): string {
	return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class CommandError extends Error {
	constructor(
		readonly step: string,
		readonly command: string,
		readonly exitCode: number | null,
		readonly signal: NodeJS.Signals | null,
		readonly stdout: string,
		readonly stderr: string,
		reason: string,
	) {
		super(
			`[n8n e2e] step '${step}' failed: ${reason}\n  command: ${command}\n  exit code: ${exitCode}` +
				(signal ? ` (signal ${signal})` : '') +
				`\n  --- stdout (last lines) ---\n${tail(stdout) || '(empty)'}` +
				`\n  --- stderr (last lines) ---\n${tail(stderr) || '(empty)'}`,
		);
		this.name = 'CommandError';
	}
}

/** Children still running, killed (whole process group) on dispose() and when this process exits. */
const liveChildren = new Set<ChildProcess>();
const tempPaths = new Set<string>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

const cleanupHooks = new Set<() => void>();

/** Removes `p` (recursively) at cleanupHarness() or process exit, unless KEEP_N8N=1. */
export function registerTempPath(p: string): void {
	tempPaths.add(p);
}

/** Registers a callback run by cleanupHarness() (e.g. to forget a cached tarball whose folder is removed). */
export function onHarnessCleanup(hook: () => void): void {
	cleanupHooks.add(hook);
}

/**
 * Kills every child process the harness started and removes its temp folders (packed tarballs, fixtures; kept when
 * KEEP_N8N=1) and per-process caches. Call it in afterAll: jest does not reliably run process 'exit' handlers
 * registered from inside a test file. Instances should be dispose()d first.
 */
export function cleanupHarness(): void {
	for (const child of liveChildren) killGroup(child, 'SIGKILL');
	liveChildren.clear();
	if (!KEEP) for (const p of tempPaths) rmSync(p, { recursive: true, force: true });
	tempPaths.clear();
	packCache.clear();
	for (const hook of cleanupHooks) hook();
}

process.once('exit', () => {
	for (const child of liveChildren) killGroup(child, 'SIGKILL');
	if (!KEEP) for (const p of tempPaths) rmSync(p, { recursive: true, force: true });
});

/** Folder of the files children write their output to (created on first use, removed by cleanupHarness()). */
let outputDir: string | undefined;
let outputCounter = 0;

function outputFiles(): { stdout: string; stderr: string } {
	if (!outputDir || !existsSync(outputDir)) {
		outputDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-output-'));
		registerTempPath(outputDir);
	}
	const base = path.join(outputDir, String(++outputCounter));
	return { stdout: `${base}.stdout`, stderr: `${base}.stderr` };
}

function readAndRemove(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return '';
	} finally {
		rmSync(file, { force: true });
	}
}

/**
 * Runs a command to its end. Its stdout and stderr go to files, read once it has exited: a process that calls
 * process.exit() right after printing (n8n's CLI does) loses what is still queued for a pipe (everything beyond the
 * pipe's 64 KB buffer that the reader has not drained yet), while writes to a file complete before exit. With
 * `inheritStderr`, stderr is a pipe forwarded live to ours instead (progress output).
 */
export function runCommand(
	step: string,
	cmd: string,
	args: string[],
	options: RunOptions = {},
): Promise<CommandResult> {
	const command = [cmd, ...args].map(quote).join(' ');
	const timeoutMs = options.timeoutMs ?? 120_000;
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const files = outputFiles();
		const stdoutFd = openSync(files.stdout, 'w', 0o600);
		const stderrFd = options.inheritStderr ? 'pipe' : openSync(files.stderr, 'w', 0o600);
		let child: ChildProcess;
		try {
			child = spawn(cmd, args, {
				cwd: options.cwd,
				env: options.env ?? process.env,
				stdio: ['ignore', stdoutFd, stderrFd],
				// own process group, so a timeout or dispose() also ends n8n's task-runner children
				detached: true,
			});
		} finally {
			// the child holds its own copies
			closeSync(stdoutFd);
			if (typeof stderrFd === 'number') closeSync(stderrFd);
		}
		liveChildren.add(child);
		options.onSpawn?.(child);
		let liveStderr = '';
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
			liveStderr += chunk;
			process.stderr.write(chunk);
		});
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child, 'SIGTERM');
			setTimeout(() => killGroup(child, 'SIGKILL'), 5_000).unref();
		}, timeoutMs);
		const output = (): { stdout: string; stderr: string } => {
			const stdout = readAndRemove(files.stdout);
			const stderr = options.inheritStderr ? liveStderr : readAndRemove(files.stderr);
			if (VERBOSE) process.stderr.write(stdout + (options.inheritStderr ? '' : stderr));
			return { stdout, stderr };
		};
		child.on('error', (error) => {
			clearTimeout(timer);
			liveChildren.delete(child);
			const { stdout, stderr } = output();
			reject(new CommandError(step, command, null, null, stdout, stderr, `could not start: ${error.message}`));
		});
		child.on('close', (exitCode, signal) => {
			clearTimeout(timer);
			liveChildren.delete(child);
			const { stdout, stderr } = output();
			const result: CommandResult = {
				command,
				exitCode,
				signal,
				stdout,
				stderr,
				durationMs: Date.now() - started,
				timedOut,
			};
			if (timedOut) {
				reject(new CommandError(step, command, exitCode, signal, stdout, stderr, `timed out after ${timeoutMs} ms`));
			} else if (exitCode !== 0 && !options.allowFailure) {
				reject(new CommandError(step, command, exitCode, signal, stdout, stderr, 'non-zero exit'));
			} else {
				resolve(result);
			}
		});
	});
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

// ---------------------------------------------------------------------------------------------------------------
// Runtime

export interface N8nRuntime {
	/** Folder holding the Node 24 `node` binary (put first on PATH). */
	nodeBin: string;
	/** Node 24 install root with include/node (npm_config_nodedir). */
	nodeDir: string;
	/** The n8n holder folder (node_modules/n8n, node_modules/sqlite3 ...). */
	n8nDir: string;
	/** node_modules/.bin/n8n */
	n8nBin: string;
	n8nVersion: string;
}

let runtimePromise: Promise<N8nRuntime> | undefined;

/** Installs (first time) or reuses the cached Node 24 + n8n runtime. Safe to call many times. */
export function ensureRuntime(): Promise<N8nRuntime> {
	if (!runtimePromise) {
		runtimePromise = installRuntime();
		runtimePromise.catch(() => {
			runtimePromise = undefined;
		});
	}
	return runtimePromise;
}

async function installRuntime(): Promise<N8nRuntime> {
	let result: CommandResult;
	try {
		result = await runCommand('install-runtime', 'bash', [INSTALL_SCRIPT], {
			cwd: path.resolve(__dirname, '../..'),
			timeoutMs: 30 * 60_000,
			allowFailure: true,
			inheritStderr: true,
		});
	} catch (error) {
		throw new Error(
			`ensureRuntime: ${INSTALL_SCRIPT} did not complete (${(error as Error).message.split('\n')[0]}). ` +
				`Rerun it by hand to see its progress: ${RERUN_HINT}`,
		);
	}
	if (result.exitCode !== 0) {
		const failedLine = result.stderr.split('\n').find((l) => l.includes('FAILED at step'));
		throw new Error(
			`ensureRuntime: install-runtime.sh exited with ${result.exitCode}` +
				(failedLine ? `: ${failedLine.replace(/^\[install-runtime\] /, '')}` : '') +
				`\nRerun: ${RERUN_HINT}\n--- stderr (last lines) ---\n${tail(result.stderr, 20)}`,
		);
	}
	const last = result.stdout.trim().split('\n').pop() ?? '';
	let parsed: Partial<N8nRuntime>;
	try {
		parsed = JSON.parse(last) as Partial<N8nRuntime>;
	} catch {
		throw new Error(
			`ensureRuntime: install-runtime.sh succeeded but its last stdout line is not JSON: ${JSON.stringify(last)}. ` +
				`Rerun: ${RERUN_HINT}`,
		);
	}
	for (const key of ['nodeBin', 'nodeDir', 'n8nDir', 'n8nBin', 'n8nVersion'] as const) {
		if (typeof parsed[key] !== 'string' || !parsed[key]) {
			throw new Error(`ensureRuntime: install-runtime.sh output lacks "${key}": ${last}. Rerun: ${RERUN_HINT}`);
		}
	}
	return parsed as N8nRuntime;
}

// ---------------------------------------------------------------------------------------------------------------
// Packing

const packCache = new Map<string, Promise<string>>();

/** `npm pack` of the built package at `repoRoot` into a temp folder; returns the .tgz path (cached per process). */
export function packPackage(repoRoot: string): Promise<string> {
	const root = path.resolve(repoRoot);
	let promise = packCache.get(root);
	if (!promise) {
		promise = doPack(root);
		packCache.set(root, promise);
		promise.catch(() => packCache.delete(root));
	}
	return promise;
}

async function doPack(root: string): Promise<string> {
	const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as {
		name: string;
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const listed = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = listed.filter((file) => !existsSync(path.join(root, file)));
	if (!existsSync(path.join(root, 'dist')) || missing.length > 0) {
		throw new Error(
			`packPackage: ${pkg.name} is not built` +
				(missing.length ? ` (missing: ${missing.join(', ')})` : ' (no dist/)') +
				`. Run \`npm run build\` in ${root} first.`,
		);
	}
	const dest = await fs.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-pack-'));
	registerTempPath(dest);
	await runCommand('npm pack', 'npm', ['pack', '--ignore-scripts', '--pack-destination', dest], {
		cwd: root,
		timeoutMs: 120_000,
	});
	const tarballs = (await fs.readdir(dest)).filter((f) => f.endsWith('.tgz'));
	if (tarballs.length !== 1) {
		throw new Error(`packPackage: expected one .tgz in ${dest}, found: ${tarballs.join(', ') || 'none'}`);
	}
	return path.join(dest, tarballs[0]);
}

// ---------------------------------------------------------------------------------------------------------------
// Execution results

export type ExecutionStatus =
	| 'success'
	| 'error'
	| 'canceled'
	| 'crashed'
	| 'new'
	| 'running'
	| 'unknown'
	| 'waiting';

export interface NodeItem {
	json: Record<string, unknown>;
	binary?: Record<string, unknown>;
	pairedItem?: unknown;
	[key: string]: unknown;
}

/** One run of one node (n8n's ITaskData, loosely typed). */
export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	data?: { main?: Array<NodeItem[] | null> };
	error?: { message?: string; description?: string; [key: string]: unknown };
	[key: string]: unknown;
}

export interface ExecutionError {
	message: string;
	description?: string;
	/** Name of the node that failed, when n8n says. */
	node?: string;
	raw: unknown;
}

export interface ExecutionResult {
	status: ExecutionStatus;
	/** 0 on success, 1 on failure, or null with `signal` set: see crashedOnExit. */
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	/**
	 * n8n printed its result, then died from a signal while exiting. n8n 2.41.1 on Node 24 does this (SIGSEGV) in
	 * about a quarter of `execute` runs, successful or not, with the default "vm" expression engine (isolated-vm: it
	 * exits without disposing it); with N8N_EXPRESSION_ENGINE=legacy it did not happen in our runs. The result, read
	 * from a file, is complete: assert `status`. A test of exit codes runs n8n with the legacy engine (harness.test.ts).
	 */
	crashedOnExit: boolean;
	/** Per node name: its runs. Empty when the run never started (e.g. the workflow could not be built). */
	runData: Record<string, NodeRun[]>;
	lastNodeExecuted?: string;
	error?: ExecutionError;
	/** The full IRun n8n printed (undefined if it printed none). */
	run?: Record<string, unknown>;
	stdout: string;
	stderr: string;
	durationMs: number;
}

interface LogLine {
	level?: string;
	message?: unknown;
	[key: string]: unknown;
}

function parseLogLines(text: string): LogLine[] {
	const lines: LogLine[] = [];
	for (const line of text.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed.startsWith('{')) continue;
		try {
			const parsed = JSON.parse(trimmed) as unknown;
			if (parsed && typeof parsed === 'object') lines.push(parsed as LogLine);
		} catch {
			// not a log line
		}
	}
	return lines;
}

function toExecutionError(raw: unknown): ExecutionError | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const e = raw as { message?: unknown; description?: unknown; node?: unknown };
	const node = e.node && typeof e.node === 'object' ? (e.node as { name?: unknown }).name : undefined;
	return {
		message: typeof e.message === 'string' ? e.message : JSON.stringify(e.message ?? raw),
		description: typeof e.description === 'string' ? e.description : undefined,
		node: typeof node === 'string' ? node : undefined,
		raw,
	};
}

/**
 * Parses the output of `N8N_LOG_FORMAT=json n8n execute --id --rawOutput`. The run (IRun) is printed through the logger
 * at info level; on failure n8n logs it too, then the error message at error level. Throws when neither is found.
 */
export function parseExecuteOutput(step: string, result: CommandResult): ExecutionResult {
	const lines = parseLogLines(result.stdout + '\n' + result.stderr);
	let run: Record<string, unknown> | undefined;
	for (let i = lines.length - 1; i >= 0 && !run; i--) {
		const { level, message } = lines[i];
		if (level !== 'info' || typeof message !== 'string' || !message.trimStart().startsWith('{')) continue;
		try {
			const candidate = JSON.parse(message) as { data?: { resultData?: unknown } };
			if (candidate && typeof candidate === 'object' && candidate.data?.resultData) {
				run = candidate as Record<string, unknown>;
			}
		} catch {
			// some other JSON-looking message
		}
	}
	const base = {
		exitCode: result.exitCode,
		signal: result.signal,
		crashedOnExit: result.exitCode === null && result.signal !== null,
		stdout: result.stdout,
		stderr: result.stderr,
		durationMs: result.durationMs,
	};
	if (run) {
		const resultData = (run.data as { resultData: Record<string, unknown> }).resultData;
		const error = toExecutionError(resultData.error);
		const status =
			(typeof run.status === 'string' ? (run.status as ExecutionStatus) : undefined) ??
			(error ? 'error' : 'success');
		return {
			...base,
			status,
			runData: (resultData.runData as Record<string, NodeRun[]> | undefined) ?? {},
			lastNodeExecuted:
				typeof resultData.lastNodeExecuted === 'string' ? resultData.lastNodeExecuted : undefined,
			error,
			run,
		};
	}
	// No run printed: the command failed before or around the execution. n8n's catch() logs
	// "Error executing workflow...", "\nExecution error:", then error.message, description and stack at error level.
	const errorMessages = lines
		.filter((l) => l.level === 'error' && typeof l.message === 'string')
		.map((l) => l.message as string);
	const marker = errorMessages.findIndex((m) => m.startsWith('Error executing workflow'));
	if (marker >= 0) {
		const rest = errorMessages.slice(marker + 1).filter((m) => !/^\s*Execution error:\s*$/.test(m));
		const message = rest[0] ?? errorMessages[marker];
		const description = rest[1] && !rest[1].includes('\n    at ') ? rest[1] : undefined;
		return { ...base, status: 'error', runData: {}, error: { message, description, raw: rest } };
	}
	// e.g. 'The workflow with the id "x" does not exist.' (info level, exit 1)
	const notFound = lines.find((l) => typeof l.message === 'string' && /does not exist/.test(l.message));
	if (notFound && result.exitCode !== 0) {
		return { ...base, status: 'error', runData: {}, error: { message: notFound.message as string, raw: notFound } };
	}
	throw new CommandError(
		step,
		result.command,
		result.exitCode,
		result.signal,
		result.stdout,
		result.stderr,
		'could not find the execution result (no IRun JSON at info level, no "Error executing workflow" line)',
	);
}

/** The `json` of every item a node emitted in one run (default: first run, first output). [] when it emitted none. */
export function nodeOutput(
	result: Pick<ExecutionResult, 'runData'>,
	nodeName: string,
	runIndex = 0,
	outputIndex = 0,
): Array<Record<string, unknown>> {
	const runs = result.runData[nodeName];
	if (!runs) {
		throw new Error(
			`nodeOutput: node "${nodeName}" did not run; nodes that ran: ${Object.keys(result.runData).join(', ') || 'none'}`,
		);
	}
	const run = runs[runIndex];
	if (!run) throw new Error(`nodeOutput: node "${nodeName}" has ${runs.length} run(s), no run ${runIndex}`);
	return (run.data?.main?.[outputIndex] ?? []).map((item) => item.json);
}

// ---------------------------------------------------------------------------------------------------------------
// Instance

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
	[key: string]: unknown;
}

export interface SavedExecution {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	/** The stored IRunExecutionData (un-flatted), exactly as n8n persisted it. */
	data: { resultData: { runData?: Record<string, NodeRun[]>; error?: unknown; lastNodeExecuted?: string } } & Record<
		string,
		unknown
	>;
	/** Shortcut to data.resultData.runData (use with nodeOutput()). */
	runData: Record<string, NodeRun[]>;
}

/** What n8n did with a published workflow at start() (workflow_publication_outbox + trigger status rows). */
export interface PublicationOutcome {
	workflowId: string;
	versionId: string;
	/** Outbox status: 'completed' or 'failed' once processed. */
	status: string;
	errorMessage: string | null;
	/** Per trigger node: 'activated' or an error status with its message. */
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface StartResult {
	baseUrl: string;
	publications: PublicationOutcome[];
}

export interface N8nInstanceOptions {
	/** A community-package tarball to install before the first command. */
	packageTarball?: string;
	/** Several tarballs (installed in order, after packageTarball). */
	packageTarballs?: string[];
	/** Extra environment for every n8n command and the server (wins over the harness defaults). */
	env?: Record<string, string>;
	/** Defaults to ensureRuntime(). */
	runtime?: N8nRuntime;
	/** N8N_PORT of the server (default: a free port); e.g. 5678 for the demo's `--serve`. */
	port?: number;
}

/** Environment variables of the caller that must not leak into n8n (jest sets NODE_ENV=test, for one). */
const STRIPPED_ENV = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|NODE_ENV$|NODE_OPTIONS$|JEST_WORKER_ID$|WEBHOOK_URL$|GENERIC_TIMEZONE$|CREDENTIALS_)/;

export class N8nInstance {
	readonly timings: Array<{ step: string; ms: number }> = [];
	private server?: { child: ChildProcess; log: WriteStream; output: string[]; exited: Promise<void> };
	private queue: Promise<unknown> = Promise.resolve();
	private disposed = false;
	private fileCounter = 0;
	private readonly children = new Set<ChildProcess>();
	private readonly track = (child: ChildProcess): void => {
		this.children.add(child);
		child.once('close', () => this.children.delete(child));
	};

	private constructor(
		readonly runtime: N8nRuntime,
		readonly userFolder: string,
		readonly encryptionKey: string,
		readonly port: number,
		private readonly extraEnv: Record<string, string>,
	) {}

	static async create(options: N8nInstanceOptions = {}): Promise<N8nInstance> {
		const runtime = options.runtime ?? (await ensureRuntime());
		const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-'));
		const instance = new N8nInstance(
			runtime,
			userFolder,
			randomBytes(24).toString('hex'),
			options.port ?? (await freePort()),
			options.env ?? {},
		);
		try {
			await fs.mkdir(path.join(userFolder, '.n8n'), { recursive: true });
			const tarballs = [
				...(options.packageTarball ? [options.packageTarball] : []),
				...(options.packageTarballs ?? []),
			];
			for (const tarball of tarballs) await instance.installPackage(tarball);
		} catch (error) {
			await instance.dispose();
			throw error;
		}
		return instance;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get running(): boolean {
		return this.server !== undefined;
	}

	/** Environment for a child process; `brokerPort` must be free (each process run gets its own). */
	env(brokerPort: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {};
		for (const [key, value] of Object.entries(process.env)) {
			if (value !== undefined && !STRIPPED_ENV.test(key)) env[key] = value;
		}
		return {
			...env,
			PATH: `${this.runtime.nodeBin}${path.delimiter}${process.env.PATH ?? ''}`,
			npm_config_nodedir: this.runtime.nodeDir,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			DB_TYPE: 'sqlite',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_PORT: String(this.port),
			N8N_SECURE_COOKIE: 'false',
			N8N_WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			GENERIC_TIMEZONE: 'UTC',
			// loopback traffic (sandboxes, webhooks) must never go through a proxy configured for the registry
			NO_PROXY: withLoopback(process.env.NO_PROXY),
			no_proxy: withLoopback(process.env.no_proxy),
			...this.extraEnv,
			...extra,
		};
	}

	/** Runs `fn` after every earlier command of this instance has finished. */
	private serial<T>(fn: () => Promise<T>): Promise<T> {
		const next = this.queue.then(fn, fn);
		this.queue = next.catch(() => undefined);
		return next;
	}

	private record(step: string, ms: number): void {
		this.timings.push({ step, ms });
		if (VERBOSE) process.stderr.write(`[n8n e2e] ${step}: ${ms} ms\n`);
	}

	private async tempFile(prefix: string, content?: string): Promise<string> {
		const dir = path.join(this.userFolder, 'harness');
		await fs.mkdir(dir, { recursive: true });
		const file = path.join(dir, `${prefix}-${++this.fileCounter}.json`);
		if (content !== undefined) await fs.writeFile(file, content, { mode: 0o600 });
		return file;
	}

	/** Runs one n8n CLI command in this instance's environment. */
	async n8n(
		step: string,
		args: string[],
		options: { env?: Record<string, string>; timeoutMs?: number; allowFailure?: boolean } = {},
	): Promise<CommandResult> {
		this.assertUsable();
		const brokerPort = await freePort();
		const result = await runCommand(step, this.runtime.n8nBin, args, {
			cwd: this.userFolder,
			env: this.env(brokerPort, options.env),
			timeoutMs: options.timeoutMs ?? 120_000,
			allowFailure: options.allowFailure,
			onSpawn: this.track,
		});
		this.record(step, result.durationMs);
		return result;
	}

	private assertUsable(): void {
		if (this.disposed) throw new Error('N8nInstance: already disposed');
	}

	/** Installs a community-package tarball the way n8n 2.41's CommunityPackagesService.downloadPackage does. */
	async installPackage(tarball: string): Promise<string> {
		return this.serial(async () => {
			const started = Date.now();
			const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
			const extractDir = await fs.mkdtemp(path.join(this.userFolder, 'extract-'));
			await runCommand('install package: extract', 'tar', ['-xzf', tarball, '-C', extractDir, '--strip-components=1']);
			const pkgJsonPath = path.join(extractDir, 'package.json');
			const {
				devDependencies: _dev,
				peerDependencies: _peer,
				optionalDependencies: _optional,
				...pkg
			} = JSON.parse(await fs.readFile(pkgJsonPath, 'utf8')) as {
				name: string;
				version: string;
				dependencies?: Record<string, string>;
				[k: string]: unknown;
			};
			if (!/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name)) {
				throw new Error(`installPackage: n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, got ${pkg.name}`);
			}
			await fs.writeFile(pkgJsonPath, JSON.stringify(pkg, null, 2), 'utf8');
			const packageDir = path.join(nodesDir, 'node_modules', pkg.name);
			await fs.mkdir(path.dirname(packageDir), { recursive: true });
			await fs.rm(packageDir, { recursive: true, force: true });
			await fs.rename(extractDir, packageDir);
			if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) {
				await runCommand(
					'install package: npm install',
					'npm',
					[
						'install',
						'--audit=false',
						'--fund=false',
						'--bin-links=false',
						'--install-strategy=shallow',
						'--ignore-scripts=true',
						'--package-lock=false',
					],
					{ cwd: packageDir, env: this.env(0), timeoutMs: 300_000, onSpawn: this.track },
				);
			}
			const nodesPkgPath = path.join(nodesDir, 'package.json');
			const nodesPkg = existsSync(nodesPkgPath)
				? (JSON.parse(await fs.readFile(nodesPkgPath, 'utf8')) as { dependencies?: Record<string, string> })
				: { name: 'installed-nodes', private: true, dependencies: {} as Record<string, string> };
			nodesPkg.dependencies = { ...(nodesPkg.dependencies ?? {}), [pkg.name]: pkg.version };
			await fs.writeFile(nodesPkgPath, JSON.stringify(nodesPkg, null, 2), 'utf8');
			this.record(`install ${pkg.name}@${pkg.version}`, Date.now() - started);
			return packageDir;
		});
	}

	async importCredentials(creds: CredentialImport[]): Promise<void> {
		await this.serial(async () => {
			const file = await this.tempFile('credentials', JSON.stringify(creds));
			try {
				await this.n8n('import:credentials', ['import:credentials', `--input=${file}`]);
			} finally {
				await fs.rm(file, { force: true });
			}
		});
	}

	/** Imports one workflow or an array of workflows (one command). Imported workflows are inactive. */
	async importWorkflow(workflow: object | object[]): Promise<void> {
		await this.serial(async () => {
			const file = await this.tempFile('workflow', JSON.stringify(workflow));
			try {
				await this.n8n('import:workflow', ['import:workflow', `--input=${file}`]);
			} finally {
				await fs.rm(file, { force: true });
			}
		});
	}

	/** Runs the workflow once (`n8n execute`). Resolves with status 'error' when the workflow fails. */
	async execute(workflowId: string, options: { timeoutMs?: number } = {}): Promise<ExecutionResult> {
		return this.serial(async () => {
			const step = `execute ${workflowId}`;
			const result = await this.n8n(step, ['execute', `--id=${workflowId}`, '--rawOutput'], {
				env: { N8N_LOG_FORMAT: 'json', N8N_LOG_LEVEL: 'info' },
				timeoutMs: options.timeoutMs ?? 120_000,
				allowFailure: true,
			});
			return parseExecuteOutput(step, result);
		});
	}

	/** Marks the workflow published (active). Only edits the DB: run it before start() (recipe pitfall 10). */
	async publishWorkflow(id: string): Promise<void> {
		await this.serial(async () => {
			if (this.server) {
				throw new Error('publishWorkflow: stop() the server first; publication takes effect at the next start()');
			}
			await this.n8n(`publish:workflow ${id}`, ['publish:workflow', `--id=${id}`]);
		});
	}

	async exportCredentials(): Promise<unknown[]> {
		return this.serial(async () => {
			const file = await this.tempFile('export-credentials');
			try {
				await this.n8n('export:credentials', ['export:credentials', '--all', '--decrypted', `--output=${file}`]);
				const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
				return Array.isArray(parsed) ? parsed : [parsed];
			} finally {
				await fs.rm(file, { force: true });
			}
		});
	}

	/** `n8n --version` of this runtime. */
	async version(): Promise<string> {
		return this.serial(async () => {
			const result = await this.n8n('version', ['--version']);
			return result.stdout.trim().split('\n').pop() ?? '';
		});
	}

	/**
	 * Runs a read-only SQL query against the instance's database with the sqlite3 module of the n8n install (Node 24).
	 * Not queued behind other commands: reading while the server runs is fine. `flattedColumns` are parsed with n8n's
	 * `flatted` (execution_data.data is stored that way).
	 */
	async sqlite(
		query: string,
		params: unknown[] = [],
		options: { flattedColumns?: string[]; record?: boolean } = {},
	): Promise<Array<Record<string, unknown>>> {
		this.assertUsable();
		const dbFile = path.join(this.userFolder, '.n8n', 'database.sqlite');
		if (!existsSync(dbFile)) throw new Error(`sqlite: no database yet at ${dbFile} (run an n8n command first)`);
		const script = `
const path = require('path');
const [dbFile, n8nDir, query, params, flattedColumns] = JSON.parse(process.env.HARNESS_SQL);
const sqlite3 = require(require.resolve('sqlite3', { paths: [n8nDir] }));
const flatted = require(require.resolve('flatted', { paths: [path.join(n8nDir, 'node_modules', 'n8n')] }));
const db = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY, (openError) => {
	if (openError) { console.error(openError.message); process.exit(2); }
	db.configure('busyTimeout', 10000);
	db.all(query, params, (error, rows) => {
		if (error) { console.error(error.message); process.exit(3); }
		for (const row of rows) for (const column of flattedColumns) {
			if (typeof row[column] === 'string') row[column] = flatted.parse(row[column]);
		}
		process.stdout.write(JSON.stringify(rows));
		db.close();
	});
});`;
		const result = await runCommand('sqlite', path.join(this.runtime.nodeBin, 'node'), ['-e', script], {
			cwd: this.runtime.n8nDir,
			env: {
				...process.env,
				HARNESS_SQL: JSON.stringify([dbFile, this.runtime.n8nDir, query, params, options.flattedColumns ?? []]),
			},
			timeoutMs: 60_000,
			onSpawn: this.track,
		});
		if (options.record !== false) this.record('sqlite', result.durationMs);
		return JSON.parse(result.stdout) as Array<Record<string, unknown>>;
	}

	/** Executions of a workflow as stored in the database (newest first), with their data un-flatted. */
	async savedExecutions(workflowId: string): Promise<SavedExecution[]> {
		const rows = await this.sqlite(
			`SELECT e.id, e.workflowId, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt, e.storedAt, d.data
			 FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
			 WHERE e.workflowId = ? ORDER BY e.id DESC`,
			[workflowId],
			{ flattedColumns: ['data'] },
		);
		return rows.map((row) => {
			if (row.storedAt !== 'db' || !row.data) {
				throw new Error(
					`savedExecutions: execution ${row.id} is stored at "${row.storedAt}" without data in execution_data; ` +
						'this harness only reads executions stored in the database',
				);
			}
			const data = row.data as SavedExecution['data'];
			return {
				id: String(row.id),
				workflowId: String(row.workflowId),
				status: String(row.status),
				mode: String(row.mode),
				finished: row.finished === 1 || row.finished === true,
				startedAt: (row.startedAt as string | null) ?? null,
				stoppedAt: (row.stoppedAt as string | null) ?? null,
				data,
				runData: data.resultData?.runData ?? {},
			};
		});
	}

	/**
	 * Starts `n8n start` in the background and waits until it serves requests: /healthz/readiness is 200, the log says
	 * "Editor is now accessible", and (n8n 2.41 activates published workflows asynchronously, through the
	 * workflow_publication_outbox, after that log line) every published workflow's startup publication has been
	 * processed. The publication outcomes (including trigger activation errors) are returned; they do not throw.
	 */
	async start(options: { timeoutMs?: number } = {}): Promise<StartResult> {
		return this.serial(async () => {
			this.assertUsable();
			if (this.server) throw new Error('start: already running');
			const timeoutMs = options.timeoutMs ?? 120_000;
			const started = Date.now();
			const before = await this.publicationBaseline();
			const brokerPort = await freePort();
			const logFile = path.join(this.userFolder, 'n8n-start.log');
			const log = createWriteStream(logFile, { flags: 'a' });
			const child = spawn(this.runtime.n8nBin, ['start'], {
				cwd: this.userFolder,
				env: this.env(brokerPort),
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			});
			liveChildren.add(child);
			const output: string[] = [];
			let exitInfo: string | undefined;
			const exited = new Promise<void>((resolve) => {
				child.on('close', (code, signal) => {
					exitInfo = `exit code ${code}${signal ? `, signal ${signal}` : ''}`;
					liveChildren.delete(child);
					resolve();
				});
				child.on('error', (error) => {
					exitInfo = `spawn error: ${error.message}`;
					liveChildren.delete(child);
					resolve();
				});
			});
			const onData = (chunk: string): void => {
				output.push(chunk);
				if (output.length > 2000) output.splice(0, output.length - 2000);
				log.write(chunk);
				if (VERBOSE) process.stderr.write(chunk);
			};
			child.stdout!.setEncoding('utf8').on('data', onData);
			child.stderr!.setEncoding('utf8').on('data', onData);
			this.server = { child, log, output, exited };

			const fail = async (reason: string): Promise<never> => {
				const logText = output.join('');
				await this.stopServer();
				throw new Error(
					`start: n8n did not become ready: ${reason}\n  command: ${this.runtime.n8nBin} start (N8N_PORT=${this.port}, ` +
						`N8N_RUNNERS_BROKER_PORT=${brokerPort}, N8N_USER_FOLDER=${this.userFolder})\n` +
						`  --- log (last lines) ---\n${tail(logText)}`,
				);
			};
			for (;;) {
				if (exitInfo) return fail(`the process ended (${exitInfo})`);
				if (Date.now() - started > timeoutMs) return fail(`timed out after ${timeoutMs} ms`);
				const logged = output.join('').includes('Editor is now accessible via');
				if (logged && (await httpStatus(`${this.baseUrl}/healthz/readiness`)) === 200) break;
				await delay(250);
			}
			this.record('start (until ready)', Date.now() - started);
			let publications: PublicationOutcome[] = [];
			if (before.published.length > 0) {
				for (;;) {
					if (exitInfo) return fail(`the process ended (${exitInfo}) while activating published workflows`);
					publications = await this.publicationOutcomes(before);
					const pending = publications.filter((p) => p.status !== 'completed' && p.status !== 'failed');
					if (pending.length === 0) break;
					if (Date.now() - started > timeoutMs) {
						return fail(
							`timed out after ${timeoutMs} ms waiting for the activation of published workflow(s) ` +
								pending.map((p) => `${p.workflowId} (outbox: ${p.status})`).join(', '),
						);
					}
					await delay(300);
				}
				this.record('start (published workflows activated)', Date.now() - started);
			}
			return { baseUrl: this.baseUrl, publications };
		});
	}

	private async publicationBaseline(): Promise<{ outboxId: number; published: Array<{ id: string; versionId: string }> }> {
		if (!existsSync(path.join(this.userFolder, '.n8n', 'database.sqlite'))) return { outboxId: 0, published: [] };
		try {
			const [{ maxId }] = await this.sqlite(
				'SELECT COALESCE(MAX(id), 0) AS maxId FROM workflow_publication_outbox',
				[],
				{ record: false },
			);
			const published = await this.sqlite(
				'SELECT id, activeVersionId AS versionId FROM workflow_entity WHERE activeVersionId IS NOT NULL',
				[],
				{ record: false },
			);
			return {
				outboxId: Number(maxId),
				published: published.map((r) => ({ id: String(r.id), versionId: String(r.versionId) })),
			};
		} catch (error) {
			// n8n without the publication service (tables missing): activation is synchronous before the log line
			if (/no such (table|column)/.test((error as Error).message)) return { outboxId: 0, published: [] };
			throw error;
		}
	}

	private async publicationOutcomes(before: {
		outboxId: number;
		published: Array<{ id: string; versionId: string }>;
	}): Promise<PublicationOutcome[]> {
		const outbox = await this.sqlite(
			'SELECT id, workflowId, publishedVersionId, status, errorMessage FROM workflow_publication_outbox WHERE id > ? ORDER BY id',
			[before.outboxId],
			{ record: false },
		);
		const triggers = await this.sqlite(
			'SELECT workflowId, nodeId, versionId, status, errorMessage FROM workflow_publication_trigger_status',
			[],
			{ record: false },
		);
		return before.published.map(({ id, versionId }) => {
			const records = outbox.filter((r) => r.workflowId === id);
			const last = records[records.length - 1];
			return {
				workflowId: id,
				versionId,
				status: last ? String(last.status) : 'not enqueued yet',
				errorMessage: (last?.errorMessage as string | null | undefined) ?? null,
				triggers: triggers
					.filter((t) => t.workflowId === id && t.versionId === versionId)
					.map((t) => ({
						nodeId: String(t.nodeId),
						status: String(t.status),
						errorMessage: (t.errorMessage as string | null) ?? null,
					})),
			};
		});
	}

	/** Stops the server (SIGTERM; SIGKILL of its process group after 15 s). No-op when not running. */
	async stop(): Promise<void> {
		await this.serial(() => this.stopServer());
	}

	private async stopServer(): Promise<void> {
		const server = this.server;
		if (!server) return;
		const started = Date.now();
		if (server.child.pid !== undefined && server.child.exitCode === null && server.child.signalCode === null) {
			try {
				process.kill(server.child.pid, 'SIGTERM');
			} catch {
				// already gone
			}
		}
		let timer: NodeJS.Timeout | undefined;
		const killed = await Promise.race([
			server.exited.then(() => false),
			new Promise<boolean>((resolve) => {
				timer = setTimeout(() => resolve(true), 15_000);
			}),
		]);
		clearTimeout(timer);
		if (killed) {
			killGroup(server.child, 'SIGKILL');
			await server.exited;
		}
		// the task-runner children normally exit with the server; make sure nothing of the group survives
		killGroup(server.child, 'SIGKILL');
		await new Promise<void>((resolve) => server.log.end(resolve));
		this.server = undefined;
		this.record(killed ? 'stop (killed after 15 s)' : 'stop', Date.now() - started);
	}

	/** Last lines of the server's log (this and earlier start()s). */
	logTail(lines = 60): string {
		const logFile = path.join(this.userFolder, 'n8n-start.log');
		if (this.server) return tail(this.server.output.join(''), lines);
		try {
			return tail(readFileSync(logFile, 'utf8'), lines);
		} catch {
			return '';
		}
	}

	/** Stops the server, kills any child of this instance, removes the user folder (kept when KEEP_N8N=1). */
	async dispose(): Promise<void> {
		if (this.disposed) return;
		try {
			await this.stopServer();
		} finally {
			this.disposed = true;
			for (const child of this.children) killGroup(child, 'SIGKILL');
			if (KEEP) {
				process.stderr.write(`[n8n e2e] KEEP_N8N=1: user folder kept at ${this.userFolder}\n`);
			} else {
				await fs.rm(this.userFolder, { recursive: true, force: true, maxRetries: 3 });
			}
		}
	}
}

function withLoopback(list: string | undefined): string {
	return [...(list ? list.split(',') : []), '127.0.0.1', 'localhost', '::1'].filter(Boolean).join(',');
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** HTTP status of a GET, or 0 when the connection fails. */
function httpStatus(url: string): Promise<number> {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: 2_000 }, (res) => {
			res.resume();
			resolve(res.statusCode ?? 0);
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
	});
}

/** A small HTTP helper for tests against a started instance (JSON in/out). */
export function httpJson(
	method: string,
	url: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: unknown; text: string }> {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				timeout: 60_000,
				headers: {
					...(payload !== undefined
						? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
						: {}),
					...headers,
				},
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					let parsed: unknown = text;
					try {
						parsed = JSON.parse(text);
					} catch {
						// not JSON
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`httpJson: ${method} ${url} timed out`)));
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}
