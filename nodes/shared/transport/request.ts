import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { IssuedToken } from '../auth/tokenEngine';
import { tokenEngine } from '../auth/tokenEngine';
import { mayReceiveToken, tokenHostRefusal } from '../auth/hostRule';
import { DEFAULT_REQUEST_TIMEOUT_MS, PACKAGE_USER_AGENT, RETRY_DEFAULTS } from '../config';
import { requestDeadline } from '../http/deadline';
import { greenLakeApiError, toNodeError } from '../http/errors';
import { backoffDelayMs, header, rateLimitBucket, serverRequestedDelayMs, sharedPacer } from '../http/rateLimit';
import type { GreenLakeContext, GreenLakeSession } from './session';
import { claimTokenRefresh, rereadStoredToken, sendAndPersistToken, sendWithToken } from './session';

export interface GreenLakeRequestOptions {
	method: IHttpRequestMethods;
	/** A path relative to the credential's base URL ("/devices/v1/devices") or a full URL on an allowed host. */
	url: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[] | string;
	headers?: IDataObject;
	/** Tenant workspace (32 hex) for MSP calls; omitted = the credential's workspace. */
	workspaceId?: string;
	/** Wall-clock limit of each attempt (Request Options → Timeout); default DEFAULT_REQUEST_TIMEOUT_MS. */
	timeoutMs?: number;
	/** Retries after 429, 5xx and network failures. */
	maxRetries?: number;
	/** Upper bound on the total time spent waiting for rate limits and backoff, in seconds. */
	maxWaitSeconds?: number;
	itemIndex?: number;
}

export interface GreenLakeResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
	url: string;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Network failures that happen before a request leaves this machine: safe to retry even for POST/PATCH. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);
