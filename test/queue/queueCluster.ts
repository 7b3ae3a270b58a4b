/**
 * n8n in queue mode for tests (dev-only), composed from the real-n8n harness (test/e2e/n8n.ts): PostgreSQL + Redis
 * (services.ts), one main (`n8n start`, EXECUTIONS_MODE=queue: UI, webhooks, enqueueing) and N workers (`n8n worker`).
 * Every process has its own N8N_USER_FOLDER with the package installed as a community package before it starts, its
 * own task-broker port, and (workers) its own health-check port; all share the database, Redis and N8N_ENCRYPTION_KEY.
 * Everything listens on 127.0.0.1 only.
 *
 *   QueueCluster.create({ packageTarball, workers, concurrency? }): starts Postgres and Redis, prepares the user folders
 *   cluster.importCredentials(creds) / importWorkflows(wfs)   through the main's CLI (Postgres); workflows with
 *                                                            `active: true` are published (publish:workflow)
 *   cluster.startMain({ webhookPaths })   `n8n start`; ready = /healthz/readiness 200 + "Editor is now accessible" +
 *                                         every listed production webhook registered (webhook_entity)
 *   cluster.startWorker(i)                `n8n worker --concurrency=N`; ready = its /healthz/readiness 200 + log line
 *   cluster.stopWorker(i, signal)         sends the signal, waits for the exit (SIGKILL after `killAfterMs`)
 *   cluster.startedByWorker()             execution id → { worker, at }, from the workers' "Worker started execution"
 *                                         log lines (arrival time of the line)
 *   cluster.finishedByWorker()            same for "Worker finished execution"
 *   cluster.executions(sinceId?)          rows of execution_entity (id, workflowId, status, mode, finished)
 *   cluster.pg / cluster.redis / cluster.main (N8nInstance) / cluster.workers
 *   cluster.dispose()                     stops every process, the services, removes the folders
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { N8nInstance, type CredentialImport } from '../e2e/n8n';
import { WORKER_NAME_ENV } from './queueWorkflows';
import { Daemon, delay, freePort, startPostgres, startRedis, type PostgresServer, type RedisServer } from './services';

export interface QueueProcess {
	name: string;
	instance: N8nInstance;
	daemon?: Daemon;
	brokerPort?: number;
	healthPort?: number;
	logFile: string;
	/** Whole log of every start of this process. */
	log(): Promise<string>;
}

export interface QueueClusterOptions {
	packageTarball: string;
	workers: number;
	/** `n8n worker --concurrency` (default 10). */
	concurrency?: number;
	/** Extra environment for every process. */
	env?: Record<string, string>;
}

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

export class QueueCluster {
	readonly timings: Array<{ step: string; ms: number }> = [];

	private constructor(
		readonly pg: PostgresServer,
		readonly redis: RedisServer,
		readonly encryptionKey: string,
		readonly main: QueueProcess,
		readonly workers: QueueProcess[],
		readonly concurrency: number,
		private readonly sharedEnv: Record<string, string>,
	) {}

