/**
 * Throw-away PostgreSQL and Redis servers for the n8n queue-mode test (dev-only). Each runs in the foreground as a child
 * of this process, under a temporary folder, on a free port of 127.0.0.1 only, and is gone after stop().
 *
 *   ensureServices(): { pgBin, redisServer }      runs install-services.sh (idempotent apt-get install) once per process
 *   freePort(): number                             a free TCP port on 127.0.0.1
 *   startPostgres(): PostgresServer                initdb (user n8n, scram password over TCP), postgres with
 *                                                  listen_addresses=127.0.0.1, its socket in the data folder, durability
 *                                                  off (test data); database `n8n` created. As root the server runs as
 *                                                  the `postgres` user (PostgreSQL refuses root).
 *       .host .port .user .password .database      for DB_POSTGRESDB_*
 *       .query(sql): rows[]                        psql, one JSON array back (SELECT only: wrapped in json_agg)
 *       .stop()                                    SIGINT (fast shutdown), SIGKILL after 10 s, folder removed
 *   startRedis(): RedisServer                      redis-server --bind 127.0.0.1 --save '' --appendonly no
 *       .host .port .stop()
 * Measured on the 2-core machine: both services plus three n8n user folders ready in 2–10 s (idle → busy).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { onHarnessCleanup, registerTempPath, runCommand } from '../e2e/n8n';

const KEEP = process.env.KEEP_N8N === '1';

export interface ServiceBinaries {
	pgBin: string;
	redisServer: string;
}

let binaries: Promise<ServiceBinaries> | undefined;

/** Installs (first time: apt-get) or finds PostgreSQL and Redis. */
export function ensureServices(): Promise<ServiceBinaries> {
	binaries ??= (async () => {
		// compiled (.build/test/queue, e.g. for npm run bench -- --queue) the script stays in the source tree
		const script = [path.join(__dirname, 'install-services.sh'), path.resolve(__dirname, '../../../test/queue/install-services.sh')].find(
			(candidate) => existsSync(candidate),
		);
		const result = await runCommand('install-services', 'bash', [script ?? path.join(__dirname, 'install-services.sh')], {
			timeoutMs: 15 * 60_000,
			inheritStderr: true,
		});
		return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as ServiceBinaries;
	})();
	binaries.catch(() => (binaries = undefined));
	return binaries;
}

export function freePort(): Promise<number> {
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

export function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Daemons still running: killed (process group) by cleanupHarness() and when this process exits. */
const liveDaemons = new Set<Daemon>();
function killAllDaemons(): void {
	for (const daemon of liveDaemons) {
		try {
			process.kill(-daemon.child.pid!, 'SIGKILL');
		} catch {
			// gone
		}
	}
	liveDaemons.clear();
}
process.once('exit', killAllDaemons);
onHarnessCleanup(killAllDaemons);

/** A long-running child with its output in a log file; stop() sends `signal`, then SIGKILL. */
class Daemon {
	private readonly exited: Promise<void>;
	exitInfo?: string;
	/** Every complete output line with the time it arrived (epoch ms). */
	readonly lines: Array<{ at: number; text: string }> = [];
	private output = '';
	private partial = '';

	constructor(
		readonly name: string,
		readonly child: ChildProcess,
		readonly logFile: string,
	) {
		const log = createWriteStream(logFile, { flags: 'a' });
		const onData = (chunk: Buffer): void => {
			log.write(chunk);
			const text = chunk.toString('utf8');
			this.output = (this.output + text).slice(-20_000);
			const parts = (this.partial + text).split('\n');
			this.partial = parts.pop() ?? '';
			const at = Date.now();
			for (const line of parts) this.lines.push({ at, text: line });
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		liveDaemons.add(this);
		this.exited = new Promise((resolve) => {
			child.on('close', (code, signal) => {
				liveDaemons.delete(this);
				this.exitInfo = `exit code ${code}${signal ? `, signal ${signal}` : ''}`;
				log.end();
				resolve();
			});
			child.on('error', (error) => {
				this.exitInfo = `spawn error: ${error.message}`;
				resolve();
			});
		});
	}

	get running(): boolean {
		return this.exitInfo === undefined;
	}

	tail(lines = 30): string {
		return this.output.trimEnd().split('\n').slice(-lines).join('\n');
	}

	async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
		if (!this.running) return;
		try {
			process.kill(this.child.pid!, signal);
		} catch {
			// gone
		}
		let timer: NodeJS.Timeout | undefined;
		const killed = await Promise.race([
			this.exited.then(() => false),
			new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
		]);
		clearTimeout(timer);
		if (killed) {
			try {
				process.kill(-this.child.pid!, 'SIGKILL');
			} catch {
				// gone
			}
			await this.exited;
		}
		// children (n8n's task runner) normally end with their parent; make sure nothing of the group survives
		try {
			process.kill(-this.child.pid!, 'SIGKILL');
		} catch {
			// nothing left
		}
	}
}

/** Runs a short command (optionally as another user) and collects its output. */
function execAs(
	cmd: string,
	args: string[],
	options: { env: NodeJS.ProcessEnv; cwd: string; uid?: number; gid?: number },
): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, output }));
	});
}

