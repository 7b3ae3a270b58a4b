// The events framework ("HPE GreenLake for Webhooks", /events/v1beta1): webhooks, subscriptions, the verification
// challenge, signed CloudEvent deliveries (single and batched), retries and recent deliveries. Behaviour follows
// /work/shared/greenlake-webhooks.md; where it marks an item [I] the choice made here is documented in README.md.
import { createHmac, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';

import type { Counters } from './counters';
import { GlError, badRequest, notFound } from './errors';
import type { FilterClause } from './filter';
import { clauseMatches, parseFilter } from './filter';
import { pathValue } from './api/common';
import type { EventsOptions } from './types';

export const EVENT_TYPES = {
	auditLogCreated: 'com.hpe.greenlake.audit-log.v1.logs.created',
	expiringSubscriptions: 'com.hpe.greenlake.subscriptions.v1.expiring-subscriptions',
	serviceProvisioned: 'com.hpe.greenlake.service-provision.v1.serviceprovision.provisioned',
	serviceUnprovisioned: 'com.hpe.greenlake.service-provision.v1.serviceprovision.unprovision',
	serviceOfferOnboarded: 'com.hpe.greenlake.service-registry.v1.serviceoffer.onboarded',
	serviceOfferRegionDeleted: 'com.hpe.greenlake.service-registry.v1.serviceofferregion.delete',
} as const;
export const VERIFICATION_TYPE = 'com.hpe.greenlake.events.v1beta1.webhooks.verification';

/** The event catalog a workspace can subscribe to (the API checks eventType against it). */
export const EVENT_CATALOG: Record<string, { apiGroup: string; friendlyName: string; source: string }> = {
	[EVENT_TYPES.auditLogCreated]: { apiGroup: 'audit-log', friendlyName: 'Audit Log Created', source: '//global.api.greenlake.hpe.com/audit-log' },
	[EVENT_TYPES.expiringSubscriptions]: {
		apiGroup: 'subscriptions',
		friendlyName: 'Expiring Subscriptions',
		source: 'https://global.api.greenlake.hpe.com/subscriptions',
	},
	[EVENT_TYPES.serviceProvisioned]: { apiGroup: 'service-provision', friendlyName: 'Service Offer Provisioned', source: '//global.api.greenlake.hpe.com/service-provision' },
	[EVENT_TYPES.serviceUnprovisioned]: { apiGroup: 'service-provision', friendlyName: 'Service Offer Unprovisioned', source: '//global.api.greenlake.hpe.com/service-provision' },
	[EVENT_TYPES.serviceOfferOnboarded]: { apiGroup: 'service-registry', friendlyName: 'Service Offer Onboarded', source: '//global.api.greenlake.hpe.com/service-registry' },
	[EVENT_TYPES.serviceOfferRegionDeleted]: { apiGroup: 'service-registry', friendlyName: 'Service Offer Region Deleted', source: '//global.api.greenlake.hpe.com/service-registry' },
};

export const MAX_WEBHOOKS_PER_WORKSPACE = 5;
export const MAX_SUBSCRIPTIONS_PER_WEBHOOK = 5;

export type WebhookStatus = 'ACTIVE' | 'DISABLED' | 'PENDING' | 'WARNING' | 'ERROR';

export interface WebhookRecord {
	id: string;
	workspaceId: string;
	name: string;
	description: string;
	destination: string;
	secret: string;
	secondarySecret: string;
	authType: '' | 'APIKey' | 'Oauth';
	apiKey: string;
	clientId: string;
	clientSecret: string;
	issuerUrl: string;
	challengeRequestEnabled: boolean;
	batching: boolean;
	paused: boolean;
	status: WebhookStatus;
	stateReason: string;
	endpointRateLimit: number | null;
	generation: number;
	createdBy: string;
	createdAt: string;
	updatedAt: string;
	/** bumped on every change that restarts the challenge, so a stale challenge loop stops */
	challengeRun: number;
}

export interface SubscriptionRecord {
	id: string;
	workspaceId: string;
	webhookId: string;
	eventType: string;
	eventFilter: string;
	clauses: FilterClause[];
	createdBy: string;
	createdAt: string;
	updatedAt: string;
	generation: number;
}

export interface CloudEvent {
	specversion: '1.0';
	id: string;
	source: string;
	type: string;
	subject?: string;
	time: string;
	datacontenttype: 'application/json';
	data: Record<string, unknown>;
	[key: string]: unknown;
}

/** One attempt to deliver (or re-deliver) an event or a batch; the recent-deliveries log keeps them, newest last. */
export interface DeliveryRecord {
	/** the CloudEvent id (single) or the batch id */
	id: string;
	webhookId: string;
	failureId: string;
	batch: boolean;
	eventIds: string[];
	eventTypes: string[];
	status: 'SUCCESS' | 'FAILURE';
	retryStatus: 'NORETRY' | 'RETRY';
	httpResponseCode: number;
	requestHeaders: Record<string, string[]>;
	/** exactly the bytes sent (and signed) */
	requestText: string;
	responseHeaders: Record<string, string[]>;
	responseBody: string;
	/** attempt number of this payload: 0 first delivery, 1… automatic retries; manual retries and re-deliveries are marked */
	attempt: number;
	kind: 'delivery' | 'retry' | 'manualRetry' | 'redelivery';
	sentAt: number;
	answeredAt: number;
	createdAt: string;
	updatedAt: string;
	generation: number;
}

interface Attempt {
	status: number;
	headers: Record<string, string[]>;
	body: string;
	error?: string;
}

export interface ChallengeOutcome {
	ok: boolean;
	statusCode: number;
	message: string;
	requestedRate: number | null;
}

const NAME_PATTERN = /^[A-Za-z0-9\-.@_]{1,50}$/;
const WEBHOOK_FIELDS = new Set([
	'name',
	'description',
	'destination',
	'secret',
	'secondarySecret',
	'authType',
	'apiKey',
	'clientId',
	'clientSecret',
	'issuerUrl',
	'challengeRequestEnabled',
	'batching',
]);
const SUBSCRIPTION_FIELDS = new Set(['eventType', 'webhook', 'eventFilter']);

export function hmacHex(secret: string, message: string): string {
	return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

function invalidBody(message: string, subject = 'body'): GlError {
	return new GlError(422, 'Invalid request body', [
		{ type: 'hpe.greenlake.bad_request', issues: [{ source: 'body', subject, description: message }] },
	]);
}

function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Private, link-local, CGNAT and unspecified ranges GreenLake refuses as destinations. */
function isPrivateAddress(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	if (isIP(host) === 4) {
		const [a, b] = host.split('.').map(Number);
		return (
			a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
			(a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)
		);
	}
	if (isIP(host) === 6) return host === '::1' || host === '::' || /^f[cd]/i.test(host) || /^fe80/i.test(host);
	return host === 'localhost';
}

function headerMap(headers: http.IncomingHttpHeaders | Record<string, string>): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const [key, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		out[key] = Array.isArray(value) ? value : [String(value)];
	}
	return out;
}

/** JSON with keys in alphabetical order, compact: what a Go map encoder sends [I]. */
function sortedJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
			: v,
	);
}

