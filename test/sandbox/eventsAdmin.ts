// Admin routes of the events framework, for tests in another process (a real n8n):
//   POST   /__sandbox/events                    {workspaceId, type, data?, id?, source?}   emit any event type
//   POST   /__sandbox/events/flush              send queued batches now
//   POST   /__sandbox/events/idle               resolves when no delivery/challenge is in flight
//   POST   /__sandbox/events/permissions        {clientId, allowed}   withhold the Automations permissions (403)
//   GET    /__sandbox/webhooks                  every webhook (all workspaces) with its subscriptions
//   DELETE /__sandbox/webhooks/{id}             delete a webhook and its subscriptions, as a user in the UI would
//   POST   /__sandbox/webhooks/{id}/redeliver   {count}   send the last `count` delivered payloads again
//   GET    /__sandbox/deliveries?webhookId=…    the delivery log with send/answer times (for latency figures)
import type { SandboxState } from './state';
import type { AuditLog } from './types';
import { EVENT_TYPES } from './events';

export interface EventsAdminResult {
	status: number;
	body: unknown;
}

function parseObject(body: string): Record<string, unknown> {
	if (body.trim() === '') return {};
	const value: unknown = JSON.parse(body);
	if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('body must be a JSON object');
	return value as Record<string, unknown>;
}

/** Publishes `audit-log.v1.logs.created` for a stored log, in the shape HPE showed from a real delivery (snake_case). */
export function auditLogEvent(state: SandboxState, log: AuditLog): void {
	const createdMs = Date.parse(log.createdAt);
	state.events.emit(log.workspace.id, EVENT_TYPES.auditLogCreated, {
		id: log.id,
		user: { username: log.username },
		workspace: { id: log.workspace.id, workspace_name: log.workspace.name, workspace_type: log.workspace.type },
		application: { id: log.serviceOffer.id },
		category: log.category,
		description: log.description,
		created_at: createdMs,
		updated_at: createdMs,
		additional_info: { ip_address: log.ipAddress, ip_address_str: log.ipAddress, ...log.additionalInfo },
		has_details: log.hasDetails,
	}, {
		dataschema:
			'https://developer.greenlake.hpe.com/docs/greenlake/services/audit-logs/public/catalog/audit-log-event-latest/paths/Audit%20Log%20Created/post/',
	});
}

export function webhookSnapshot(state: SandboxState, id: string): Record<string, unknown> | undefined {
	const webhook = state.events.webhooks.get(id);
	if (!webhook) return undefined;
	return {
		...state.events.toResponse(webhook),
		workspaceId: webhook.workspaceId,
		subscriptions: state.events.subscriptionsOf(id).map((s) => state.events.subscriptionResponse(s)),
	};
}

/** Handles an events admin route, or returns undefined for other paths. */
export async function handleEventsAdmin(
	state: SandboxState,
	method: string,
	path: string,
	rawBody: string,
	query: URLSearchParams,
): Promise<EventsAdminResult | undefined> {
	const service = state.events;
	const route = `${method} ${path}`;
	if (route === 'POST /__sandbox/events') {
		const body = parseObject(rawBody);
		if (typeof body.workspaceId !== 'string' || typeof body.type !== 'string') throw new Error('workspaceId and type are required');
		const data = (body.data ?? {}) as Record<string, unknown>;
		const extra: Record<string, unknown> = {};
		for (const key of ['id', 'source', 'subject', 'time']) if (typeof body[key] === 'string') extra[key] = body[key];
		return { status: 200, body: service.emit(body.workspaceId, body.type, data, extra) };
	}
	if (route === 'POST /__sandbox/events/flush') {
		service.flush();
		return { status: 200, body: { ok: true } };
	}
	if (route === 'POST /__sandbox/events/idle') {
		await service.idle();
		return { status: 200, body: { ok: true } };
	}
	if (route === 'POST /__sandbox/events/permissions') {
		const body = parseObject(rawBody);
		if (typeof body.clientId !== 'string' || typeof body.allowed !== 'boolean') throw new Error('clientId and allowed are required');
		if (body.allowed) state.eventsDeniedClients.delete(body.clientId);
		else state.eventsDeniedClients.add(body.clientId);
		return { status: 200, body: { ok: true } };
	}
	if (route === 'GET /__sandbox/webhooks') {
		return { status: 200, body: { items: [...service.webhooks.keys()].map((id) => webhookSnapshot(state, id)) } };
	}
	if (route === 'GET /__sandbox/deliveries') {
		const webhookId = query.get('webhookId');
		const items = service.deliveries
			.filter((d) => !webhookId || d.webhookId === webhookId)
			.map(({ requestText: _text, ...d }) => d);
		return { status: 200, body: { items } };
	}
	const webhookRoute = /^\/__sandbox\/webhooks\/([^/]+)(\/redeliver)?$/.exec(path);
	if (webhookRoute && method === 'DELETE' && !webhookRoute[2]) {
		const webhook = service.webhooks.get(webhookRoute[1]);
		if (!webhook) return { status: 404, body: { error: 'unknown webhook' } };
		service.remove(webhook.workspaceId, webhook.id, true);
		return { status: 200, body: { ok: true } };
	}
	if (webhookRoute && method === 'POST' && webhookRoute[2]) {
		const body = parseObject(rawBody);
		const count = Number(body.count ?? 1);
		const records = await service.redeliver(webhookRoute[1], count);
		return { status: 200, body: { items: records.map(({ requestText: _text, ...d }) => d) } };
	}
	return undefined;
}
