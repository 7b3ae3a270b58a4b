// Finding 15a: an audit event stamped in the future (a skewed clock, a bad record, a server ignoring the time
// filter) pushed the trigger's cursor forward for good: every later poll read an empty window. The cursor now
// moves at most to the poll's own time; a cursor already stored in the future is brought back to now.
import type { IDataObject, INode } from 'n8n-workflow';

import { createCredentialStore, runPoll } from '../support/workflowRunner';
import { sandboxCredentialData } from '../support/greenlakeFixtures';

import { CRED, SEED, TRIGGER_NODE_TYPE, distModule, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';

const YEAR_MS = 365 * 86_400_000;
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('trigger cursor and future-dated events (finding 15)', () => {
	const probe = hostileTally('trigger');
	let robust: Robust;
	const workspace = SEED.workspaces.standard.id;
	const node: INode = {
		id: 'trigger',
		name: 'Trigger',
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { startFrom: 'lookBack', lookBackHours: 1 },
		credentials: { hpeGreenLakeApi: CRED },
	};

	beforeAll(async () => {
		robust = await startRobust({ sizes: { auditLogs: 0, devices: 1, users: 1, subscriptions: 1, locations: 1 } });
		robust.store = createCredentialStore([
			{ ...CRED, type: 'hpeGreenLakeApi', data: { ...sandboxCredentialData(SEED.clients.standard, robust.sandbox.url), accessToken: '' } },
		]);
	});
	afterAll(async () => {
		await robust?.sandbox.close();
	});
	beforeEach(() => robust.reset());

	const poll = async (staticData: IDataObject) => {
		const result = await runPoll({ pkg: robust.pkg, credentials: robust.store, node, staticData });
		return result === null ? [] : result[0].map((item) => item.json);
	};

	it('an event a year in the future is emitted once; events created after it are still emitted by later polls', async () => {
		await probe(async () => {
			const staticData: IDataObject = {};
			const [past] = robust.sandbox.addAuditLogs(workspace, [{ createdAt: iso(Date.now() - 10 * MIN) }]);
			robust.sandbox.faults.inject({ kind: 'futureEvent', aheadMs: YEAR_MS, count: 1, route: '/audit-log/' });
			const first = await poll(staticData);
			expect(first.map((event) => event.id)).toContain(past.id);
			const future = first.find((event) => String(event.id).startsWith('future-'));
			expect(future).toBeDefined();
			const cursor = staticData.auditLogCursor as { since: string };
			expect(Date.parse(cursor.since)).toBeLessThanOrEqual(Date.now());

			const [later] = robust.sandbox.addAuditLogs(workspace, [{ createdAt: iso(Date.now() - 1000) }]);
			const second = await poll(staticData);
			expect(second.map((event) => event.id)).toEqual([later.id]);
		});
	});

	it('a cursor already stored in the future (from before the fix) is repaired: new events flow again', async () => {
		await probe(async () => {
			const staticData: IDataObject = {
				auditLogCursor: { version: 1, since: iso(Date.now() + YEAR_MS), newest: iso(Date.now() + YEAR_MS + 5 * MIN), idsAtNewest: ['x'], recent: {} },
			};
			expect(await poll(staticData)).toEqual([]);
			const createdAt = Date.now() + 5;
			const [fresh] = robust.sandbox.addAuditLogs(workspace, [{ createdAt: iso(createdAt) }]);
			// The event's time must have passed before a poll's window ([since, now)) can hold it (no fixed sleep).
			while (Date.now() <= createdAt) await new Promise((done) => setImmediate(done));
			const next = await poll(staticData);
			expect(next.map((event) => event.id)).toEqual([fresh.id]);
		});
	});

	it('unit: advanceCursor never moves the window start past the poll time', async () => {
		await probe(async () => {
			const { advanceCursor, emptyCursor } = await distModule<{
				emptyCursor(since: number): IDataObject;
				advanceCursor(cursor: IDataObject, events: Array<{ id: string; createdAtMs: number }>, overlapMs: number, windowEndMs?: number): { cursor: IDataObject; fresh: unknown[] };
			}>('nodes/HpeGreenLakeTrigger/trigger/cursor');
			const now = 1_800_000_000_000;
			const { cursor, fresh } = advanceCursor(emptyCursor(now - 60 * MIN), [{ id: 'f', createdAtMs: now + YEAR_MS }, { id: 'p', createdAtMs: now - MIN }], 5 * MIN, now);
			expect(fresh).toHaveLength(2);
			expect(Date.parse(String(cursor.since))).toBeLessThanOrEqual(now);
			expect(Date.parse(String(cursor.newest))).toBeLessThanOrEqual(now);
			// The future event is remembered, so a server that keeps sending it does not get it emitted twice.
			expect(Object.keys(cursor.recent as IDataObject)).toContain('f');
		});
	});
});