async function waitFor(what: string, daemon: Daemon, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const started = Date.now();
	for (;;) {
		if (!daemon.running) throw new Error(`${what}: the process ended (${daemon.exitInfo})\n${daemon.tail()}`);
		if (await check().catch(() => false)) return;
		if (Date.now() - started > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs} ms\n${daemon.tail()}`);
		await delay(100);
	}
}

/** The uid/gid to run PostgreSQL as: the `postgres` user when we are root (it refuses root), else ourselves. */
async function postgresIdentity(): Promise<{ uid: number; gid: number } | undefined> {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	const passwd = await fs.readFile('/etc/passwd', 'utf8');
	const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error("startPostgres: running as root but there is no 'postgres' user (install the postgresql package)");
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
	dataDir: string;
	query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
	stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
	const { pgBin } = await ensureServices();
	const identity = await postgresIdentity();
	const root = await fs.mkdtemp(path.join(os.tmpdir(), 'queue-pg-'));
	registerTempPath(root);
	const dataDir = path.join(root, 'data');
	const password = randomBytes(16).toString('hex');
	const pwFile = path.join(root, 'pwfile');
	await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
	if (identity) {
		await fs.chown(root, identity.uid, identity.gid);
		await fs.chown(pwFile, identity.uid, identity.gid);
	}
	const asPostgres = identity ? { uid: identity.uid, gid: identity.gid } : {};
	const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
	const initdb = await execAs(
		path.join(pgBin, 'initdb'),
		['-D', dataDir, '-U', 'n8n', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync'],
		{ env, cwd: root, ...asPostgres },
	);
	if (initdb.code !== 0) throw new Error(`startPostgres: initdb exited with ${initdb.code}\n${initdb.output.slice(-3000)}`);
	const port = await freePort();
	const child = spawn(
		path.join(pgBin, 'postgres'),
		[
			'-D', dataDir,
			'-p', String(port),
			'-c', 'listen_addresses=127.0.0.1',
			'-c', `unix_socket_directories=${root}`,
			'-c', 'max_connections=200',
			// test data only: no durability, so that 2 cores spend their time on n8n
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
		],
		{ cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...asPostgres },
	);
	const daemon = new Daemon('postgres', child, path.join(root, 'postgres.log'));
	const psql = (sql: string, database = 'n8n') =>
		runCommand('psql', path.join(pgBin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', database, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
			env: { ...env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
			timeoutMs: 60_000,
		});
	try {
		await waitFor('postgres', daemon, async () => (await psql('SELECT 1', 'postgres')).stdout.trim() === '1', 60_000);
		await psql('CREATE DATABASE n8n', 'postgres');
	} catch (error) {
		await daemon.stop('SIGKILL');
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		user: 'n8n',
		password,
		database: 'n8n',
		dataDir,
		async query<T>(sql: string): Promise<T[]> {
			const { stdout } = await psql(`SELECT COALESCE(json_agg(q), '[]'::json) FROM (${sql}) q`);
			return JSON.parse(stdout.trim()) as T[];
		},
		async stop() {
			await daemon.stop('SIGINT');
			if (!KEEP) await fs.rm(root, { recursive: true, force: true });
		},
	};
}

export interface RedisServer {
	host: string;
	port: number;
	stop(): Promise<void>;
}

function redisPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let reply = '';
		socket.setTimeout(2_000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString('utf8');
			if (reply.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(reply.startsWith('+PONG')));
		socket.on('error', () => resolve(false));
	});
}

export async function startRedis(): Promise<RedisServer> {
	const { redisServer } = await ensureServices();
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'queue-redis-'));
	registerTempPath(dir);
	const port = await freePort();
	const child = spawn(
		redisServer,
		['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
	);
	const daemon = new Daemon('redis', child, path.join(dir, 'redis.log'));
	try {
		await waitFor('redis-server', daemon, () => redisPing(port), 30_000);
	} catch (error) {
		await daemon.stop('SIGKILL');
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		async stop() {
			await daemon.stop('SIGTERM');
			if (!KEEP) await fs.rm(dir, { recursive: true, force: true });
		},
	};
}

export { Daemon };
