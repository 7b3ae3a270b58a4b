// /events/v1beta1 routes: webhooks, subscriptions, verify, recent deliveries and manual retry (HPE webhook spec).
import { GlError, badRequest, forbidden } from '../errors';
import type { ApiContext, ApiResult, RouteDef } from './common';
import { pageOf, parsePaging } from './common';

function events(ctx: ApiContext) {
	return ctx.state.events;
}

function jsonBody(ctx: ApiContext): unknown {
	if (ctx.body.trim() === '') return undefined;
	try {
		return JSON.parse(ctx.body) as unknown;
	} catch {
		throw badRequest('body', 'Request body is not valid JSON', 'body');
	}
}

/** Personal API clients need the Automations Webhook / Subscription permissions; the sandbox can withhold them. */
function requirePermission(ctx: ApiContext, resource: 'Automations Webhook' | 'Automations Subscription', action: string): void {
	if (ctx.state.eventsDeniedClients.has(ctx.token.clientId)) {
		throw forbidden(`Invalid Permission Error: ${action} on ${resource} is required`, 'hpe.greenlake.events');
	}
}

function requireMergePatch(ctx: ApiContext): void {
	const type = String(ctx.headers['content-type'] ?? '');
	if (!/^application\/merge-patch\+json/i.test(type)) {
		throw new GlError(415, `Unsupported content type '${type}'; use application/merge-patch+json`);
	}
}

function principal(ctx: ApiContext): string {
	return ctx.token.clientId;
}

const listWebhooks = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Webhook', 'Read');
	const paging = parsePaging(ctx.query, 200, 200);
	const items = events(ctx).webhooksOf(ctx.workspace.id);
	return { body: pageOf(items, paging, (w) => events(ctx).toResponse(w)) };
};

const createWebhook = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Webhook', 'Create');
	const webhook = events(ctx).register(ctx.workspace.id, principal(ctx), jsonBody(ctx));
	return {
		status: 201,
		body: events(ctx).toResponse(webhook),
		headers: { location: `/events/v1beta1/webhooks/${webhook.id}` },
	};
};

const getWebhook = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Webhook', 'Read');
	return { body: events(ctx).toResponse(events(ctx).getWebhook(ctx.workspace.id, ctx.params.id)) };
};

const patchWebhook = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Webhook', 'Update');
	requireMergePatch(ctx);
	const webhook = events(ctx).update(ctx.workspace.id, ctx.params.id, jsonBody(ctx));
	return { body: events(ctx).toResponse(webhook) };
};

const deleteWebhook = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Webhook', 'Delete');
	const force = ctx.query.get('force');
	if (force !== null && force !== 'true' && force !== 'false') throw badRequest('force', 'force must be true or false');
	events(ctx).remove(ctx.workspace.id, ctx.params.id, force === 'true');
	return { status: 204 };
};

/** Runs the challenge now and reports what the destination answered [I: synchronous]. GET is accepted too (§10). */
const verifyWebhook = async (ctx: ApiContext): Promise<ApiResult> => {
	requirePermission(ctx, 'Automations Webhook', 'Read');
	const service = events(ctx);
	const webhook = service.getWebhook(ctx.workspace.id, ctx.params.id);
	webhook.challengeRun++;
	const outcome = await service.challenge(webhook);
	return {
		body: {
			...service.toResponse(webhook),
			destinationResponse: { statusCode: outcome.statusCode, message: outcome.message, requestedRate: outcome.requestedRate },
		},
	};
};

const recentDeliveries = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Webhook', 'Read');
	const service = events(ctx);
	const webhook = service.getWebhook(ctx.workspace.id, ctx.params.id);
	const paging = parsePaging(ctx.query, 200, 200);
	const items = service.deliveries.filter((d) => d.webhookId === webhook.id).reverse();
	return { body: pageOf(items, paging, (d) => service.recentDeliveryResponse(d, ctx.workspace.id)) };
};

