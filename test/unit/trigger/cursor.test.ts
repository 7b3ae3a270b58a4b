import type { IDataObject } from 'n8n-workflow';

import type { AuditLogCursor, CursorEvent } from '../../../nodes/HpeGreenLakeTrigger/trigger/cursor';
import { CURSOR_KEY, advanceCursor, emptyCursor, readCursor } from '../../../nodes/HpeGreenLakeTrigger/trigger/cursor';

const T = Date.parse('2026-03-01T12:00:00.000Z');
const MIN = 60_000;
const OVERLAP = 5 * MIN;
const ev = (id: string, offsetMs: number): CursorEvent => ({ id, createdAtMs: T + offsetMs });
const ids = (events: CursorEvent[]) => events.map((event) => event.id);

describe('audit-log trigger cursor', () => {
	it('emits a window oldest first and remembers the newest timestamp with every id at it', () => {
		const start = emptyCursor(T - 60 * MIN);
		// As GreenLake returns them: newest first.
		const window = [ev('d', 0), ev('c', 0), ev('b', -MIN), ev('a', -10 * MIN)];
		const { fresh, cursor } = advanceCursor(start, window, OVERLAP);

		expect(ids(fresh)).toEqual(['a', 'b', 'c', 'd']);
		expect(cursor.newest).toBe(new Date(T).toISOString());
		expect(cursor.idsAtNewest.sort()).toEqual(['c', 'd']);
		expect(cursor.since).toBe(new Date(T - OVERLAP).toISOString());
		// 'a' is older than newest − overlap: forgotten, and the next window starts after it.
		expect(Object.keys(cursor.recent).sort()).toEqual(['b', 'c', 'd']);
		// The input cursor is not modified (a failed poll must leave the stored one as it was).
		expect(start).toEqual(emptyCursor(T - 60 * MIN));
	});

	it('emits events that share the newest timestamp and arrive later, once', () => {
		const first = advanceCursor(emptyCursor(T - MIN), [ev('x1', 0), ev('x2', 0)], OVERLAP).cursor;
		const { fresh, cursor } = advanceCursor(first, [ev('x3', 0), ev('x2', 0), ev('x1', 0)], OVERLAP);

		expect(ids(fresh)).toEqual(['x3']);
		expect(cursor.idsAtNewest.sort()).toEqual(['x1', 'x2', 'x3']);
		expect(advanceCursor(cursor, [ev('x3', 0), ev('x2', 0), ev('x1', 0)], OVERLAP).fresh).toEqual([]);
	});

	it('emits a late event inside the overlap without moving the newest timestamp back', () => {
		const first = advanceCursor(emptyCursor(T - 60 * MIN), [ev('new', 0), ev('old', -4 * MIN)], OVERLAP).cursor;
		const { fresh, cursor } = advanceCursor(first, [ev('new', 0), ev('late', -2 * MIN), ev('old', -4 * MIN)], OVERLAP);

		expect(ids(fresh)).toEqual(['late']);
		expect(cursor.newest).toBe(new Date(T).toISOString());
		expect(cursor.idsAtNewest).toEqual(['new']);
		expect(Object.keys(cursor.recent).sort()).toEqual(['late', 'new', 'old']);
	});

	it('drops events older than the window start (the wider window of a rounded v1 bound)', () => {
		const start = emptyCursor(T);
		expect(ids(advanceCursor(start, [ev('inside', 1), ev('before', -1)], OVERLAP).fresh)).toEqual(['inside']);
	});

	it('returns the same cursor object when nothing is new', () => {
		const cursor = advanceCursor(emptyCursor(T - MIN), [ev('a', 0)], OVERLAP).cursor;
		expect(advanceCursor(cursor, [ev('a', 0)], OVERLAP).cursor).toBe(cursor);
	});

	it('never moves the window back when the overlap is raised on an active workflow', () => {
		const cursor = advanceCursor(emptyCursor(T - 60 * MIN), [ev('a', 0)], OVERLAP).cursor;
		const next = advanceCursor(cursor, [ev('b', MIN)], 30 * MIN).cursor;
		expect(next.since).toBe(cursor.since);
	});

	it('round-trips through JSON (static data is stored as JSON) and ignores what it cannot read', () => {
		const cursor: AuditLogCursor = advanceCursor(emptyCursor(T - MIN), [ev('__proto__', 0), ev('a', 0)], OVERLAP).cursor;
		const stored = JSON.parse(JSON.stringify({ [CURSOR_KEY]: cursor })) as IDataObject;
		const read = readCursor(stored);

		expect(read).toBeDefined();
		expect(Object.keys(read!.recent).sort()).toEqual(['__proto__', 'a']);
		expect(advanceCursor(read!, [ev('__proto__', 0), ev('a', 0)], OVERLAP).fresh).toEqual([]);
		expect(readCursor({})).toBeUndefined();
		expect(readCursor({ [CURSOR_KEY]: { version: 2, since: 'x' } })).toBeUndefined();
	});
});
