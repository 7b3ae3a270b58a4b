import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { hmacSha256Hex, isAcceptableChallenge, signatureMatches } from '../../shared/events/signature';
import type { Registration } from './registration';
import { currentSecret, readRegistration } from './registration';

/** Event keys remembered per node in static data (survive restarts) and in memory (catch concurrent duplicates). */
const RECENT_IN_STATIC_DATA = 500;
const RECENT_IN_MEMORY = 5000;
const MEMORY_TTL_MS = 24 * 60 * 60 * 1000;

/** Per process: trigger (workflow + node + slot) → event key → when it was emitted. */
const emittedInProcess = new Map<string, Map<string, number>>();

interface CloudEvent extends IDataObject {
	specversion: string;
	id: string;
	source: string;
	type: string;
}

function isCloudEvent(value: unknown): value is CloudEvent {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const event = value as IDataObject;
	return ['specversion', 'id', 'source', 'type'].every((key) => typeof event[key] === 'string' && event[key] !== '');
}

/** Answers the request directly, so n8n sends nothing else; without workflowData nothing is executed. */
function reply(ctx: IWebhookFunctions, status: number, body?: IDataObject, headers: Record<string, string> = {}): IWebhookResponseData {
	const res = ctx.getResponseObject();
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	res.status(status);
	if (body === undefined) res.end();
	else res.json(body);
	return { noWebhookResponse: true };
}

function rawBody(ctx: IWebhookFunctions): Buffer {
	const raw = (ctx.getRequestObject() as { rawBody?: unknown }).rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	// No raw body (an n8n without the raw-body reader): GreenLake sends compact JSON, so compact re-serialization matches.
	return Buffer.from(JSON.stringify(ctx.getBodyData() ?? {}), 'utf8');
}

function memoryFor(ctx: IWebhookFunctions): Map<string, number> {
	const key = `${String(ctx.getWorkflow().id)}/${ctx.getNode().id}/${ctx.getMode()}`;
	let seen = emittedInProcess.get(key);
	if (!seen) {
		seen = new Map();
		emittedInProcess.set(key, seen);
	}
	const now = Date.now();
	for (const [eventKey, at] of seen) {
		if (seen.size <= RECENT_IN_MEMORY && now - at < MEMORY_TTL_MS) break;
		seen.delete(eventKey);
	}
	return seen;
}

/** Drops events already emitted recently (GreenLake delivers at least once; `source` + `id` identify an event). */
function firstDeliveries(ctx: IWebhookFunctions, registration: Registration, events: CloudEvent[]): CloudEvent[] {
	const memory = memoryFor(ctx);
	const stored = new Set(registration.recentEvents ?? []);
	const fresh: CloudEvent[] = [];
	const now = Date.now();
	for (const event of events) {
		const key = `${event.source} ${event.id}`;
		if (memory.has(key) || stored.has(key)) continue;
		memory.set(key, now);
		stored.add(key);
		fresh.push(event);
	}
	registration.recentEvents = [...stored].slice(-RECENT_IN_STATIC_DATA);
	return fresh;
}

/**
 * Handles a request from GreenLake: the verification challenge, or signed events (one, or an array when batching is
 * on). Nothing is executed unless the HPE-Webhook-Signature matches the exact body bytes.
 */
export async function receive(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = ctx.getRequestObject();
	if (request.method === 'OPTIONS') {
		// CloudEvents webhook abuse-protection handshake (n8n may answer OPTIONS itself before reaching the node).
		return reply(ctx, 200, undefined, { Allow: 'POST, OPTIONS', 'WebHook-Allowed-Origin': '*', 'WebHook-Allowed-Rate': '*' });
	}
	const registration = readRegistration(ctx);
	if (!registration) {
		// Registration is still being saved (GreenLake challenges right away) or was removed: GreenLake retries.
		return reply(ctx, 503, { error: 'This trigger is not registered with GreenLake yet' }, { 'Retry-After': '1' });
	}
	const body = rawBody(ctx);
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		return reply(ctx, 400, { error: 'The body is not JSON' });
	}
	let secret: string;
	try {
		secret = await currentSecret(ctx, registration.nonce);
	} catch {
		return reply(ctx, 503, { error: 'The credential of this trigger could not be read' });
	}
	const signature = ctx.getHeaderData()['hpe-webhook-signature'];

	const challenge = (parsed as { data?: { challengeRequest?: unknown } } | null)?.data?.challengeRequest;
	if (!Array.isArray(parsed) && challenge !== undefined) {
		// GreenLake does not document a signature on the challenge; one that is present must match.
		if (signature !== undefined && !signatureMatches(body, signature, [secret])) {
			return reply(ctx, 401, { error: 'Invalid HPE-Webhook-Signature' });
		}
		if (!isAcceptableChallenge(challenge)) return reply(ctx, 400, { error: 'challengeRequest is not a challenge token' });
		return reply(ctx, 200, { verification: hmacSha256Hex(secret, challenge) });
	}

	if (!signatureMatches(body, signature, [secret])) {
		return reply(ctx, 401, { error: signature === undefined ? 'Missing HPE-Webhook-Signature' : 'Invalid HPE-Webhook-Signature' });
	}
	const events = Array.isArray(parsed) ? parsed : [parsed];
	if (events.length === 0 || !events.every(isCloudEvent)) {
		return reply(ctx, 400, { error: 'Expected a CloudEvent or an array of CloudEvents (specversion, id, source, type)' });
	}
	const subscribed = events.filter((event) => registration.eventTypes.includes(event.type));
	const fresh = firstDeliveries(ctx, registration, subscribed);
	reply(ctx, 200, { received: events.length, accepted: fresh.length });
	if (fresh.length === 0) return { noWebhookResponse: true };
	const items: INodeExecutionData[] = fresh.map((event) => ({ json: event }));
	return { noWebhookResponse: true, workflowData: [items] };
}
