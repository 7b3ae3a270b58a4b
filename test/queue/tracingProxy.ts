/**
 * A loopback HTTP proxy in front of the GreenLake sandbox that tells WHICH PROCESS sent each token request (dev-only).
 * The sandbox counts mints but cannot see processes; in queue mode the interesting question is "which worker minted
 * when". For a token request the proxy maps the client's TCP source port to the process owning that socket
 * (/proc/net/tcp{,6} inode → /proc/<pid>/fd), while the connection is held open. Linux only; as root (or as the owner
 * of the n8n processes). When the owner cannot be found, `pid` is undefined.
 *
 *   startTracingProxy(targetUrl, { tokenDelayMs? }): TracingProxy
 *                               tokenDelayMs: every token answer is held that long after the issuer gave it (a slow
 *                               issuer: the token's life starts when the request arrived, before the delay)
 *     .url                      base URL to put in the credential (each proxy has its own port, so its own base URL,
 *                               which also gives the credential its own token-engine cache key)
 *     .mints: MintEvent[]       token requests: { at (epoch ms), pid, path, status, accessToken }
 *     .unauthorized: number[]   times of API (non-token) 401 answers
 *     .requests                 number of requests forwarded
 *     .reset() / .close()
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MintEvent {
	at: number;
	pid?: number;
	path: string;
	status: number;
	/** The access_token the issuer returned (to check where it ends up). */
	accessToken?: string;
}

export interface TracingProxy {
	url: string;
	port: number;
	mints: MintEvent[];
	unauthorized: number[];
	readonly requests: number;
	reset(): void;
	close(): Promise<void>;
}

const TOKEN_PATH = /^\/(authorization\/v2\/oauth2\/[^/]+\/token|as\/token\.oauth2)(\?|$)/;

async function socketInode(clientPort: number, serverPort: number): Promise<string | undefined> {
	const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = await fs.readFile(file, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10) continue;
			const [, local, remote] = fields;
			// the client's side of the connection: local = its port, remote = ours
			if (local.endsWith(`:${hex(clientPort)}`) && remote.endsWith(`:${hex(serverPort)}`)) return fields[9];
		}
	}
	return undefined;
}

/** The process holding the client end of a loopback TCP connection (clientPort → serverPort), if found. */
export async function ownerOfConnection(clientPort: number, serverPort: number): Promise<number | undefined> {
	const inode = await socketInode(clientPort, serverPort);
	if (!inode || inode === '0') return undefined;
	const target = `socket:[${inode}]`;
	const pids = (await fs.readdir('/proc')).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
	for (const pid of pids) {
		let fds: string[];
		try {
			fds = await fs.readdir(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			try {
				if ((await fs.readlink(`/proc/${pid}/fd/${fd}`)) === target) return Number(pid);
			} catch {
				// closed meanwhile
			}
		}
	}
	return undefined;
}

export async function startTracingProxy(targetUrl: string, options: { tokenDelayMs?: number } = {}): Promise<TracingProxy> {
	const tokenDelayMs = options.tokenDelayMs ?? 0;
	const target = new URL(targetUrl);
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const mints: MintEvent[] = [];
	const unauthorized: number[] = [];
	let requests = 0;
	let port = 0;
	const server = http.createServer((req, res) => {
		requests += 1;
		const url = req.url ?? '/';
		const isToken = TOKEN_PATH.test(url);
		const at = Date.now();
		const owner = isToken && req.socket.remotePort ? ownerOfConnection(req.socket.remotePort, port) : Promise.resolve(undefined);
		void owner.catch(() => undefined).then((pid) => {
			const upstream = http.request(
				{
					host: target.hostname,
					port: target.port,
					method: req.method,
					path: url,
					headers: { ...req.headers, host: target.host },
					agent,
				},
				(answer) => {
					const status = answer.statusCode ?? 0;
					if (isToken) {
						const event: MintEvent = { at, pid, path: url, status };
						mints.push(event);
						let body = '';
						answer.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
						answer.on('end', () => {
							try {
								event.accessToken = (JSON.parse(body) as { access_token?: string }).access_token;
							} catch {
								// not JSON
							}
						});
						if (tokenDelayMs > 0) {
							answer.on('end', () => {
								setTimeout(() => {
									res.writeHead(status, answer.headers);
									res.end(body);
								}, tokenDelayMs);
							});
							return;
						}
					} else if (status === 401) unauthorized.push(Date.now());
					res.writeHead(status, answer.headers);
					answer.pipe(res);
				},
			);
			upstream.on('error', (error) => {
				if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ proxyError: error.message }));
			});
			req.pipe(upstream);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		mints,
		unauthorized,
		get requests() {
			return requests;
		},
		reset() {
			mints.length = 0;
			unauthorized.length = 0;
			requests = 0;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			agent.destroy();
		},
	};
}
