import { createHash } from 'crypto';

import type { ICredentialDataDecryptedObject, IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../shared/config';
import { toNodeError } from '../../shared/http/errors';
import { MAX_SUBSCRIPTIONS_PER_WEBHOOK, MAX_WEBHOOKS_PER_WORKSPACE } from '../../shared/events/eventTypes';
import { generateWebhookSecret, hmacSha256Hex } from '../../shared/events/signature';
import type { EventsApi, SubscriptionSpec } from '../../shared/events/webhooksApi';
import {
	createSubscriptions,
	deleteSubscriptions,
	deleteWebhook,
	findWebhook,
	listSubscriptions,
	listWebhooks,
	registerWebhook,
	verifyWebhook,
} from '../../shared/events/webhooksApi';
import { openSession, selectedWorkspaceId } from '../../shared/transport/session';

/**
 * What the node keeps in its static data per webhook URL kind (test or production). The webhook secret itself is
 * not stored: it is HMAC(credential's client secret, nonce), so the workflow row holds only the nonce and the
 * secret stays as protected as the client secret in n8n's encrypted credential store.
 */
export interface Registration {
	webhookId: string;
	nonce: string;
	/** first 16 hex of sha256(secret): detects a changed client secret without storing the secret */
	secretFingerprint: string;
	destination: string;
	workspaceId: string;
	name: string;
	/** canonical form of the subscribed types and filters, to compare with the node's parameters */
	subscriptionKey: string;
	eventTypes: string[];
	subscriptionIds: string[];
	/** `source id` of recently emitted events (newest last), for duplicate suppression across restarts */
	recentEvents?: string[];
}

type HookOrWebhook = IHookFunctions | IWebhookFunctions;

/** Test (Listen for test event) and production registrations live side by side. */
function slot(ctx: HookOrWebhook): 'test' | 'production' {
	return ctx.getMode() === 'manual' ? 'test' : 'production';
}

export function readRegistration(ctx: HookOrWebhook): Registration | undefined {
	const data = ctx.getWorkflowStaticData('node');
	const value = data[slot(ctx)] as Registration | undefined;
	return value && typeof value.webhookId === 'string' && typeof value.nonce === 'string' ? value : undefined;
}

export function writeRegistration(ctx: HookOrWebhook, registration: Registration | undefined): void {
	const data = ctx.getWorkflowStaticData('node');
	if (registration) data[slot(ctx)] = registration as unknown as IDataObject;
	else delete data[slot(ctx)];
}

/** The shared secret GreenLake signs with, recomputed from the credential's client secret and the stored nonce. */
export function webhookSecret(credentials: ICredentialDataDecryptedObject, nonce: string): string {
	const clientSecret = typeof credentials.clientSecret === 'string' ? credentials.clientSecret : '';
	return hmacSha256Hex(clientSecret, `n8n-nodes-hpe-greenlake/webhook-secret/v1/${nonce}`);
}

export async function currentSecret(ctx: HookOrWebhook, nonce: string): Promise<string> {
	return webhookSecret(await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE), nonce);
}

