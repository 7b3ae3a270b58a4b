// Admin HTTP API under /__sandbox/ for tests running in another process (e.g. a real n8n). No token,
// no faults, no counters.
import { auditLogEvent, handleEventsAdmin } from './eventsAdmin';
import { validateFault } from './faults';
import type { SandboxState } from './state';
import type { AuditLog } from './types';

export interface AdminResult {
	status: number;
	body: unknown;
}

function parseJson(body: string): Record<string, unknown> {
	if (body.trim() === '') return {};
	const value: unknown = JSON.parse(body);
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw new Error('body must be a JSON object');
	return value as Record<string, unknown>;
}

/** Shared by the admin API and the programmatic API, so both validate the same way. */
export function setTokenTtl(state: SandboxState, seconds: number | undefined | null): void {
	if (seconds !== undefined && seconds !== null && !(typeof seconds === 'number' && seconds > 0)) {
		throw new Error('seconds must be a number > 0, or null to restore the per-client default');
	}
	state.options.tokenTtlSeconds = seconds ?? undefined;
}

export function addAuditLogs(
	state: SandboxState,
	workspaceId: unknown,
	events: unknown,
): AuditLog[] {
	if (typeof workspaceId !== 'string' || !state.workspaces.find(workspaceId))
		throw new Error('unknown workspaceId');
	if (!Array.isArray(events)) throw new Error('events must be an array');
	for (const [i, e] of events.entries()) {
		if (
			!e ||
			typeof e !== 'object' ||
			typeof (e as { createdAt?: unknown }).createdAt !== 'string'
		) {
			throw new Error(`events[${i}] must be an object with a createdAt string`);
		}
	}
	const added = state.data.addAuditLogs(
		workspaceId,
		events as Array<Partial<AuditLog> & { createdAt: string }>,
	);
	// Every audit log the sandbox creates is also published to the events framework, as GreenLake does.
	if (state.events.options.emitAuditLogEvents) {
		for (const log of added) auditLogEvent(state, log);
	}
	return added;
}

export async function handleAdmin(
	state: SandboxState,
	method: string,
	path: string,
	rawBody: string,
	query: URLSearchParams = new URLSearchParams(),
): Promise<AdminResult> {
	const route = `${method} ${path.replace(/\/+$/, '')}`;
	try {
		const events = await handleEventsAdmin(state, method, path.replace(/\/+$/, ''), rawBody, query);
		if (events) return events;
		switch (route) {
			case 'GET /__sandbox/health':
				return { status: 200, body: { ok: true, url: state.url } };
			case 'GET /__sandbox/counters':
				return { status: 200, body: state.counters.snapshot() };
			case 'POST /__sandbox/reset-counters':
				state.counters.reset();
				return { status: 200, body: { ok: true } };
			case 'POST /__sandbox/faults': {
				const body = parseJson(rawBody);
				if (body.clear === true) state.faults.clear();
				else state.faults.inject(validateFault(body));
				return { status: 200, body: { ok: true } };
			}
			case 'POST /__sandbox/revoke':
				state.tokens.revokeAll();
				return { status: 200, body: { ok: true } };
			case 'POST /__sandbox/audit-logs': {
				const body = parseJson(rawBody);
				return { status: 200, body: { items: addAuditLogs(state, body.workspaceId, body.events) } };
			}
			case 'POST /__sandbox/token-ttl': {
				const body = parseJson(rawBody);
				setTokenTtl(state, body.seconds as number | null | undefined);
				return { status: 200, body: { ok: true, seconds: state.options.tokenTtlSeconds ?? null } };
			}
			default:
				return { status: 404, body: { error: `unknown admin route ${route}` } };
		}
	} catch (err) {
		return { status: 400, body: { error: (err as Error).message } };
	}
}
