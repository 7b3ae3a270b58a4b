// HTTP front of the sandbox. Request pipeline (non-admin): count → faults → latency → issuer, or
// route → bearer auth → rate limit → handler. Admin routes under /__sandbox/ bypass all of it.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin';
import type { ApiContext } from './api/common';
import { DeviceOperations } from './api/devices';
import { matchApiRoute } from './api/index';
import { realClock } from './clock';
import { Counters } from './counters';
import { DEFAULT_SIZES, DataStore } from './data';
import { DEFAULT_EVENTS_OPTIONS, EventsService } from './events';
import { GlError, glErrorBody } from './errors';
import { FaultQueue } from './faults';
import { handleTokenRequest } from './issuers';
import { RateLimiter } from './rateLimit';
import { WorkspaceDirectory } from './seed';
import type { SandboxState } from './state';
import { TokenStore } from './tokens';
import type { Fault, SandboxOptions } from './types';

const WORKSPACE_TOKEN_PATH = /^\/authorization\/v2\/oauth2\/([^/]*)\/token\/?$/;
const SSO_TOKEN_PATH = /^\/as\/token\.oauth2\/?$/;
const MAX_BODY = 1024 * 1024;

/** Route name for paths no route knows: ids (hex, uuid, long tokens with digits) become {id}. */
function genericRouteName(path: string): string {
	return path
		.split('/')
		.map((seg) =>
			/^[0-9a-f]{32}$/i.test(seg) ||
			/^[0-9a-f-]{36}$/i.test(seg) ||
			(/\d/.test(seg) && seg.length >= 16)
				? '{id}'
				: seg,
		)
		.join('/');
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY) {
				reject(new GlError(413, 'Request body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * Called just before a counted request is answered. Counting here (not on 'close') means counters are
 * already up to date when the client sees the response.
 */
const beforeRespond = new WeakMap<ServerResponse, (status: number) => void>();

/** Hostile-server faults that rewrite or slow down the answer a request would otherwise get. */
const responseFaults = new WeakMap<ServerResponse, { fault: Fault; echo: string }>();

const LOGIN_PAGE =
	'<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login">Proxy login</form></body></html>';

/** Rewrites an answer for a response fault; returns the (possibly new) status, body text and headers. */
function rewriteForFault(
	entry: { fault: Fault; echo: string },
	status: number,
	body: unknown,
	headers: Record<string, string>,
): { status: number; text: string; headers: Record<string, string> } {
	const { fault } = entry;
	const json = body as Record<string, unknown> | undefined;
	const items = Array.isArray(json?.items) ? (json.items as Array<Record<string, unknown>>) : undefined;
	if (fault.kind === 'html200') return { status: 200, text: LOGIN_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } };
	if (fault.kind === 'echo') {
		const message = `Request rejected: ${entry.echo}`;
		const text = JSON.stringify({
			...glErrorBody(fault.status, message),
			error: 'invalid_request',
			error_description: message,
		});
		return { status: fault.status, text, headers: { 'content-type': 'application/json' } };
	}
	let rewritten: unknown = body;
	const total = fault.kind === 'hugeTotal' || fault.kind === 'ignoreOffset' ? fault.total : undefined;
	const max = fault.kind === 'shortPage' || fault.kind === 'ignoreOffset' ? fault.max : undefined;
	if (total !== undefined && items) rewritten = { ...json, total };
	if (max !== undefined && items) rewritten = { ...(rewritten as object), items: items.slice(0, max), count: Math.min(items.length, max) };
	if (fault.kind === 'expiresIn' && typeof json?.access_token === 'string') rewritten = { ...json, expires_in: fault.value };
	if (fault.kind === 'futureEvent' && items) {
		const template = items[0] ?? { type: '/audit-log/log', category: 'user_management', description: 'future' };
		const future = { ...template, id: `future-${Date.now()}-${Math.random().toString(16).slice(2)}`, createdAt: new Date(Date.now() + fault.aheadMs).toISOString() };
		rewritten = { ...json, items: [future, ...items], count: items.length + 1 };
	}
	return { status, text: rewritten === undefined ? '' : JSON.stringify(rewritten), headers };
}

/** Writes `text` a few bytes at a time; stops when the client goes away. */
function drip(res: ServerResponse, text: string, intervalMs: number, bytes: number): void {
	const data = Buffer.from(text, 'utf8');
	let offset = 0;
	const next = () => {
		if (res.destroyed || res.writableEnded) return;
		if (offset >= data.length) {
			res.end();
			return;
		}
		res.write(data.subarray(offset, offset + bytes));
		offset += bytes;
		setTimeout(next, intervalMs).unref();
	};
	next();
}

function writeHead(
	res: ServerResponse,
	status: number,
	headers: Record<string, string | number>,
): void {
	beforeRespond.get(res)?.(status);
	res.writeHead(status, headers);
}

function send(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	if (res.headersSent || res.destroyed) return;
	const faulted = responseFaults.get(res);
	if (faulted) {
		const out = rewriteForFault(faulted, status, body, headers);
		const baseHeaders: Record<string, string> = out.text === '' ? {} : { 'content-type': 'application/json' };
		writeHead(res, out.status, { ...baseHeaders, 'content-length': Buffer.byteLength(out.text), ...out.headers });
		if (faulted.fault.kind === 'drip') drip(res, out.text, faulted.fault.intervalMs, faulted.fault.bytes ?? 1);
		else res.end(out.text);
		return;
	}
	const text = body === undefined ? '' : JSON.stringify(body);
	writeHead(res, status, {
		...(body === undefined ? {} : { 'content-type': 'application/json' }),
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

export class SandboxServer {
	readonly state: SandboxState;
	private readonly server: Server;
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(options: SandboxOptions = {}) {
		const clock = options.clock ?? realClock;
		const startMs = clock.now();
		const windowSeconds = options.rateWindowSeconds ?? 60;
		if (!(windowSeconds > 0)) throw new Error('rateWindowSeconds must be > 0');
		const workspaces = new WorkspaceDirectory(options.mspTenants);
		const sizes = { ...DEFAULT_SIZES, ...(options.sizes ?? {}) };
		const state: SandboxState = {
			options: {
				tokenTtlSeconds: options.tokenTtlSeconds,
				rateWindowSeconds: windowSeconds,
				retryAfterHeader: options.retryAfterHeader ?? false,
				omitExpiresIn: options.omitExpiresIn ?? false,
				latencyMs: options.latencyMs ?? 0,
				asyncOperationPolls: options.asyncOperationPolls ?? 2,
				asyncOperationMs: options.asyncOperationMs ?? 1500,
				hyphenatedWorkspaceIds: options.hyphenatedWorkspaceIds ?? true,
				auditBareSortDirection: options.auditBareSortDirection ?? 'desc',
			},
			clock,
			url: '',
			counters: new Counters(),
			faults: new FaultQueue(),
			limiter: new RateLimiter(windowSeconds, options.rateLimits),
			workspaces,
			data: new DataStore(startMs, sizes, options.auditLogDays ?? 90, workspaces, {
				...sizes,
				...(options.tenantSizes ?? {}),
			}),
			// Both read the state lazily (the URL is only known after listen()).
			tokens: new TokenStore(() => state.url, clock),
			deviceOps: new DeviceOperations(() => state),
			events: new EventsService({ ...DEFAULT_EVENTS_OPTIONS, ...(options.events ?? {}) }, () => state.counters),
			eventsDeniedClients: new Set(),
		};
		this.state = state;
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((err: unknown) => {
				if (err instanceof GlError) send(res, err.status, err.toBody(), err.headers);
				else
					send(
						res,
						500,
						glErrorBody(500, `Sandbox error: ${(err as Error)?.message ?? String(err)}`),
					);
			});
		});
		this.server.keepAliveTimeout = 5000;
	}

	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				const actual = (this.server.address() as AddressInfo).port;
				this.state.url = `http://127.0.0.1:${actual}`;
				resolve(actual);
			});
		});
	}

	close(): Promise<void> {
		this.state.events.close();
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		if (path.startsWith('/__sandbox/')) {
			const body = await readBody(req);
			const out = await handleAdmin(this.state, method, path, body, url.searchParams);
			send(res, out.status, out.body);
			return;
		}

		const { state } = this;
		const counters = state.counters;
		const wsToken = WORKSPACE_TOKEN_PATH.exec(path);
		const isToken = wsToken !== null || SSO_TOKEN_PATH.test(path);
		const api = isToken ? undefined : matchApiRoute(method, path);
		const routeName = `${method} ${
			wsToken
				? '/authorization/v2/oauth2/{id}/token'
				: isToken
					? '/as/token.oauth2'
					: (api?.pattern ?? genericRouteName(path))
		}`;
		counters.data.requests.total++;
		if (!isToken) {
			counters.enter();
			if (req.headers.authorization !== undefined) counters.data.authorizationHeaders++;
		}
		let done = false;
		const finish = (status: string): void => {
			if (done) return;
			done = true;
			if (!isToken) counters.leave();
			counters.recordStatus(routeName, status);
			if (!isToken && status === '401') counters.data.api401++;
		};
		beforeRespond.set(res, (status) => finish(String(status)));
		res.on('close', () => finish('dropped'));

		const fault = state.faults.take(path, method);
		if (fault) {
			counters.data.injected++;
			if (fault.kind === 'drop') {
				req.socket.destroy();
				return;
			}
		}
		const body = await readBody(req);
		if (fault && this.applyFault(fault, res)) return;
		if (fault && fault.kind !== 'delay') {
			if (fault.kind === 'ignoreOffset' && url.searchParams.has('offset')) url.searchParams.set('offset', '0');
			const echo = `${method} ${url.pathname}${url.search} headers=${JSON.stringify(req.headers)} body=${body}`;
			responseFaults.set(res, { fault, echo });
		}
		if (fault?.kind === 'delay') await this.sleep(fault.ms);
		if (state.options.latencyMs > 0) await this.sleep(state.options.latencyMs);

		if (isToken) {
			const out = handleTokenRequest(state, {
				method,
				headers: req.headers,
				body,
				pathWorkspaceId: wsToken ? wsToken[1] : undefined,
			});
			send(res, out.status, out.body, out.headers);
			return;
		}
		await this.handleApi(req, res, method, url, body, api?.match);
	}

	/** Responds for status/malformed/redirect faults; returns true when the request is finished. */
	private applyFault(fault: Fault, res: ServerResponse): boolean {
		if (fault.kind === 'status') {
			const headers: Record<string, string> = {};
			const details =
				fault.status === 502
					? undefined
					: [{ type: 'hpe.greenlake.retry_info', retryAfterSeconds: 1 }];
			if (fault.status === 429 && this.state.options.retryAfterHeader) headers['retry-after'] = '1';
			send(
				res,
				fault.status,
				glErrorBody(fault.status, `Injected fault: HTTP ${fault.status}`, details),
				headers,
			);
			return true;
		}
		if (fault.kind === 'redirect') {
			writeHead(res, fault.status ?? 302, { location: fault.location, 'content-length': 0 });
			res.end();
			return true;
		}
		if (fault.kind === 'malformed') {
			const text = '{"offset":0,"count":1,"total":1,"items":[{"id":"trunc';
			writeHead(res, 200, {
				'content-type': 'application/json',
				'content-length': Buffer.byteLength(text),
			});
			res.end(text);
			return true;
		}
		return false;
	}

	private async handleApi(
		req: IncomingMessage,
		res: ServerResponse,
		method: string,
		url: URL,
		body: string,
		match: ReturnType<typeof matchApiRoute>['match'],
	): Promise<void> {
		const { state } = this;
		if (!match) {
			send(res, 404, glErrorBody(404, `No route for ${method} ${url.pathname}`));
			return;
		}
		// Bearer auth.
		const auth = req.headers.authorization;
		const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
		const checked = bearer ? state.tokens.check(bearer[1]) : undefined;
		if (!checked || checked.state !== 'valid' || !checked.record) {
			const reason = !auth ? 'missing' : checked?.state === 'expired' ? 'expired' : 'invalid';
			send(
				res,
				401,
				glErrorBody(
					401,
					reason === 'expired' ? 'Unauthorized: the access token has expired' : 'Unauthorized',
					[
						{
							type: 'hpe.greenlake.metadata',
							source: 'hpe.greenlake.authorization',
							metadata: { access_token: reason },
						},
					],
				),
				{ 'www-authenticate': `Bearer error="invalid_token"` },
			);
			return;
		}
		const token = checked.record;
		const workspace = state.workspaces.find(token.workspaceId)!;

		// Rate limit: per workspace and bucket, after auth (the gateway needs the workspace).
		const rate = state.limiter.take(workspace.id, match.def.bucket, state.clock.now());
		const rateHeaders: Record<string, string> = {};
		if (rate) {
			rateHeaders['ratelimit-limit'] = String(rate.limit);
			rateHeaders['ratelimit-remaining'] = String(rate.remaining);
			rateHeaders['ratelimit-reset'] = String(rate.resetSeconds);
			if (rate.exhaustedOnArrival) state.counters.data.sentWhileExhausted++;
			if (!rate.allowed) {
				state.counters.data.api429++;
				if (state.options.retryAfterHeader) rateHeaders['retry-after'] = String(rate.resetSeconds);
				send(
					res,
					429,
					glErrorBody(429, 'Too many requests. Please try again later.', [
						{ type: 'hpe.greenlake.retry_info', retryAfterSeconds: rate.resetSeconds },
						{
							type: 'hpe.greenlake.metadata',
							source: 'hpe.greenlake.gateway',
							metadata: {
								apiRateLimit: `${rate.limit} requests per ${state.options.rateWindowSeconds} s`,
							},
						},
					]),
					rateHeaders,
				);
				return;
			}
		}

		const ctx: ApiContext = {
			state,
			method,
			path: url.pathname,
			params: match.params,
			query: url.searchParams,
			headers: req.headers,
			body,
			token,
			workspace,
		};
		try {
			const out = await match.def.handler(ctx);
			send(res, out.status ?? 200, out.body, { ...rateHeaders, ...(out.headers ?? {}) });
		} catch (err) {
			if (err instanceof GlError)
				send(res, err.status, err.toBody(), { ...rateHeaders, ...err.headers });
			else throw err;
		}
	}
}
