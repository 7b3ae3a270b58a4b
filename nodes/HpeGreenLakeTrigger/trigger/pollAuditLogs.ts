import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AUDIT_LOG_RETENTION_DAYS } from '../../shared/config';
import type { AuditLogApiVersion } from '../../shared/transport/auditLogFilters';
import { readAuditLogFilters } from '../../shared/transport/auditLogFilters';
import { auditLogPages } from '../../shared/transport/auditLogs';
import type { GreenLakeContext, GreenLakeSession } from '../../shared/transport/session';
import { openSession, selectedWorkspaceId } from '../../shared/transport/session';
import type { CursorEvent } from './cursor';
import { CURSOR_KEY, advanceCursor, cursorNotAfter, emptyCursor, readCursor } from './cursor';
import { DEFAULT_OVERLAP_MINUTES, MAX_LOOK_BACK_HOURS, MAX_OVERLAP_MINUTES } from './trigger.description';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Poll functions have no items: parameters and errors refer to item 0. */
const ITEM = 0;

interface TriggerSettings {
	apiVersion: AuditLogApiVersion;
	path: string;
	clauses: string[];
	workspaceId?: string;
	startFrom: 'now' | 'lookBack';
	lookBackMs: number;
	overlapMs: number;
}

interface WindowEvent extends CursorEvent {
	item: IDataObject;
}

/** Reads and checks the parameters; every message names the parameter to fix. */
function readSettings(ctx: IPollFunctions): TriggerSettings {
	const node = ctx.getNode();
	const event = ctx.getNodeParameter('event', 'newAuditLogEvent');
	if (event !== 'newAuditLogEvent') {
		throw new NodeOperationError(node, `Event "${String(event)}" is not supported`, { description: 'Choose New Audit Log Event.' });
	}
	const apiVersion = ctx.getNodeParameter('apiVersion', 'v2beta1') as AuditLogApiVersion;
	const { path, clauses } = readAuditLogFilters(node, apiVersion, ctx.getNodeParameter('filters', {}) as IDataObject, ITEM);
	const workspaceId = selectedWorkspaceId(
		ctx,
		ctx.getNodeParameter('workspaceScope', 'credential'),
		ctx.getNodeParameter('tenant', ''),
		ITEM,
	);

	const startFrom = ctx.getNodeParameter('startFrom', 'now') as string;
	if (startFrom !== 'now' && startFrom !== 'lookBack') {
		throw new NodeOperationError(node, `Start From "${startFrom}" is not supported`, { description: 'Choose Now or Look Back.' });
	}
	let lookBackMs = 0;
	if (startFrom === 'lookBack') {
		const hours = Number(ctx.getNodeParameter('lookBackHours', 24));
		if (!Number.isFinite(hours) || hours <= 0) {
			throw new NodeOperationError(node, `Look Back (Hours) must be a positive number of hours, not "${String(hours)}"`);
		}
		if (hours > MAX_LOOK_BACK_HOURS) {
			throw new NodeOperationError(
				node,
				`Look Back (Hours) is ${hours}, beyond GreenLake's audit-log retention of about ${AUDIT_LOG_RETENTION_DAYS} days (${MAX_LOOK_BACK_HOURS} hours)`,
				{ description: `Set Look Back (Hours) to ${MAX_LOOK_BACK_HOURS} or less: older events are no longer kept by GreenLake.` },
			);
		}
		lookBackMs = hours * HOUR_MS;
	}

	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const overlapMinutes = Number(options.overlapMinutes ?? DEFAULT_OVERLAP_MINUTES);
	if (!Number.isFinite(overlapMinutes) || overlapMinutes < 0 || overlapMinutes > MAX_OVERLAP_MINUTES) {
		throw new NodeOperationError(node, `Overlap (Minutes) must be between 0 and ${MAX_OVERLAP_MINUTES}, not "${String(options.overlapMinutes)}"`);
	}
	return { apiVersion, path, clauses, workspaceId, startFrom, lookBackMs, overlapMs: overlapMinutes * MINUTE_MS };
}