const TRANSIENT_NETWORK_CODES = new Set([
	...NOT_SENT_CODES,
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/**
 * Builds the request URL and refuses, before anything is sent, any host the token must not reach: only the
 * credential's base URL host, GreenLake/HPE API hosts and hosts the user listed in the credential are allowed.
 */
export function resolveRequestUrl(ctx: GreenLakeContext, session: GreenLakeSession, target: string, itemIndex?: number): URL {
	const text = target.trim();
	if (text.startsWith('/')) return new URL(session.config.baseUrl + text);
	if (!/^https?:\/\//i.test(text)) {
		throw new NodeOperationError(ctx.getNode(), `Path "${text}" must start with "/" or be a full https:// URL`, {
			description: 'Use a path relative to the credential\'s Base URL, for example /devices/v1/devices.',
			itemIndex,
		});
	}
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new NodeOperationError(ctx.getNode(), `"${text}" is not a valid URL`, { itemIndex });
	}
	if (!mayReceiveToken(url, session.config)) {
		const { message, description } = tokenHostRefusal(session.config, url.host);
		throw new NodeOperationError(ctx.getNode(), message, { description, itemIndex });
	}
	return url;
}

function networkErrorCode(error: unknown): string {
	let current = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	const message = String((error as { message?: unknown })?.message ?? '');
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	return 'EUNKNOWN';
}

function isJsonResponse(response: IN8nHttpFullResponse): boolean {
	return /json/i.test(header(response.headers as IDataObject, 'content-type') ?? '');
}

/** GreenLake's APIs never answer with a web page: one means a proxy, captive portal or SSO login page answered instead. */
function isHtmlResponse(response: IN8nHttpFullResponse): boolean {
	const type = header(response.headers as IDataObject, 'content-type') ?? '';
	return /html/i.test(type) || (typeof response.body === 'string' && /^\s*<(!doctype|html)/i.test(response.body));
}

/** Requests without a Timeout still end: the default wall-clock limit applies. */
export function effectiveTimeoutMs(timeoutMs: number | undefined): number {
	return typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_REQUEST_TIMEOUT_MS;
}

async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	return await promise.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

async function acquireToken(ctx: GreenLakeContext, session: GreenLakeSession, workspaceId: string | undefined, itemIndex?: number): Promise<IssuedToken> {
	const own = workspaceId === undefined;
	if (own && tokenEngine.wantsStoreRead(session.config, session.stored)) {
		// The credential's token is missing or past this process's refresh point: first look at what the credential
		// store holds now. Another process may have stored a newer token (adopted), or announced that it is replacing
		// this one (kept until it is stored). Tenant calls skip this: only the credential's own token is stored.
		await rereadStoredToken(ctx, session, itemIndex);
	}
	const result = await settle(
		tokenEngine.getToken(ctx.helpers.httpRequest.bind(ctx.helpers), session.config, {
			workspaceId,
			stored: session.stored,
			claimRefresh: own ? async (settleMs) => await claimTokenRefresh(ctx, session, settleMs, itemIndex) : undefined,
		}),
	);
	if (!result.ok) throw toNodeError(ctx.getNode(), result.error, itemIndex) as Error;
	return result.value;
}

/**
 * One GreenLake API call: token from the shared engine, pacing by the rate-limit budget, retries (429 by the server's
 * reset hints; 5xx and network failures with backoff for idempotent methods, and for others only when the request
 * surely never left), one re-mint after a 401, and GreenLake's error body turned into a NodeApiError.
 */
export async function greenLakeRequest(
	ctx: GreenLakeContext,
	session: GreenLakeSession,
	options: GreenLakeRequestOptions,
): Promise<GreenLakeResponse> {
	const itemIndex = options.itemIndex;
	const method = options.method.toUpperCase() as IHttpRequestMethods;
	const url = resolveRequestUrl(ctx, session, options.url, itemIndex);
	const maxRetries = options.maxRetries ?? RETRY_DEFAULTS.maxRetries;
	const maxWaitMs = (options.maxWaitSeconds ?? RETRY_DEFAULTS.maxWaitSeconds) * 1000;
	const workspaceId = options.workspaceId === session.config.workspaceId ? undefined : options.workspaceId;
	const bucket = rateLimitBucket(method, url, workspaceId ?? session.config.workspaceId);
	const displayPath = url.pathname;
	const timeoutMs = effectiveTimeoutMs(options.timeoutMs);

	const request: IHttpRequestOptions = {
		method,
		url: url.toString(),
		qs: options.qs,
		// GreenLake repeats a parameter for several values (PATCH /devices/v1/devices?id=a&id=b), not id[0]=a.
		arrayFormat: 'repeat',
		body: options.body,
		headers: { Accept: 'application/json', 'User-Agent': PACKAGE_USER_AGENT, ...(options.headers ?? {}) },
		json: typeof options.body !== 'string',
		// The socket timeout (idle time); each attempt also gets a wall-clock abort signal below.
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect must not carry the token to another host.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
	};

	let waitedMs = 0;
	let retries = 0;
	let reauthenticated = false;
	const waitOrGiveUp = async (delayMs: number): Promise<boolean> => {
		if (retries >= maxRetries || waitedMs + delayMs > maxWaitMs) return false;
		retries += 1;
		waitedMs += delayMs;
		await sleep(delayMs);
		return true;
	};

	for (;;) {
		const token = await acquireToken(ctx, session, workspaceId, itemIndex);

		// Wait for the window to reset rather than provoke a 429 when the budget is spent.
		for (let pause = sharedPacer.reserve(bucket); pause > 0; pause = sharedPacer.reserve(bucket)) {
			if (waitedMs + pause > maxWaitMs) {
				throw new NodeOperationError(ctx.getNode(), `GreenLake rate limit for ${method} ${displayPath}: the window resets in ${Math.ceil(pause / 1000)} s, beyond Max Wait`, {
					description: 'Raise Max Wait (seconds) in the node options, or spread the work over time.',
					itemIndex,
				});
			}
			waitedMs += pause;
			await sleep(pause);
		}

		const persist = workspaceId === undefined && !token.persisted;
		const deadline = requestDeadline(timeoutMs);
		const attempt: IHttpRequestOptions = { ...request, abortSignal: deadline };
		const sent = await settle(persist ? sendAndPersistToken(ctx, session, attempt) : sendWithToken(ctx, attempt, token.accessToken));
		if (!sent.ok) {
			// A wall-clock abort is a timeout, whatever the HTTP client calls it.
			const code = deadline.aborted ? 'ETIMEDOUT' : networkErrorCode(sent.error);
			const retryable = IDEMPOTENT.has(method) ? TRANSIENT_NETWORK_CODES.has(code) : NOT_SENT_CODES.has(code);
			if (retryable && (await waitOrGiveUp(backoffDelayMs(retries, RETRY_DEFAULTS.baseBackoffMs, RETRY_DEFAULTS.maxBackoffMs)))) continue;
			const message = deadline.aborted
				? `GreenLake did not answer ${method} ${displayPath} within the Timeout of ${timeoutMs} ms (ETIMEDOUT)`
				: `Could not reach GreenLake (${code}) for ${method} ${displayPath}`;
			const networkError = new NodeApiError(
				ctx.getNode(),
				{ message: `${method} ${displayPath}: ${code}` },
				{
					message,
					// Only a non-idempotent request that may have left (not a "never sent" code) is left unrepeated.
					description: IDEMPOTENT.has(method) || retryable
						? deadline.aborted
							? 'The whole response must arrive within Request Options → Timeout (default 60 s). Raise it for slow endpoints, or check the network and proxy.'
							: 'Check the network, proxy and the Base URL of the credential.'
						: 'The request may have reached GreenLake, so it was not repeated automatically. Check the result in GreenLake before retrying.',
					itemIndex,
				},
			);
			// NodeApiError swaps a message naming a network code (ECONNRESET…) for n8n's generic text, which says to
			// retry immediately: wrong for a PATCH that may have been applied, and it loses the method and path.
			networkError.message = message;
			throw networkError;
		}
		const response = sent.value;
		if (persist && response.statusCode !== 401) tokenEngine.markPersisted(session.config, token.accessToken);
		sharedPacer.observe(bucket, response.headers as IDataObject);
		const status = response.statusCode;

		if (status >= 200 && status < 300) {
			if (isHtmlResponse(response)) {
				throw new NodeApiError(ctx.getNode(), { message: 'HTML instead of JSON' }, {
					message: `GreenLake answered ${method} ${displayPath} with a web page (HTTP ${status}, HTML), not with API data`,
					description: 'A proxy, captive portal or login page answered instead of the GreenLake API. Check the Base URL of the credential and n8n\'s proxy settings.',
					httpCode: String(status),
					itemIndex,
				});
			}
			if (typeof response.body === 'string' && isJsonResponse(response) && response.body !== '') {
				if (IDEMPOTENT.has(method) && (await waitOrGiveUp(backoffDelayMs(retries, RETRY_DEFAULTS.baseBackoffMs, RETRY_DEFAULTS.maxBackoffMs)))) continue;
				throw new NodeApiError(ctx.getNode(), { message: 'Malformed JSON' }, {
					message: `GreenLake answered ${method} ${displayPath} with malformed JSON`,
					description: 'This is usually transient. Retry later; if it persists, report the time and path to HPE support.',
					httpCode: String(status),
					itemIndex,
				});
			}
			return { statusCode: status, headers: response.headers as IDataObject, body: response.body, url: url.toString() };
		}
		if (status === 401 && !reauthenticated) {
			// The token expired early or was revoked: drop it (if no one replaced it yet) and try once with a new one.
			reauthenticated = true;
			tokenEngine.invalidate(session.config, token.accessToken, workspaceId ?? session.config.workspaceId);
			session.stored = undefined;
			continue;
		}
		if (status === 429) {
			const delay = serverRequestedDelayMs(response.headers as IDataObject, response.body) ??
				backoffDelayMs(retries, RETRY_DEFAULTS.baseBackoffMs, RETRY_DEFAULTS.maxBackoffMs);
			if (await waitOrGiveUp(delay)) continue;
		} else if (RETRYABLE_STATUS.has(status) && IDEMPOTENT.has(method)) {
			const delay = serverRequestedDelayMs(undefined, response.body) ??
				backoffDelayMs(retries, RETRY_DEFAULTS.baseBackoffMs, RETRY_DEFAULTS.maxBackoffMs);
			if (await waitOrGiveUp(delay)) continue;
		}
		throw greenLakeApiError(ctx.getNode(), status, response.body, {
			method,
			path: displayPath,
			itemIndex,
			secrets: { values: [token.accessToken, session.config.clientSecret], basicUser: session.config.clientId },
		});
	}
}
