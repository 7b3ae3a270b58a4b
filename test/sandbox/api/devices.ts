// Devices: list/get (v1 and v2beta1), PATCH with merge-patch → 202 + Location, and async operations.
// A PATCH takes effect when its async operation completes (as on GreenLake), so a client that reads the
// device before the operation SUCCEEDED still sees the old values.
import { randomUUID } from 'node:crypto';
import { GlError, badRequest, notFound } from '../errors';
import type { Resource } from '../data';
import { compileFilter } from '../filter';
import type { SandboxState } from '../state';
import type { ApiContext, ApiResult, RouteDef } from './common';
import {
	EQ_OPS,
	STRING_OPS,
	TIME_OPS,
	pageOf,
	parsePaging,
	parseSelect,
	pathValue,
	project,
	sortItems,
} from './common';

const MAX_PATCH_IDS = 5; // "Maximum five devices per request" (device-management spec)
const IMMUTABLE = [
	'id',
	'type',
	'serialNumber',
	'macAddress',
	'resourceUri',
	'createdAt',
	'updatedAt',
	'generation',
];

const DEVICE_FIELDS = [
	'id',
	'type',
	'serialNumber',
	'macAddress',
	'partNumber',
	'deviceType',
	'category',
	'model',
	'make',
	'deviceName',
	'application',
	'region',
	'assignedState',
	'subscription',
	'location',
	'tenantWorkspaceId',
	'archived',
	'ownership',
	'tags',
	'warranty',
	'createdAt',
	'updatedAt',
	'generation',
	'resourceUri',
];

interface Operation {
	id: string;
	workspaceId: string;
	startedMs: number;
	endedMs?: number;
	polls: number;
	deviceIds: string[];
	patch: Record<string, unknown>;
	dryRun: boolean;
}

/** RFC 7396 JSON merge patch. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) {
			// GreenLake uses null to unassign, so keep the property with a null value.
			target[key] = null;
		} else if (typeof value === 'object' && !Array.isArray(value)) {
			const current = target[key];
			const base =
				current && typeof current === 'object' && !Array.isArray(current)
					? { ...(current as object) }
					: {};
			mergePatch(base as Record<string, unknown>, value as Record<string, unknown>);
			target[key] = base;
		} else {
			target[key] = value;
		}
	}
}

export class DeviceOperations {
	private readonly ops = new Map<string, Operation>();

	constructor(private readonly state: () => SandboxState) {}

	create(
		workspaceId: string,
		deviceIds: string[],
		patch: Record<string, unknown>,
		dryRun: boolean,
	): Operation {
		const op: Operation = {
			id: randomUUID(),
			workspaceId,
			startedMs: this.state().clock.now(),
			polls: 0,
			deviceIds,
			patch,
			dryRun,
		};
		this.ops.set(op.id, op);
		return op;
	}

	/** Completes operations of this workspace whose time has come (called before device reads). */
	settle(workspaceId: string): void {
		for (const op of this.ops.values()) {
			if (op.workspaceId === workspaceId && op.endedMs === undefined && this.timeUp(op))
				this.complete(op);
		}
	}

	poll(workspaceId: string, id: string): Record<string, unknown> {
		const op = this.ops.get(id);
		if (!op || op.workspaceId !== workspaceId)
			throw notFound('Async operation not found', 'hpe.greenlake.devices');
		op.polls++;
		const { asyncOperationPolls } = this.state().options;
		if (op.endedMs === undefined && (op.polls >= asyncOperationPolls || this.timeUp(op)))
			this.complete(op);
		const done = op.endedMs !== undefined;
		const elapsed = this.state().clock.now() - op.startedMs;
		return {
			id: op.id,
			type: 'devices/asyncOperation',
			status: done ? 'SUCCEEDED' : op.polls === 1 && elapsed < 250 ? 'INITIALIZED' : 'RUNNING',
			progressPercent: done
				? 100
				: Math.min(90, Math.round((100 * op.polls) / Math.max(2, asyncOperationPolls))),
			suggestedPollingIntervalSeconds: 1,
			timeoutMinutes: 5,
			startedAt: new Date(op.startedMs).toISOString(),
			endedAt: done ? new Date(op.endedMs!).toISOString() : null,
			resultType: 'DEVICES_PATCH',
			result: done
				? { succeeded: op.deviceIds.map((deviceId) => ({ id: deviceId })), failed: [] }
				: null,
		};
	}

	private timeUp(op: Operation): boolean {
		return this.state().clock.now() - op.startedMs >= this.state().options.asyncOperationMs;
	}

	private complete(op: Operation): void {
		op.endedMs = this.state().clock.now();
		if (op.dryRun) return;
		const { data } = this.state();
		for (const id of op.deviceIds) {
			const device = data.find(op.workspaceId, 'devices', id);
			if (device) applyDevicePatch(device, op.patch);
		}
	}
}

function applyDevicePatch(device: Resource, patch: Record<string, unknown>): void {
	mergePatch(device, patch);
	const app = device.application as Record<string, unknown> | null | undefined;
	if (app && typeof app === 'object') {
		app.resourceUri = `/service-catalog/v1/service-managers/${String(app.id)}`;
		device.assignedState = 'ASSIGNED_TO_SERVICE';
	} else if ('application' in patch) {
		device.assignedState = 'UNASSIGNED';
		device.region = null;
	}
	if (Array.isArray(patch.subscription)) {
		device.subscription = (patch.subscription as Array<Record<string, unknown>>).map((s) => ({
			...s,
			resourceUri: `/subscriptions/v1/subscriptions/${String(s.id)}`,
		}));
	}
	device.updatedAt = new Date().toISOString();
	device.generation = Number(device.generation) + 1;
}