export class EventsService {
	readonly webhooks = new Map<string, WebhookRecord>();
	readonly subscriptions = new Map<string, SubscriptionRecord>();
	readonly deliveries: DeliveryRecord[] = [];
	private readonly batches = new Map<string, { events: CloudEvent[]; timer?: NodeJS.Timeout }>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly inFlight = new Set<Promise<unknown>>();
	private readonly oauthTokens = new Map<string, { token: string; expiresAt: number }>();
	private closed = false;
	private readonly pendingReleases = new Set<() => void>();

	constructor(
		readonly options: Required<EventsOptions>,
		private readonly counters: () => Counters,
	) {}

	private get stats() {
		return this.counters().data.events;
	}

	// ---- timers (all cancelled by close()) -------------------------------------------------------------

	private later(ms: number, fn: () => void): NodeJS.Timeout {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (!this.closed) fn();
		}, ms);
		this.timers.add(timer);
		return timer;
	}

	/** A scheduled challenge or retry: idle() waits for it (batch windows are not waited for). */
	private scheduled(ms: number, fn: () => void): void {
		let release: () => void = () => undefined;
		const done = new Promise<void>((resolve) => (release = resolve));
		this.pendingReleases.add(release);
		void this.track(done);
		this.later(ms, () => {
			this.pendingReleases.delete(release);
			try {
				fn();
			} finally {
				release();
			}
		});
	}

	private track<T>(promise: Promise<T>): Promise<T> {
		this.inFlight.add(promise);
		void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
		return promise;
	}

	/** Resolves once every delivery, retry and challenge started so far has finished (tests use it to settle). */
	async idle(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
	}

	close(): void {
		this.closed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const release of this.pendingReleases) release();
		this.pendingReleases.clear();
	}

	// ---- webhooks ---------------------------------------------------------------------------------------

	toResponse(webhook: WebhookRecord): Record<string, unknown> {
		return {
			id: webhook.id,
			type: 'events/webhook',
			name: webhook.name,
			description: webhook.description,
			destination: webhook.destination,
			status: webhook.status,
			...(webhook.stateReason ? { stateReason: webhook.stateReason } : {}),
			paused: webhook.paused,
			authType: webhook.authType.toLowerCase(),
			clientId: webhook.clientId,
			issuerUrl: webhook.issuerUrl,
			dualSecret: webhook.secondarySecret !== '',
			batching: webhook.batching,
			challengeRequestEnabled: webhook.challengeRequestEnabled,
			endpointRateLimit: webhook.endpointRateLimit,
			generation: webhook.generation,
			hpePrincipal: `user:${webhook.createdBy}`,
			createdBy: webhook.createdBy,
			createdAt: webhook.createdAt,
			updatedAt: webhook.updatedAt,
			resourceUri: `/events/v1beta1/webhooks/${webhook.id}`,
		};
	}

	webhooksOf(workspaceId: string): WebhookRecord[] {
		return [...this.webhooks.values()].filter((w) => w.workspaceId === workspaceId).reverse();
	}

	getWebhook(workspaceId: string, id: string): WebhookRecord {
		const webhook = this.webhooks.get(id);
		if (!webhook || webhook.workspaceId !== workspaceId) throw notFound('Webhook not found', 'hpe.greenlake.events');
		return webhook;
	}

	private validateDestination(raw: unknown): string {
		if (typeof raw !== 'string' || raw.trim() === '') throw invalidBody('destination is required', 'destination');
		let url: URL;
		try {
			url = new URL(raw);
		} catch {
			throw badRequest('destination', 'Invalid URL, Error: destination must be an absolute https URL', 'body');
		}
		if (url.search !== '' || raw.includes('?')) {
			throw badRequest('destination', 'Invalid URL, Error: destination URL must not contain query parameters', 'body');
		}
		const loopback = isLoopbackHost(url.hostname);
		if (loopback && this.options.allowLoopbackDestinations && (url.protocol === 'http:' || url.protocol === 'https:')) return url.toString();
		if (url.protocol !== 'https:') throw badRequest('destination', 'Invalid URL, Error: destination must use https', 'body');
		if (isPrivateAddress(url.hostname)) {
			throw badRequest('destination', 'Invalid URL, Error: destination resolves to a private or internal IP address', 'body');
		}
		if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0) {
			throw badRequest('destination', 'Invalid URL, Error: destination must be a fully qualified domain name', 'body');
		}
		return url.toString();
	}

	private validateWebhookFields(body: Record<string, unknown>, creating: boolean, workspaceId: string, self?: WebhookRecord): Partial<WebhookRecord> {
		const allowed = creating ? WEBHOOK_FIELDS : new Set([...WEBHOOK_FIELDS, 'paused']);
		for (const key of Object.keys(body)) if (!allowed.has(key)) throw invalidBody(`Unknown property '${key}'`, key);
		const out: Partial<WebhookRecord> = {};
		const str = (key: string, max: number, min = 0): string | undefined => {
			const value = body[key];
			if (value === undefined) return undefined;
			if (typeof value !== 'string') throw invalidBody(`${key} must be a string`, key);
			if (value.length > max || value.length < min) throw invalidBody(`${key} must be ${min}–${max} characters`, key);
			return value;
		};
		const name = str('name', 50);
		if (creating && name === undefined) throw invalidBody('name is required', 'name');
		if (name !== undefined) {
			if (!NAME_PATTERN.test(name)) {
				throw invalidBody('name may contain letters, digits and - . @ _ (at most 50 characters)', 'name');
			}
			const taken = this.webhooksOf(workspaceId).some((w) => w.name === name && w !== self);
			if (taken) throw badRequest('name', `A webhook named '${name}' already exists in this workspace`, 'body');
			out.name = name;
		}
		const description = str('description', 100);
		if (description !== undefined) out.description = description;
		if (body.destination !== undefined || creating) out.destination = this.validateDestination(body.destination);
		const secret = str('secret', 100, 4);
		if (creating && secret === undefined) throw invalidBody('secret is required (4–100 characters)', 'secret');
		if (secret !== undefined) out.secret = secret;
		if (body.secondarySecret !== undefined) {
			const secondary = body.secondarySecret;
			if (typeof secondary !== 'string' || (secondary !== '' && (secondary.length < 4 || secondary.length > 100))) {
				throw invalidBody('secondarySecret must be empty or 4–100 characters', 'secondarySecret');
			}
			out.secondarySecret = secondary;
		}
		if (body.authType !== undefined) {
			if (body.authType !== '' && body.authType !== 'APIKey' && body.authType !== 'Oauth') {
				throw invalidBody("authType must be one of 'Oauth', 'APIKey' or ''", 'authType');
			}
			out.authType = body.authType;
		}
		for (const key of ['apiKey', 'clientId', 'clientSecret', 'issuerUrl'] as const) {
			const value = str(key, 2048);
			if (value !== undefined) out[key] = value;
		}
		for (const key of ['challengeRequestEnabled', 'batching', 'paused'] as const) {
			if (body[key] === undefined) continue;
			if (typeof body[key] !== 'boolean') throw invalidBody(`${key} must be a boolean`, key);
			out[key] = body[key] as boolean;
		}
		const authType = out.authType ?? self?.authType ?? '';
		if (authType === 'APIKey' && !(out.apiKey ?? self?.apiKey)) throw invalidBody('apiKey is required when authType is APIKey', 'apiKey');
		if (authType === 'Oauth') {
			for (const key of ['clientId', 'clientSecret', 'issuerUrl'] as const) {
				if (!(out[key] ?? self?.[key])) throw invalidBody(`${key} is required when authType is Oauth`, key);
			}
		}
		return out;
	}

	register(workspaceId: string, principal: string, body: unknown): WebhookRecord {
		if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidBody('The body must be a JSON object');
		const fields = this.validateWebhookFields(body as Record<string, unknown>, true, workspaceId);
		if (this.webhooksOf(workspaceId).length >= MAX_WEBHOOKS_PER_WORKSPACE) {
			throw badRequest('webhook', `Maximum number of webhooks (${MAX_WEBHOOKS_PER_WORKSPACE}) per workspace reached`, 'body');
		}
		const now = new Date().toISOString();
		const webhook: WebhookRecord = {
			id: randomUUID(),
			workspaceId,
			name: '',
			description: '',
			destination: '',
			secret: '',
			secondarySecret: '',
			authType: '',
			apiKey: '',
			clientId: '',
			clientSecret: '',
			issuerUrl: '',
			challengeRequestEnabled: true,
			batching: false,
			paused: false,
			status: 'PENDING',
			stateReason: '',
			endpointRateLimit: null,
			generation: 1,
			createdBy: principal,
			createdAt: now,
			updatedAt: now,
			challengeRun: 0,
			...fields,
		};
		this.webhooks.set(webhook.id, webhook);
		this.stats.webhooksRegistered++;
		this.startVerification(webhook);
		return webhook;
	}

	update(workspaceId: string, id: string, body: unknown): WebhookRecord {
		const webhook = this.getWebhook(workspaceId, id);
		if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidBody('The body must be a JSON merge patch object');
		const fields = this.validateWebhookFields(body as Record<string, unknown>, false, workspaceId, webhook);
		const rechallenge =
			(fields.destination !== undefined && fields.destination !== webhook.destination) ||
			(fields.secret !== undefined && fields.secret !== webhook.secret) ||
			(fields.challengeRequestEnabled !== undefined && fields.challengeRequestEnabled !== webhook.challengeRequestEnabled) ||
			(fields.paused === false && webhook.paused);
		Object.assign(webhook, fields);
		webhook.generation++;
		webhook.updatedAt = new Date().toISOString();
		if (webhook.paused) {
			webhook.challengeRun++;
			webhook.status = 'DISABLED';
			webhook.stateReason = `Webhook Disabled by user: ${webhook.createdBy}`;
		} else if (rechallenge) {
			this.startVerification(webhook);
		}
		return webhook;
	}

	/** Without force, a webhook with subscriptions cannot be deleted [I: PowerShell deletes subscriptions first]. */
	remove(workspaceId: string, id: string, force: boolean): void {
		const webhook = this.getWebhook(workspaceId, id);
		const subs = this.subscriptionsOf(webhook.id);
		if (subs.length > 0 && !force) {
			throw badRequest('force', `Webhook has ${subs.length} subscription(s); delete them first or use force=true`);
		}
		for (const sub of subs) this.subscriptions.delete(sub.id);
		webhook.challengeRun++;
		this.webhooks.delete(webhook.id);
		const queued = this.batches.get(webhook.id);
		if (queued?.timer) clearTimeout(queued.timer);
		this.batches.delete(webhook.id);
		this.stats.webhooksDeleted++;
	}

	// ---- challenge --------------------------------------------------------------------------------------

	private startVerification(webhook: WebhookRecord): void {
		const run = ++webhook.challengeRun;
		if (!webhook.challengeRequestEnabled) {
			webhook.status = 'ACTIVE';
			webhook.stateReason = '';
			return;
		}
		webhook.status = 'PENDING';
		webhook.stateReason = '';
		// Asynchronous, after the 201 has been sent [I]; later attempts are spaced by challengeRetryMs.
		const attempt = (n: number): void => {
			if (webhook.challengeRun !== run || !this.webhooks.has(webhook.id)) return;
			void this.track(
				this.challenge(webhook).then((outcome) => {
					if (webhook.challengeRun !== run) return;
					if (outcome.ok) return;
					if (n + 1 < this.options.challengeAttempts) this.scheduled(this.options.challengeRetryMs, () => attempt(n + 1));
					else {
						webhook.status = 'ERROR';
					}
				}),
			);
		};
		this.scheduled(this.options.challengeDelayMs, () => attempt(0));
	}

	/** One challenge round trip (OPTIONS probe, then the signed-or-not POST); updates the webhook's state. */
	async challenge(webhook: WebhookRecord): Promise<ChallengeOutcome> {
		const requestedRate = await this.probeOptions(webhook);
		const challengeRequest = randomUUID();
		const event = {
			data: { challengeRequest },
			datacontenttype: 'application/json',
			id: randomUUID(),
			source: 'https://global.api.greenlake.hpe.com/events',
			specversion: '1.0',
			subject: webhook.workspaceId,
			time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
			type: this.options.challengeType,
		};
		const text = sortedJson(event);
		const headers: Record<string, string> = { 'content-type': 'application/json', ...(await this.authHeaders(webhook)) };
		if (this.options.signChallenges) headers['hpe-webhook-signature'] = this.signatureHeader(webhook, text);
		this.stats.challengesSent++;
		const answer = await this.send(webhook.destination, 'POST', headers, text);
		const expected = [webhook.secret, webhook.secondarySecret].filter((s) => s !== '').map((s) => hmacHex(s, challengeRequest));
		let verification: unknown;
		try {
			verification = (JSON.parse(answer.body) as { verification?: unknown }).verification;
		} catch {
			verification = undefined;
		}
		const ok = answer.status >= 200 && answer.status < 300 && typeof verification === 'string' && expected.includes(verification);
		if (ok) {
			this.stats.challengesPassed++;
			webhook.status = 'ACTIVE';
			webhook.stateReason = '';
		} else {
			this.stats.challengesFailed++;
			webhook.stateReason = answer.error
				? `Webhook URL unreachable. error: ${answer.error}`
				: answer.status >= 200 && answer.status < 300
					? 'HMAC validation failed. Please verify webhook secret.'
					: `Webhook verification failed: the destination answered HTTP ${answer.status}`;
			if (webhook.status === 'ACTIVE') webhook.status = 'PENDING';
		}
		return { ok, statusCode: answer.status, message: answer.error ?? http.STATUS_CODES[answer.status] ?? '', requestedRate };
	}

	/** CloudEvents webhook abuse-protection handshake; a 404/405 or no header never fails verification [I]. */
	private async probeOptions(webhook: WebhookRecord): Promise<number | null> {
		const answer = await this.send(webhook.destination, 'OPTIONS', {
			'webhook-request-origin': 'eventgrid.greenlake.hpe.com',
			'webhook-request-rate': '120',
		});
		const allowed = answer.headers['webhook-allowed-rate']?.[0];
		if (allowed === undefined) return null;
		const rate = allowed.trim() === '*' ? -1 : Number.parseInt(allowed, 10);
		webhook.endpointRateLimit = Number.isFinite(rate) ? rate : null;
		return webhook.endpointRateLimit;
	}

	// ---- subscriptions ----------------------------------------------------------------------------------

	subscriptionResponse(sub: SubscriptionRecord): Record<string, unknown> {
		const catalog = EVENT_CATALOG[sub.eventType];
		return {
			id: sub.id,
			type: 'events/subscription',
			serviceManager: '00000000-0000-0000-0000-000000000000',
			apiGroup: catalog?.apiGroup ?? '',
			eventType: sub.eventType,
			friendlyName: catalog?.friendlyName ?? sub.eventType,
			description: catalog?.friendlyName ?? '',
			eventFilter: sub.eventFilter,
			resourceUri: `/events/v1beta1/subscriptions/${sub.id}`,
			webhook: { resourceUri: `/events/v1beta1/webhooks/${sub.webhookId}` },
			hpePrincipal: `user:${sub.createdBy}`,
			createdBy: sub.createdBy,
			updatedBy: sub.createdBy,
			createdAt: sub.createdAt,
			updatedAt: sub.updatedAt,
			generation: sub.generation,
		};
	}

	subscriptionsOf(webhookId: string): SubscriptionRecord[] {
		return [...this.subscriptions.values()].filter((s) => s.webhookId === webhookId).reverse();
	}

	private webhookOfReference(workspaceId: string, ref: unknown, index: number): WebhookRecord {
		const uri = (ref as { resourceUri?: unknown } | undefined)?.resourceUri;
		const m = typeof uri === 'string' ? /^\/events\/v1beta1\/webhooks\/([^/]+)$/.exec(uri) : null;
		if (!m) throw invalidBody(`[${index}].webhook.resourceUri must be /events/v1beta1/webhooks/{id}`, 'webhook.resourceUri');
		const webhook = this.webhooks.get(m[1]);
		if (!webhook || webhook.workspaceId !== workspaceId) throw notFound('Webhook not found', 'hpe.greenlake.events');
		return webhook;
	}

	private parseEventFilter(raw: unknown, index: number): { eventFilter: string; clauses: FilterClause[] } {
		if (raw === undefined || raw === null || raw === '') return { eventFilter: '', clauses: [] };
		if (typeof raw !== 'string') throw invalidBody(`[${index}].eventFilter must be a string`, 'eventFilter');
		try {
			return { eventFilter: raw, clauses: parseFilter(raw) };
		} catch (error) {
			if (error instanceof GlError) throw badRequest('eventFilter', `Invalid eventFilter: ${raw}`, 'body');
			throw error;
		}
	}

	private checkEventType(raw: unknown, index: number): string {
		if (typeof raw !== 'string' || raw === '') throw invalidBody(`[${index}].eventType is required`, 'eventType');
		if (!EVENT_CATALOG[raw] && !this.options.extraEventTypes.includes(raw)) {
			throw badRequest('eventType', `Event type '${raw}' is not available to this workspace`, 'body');
		}
		return raw;
	}

	subscribe(workspaceId: string, principal: string, body: unknown): SubscriptionRecord[] {
		if (!Array.isArray(body) || body.length === 0) throw invalidBody('The body must be a non-empty JSON array of subscriptions');
		const prepared = body.map((entry: unknown, index) => {
			if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw invalidBody(`[${index}] must be an object`);
			for (const key of Object.keys(entry)) if (!SUBSCRIPTION_FIELDS.has(key)) throw invalidBody(`Unknown property '${key}'`, key);
			const e = entry as Record<string, unknown>;
			return {
				webhook: this.webhookOfReference(workspaceId, e.webhook, index),
				eventType: this.checkEventType(e.eventType, index),
				...this.parseEventFilter(e.eventFilter, index),
			};
		});
		const perWebhook = new Map<string, number>();
		for (const p of prepared) perWebhook.set(p.webhook.id, (perWebhook.get(p.webhook.id) ?? this.subscriptionsOf(p.webhook.id).length) + 1);
		for (const [webhookId, count] of perWebhook) {
			if (count > MAX_SUBSCRIPTIONS_PER_WEBHOOK) {
				throw badRequest('subscriptions', `Maximum number of subscriptions (${MAX_SUBSCRIPTIONS_PER_WEBHOOK}) per webhook reached for webhook ${webhookId}`, 'body');
			}
		}
		const now = new Date().toISOString();
		return prepared.map((p) => {
			const sub: SubscriptionRecord = {
				id: randomUUID(),
				workspaceId,
				webhookId: p.webhook.id,
				eventType: p.eventType,
				eventFilter: p.eventFilter,
				clauses: p.clauses,
				createdBy: principal,
				createdAt: now,
				updatedAt: now,
				generation: 1,
			};
			this.subscriptions.set(sub.id, sub);
			return sub;
		});
	}

	updateSubscriptions(workspaceId: string, body: unknown): SubscriptionRecord[] {
		if (!Array.isArray(body) || body.length === 0) throw invalidBody('The body must be a non-empty JSON array');
		const prepared = body.map((entry: unknown, index) => {
			if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw invalidBody(`[${index}] must be an object`);
			const e = entry as Record<string, unknown>;
			for (const key of Object.keys(e)) if (!SUBSCRIPTION_FIELDS.has(key) && key !== 'subscriptionId') throw invalidBody(`Unknown property '${key}'`, key);
			const sub = typeof e.subscriptionId === 'string' ? this.subscriptions.get(e.subscriptionId) : undefined;
			if (!sub || sub.workspaceId !== workspaceId) throw notFound('Subscription not found', 'hpe.greenlake.events');
			return {
				sub,
				webhook: this.webhookOfReference(workspaceId, e.webhook, index),
				eventType: this.checkEventType(e.eventType, index),
				...this.parseEventFilter(e.eventFilter, index),
			};
		});
		const now = new Date().toISOString();
		return prepared.map((p) => {
			Object.assign(p.sub, { webhookId: p.webhook.id, eventType: p.eventType, eventFilter: p.eventFilter, clauses: p.clauses, updatedAt: now });
			p.sub.generation++;
			return p.sub;
		});
	}

	unsubscribe(workspaceId: string, ids: string[]): void {
		if (ids.length === 0) throw badRequest('id', 'At least one id query parameter is required');
		for (const id of ids) {
			const sub = this.subscriptions.get(id);
			if (!sub || sub.workspaceId !== workspaceId) throw notFound(`Subscription ${id} not found`, 'hpe.greenlake.events');
		}
		for (const id of ids) this.subscriptions.delete(id);
	}

	// ---- events and deliveries --------------------------------------------------------------------------

	/** Publishes an event in a workspace: every subscribed, unpaused, verified webhook gets it (filter permitting). */
	emit(workspaceId: string, type: string, data: Record<string, unknown>, extra: Partial<CloudEvent> = {}): CloudEvent {
		const event: CloudEvent = {
			specversion: '1.0',
			id: randomUUID(),
			source: EVENT_CATALOG[type]?.source ?? '//global.api.greenlake.hpe.com/sandbox',
			type,
			subject: workspaceId,
			time: new Date().toISOString(),
			datacontenttype: 'application/json',
			...extra,
			data,
		};
		this.stats.eventsEmitted++;
		for (const webhook of this.webhooksOf(workspaceId).reverse()) {
			if (webhook.paused || webhook.status === 'PENDING' || webhook.status === 'DISABLED') continue;
			const matches = this.subscriptionsOf(webhook.id).some(
				(sub) => sub.eventType === type && sub.clauses.every((clause) => clauseMatches(pathValue(data, clause.key), clause)),
			);
			if (!matches) continue;
			if (webhook.batching) this.enqueue(webhook, event);
			else void this.track(this.deliver(webhook, [event], false, 'delivery', 0));
		}
		return event;
	}

	private enqueue(webhook: WebhookRecord, event: CloudEvent): void {
		let queue = this.batches.get(webhook.id);
		if (!queue) {
			queue = { events: [] };
			this.batches.set(webhook.id, queue);
		}
		queue.events.push(event);
		if (queue.events.length >= this.options.batchMaxEvents) this.flush(webhook.id);
		else queue.timer ??= this.later(this.options.batchWindowMs, () => this.flush(webhook.id));
	}

	/** Sends the queued batch of a webhook now (or of every webhook). */
	flush(webhookId?: string): void {
		for (const id of webhookId ? [webhookId] : [...this.batches.keys()]) {
			const queue = this.batches.get(id);
			this.batches.delete(id);
			if (queue?.timer) {
				clearTimeout(queue.timer);
				this.timers.delete(queue.timer);
			}
			const webhook = this.webhooks.get(id);
			if (!queue || queue.events.length === 0 || !webhook) continue;
			void this.track(this.deliver(webhook, queue.events, true, 'delivery', 0));
		}
	}

	signatureHeader(webhook: WebhookRecord, text: string): string {
		const primary = `sha256=${hmacHex(webhook.secret, text)}`;
		if (webhook.secondarySecret === '' || this.options.dualSecretSignatures === 'primary') return primary;
		return `${primary},sha256=${hmacHex(webhook.secondarySecret, text)}`;
	}

	private async authHeaders(webhook: WebhookRecord): Promise<Record<string, string>> {
		if (webhook.authType === 'APIKey') return { authorization: webhook.apiKey };
		if (webhook.authType !== 'Oauth') return {};
		const cached = this.oauthTokens.get(webhook.id);
		if (cached && cached.expiresAt > Date.now()) return { authorization: `Bearer ${cached.token}` };
		const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: webhook.clientId, client_secret: webhook.clientSecret });
		const answer = await this.send(webhook.issuerUrl, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
		try {
			const body = JSON.parse(answer.body) as { access_token?: string; expires_in?: number };
			if (answer.status === 200 && body.access_token) {
				this.oauthTokens.set(webhook.id, { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 300) * 1000 });
				return { authorization: `Bearer ${body.access_token}` };
			}
		} catch {
			// no token: the delivery goes without one and the destination decides
		}
		return {};
	}

	/** Sends one payload (exact bytes, signed) and records the attempt; failures are retried on the configured schedule. */
	async deliver(
		webhook: WebhookRecord,
		events: CloudEvent[],
		batch: boolean,
		kind: DeliveryRecord['kind'],
		attempt: number,
		previous?: DeliveryRecord,
	): Promise<DeliveryRecord> {
		const text = previous?.requestText ?? JSON.stringify(batch ? events : events[0]);
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			'user-agent': 'HPE-GreenLake-Webhooks/sandbox',
			...(await this.authHeaders(webhook)),
			'hpe-webhook-signature': this.signatureHeader(webhook, text),
		};
		const sentAt = Date.now();
		this.stats.deliveriesSent++;
		if (batch) this.stats.batchesSent++;
		if (kind === 'retry') this.stats.retries++;
		if (kind === 'manualRetry') this.stats.manualRetries++;
		if (kind === 'redelivery') this.stats.redeliveries++;
		const answer = await this.send(webhook.destination, 'POST', headers, text);
		const ok = answer.status >= 200 && answer.status < 300;
		const now = new Date().toISOString();
		const { authorization: _hidden, ...loggedHeaders } = headers;
		const record: DeliveryRecord = {
			id: previous?.id ?? (batch ? randomUUID() : events[0].id),
			webhookId: webhook.id,
			failureId: randomUUID(),
			batch,
			eventIds: previous?.eventIds ?? events.map((e) => e.id),
			eventTypes: previous?.eventTypes ?? events.map((e) => e.type),
			status: ok ? 'SUCCESS' : 'FAILURE',
			retryStatus: ok ? 'NORETRY' : 'RETRY',
			httpResponseCode: answer.status,
			requestHeaders: headerMap(loggedHeaders),
			requestText: text,
			responseHeaders: answer.headers,
			responseBody: answer.error ? `error: ${answer.error}` : answer.body.slice(0, 2048),
			attempt,
			kind,
			sentAt,
			answeredAt: Date.now(),
			createdAt: now,
			updatedAt: now,
			generation: 1,
		};
		this.deliveries.push(record);
		if (this.deliveries.length > this.options.deliveryLogSize) this.deliveries.splice(0, this.deliveries.length - this.options.deliveryLogSize);
		if (ok) {
			this.stats.deliveriesSucceeded++;
			this.stats.eventsDelivered += record.eventIds.length;
			if (previous) previous.retryStatus = 'NORETRY';
			// Back to ACTIVE once nothing is failing any more [I: GreenLake waits 12 h without failures].
			if (webhook.status === 'WARNING' && !this.deliveries.some((d) => d.webhookId === webhook.id && d.retryStatus === 'RETRY')) {
				webhook.status = 'ACTIVE';
				webhook.stateReason = '';
			}
			return record;
		}
		this.stats.deliveriesFailed++;
		if (previous) previous.retryStatus = 'NORETRY';
		if (this.webhooks.has(webhook.id) && webhook.status !== 'DISABLED') {
			if (webhook.status === 'ACTIVE') webhook.status = 'WARNING';
			webhook.stateReason = 'Failure in Event Deliveries';
		}
		if (kind === 'delivery' || kind === 'retry') {
			const delay = this.options.retryDelaysMs[attempt];
			if (delay === undefined) {
				// All retries failed: Critical (API ERROR), the event is dropped.
				record.retryStatus = 'RETRY';
				if (this.webhooks.has(webhook.id)) webhook.status = 'ERROR';
				this.stats.eventsDropped += record.eventIds.length;
			} else {
				this.scheduled(delay, () => {
					if (!this.webhooks.has(webhook.id) || webhook.paused) return;
					void this.track(this.deliver(webhook, events, batch, 'retry', attempt + 1, record));
				});
			}
		}
		return record;
	}

	/** Manual retry of a failed delivery (synchronous; returns the new attempt) [I]. */
	async retry(workspaceId: string, webhookId: string, failureId: string): Promise<DeliveryRecord> {
		const webhook = this.getWebhook(workspaceId, webhookId);
		const failure = this.deliveries.find((d) => d.webhookId === webhook.id && d.failureId === failureId);
		if (!failure) throw notFound('Delivery failure not found', 'hpe.greenlake.events');
		if (failure.retryStatus !== 'RETRY') throw badRequest('failureId', 'This delivery cannot be retried (retryStatus is NORETRY)', 'path');
		return await this.track(this.deliver(webhook, [], failure.batch, 'manualRetry', failure.attempt + 1, failure));
	}

	/** Sends the last `count` successfully delivered payloads of a webhook again, as an at-least-once sender may. */
	async redeliver(webhookId: string, count: number): Promise<DeliveryRecord[]> {
		const webhook = this.webhooks.get(webhookId);
		if (!webhook) throw new Error('unknown webhook');
		const seen = new Set<string>();
		const payloads = this.deliveries
			.filter((d) => d.webhookId === webhookId && d.status === 'SUCCESS' && !seen.has(d.id) && seen.add(d.id))
			.slice(-count);
		return await Promise.all(payloads.map((d) => this.track(this.deliver(webhook, [], d.batch, 'redelivery', d.attempt, { ...d }))));
	}

	recentDeliveryResponse(d: DeliveryRecord, workspaceId: string): Record<string, unknown> {
		let requestBody: unknown;
		try {
			requestBody = JSON.parse(d.requestText);
		} catch {
			requestBody = d.requestText;
		}
		return {
			id: d.id,
			type: 'events/deliveryFailure',
			status: d.status,
			retryStatus: d.retryStatus,
			failureId: d.failureId,
			httpResponseCode: d.httpResponseCode,
			requestHeaders: d.requestHeaders,
			requestBody,
			responseHeaders: d.responseHeaders,
			responseBody: d.responseBody,
			subject: `events.${workspaceId}.${d.webhookId}`,
			description: d.batch ? `Batch of ${d.eventIds.length} events` : d.eventTypes[0],
			...(d.batch ? { batchId: d.id } : {}),
			resourceUri: `/events/v1beta1/webhooks/${d.webhookId}`,
			createdAt: d.createdAt,
			updatedAt: d.updatedAt,
			generation: d.generation,
		};
	}

	// ---- HTTP client ------------------------------------------------------------------------------------

	private send(target: string, method: string, headers: Record<string, string>, body?: string): Promise<Attempt> {
		return new Promise((resolve) => {
			let url: URL;
			try {
				url = new URL(target);
			} catch {
				resolve({ status: 0, headers: {}, body: '', error: 'invalid URL' });
				return;
			}
			const client = url.protocol === 'https:' ? https : http;
			const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
			const request = client.request(
				url,
				{
					method,
					headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
					timeout: this.options.deliveryTimeoutMs,
					agent: false,
				},
				(response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () =>
						resolve({ status: response.statusCode ?? 0, headers: headerMap(response.headers), body: Buffer.concat(chunks).toString('utf8') }),
					);
					response.on('error', (error) => resolve({ status: 0, headers: {}, body: '', error: error.message }));
				},
			);
			request.on('timeout', () => request.destroy(new Error(`no answer within ${this.options.deliveryTimeoutMs} ms`)));
			request.on('error', (error) => resolve({ status: 0, headers: {}, body: '', error: error.message }));
			request.end(payload);
		});
	}
}

export const DEFAULT_EVENTS_OPTIONS: Required<EventsOptions> = {
	allowLoopbackDestinations: true,
	challengeDelayMs: 0,
	challengeAttempts: 10,
	challengeRetryMs: 1000,
	challengeType: VERIFICATION_TYPE,
	signChallenges: false,
	deliveryTimeoutMs: 10_000,
	// 20 retries with growing intervals, scaled down from GreenLake's 12 hours to about 2 minutes.
	retryDelaysMs: Array.from({ length: 20 }, (_, i) => Math.min(500 * 2 ** i, 15_000)),
	batchMaxEvents: 10,
	batchWindowMs: 1000,
	dualSecretSignatures: 'comma',
	extraEventTypes: [],
	deliveryLogSize: 5000,
	emitAuditLogEvents: true,
};