const retryDelivery = async (ctx: ApiContext): Promise<ApiResult> => {
	requirePermission(ctx, 'Automations Webhook', 'Update');
	const service = events(ctx);
	const record = await service.retry(ctx.workspace.id, ctx.params.id, ctx.params.failureId);
	const { subject: _subject, description: _description, status: _status, retryStatus: _retry, ...body } = service.recentDeliveryResponse(
		record,
		ctx.workspace.id,
	);
	return { body: { ...body, failureId: ctx.params.failureId } };
};

const WEBHOOK_ID_FILTER = /^\s*webhookId\s+eq\s+'([^']+)'\s*$/;

const listSubscriptions = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Subscription', 'Read');
	const filter = ctx.query.get('filter');
	const m = filter ? WEBHOOK_ID_FILTER.exec(filter) : null;
	if (!m) {
		throw new GlError(422, "Invalid filter: the filter parameter is required, as webhookId eq '<id>'", [
			{ type: 'hpe.greenlake.bad_request', issues: [{ source: 'query.parameter', subject: 'filter', description: 'filter is required' }] },
		]);
	}
	const paging = parsePaging(ctx.query, 10, 10);
	const service = events(ctx);
	const webhook = service.webhooks.get(m[1]);
	const items = webhook && webhook.workspaceId === ctx.workspace.id ? service.subscriptionsOf(webhook.id) : [];
	return { body: pageOf(items, paging, (s) => service.subscriptionResponse(s)) };
};

const createSubscriptions = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Subscription', 'Create');
	const created = events(ctx).subscribe(ctx.workspace.id, principal(ctx), jsonBody(ctx));
	return {
		status: 201,
		body: created.map((s) => events(ctx).subscriptionResponse(s)),
		headers: { location: `/events/v1beta1/subscriptions/${created[0].id}` },
	};
};

const patchSubscriptions = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Subscription', 'Update');
	requireMergePatch(ctx);
	const updated = events(ctx).updateSubscriptions(ctx.workspace.id, jsonBody(ctx));
	return { body: updated.map((s) => events(ctx).subscriptionResponse(s)) };
};

const deleteSubscriptions = (ctx: ApiContext): ApiResult => {
	requirePermission(ctx, 'Automations Subscription', 'Delete');
	events(ctx).unsubscribe(ctx.workspace.id, ctx.query.getAll('id'));
	return { status: 204 };
};

export const eventRoutes: RouteDef[] = [
	{ method: 'GET', pattern: '/events/v1beta1/webhooks', bucket: 'events.webhooks', handler: listWebhooks },
	{ method: 'POST', pattern: '/events/v1beta1/webhooks', bucket: 'events.webhooks', handler: createWebhook },
	{ method: 'GET', pattern: '/events/v1beta1/webhooks/{id}', bucket: 'events.webhooks', handler: getWebhook },
	{ method: 'PATCH', pattern: '/events/v1beta1/webhooks/{id}', bucket: 'events.webhooks', handler: patchWebhook },
	{ method: 'DELETE', pattern: '/events/v1beta1/webhooks/{id}', bucket: 'events.webhooks', handler: deleteWebhook },
	{ method: 'POST', pattern: '/events/v1beta1/webhooks/{id}/verify', bucket: 'events.webhooks', handler: verifyWebhook },
	{ method: 'GET', pattern: '/events/v1beta1/webhooks/{id}/verify', bucket: 'events.webhooks', handler: verifyWebhook },
	{ method: 'GET', pattern: '/events/v1beta1/webhooks/{id}/recent-deliveries', bucket: 'events.webhooks', handler: recentDeliveries },
	{
		method: 'POST',
		pattern: '/events/v1beta1/webhooks/{id}/delivery-failures/{failureId}/retry',
		bucket: 'events.webhooks',
		handler: retryDelivery,
	},
	{ method: 'GET', pattern: '/events/v1beta1/subscriptions', bucket: 'events.subscriptions', handler: listSubscriptions },
	{ method: 'POST', pattern: '/events/v1beta1/subscriptions', bucket: 'events.subscriptions', handler: createSubscriptions },
	{ method: 'PATCH', pattern: '/events/v1beta1/subscriptions', bucket: 'events.subscriptions', handler: patchSubscriptions },
	{ method: 'DELETE', pattern: '/events/v1beta1/subscriptions', bucket: 'events.subscriptions', handler: deleteSubscriptions },
];