	static async create(options: QueueClusterOptions): Promise<QueueCluster> {
		const started = Date.now();
		const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
		const encryptionKey = randomBytes(24).toString('hex');
		const sharedEnv: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: pg.host,
			DB_POSTGRESDB_PORT: String(pg.port),
			DB_POSTGRESDB_DATABASE: pg.database,
			DB_POSTGRESDB_USER: pg.user,
			DB_POSTGRESDB_PASSWORD: pg.password,
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			N8N_ENCRYPTION_KEY: encryptionKey,
			// lets the Set node read $env.QUEUE_TEST_WORKER (which worker ran the execution)
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '30',
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			...(options.env ?? {}),
		};
		const make = async (name: string): Promise<QueueProcess> => {
			const instance = await N8nInstance.create({ packageTarball: options.packageTarball, env: sharedEnv });
			const logFile = path.join(instance.userFolder, `${name}.log`);
			return {
				name,
				instance,
				logFile,
				log: async () => await fs.readFile(logFile, 'utf8').catch(() => ''),
			};
		};
		let main: QueueProcess | undefined;
		const workers: QueueProcess[] = [];
		try {
			main = await make('main');
			for (let i = 1; i <= options.workers; i++) workers.push(await make(`worker-${i}`));
		} catch (error) {
			for (const p of [main, ...workers]) await p?.instance.dispose();
			await Promise.all([pg.stop(), redis.stop()]);
			throw error;
		}
		const cluster = new QueueCluster(pg, redis, encryptionKey, main, workers, options.concurrency ?? 10, sharedEnv);
		cluster.timings.push({ step: 'services + user folders', ms: Date.now() - started });
		return cluster;
	}

	private async timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
		const started = Date.now();
		try {
			return await fn();
		} finally {
			this.timings.push({ step, ms: Date.now() - started });
		}
	}

	get baseUrl(): string {
		return this.main.instance.baseUrl;
	}

	async importCredentials(creds: CredentialImport[]): Promise<void> {
		await this.timed('import:credentials (first command: migrations)', () => this.main.instance.importCredentials(creds));
	}

	/**
	 * Imports workflows (one command), then publishes those with `active: true` (`publish:workflow`, one command each;
	 * takes effect at the main's start). `import:workflow --activeState=fromJson` would save those commands, but with
	 * n8n 2.41.1 in queue mode it left the workflows unpublished (activeVersionId NULL) in our runs.
	 */
	async importWorkflows(workflows: Array<Record<string, unknown>>): Promise<void> {
		await this.timed('import:workflow', () => this.main.instance.importWorkflow(workflows));
		const ids = workflows.filter((w) => w.active === true).map((w) => String(w.id));
		if (this.main.daemon?.running) throw new Error('importWorkflows: publish before startMain() (publication takes effect at start)');
		// side by side: each CLI run gets its own task-broker port; they only write their own workflow's row
		await this.timed(`publish:workflow × ${ids.length}`, async () => {
			await Promise.all(ids.map((id) => this.main.instance.n8n(`publish:workflow ${id}`, ['publish:workflow', `--id=${id}`])));
		});
	}

	private async spawnProcess(proc: QueueProcess, args: string[], extraEnv: Record<string, string>): Promise<Daemon> {
		if (proc.daemon?.running) throw new Error(`${proc.name} is already running`);
		proc.brokerPort = await freePort();
		const env = proc.instance.env(proc.brokerPort, { ...this.sharedEnv, ...extraEnv });
		const child = spawn(proc.instance.runtime.n8nBin, args, {
			cwd: proc.instance.userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		proc.daemon = new Daemon(proc.name, child, proc.logFile);
		return proc.daemon;
	}

	private async waitReady(proc: QueueProcess, what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
		const started = Date.now();
		for (;;) {
			const daemon = proc.daemon!;
			if (!daemon.running) throw new Error(`${proc.name}: ${what}: the process ended (${daemon.exitInfo})\n${daemon.tail(40)}`);
			if (await ready().catch(() => false)) return;
			if (Date.now() - started > timeoutMs) throw new Error(`${proc.name}: ${what}: not ready after ${timeoutMs} ms\n${daemon.tail(40)}`);
			await delay(250);
		}
	}

	/** Starts the main and waits until it serves the given production webhook paths. */
	async startMain(options: { webhookPaths?: string[]; timeoutMs?: number } = {}): Promise<void> {
		await this.timed('start main (until webhooks registered)', async () => {
			await this.spawnProcess(this.main, ['start'], {});
			const timeoutMs = options.timeoutMs ?? 180_000;
			await this.waitReady(
				this.main,
				'readiness',
				async () =>
					(await this.main.log()).includes('Editor is now accessible via') &&
					(await httpStatus(`${this.baseUrl}/healthz/readiness`)) === 200,
				timeoutMs,
			);
			const wanted = options.webhookPaths ?? [];
			if (wanted.length === 0) return;
			await this.waitReady(
				this.main,
				`production webhooks ${wanted.join(', ')}`,
				async () => {
					const rows = await this.pg.query<{ webhookPath: string }>('SELECT "webhookPath" FROM webhook_entity');
					const have = new Set(rows.map((r) => r.webhookPath));
					return wanted.every((p) => have.has(p));
				},
				timeoutMs,
			);
		});
	}

	/** Starts worker `index` (0-based) and waits for its health check. */
	async startWorker(index: number, options: { timeoutMs?: number } = {}): Promise<void> {
		const proc = this.workers[index];
		await this.timed(`start ${proc.name}`, async () => {
			proc.healthPort = await freePort();
			await this.spawnProcess(proc, ['worker', `--concurrency=${this.concurrency}`], {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(proc.healthPort),
				[WORKER_NAME_ENV]: proc.name,
			});
			await this.waitReady(
				proc,
				'readiness',
				async () =>
					(await proc.log()).includes('n8n worker is now ready') &&
					(await httpStatus(`http://127.0.0.1:${proc.healthPort}/healthz/readiness`)) === 200,
				options.timeoutMs ?? 180_000,
			);
		});
	}

	/** Sends `signal` to the worker's n8n process and waits for it to exit (SIGKILL of its group after killAfterMs). */
	async stopWorker(index: number, signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 60_000): Promise<{ ms: number; exit: string }> {
		const proc = this.workers[index];
		const started = Date.now();
		await proc.daemon?.stop(signal, killAfterMs);
		return { ms: Date.now() - started, exit: proc.daemon?.exitInfo ?? 'not running' };
	}

	pidOf(proc: QueueProcess): number | undefined {
		return proc.daemon?.running ? proc.daemon.child.pid : undefined;
	}

	/** pid → process name, for every running process of the cluster. */
	pidNames(): Map<number, string> {
		const names = new Map<number, string>();
		for (const proc of [this.main, ...this.workers]) {
			const pid = proc.daemon?.child.pid;
			if (pid !== undefined) names.set(pid, proc.name);
		}
		return names;
	}

	/** execution id → { worker, at } for log lines matching `pattern` (group 1 = execution id), this start of each worker. */
	private logged(pattern: RegExp): Map<string, { worker: string; at: number }> {
		const byExecution = new Map<string, { worker: string; at: number }>();
		for (const worker of this.workers) {
			for (const line of worker.daemon?.lines ?? []) {
				const match = pattern.exec(line.text);
				if (match) byExecution.set(match[1], { worker: worker.name, at: line.at });
			}
		}
		return byExecution;
	}

	/** execution id → worker that started it, and when its log line arrived. */
	startedByWorker(): Map<string, { worker: string; at: number }> {
		return this.logged(/Worker started execution (\d+) \(job/);
	}

	/** execution id → worker that finished it, and when its log line arrived. */
	finishedByWorker(): Map<string, { worker: string; at: number }> {
		return this.logged(/Worker finished execution (\d+) \(job/);
	}

	async executions(
		workflowId: string,
		sinceId = 0,
	): Promise<Array<{ id: number; status: string; mode: string; finished: boolean }>> {
		return await this.pg.query(
			`SELECT id::int AS id, status, mode, finished FROM execution_entity WHERE "workflowId" = '${workflowId.replace(/'/g, "''")}' AND id::int > ${Number(sinceId)} ORDER BY id::int`,
		);
	}

	async maxExecutionId(): Promise<number> {
		const [row] = await this.pg.query<{ max: number | null }>('SELECT MAX(id::int) AS max FROM execution_entity');
		return row?.max ?? 0;
	}

	async dispose(): Promise<void> {
		for (const proc of [...this.workers, this.main]) {
			await proc.daemon?.stop('SIGTERM', 15_000);
			await proc.instance.dispose();
		}
		await Promise.all([this.pg.stop(), this.redis.stop()]);
	}
}