function listDevices(defaultLimit: number, maxLimit: number) {
	return (ctx: ApiContext): ApiResult => {
		const paging = parsePaging(ctx.query, defaultLimit, maxLimit);
		const select = parseSelect(ctx.query, DEVICE_FIELDS);
		const matches = compileFilter<Resource>(ctx.query.get('filter'), {
			id: { get: (d) => d.id, ops: EQ_OPS },
			serialNumber: { get: (d) => d.serialNumber, ops: STRING_OPS },
			macAddress: { get: (d) => d.macAddress, ops: STRING_OPS },
			partNumber: { get: (d) => d.partNumber, ops: STRING_OPS },
			deviceType: { get: (d) => d.deviceType, ops: EQ_OPS },
			category: { get: (d) => d.category, ops: EQ_OPS },
			model: { get: (d) => d.model, ops: STRING_OPS },
			deviceName: { get: (d) => d.deviceName, ops: STRING_OPS },
			assignedState: { get: (d) => d.assignedState, ops: EQ_OPS },
			archived: { get: (d) => d.archived, ops: EQ_OPS },
			region: { get: (d) => d.region, ops: EQ_OPS },
			tenantWorkspaceId: { get: (d) => d.tenantWorkspaceId, ops: EQ_OPS },
			'application/id': { get: (d) => pathValue(d, 'application/id'), ops: EQ_OPS },
			'location/id': { get: (d) => pathValue(d, 'location/id'), ops: EQ_OPS },
			createdAt: { get: (d) => d.createdAt, ops: TIME_OPS },
			updatedAt: { get: (d) => d.updatedAt, ops: TIME_OPS },
		});
		ctx.state.deviceOps.settle(ctx.workspace.id);
		const devices = sortItems(ctx.state.data.devices(ctx.workspace.id).filter(matches), ctx.query, [
			'serialNumber',
			'deviceType',
			'createdAt',
			'updatedAt',
			'model',
		]);
		return { body: pageOf(devices, paging, (d) => project(d, select)) };
	};
}

function getDevice(ctx: ApiContext): ApiResult {
	ctx.state.deviceOps.settle(ctx.workspace.id);
	const device = ctx.state.data.find(ctx.workspace.id, 'devices', ctx.params.id);
	if (!device) throw notFound('Device not found', 'hpe.greenlake.devices');
	return { body: device };
}

function patchDevices(ctx: ApiContext): ApiResult {
	const contentType = String(ctx.headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	if (contentType !== 'application/merge-patch+json') {
		throw new GlError(
			415,
			`Unsupported Content-Type '${contentType}'; use application/merge-patch+json`,
		);
	}
	const ids = [...new Set(ctx.query.getAll('id').filter((id) => id !== ''))];
	if (ids.length === 0) throw badRequest('id', 'At least one device id is required (?id=...)');
	if (ids.length > MAX_PATCH_IDS)
		throw badRequest('id', `Maximum ${MAX_PATCH_IDS} devices per request`);
	let patch: unknown;
	try {
		patch = JSON.parse(ctx.body);
	} catch {
		throw badRequest('body', 'Request body is not valid JSON', 'request.body');
	}
	if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
		throw badRequest('body', 'Request body must be a JSON object', 'request.body');
	}
	const body = patch as Record<string, unknown>;
	const readOnly = Object.keys(body).filter((k) => IMMUTABLE.includes(k));
	if (readOnly.length > 0)
		throw badRequest(
			'body',
			`Read-only properties cannot be patched: ${readOnly.join(', ')}`,
			'request.body',
		);
	// "One kind of operation per call": service assignment, subscription, or tenant move.
	const kinds = [
		'application' in body || 'region' in body,
		'subscription' in body,
		'tenantPlatformCustomerId' in body,
	].filter(Boolean).length;
	if (kinds > 1)
		throw badRequest(
			'body',
			'Only one kind of operation (application, subscription or tenant) per request',
			'request.body',
		);
	if (Object.keys(body).length === 0)
		throw badRequest('body', 'Request body has no properties to patch', 'request.body');
	for (const id of ids) {
		if (!ctx.state.data.find(ctx.workspace.id, 'devices', id)) {
			throw notFound(`Device ${id} not found`, 'hpe.greenlake.devices');
		}
	}
	const dryRun = ctx.query.get('dry-run') === 'true';
	const op = ctx.state.deviceOps.create(ctx.workspace.id, ids, body, dryRun);
	return {
		status: 202,
		headers: { location: `/devices/v1/async-operations/${op.id}` },
		body: { code: 202, status: '202 ACCEPTED', transactionId: op.id },
	};
}

function getOperation(ctx: ApiContext): ApiResult {
	return { body: ctx.state.deviceOps.poll(ctx.workspace.id, ctx.params.id) };
}

export const deviceRoutes: RouteDef[] = [
	{
		method: 'GET',
		pattern: '/devices/v1/devices',
		bucket: 'devices.list',
		handler: listDevices(2000, 2000),
	},
	{
		method: 'PATCH',
		pattern: '/devices/v1/devices',
		bucket: 'devices.patch',
		handler: patchDevices,
	},
	{ method: 'GET', pattern: '/devices/v1/devices/{id}', bucket: 'devices.get', handler: getDevice },
	{
		method: 'GET',
		pattern: '/devices/v1/async-operations/{id}',
		bucket: 'devices.asyncOperations',
		handler: getOperation,
	},
	{
		method: 'GET',
		pattern: '/devices/v2beta1/devices',
		bucket: 'devices.v2beta1',
		handler: listDevices(100, 500),
	},
	{
		method: 'GET',
		pattern: '/devices/v2beta1/devices/{id}',
		bucket: 'devices.v2beta1',
		handler: getDevice,
	},
];