/** A time bound as the API version expects it: v1 documents whole seconds (`yyyy-mm-ddTHH:mm:ssZ`). */
function timeBound(ms: number, apiVersion: AuditLogApiVersion): string {
	if (apiVersion === 'v1') return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
	return new Date(ms).toISOString();
}

/** Every event in `[sinceMs, untilMs)`: all pages, complete despite the 10,000-result cap (see auditLogPages). */
async function readWindow(
	ctx: GreenLakeContext,
	session: GreenLakeSession,
	settings: TriggerSettings,
	sinceMs: number,
	untilMs: number,
): Promise<WindowEvent[]> {
	const events: WindowEvent[] = [];
	const pages = auditLogPages(ctx, session, {
		path: settings.path,
		clauses: settings.clauses,
		// v1 rounds the start down to a second: the extra events are older than the window and are dropped by the cursor.
		since: timeBound(sinceMs, settings.apiVersion),
		until: timeBound(untilMs, settings.apiVersion),
		returnAll: true,
		workspaceId: settings.workspaceId,
		itemIndex: ITEM,
	});
	for await (const page of pages) {
		for (const item of page) {
			// An event without an id or a readable createdAt cannot be placed or de-duplicated; GreenLake always sends both.
			if (item.id === undefined || item.id === null) continue;
			events.push({ id: String(item.id), createdAtMs: Date.parse(String(item.createdAt)), item });
		}
	}
	return events;
}

/** "Fetch Test Event": the newest matching event, without reading or moving the cursor. */
async function latestEvent(ctx: IPollFunctions, session: GreenLakeSession, settings: TriggerSettings): Promise<INodeExecutionData[][]> {
	const pages = auditLogPages(ctx, session, {
		path: settings.path,
		clauses: settings.clauses,
		returnAll: false,
		limit: 1,
		workspaceId: settings.workspaceId,
		itemIndex: ITEM,
	});
	for await (const page of pages) {
		if (page.length > 0) return [ctx.helpers.returnJsonArray(page.slice(0, 1))];
	}
	throw new NodeOperationError(ctx.getNode(), 'No audit-log event matches the filters', {
		description:
			'GreenLake returned no event for this workspace and these filters. Without Service Offer IDs, v2beta1 returns GreenLake platform events only.',
	});
}

/**
 * One poll: the events that appeared since the last one, oldest first, one item each; null when there are none.
 *
 * The window is `[cursor.since, now)`, read completely before anything is emitted; the new cursor is built apart and
 * stored only once every request has succeeded, so a poll that fails leaves the static data as it was and the next
 * poll reads the same window again.
 */
export async function pollAuditLogs(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const session = await openSession(this);

	if (this.getMode() === 'manual') return await latestEvent(this, session, settings);

	const staticData = this.getWorkflowStaticData('node');
	const nowMs = Date.now();
	const read = readCursor(staticData);
	const stored = read && cursorNotAfter(read, nowMs);
	const firstPoll = stored === undefined;
	// A "now" start reads the overlap before activation and remembers those events without emitting them: an event
	// indexed late (or stamped by a clock slightly behind ours) is then still caught, and nothing older is emitted.
	const start = stored ?? emptyCursor(settings.startFrom === 'now' ? nowMs - settings.overlapMs : nowMs - settings.lookBackMs);

	const events = await readWindow(this, session, settings, Date.parse(start.since), nowMs);
	const { fresh, cursor } = advanceCursor(start, events, settings.overlapMs, nowMs);

	if (firstPoll || cursor !== read) staticData[CURSOR_KEY] = cursor as unknown as IDataObject;
	if ((firstPoll && settings.startFrom === 'now') || fresh.length === 0) return null;
	return [this.helpers.returnJsonArray(fresh.map((event) => event.item))];
}