function fingerprint(secret: string): string {
	return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

interface Settings {
	specs: SubscriptionSpec[];
	subscriptionKey: string;
	workspaceId?: string;
	batching: boolean;
	description: string;
}

/** The subscriptions the node's parameters ask for; every message names the parameter to fix. */
export function readSettings(ctx: IHookFunctions): Settings {
	const node = ctx.getNode();
	const listed = (ctx.getNodeParameter('events', []) as string[]) ?? [];
	const custom = String(ctx.getNodeParameter('customEventTypes', '') ?? '')
		.split(',')
		.map((type) => type.trim())
		.filter((type) => type !== '');
	const types = [...new Set([...listed, ...custom])];
	if (types.length === 0) {
		throw new NodeOperationError(node, 'No event type selected', { description: 'Choose at least one entry in Events, or enter a Custom Event Type.' });
	}
	const malformed = types.find((type) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(type));
	if (malformed) {
		throw new NodeOperationError(node, `Custom Event Types: "${malformed}" is not an event type`, {
			description: 'Event types look like com.hpe.greenlake.audit-log.v1.logs.created (letters, digits, dots and hyphens).',
		});
	}
	if (types.length > MAX_SUBSCRIPTIONS_PER_WEBHOOK) {
		throw new NodeOperationError(node, `${types.length} event types selected; GreenLake allows ${MAX_SUBSCRIPTIONS_PER_WEBHOOK} subscriptions per webhook`, {
			description: `Select at most ${MAX_SUBSCRIPTIONS_PER_WEBHOOK} event types in Events and Custom Event Types together, or use a second trigger.`,
		});
	}
	const filters = ((ctx.getNodeParameter('eventFilters', {}) as IDataObject).filter as IDataObject[] | undefined) ?? [];
	const filterByType = new Map<string, string>();
	for (const entry of filters) {
		const type = String(entry.eventType ?? '').trim();
		const filter = String(entry.eventFilter ?? '').trim();
		if (filter === '') continue;
		if (!types.includes(type)) {
			throw new NodeOperationError(node, `Event Filters: "${type}" is not one of the selected event types`, {
				description: 'A filter applies to a subscribed type: select the type in Events (or Custom Event Types), or remove the filter.',
			});
		}
		if (filterByType.has(type)) {
			throw new NodeOperationError(node, `Event Filters: two filters for "${type}"`, { description: 'Combine them with "and" or "or" in one filter.' });
		}
		filterByType.set(type, filter);
	}
	const specs = types.map((eventType) => ({ eventType, ...(filterByType.has(eventType) ? { eventFilter: filterByType.get(eventType) } : {}) }));
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const description = String(options.description ?? '');
	if (description.length > 100) {
		throw new NodeOperationError(node, `Webhook Description has ${description.length} characters; GreenLake allows 100`);
	}
	return {
		specs,
		subscriptionKey: subscriptionKey(specs),
		workspaceId: selectedWorkspaceId(ctx, ctx.getNodeParameter('workspaceScope', 'credential'), ctx.getNodeParameter('tenant', ''), 0),
		batching: options.batching === true,
		description,
	};
}

export function subscriptionKey(specs: Array<{ eventType?: unknown; eventFilter?: unknown }>): string {
	return specs
		.map((spec) => `${String(spec.eventType ?? '')}|${String(spec.eventFilter ?? '')}`)
		.sort()
		.join('\n');
}

function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function isPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return (
		isLoopback(host) ||
		/^10\./.test(host) ||
		/^192\.168\./.test(host) ||
		/^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
		/^169\.254\./.test(host) ||
		/^(fc|fd|fe80)/.test(host) ||
		host.endsWith('.local') ||
		host.endsWith('.internal') ||
		!host.includes('.')
	);
}

const URL_HELP =
	'GreenLake delivers events only to https URLs on a public domain name. Set the WEBHOOK_URL environment variable of n8n to its public https address (for example https://n8n.example.com/, behind a reverse proxy with a certificate, or a tunnel such as Cloudflare Tunnel or ngrok) and restart n8n. Plain http is accepted only when the credential points at a local GreenLake sandbox (a loopback Base URL).';

/** n8n's webhook URL for this node, checked against what GreenLake accepts as a destination. */
export function destinationUrl(ctx: IHookFunctions, baseUrl: string): string {
	const raw = ctx.getNodeWebhookUrl('default');
	const node = ctx.getNode();
	if (!raw) throw new NodeOperationError(node, 'n8n did not provide a webhook URL for this trigger');
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new NodeOperationError(node, `n8n's webhook URL "${raw}" is not a valid URL`, { description: URL_HELP });
	}
	const sandbox = isLoopback(new URL(baseUrl).hostname);
	if (url.search !== '') {
		throw new NodeOperationError(node, `n8n's webhook URL ${raw} has a query string, which GreenLake refuses`, { description: URL_HELP });
	}
	if (sandbox && isLoopback(url.hostname)) return url.toString();
	if (url.protocol !== 'https:') {
		throw new NodeOperationError(node, `n8n's webhook URL ${url.origin} is not https, so GreenLake cannot deliver to it`, { description: URL_HELP });
	}
	if (isPrivateHost(url.hostname)) {
		throw new NodeOperationError(node, `n8n's webhook URL ${url.origin} is not publicly reachable (${url.hostname} is a local or private address)`, {
			description: URL_HELP,
		});
	}
	return url.toString();
}

/** GreenLake webhook name: unique per workspace, letters, digits and - . @ _, at most 50 characters. */
function webhookName(ctx: IHookFunctions): string {
	const workflowId = String(ctx.getWorkflow().id ?? 'workflow').replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
	const node = ctx.getNode();
	const tag = createHash('sha256').update(`${node.id}/${node.webhookId ?? ''}`).digest('hex').slice(0, 8);
	return `n8n-${workflowId}-${tag}${slot(ctx) === 'test' ? '-test' : ''}`;
}

async function eventsApi(ctx: IHookFunctions, workspaceId: string | undefined): Promise<EventsApi> {
	return { ctx, session: await openSession(ctx), defaults: { workspaceId } };
}

/** Removes a webhook and its subscriptions; a webhook already gone counts as removed. */
async function removeWebhook(api: EventsApi, webhookId: string): Promise<void> {
	const existing = await findWebhook(api, webhookId);
	if (!existing) return;
	const subscriptions = await listSubscriptions(api, webhookId);
	await deleteSubscriptions(api, subscriptions.map((sub) => String(sub.id)));
	await deleteWebhook(api, webhookId, { missingOk: true });
}

