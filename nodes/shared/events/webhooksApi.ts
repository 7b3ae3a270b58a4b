import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { pageItems, paginate } from '../transport/pagination';
import type { GreenLakeRequestOptions } from '../transport/request';
import { greenLakeRequest } from '../transport/request';
import type { GreenLakeContext, GreenLakeSession } from '../transport/session';
import { PERMISSION_HINT, SUBSCRIPTIONS_PATH, WEBHOOKS_PATH } from './eventTypes';

/** Workspace, retries, timeout and item index of the calls; the same for every call of one item or activation. */
export type EventsCallDefaults = Partial<Omit<GreenLakeRequestOptions, 'method' | 'url' | 'body' | 'qs'>>;

export interface EventsApi {
	ctx: GreenLakeContext;
	session: GreenLakeSession;
	defaults: EventsCallDefaults;
}

export interface SubscriptionSpec {
	eventType: string;
	eventFilter?: string;
}

const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };

/** An id that goes into a path: no slashes, query or fragment. */
export function checkedId(ctx: GreenLakeContext, id: unknown, label: string, itemIndex?: number): string {
	const text = String(id ?? '').trim();
	if (text === '' || /[/?#\s]/.test(text)) {
		throw new NodeOperationError(ctx.getNode(), `${label} "${text}" is not valid`, {
			description: `Enter the ${label} as GreenLake shows it (a UUID).`,
			itemIndex,
		});
	}
	return encodeURIComponent(text);
}

/** A 403 from the events API names the permissions to grant; other errors pass through unchanged. */
function withPermissionHint(ctx: GreenLakeContext, error: unknown, itemIndex?: number): unknown {
	if (error instanceof NodeApiError && error.httpCode === '403') {
		return new NodeOperationError(ctx.getNode(), `${error.message}`, { description: PERMISSION_HINT, itemIndex });
	}
	return error;
}

async function call(api: EventsApi, options: Pick<GreenLakeRequestOptions, 'method' | 'url' | 'body' | 'qs' | 'headers'>) {
	try {
		return await greenLakeRequest(api.ctx, api.session, { ...api.defaults, ...options });
	} catch (error) {
		throw withPermissionHint(api.ctx, error, api.defaults.itemIndex);
	}
}

export async function listWebhooks(api: EventsApi, paging: { returnAll: boolean; limit?: number } = { returnAll: true }): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	try {
		for await (const page of paginate(api.ctx, api.session, { ...api.defaults, method: 'GET', url: WEBHOOKS_PATH }, paging)) out.push(...page);
	} catch (error) {
		throw withPermissionHint(api.ctx, error, api.defaults.itemIndex);
	}
	return out;
}

/** The webhook, or undefined when GreenLake answers 404 (deleted, for example in the UI). */
export async function findWebhook(api: EventsApi, id: string): Promise<IDataObject | undefined> {
	try {
		return (await call(api, { method: 'GET', url: `${WEBHOOKS_PATH}/${encodeURIComponent(id)}` })).body as IDataObject;
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return undefined;
		throw withPermissionHint(api.ctx, error, api.defaults.itemIndex);
	}
}

export async function getWebhook(api: EventsApi, id: string): Promise<IDataObject> {
	return (await call(api, { method: 'GET', url: `${WEBHOOKS_PATH}/${id}` })).body as IDataObject;
}

export async function registerWebhook(api: EventsApi, body: IDataObject): Promise<IDataObject> {
	return (await call(api, { method: 'POST', url: WEBHOOKS_PATH, body })).body as IDataObject;
}

export async function updateWebhook(api: EventsApi, id: string, patch: IDataObject): Promise<IDataObject> {
	return (await call(api, { method: 'PATCH', url: `${WEBHOOKS_PATH}/${id}`, body: patch, headers: MERGE_PATCH })).body as IDataObject;
}

/** Deletes a webhook; `missingOk` treats 404 as done (already deleted). */
export async function deleteWebhook(api: EventsApi, id: string, options: { force?: boolean; missingOk?: boolean } = {}): Promise<boolean> {
	try {
		await call(api, { method: 'DELETE', url: `${WEBHOOKS_PATH}/${id}`, ...(options.force ? { qs: { force: true } } : {}) });
		return true;
	} catch (error) {
		if (options.missingOk && error instanceof NodeApiError && error.httpCode === '404') return false;
		throw withPermissionHint(api.ctx, error, api.defaults.itemIndex);
	}
}

export async function verifyWebhook(api: EventsApi, id: string): Promise<IDataObject> {
	return (await call(api, { method: 'POST', url: `${WEBHOOKS_PATH}/${id}/verify` })).body as IDataObject;
}

export async function recentDeliveries(api: EventsApi, id: string, paging: { returnAll: boolean; limit?: number }): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	try {
		const request = { ...api.defaults, method: 'GET' as const, url: `${WEBHOOKS_PATH}/${id}/recent-deliveries` };
		for await (const page of paginate(api.ctx, api.session, request, paging)) out.push(...page);
	} catch (error) {
		throw withPermissionHint(api.ctx, error, api.defaults.itemIndex);
	}
	return out;
}

export async function retryDeliveryFailure(api: EventsApi, webhookId: string, failureId: string): Promise<IDataObject> {
	return (await call(api, { method: 'POST', url: `${WEBHOOKS_PATH}/${webhookId}/delivery-failures/${failureId}/retry` })).body as IDataObject;
}

export function webhookResourceUri(id: string): string {
	return `${WEBHOOKS_PATH}/${id}`;
}

/** Every subscription of a webhook (the list endpoint requires this filter; its pages hold at most 10). */
export async function listSubscriptions(api: EventsApi, webhookId: string, paging: { returnAll: boolean; limit?: number } = { returnAll: true }): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	const filter = `webhookId eq '${webhookId.replace(/'/g, "''")}'`;
	try {
		const request = { ...api.defaults, method: 'GET' as const, url: SUBSCRIPTIONS_PATH, qs: { filter } };
		for await (const page of paginate(api.ctx, api.session, request, paging)) out.push(...page);
	} catch (error) {
		throw withPermissionHint(api.ctx, error, api.defaults.itemIndex);
	}
	return out;
}

export async function createSubscriptions(api: EventsApi, webhookId: string, specs: SubscriptionSpec[]): Promise<IDataObject[]> {
	const body = specs.map((spec) => ({
		eventType: spec.eventType,
		webhook: { resourceUri: webhookResourceUri(webhookId) },
		...(spec.eventFilter ? { eventFilter: spec.eventFilter } : {}),
	}));
	return pageItems((await call(api, { method: 'POST', url: SUBSCRIPTIONS_PATH, body })).body);
}

export async function updateSubscriptions(api: EventsApi, updates: Array<SubscriptionSpec & { subscriptionId: string; webhookId: string }>): Promise<IDataObject[]> {
	const body = updates.map((update) => ({
		subscriptionId: update.subscriptionId,
		eventType: update.eventType,
		webhook: { resourceUri: webhookResourceUri(update.webhookId) },
		...(update.eventFilter !== undefined ? { eventFilter: update.eventFilter } : {}),
	}));
	return pageItems((await call(api, { method: 'PATCH', url: SUBSCRIPTIONS_PATH, body, headers: MERGE_PATCH })).body);
}

export async function deleteSubscriptions(api: EventsApi, ids: string[]): Promise<void> {
	if (ids.length === 0) return;
	await call(api, { method: 'DELETE', url: SUBSCRIPTIONS_PATH, qs: { id: ids } });
}
