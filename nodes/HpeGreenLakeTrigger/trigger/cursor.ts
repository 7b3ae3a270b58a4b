import type { IDataObject } from 'n8n-workflow';

/**
 * The trigger's position in the audit log, kept in the workflow's static data (node scope).
 *
 * Invariant: every event with `createdAt >= since` that was emitted (or, for a "now" start, that existed at
 * activation) has its id in `recent`. A poll reads `[since, now)`, drops the ids in `recent`, emits the rest and
 * moves `since` forward to `newest − overlap`, forgetting the ids older than that. So:
 * - events that share a timestamp are neither lost (the window includes `newest` itself) nor repeated (their ids
 *   are remembered, `idsAtNewest` being those at exactly `newest`);
 * - an event that GreenLake indexes late, with a `createdAt` up to `overlap` older than the newest one emitted, is
 *   still found, once.
 */
export interface AuditLogCursor {
	version: 1;
	/** Start of the next poll's window (inclusive), ISO 8601. */
	since: string;
	/** The newest `createdAt` emitted so far; undefined until the first event. */
	newest?: string;
	/** Ids of the events emitted at exactly `newest`. */
	idsAtNewest: string[];
	/** id → createdAt of every event emitted with `createdAt >= since`. */
	recent: Record<string, string>;
}

export const CURSOR_KEY = 'auditLogCursor';

/** An event as the cursor sees it. */
export interface CursorEvent {
	id: string;
	createdAtMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A map keyed by event id with no prototype, so that no id can collide with an inherited property. */
function idMap(): Record<string, string> {
	return Object.create(null) as Record<string, string>;
}

export function emptyCursor(sinceMs: number): AuditLogCursor {
	return { version: 1, since: iso(sinceMs), idsAtNewest: [], recent: idMap() };
}

/** The cursor stored in static data, or undefined when there is none (first activation) or it is unreadable. */
export function readCursor(staticData: IDataObject): AuditLogCursor | undefined {
	const raw = staticData[CURSOR_KEY] as IDataObject | undefined;
	if (!raw || typeof raw !== 'object' || raw.version !== 1) return undefined;
	if (typeof raw.since !== 'string' || Number.isNaN(Date.parse(raw.since))) return undefined;
	const newest = typeof raw.newest === 'string' && !Number.isNaN(Date.parse(raw.newest)) ? raw.newest : undefined;
	const recent = idMap();
	if (raw.recent && typeof raw.recent === 'object') {
		for (const [id, createdAt] of Object.entries(raw.recent as IDataObject)) {
			if (typeof createdAt === 'string') recent[id] = createdAt;
		}
	}
	const idsAtNewest = Array.isArray(raw.idsAtNewest) ? (raw.idsAtNewest as unknown[]).map(String) : [];
	return { version: 1, since: raw.since, newest, idsAtNewest, recent };
}

/**
 * A cursor stored before future-dated events were capped may start in the future, which would read empty windows
 * for ever: its start (and newest) are brought back to now. Nothing before now is read again.
 */
export function cursorNotAfter(cursor: AuditLogCursor, nowMs: number): AuditLogCursor {
	const sinceMs = Date.parse(cursor.since);
	const newestMs = cursor.newest === undefined ? undefined : Date.parse(cursor.newest);
	if (sinceMs <= nowMs && (newestMs === undefined || newestMs <= nowMs)) return cursor;
	return {
		...cursor,
		since: iso(Math.min(sinceMs, nowMs)),
		newest: newestMs === undefined ? undefined : iso(Math.min(newestMs, nowMs)),
		idsAtNewest: newestMs !== undefined && newestMs > nowMs ? [] : cursor.idsAtNewest,
	};
}

/** Ids the next poll must not emit again. */
export function seenIds(cursor: AuditLogCursor): Set<string> {
	return new Set([...Object.keys(cursor.recent), ...cursor.idsAtNewest]);
}

/**
 * Splits a window's events, as GreenLake lists them (newest first), into those to emit, oldest first, and the cursor
 * after emitting them. Events already seen, repeated within the window, or older than the window start are dropped.
 * The input cursor is not modified.
 *
 * `windowEndMs` (the poll's "now") caps how far the cursor moves: an event stamped in the future (a skewed clock, a
 * bad record) is emitted once and remembered, but must not push the window start past events still to come.
 */
export function advanceCursor<T extends CursorEvent>(
	cursor: AuditLogCursor,
	events: T[],
	overlapMs: number,
	windowEndMs = Number.POSITIVE_INFINITY,
): { fresh: T[]; cursor: AuditLogCursor } {
	const sinceMs = Date.parse(cursor.since);
	const seen = seenIds(cursor);
	const fresh: T[] = [];
	// Walk oldest first, so events sharing a timestamp also come out in the reverse of GreenLake's order.
	for (let index = events.length - 1; index >= 0; index--) {
		const event = events[index];
		if (seen.has(event.id) || !(event.createdAtMs >= sinceMs)) continue;
		seen.add(event.id);
		fresh.push(event);
	}
	// Stable: events sharing a timestamp keep that order (the listing is already ordered; this is a safeguard).
	fresh.sort((a, b) => a.createdAtMs - b.createdAtMs);
	if (fresh.length === 0) return { fresh, cursor };

	const previousNewestMs = cursor.newest === undefined ? Number.NEGATIVE_INFINITY : Date.parse(cursor.newest);
	const newestMs = Math.max(previousNewestMs, Math.min(fresh[fresh.length - 1].createdAtMs, windowEndMs));
	const idsAtNewest = new Set(newestMs === previousNewestMs ? cursor.idsAtNewest : []);
	for (const event of fresh) if (event.createdAtMs === newestMs) idsAtNewest.add(event.id);

	// The window never moves back: a larger overlap set after activation widens it gradually, without repeats.
	const nextSinceMs = Math.max(sinceMs, newestMs - overlapMs);
	const recent = idMap();
	for (const [id, createdAt] of Object.entries(cursor.recent)) {
		if (Date.parse(createdAt) >= nextSinceMs) recent[id] = createdAt;
	}
	for (const event of fresh) {
		if (event.createdAtMs >= nextSinceMs) recent[event.id] = iso(event.createdAtMs);
	}
	return {
		fresh,
		cursor: { version: 1, since: iso(nextSinceMs), newest: iso(newestMs), idsAtNewest: [...idsAtNewest], recent },
	};
}