/**
 * Whether the webhook GreenLake holds still matches the node: it exists (it may have been deleted in GreenLake's
 * UI), has the same destination, workspace and secret, and exactly the chosen subscriptions. A webhook whose
 * challenge never passed is asked to verify again (the secret is now in the saved static data).
 */
export async function checkExists(ctx: IHookFunctions): Promise<boolean> {
	const registration = readRegistration(ctx);
	if (!registration) return false;
	const settings = readSettings(ctx);
	const api = await eventsApi(ctx, settings.workspaceId);
	if ((settings.workspaceId ?? api.session.config.workspaceId) !== registration.workspaceId) return false;
	if (destinationUrl(ctx, api.session.config.baseUrl) !== registration.destination) return false;
	if (fingerprint(await currentSecret(ctx, registration.nonce)) !== registration.secretFingerprint) return false;
	const webhook = await findWebhook(api, registration.webhookId);
	if (!webhook || webhook.destination !== registration.destination) return false;
	const subscriptions = await listSubscriptions(api, registration.webhookId);
	if (subscriptionKey(subscriptions) !== settings.subscriptionKey) return false;
	if (webhook.status === 'PENDING' || webhook.status === 'ERROR') {
		try {
			await verifyWebhook(api, registration.webhookId);
		} catch {
			// Best effort: GreenLake keeps retrying the challenge itself.
		}
	}
	return true;
}

/**
 * Registers n8n's webhook URL with GreenLake (PENDING until GreenLake's challenge is answered by webhook()) and
 * subscribes it to the chosen event types. A leftover registration of this node is removed first.
 */
export async function create(ctx: IHookFunctions): Promise<boolean> {
	const settings = readSettings(ctx);
	const api = await eventsApi(ctx, settings.workspaceId);
	const destination = destinationUrl(ctx, api.session.config.baseUrl);
	const name = webhookName(ctx);
	const previous = readRegistration(ctx);
	if (previous) await removeWebhook(api, previous.webhookId);
	writeRegistration(ctx, undefined);
	const existing = await listWebhooks(api);
	for (const leftover of existing.filter((webhook) => webhook.name === name)) await removeWebhook(api, String(leftover.id));
	const others = existing.filter((webhook) => webhook.name !== name);
	if (others.length >= MAX_WEBHOOKS_PER_WORKSPACE) {
		throw new NodeOperationError(ctx.getNode(), `This workspace already has ${others.length} webhooks; GreenLake allows ${MAX_WEBHOOKS_PER_WORKSPACE}`, {
			description: `Delete a webhook you no longer need (GreenLake → Manage Workspace → Webhooks, or the HPE GreenLake node: Webhook → Delete), then activate again. Existing: ${others.map((webhook) => String(webhook.name)).join(', ')}.`,
		});
	}
	const nonce = generateWebhookSecret();
	const secret = await currentSecret(ctx, nonce);
	const webhook = await registerWebhook(api, {
		name,
		description: settings.description || `n8n workflow "${String(ctx.getWorkflow().name ?? '')}"`.slice(0, 100),
		destination,
		secret,
		authType: '',
		challengeRequestEnabled: true,
		batching: settings.batching,
	});
	const webhookId = String(webhook.id);
	let subscriptions;
	try {
		subscriptions = await createSubscriptions(api, webhookId, settings.specs);
	} catch (error) {
		// Do not leave a webhook without subscriptions behind.
		await deleteWebhook(api, webhookId, { missingOk: true, force: true }).catch(() => undefined);
		throw toNodeError(ctx.getNode(), error) as Error;
	}
	writeRegistration(ctx, {
		webhookId,
		nonce,
		secretFingerprint: fingerprint(secret),
		destination,
		workspaceId: settings.workspaceId ?? api.session.config.workspaceId,
		name,
		subscriptionKey: settings.subscriptionKey,
		eventTypes: settings.specs.map((spec) => spec.eventType),
		subscriptionIds: subscriptions.map((sub) => String(sub.id)),
	});
	return true;
}

/** Removes the subscriptions and the webhook; what GreenLake no longer has counts as removed. */
export async function remove(ctx: IHookFunctions): Promise<boolean> {
	const registration = readRegistration(ctx);
	if (!registration) return true;
	const workspaceId = registration.workspaceId;
	const session = await openSession(ctx);
	const api: EventsApi = { ctx, session, defaults: { workspaceId: workspaceId === session.config.workspaceId ? undefined : workspaceId } };
	await removeWebhook(api, registration.webhookId);
	writeRegistration(ctx, undefined);
	return true;
}
