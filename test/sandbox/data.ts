// Seeded per-workspace data, generated lazily on first access (startup stays instant) with a PRNG seeded by
// the workspace id, so the same workspace always gets the same records. Timestamps are offsets from the
// sandbox start time, so "the last 24 hours" always has data.
import { randomBytes } from 'node:crypto';
import { PLATFORM_SERVICE_OFFER } from './seed';
import type { WorkspaceDirectory } from './seed';
import { Prng } from './prng';
import type { AuditLog, WorkspaceInfo } from './types';

export type Resource = Record<string, unknown> & { id: string };

/**
 * Compact stored form of an audit log (lists are kept sorted ascending by (t, id)). `createdAt` is derived
 * from `t` on output, and seeded logs share their serviceOffer/workspace objects: 125k logs stay cheap.
 */
export type StoredAuditLog = Omit<AuditLog, 'createdAt' | 'type'> & { t: number };

export function toAuditLog(s: StoredAuditLog): AuditLog {
	return {
		id: s.id,
		type: '/audit-log/log',
		serviceOffer: { ...s.serviceOffer },
		username: s.username,
		category: s.category,
		description: s.description,
		workspace: { ...s.workspace },
		createdAt: iso(s.t),
		ipAddress: s.ipAddress,
		additionalInfo: { ...s.additionalInfo },
		hasDetails: s.hasDetails,
	};
}

export interface DataSizes {
	auditLogs: number;
	devices: number;
	subscriptions: number;
	users: number;
	locations: number;
}

export const DEFAULT_SIZES: DataSizes = {
	auditLogs: 25_000,
	devices: 5_000,
	subscriptions: 300,
	users: 1_500,
	locations: 200,
};

const DAY_MS = 86_400_000;

const FIRST_NAMES = [
	'ava',
	'liam',
	'mia',
	'noah',
	'zoe',
	'omar',
	'ines',
	'kai',
	'lena',
	'raj',
	'yuki',
	'sven',
];
const LAST_NAMES = [
	'nguyen',
	'smith',
	'garcia',
	'muller',
	'rossi',
	'tanaka',
	'okafor',
	'silva',
	'dubois',
	'khan',
];

const SERVICE_OFFERS = [
	{ id: 'd46569ae-0516-4dd2-81ce-b6d645842acc', name: 'Compute Cloud Console', region: 'us-west' },
	{ id: '68067533-5764-401a-9620-24e6e2cdc574', name: 'Backup and Recovery', region: 'us-east' },
];
const SERVICE_MANAGERS = [
	{ id: '0892c36d-40df-4f26-923b-76b5d213b420', region: 'us-west' },
	{ id: '4b9f1d2e-7c3a-4e8b-9f10-2a6c5d7e8f90', region: 'eu-central' },
	{ id: '7e2d4c6b-1a3f-4b5c-8d9e-0f1a2b3c4d5e', region: 'ap-northeast' },
];
const DEVICE_TYPES = [
	{
		type: 'COMPUTE',
		category: 'COMPUTE',
		prefix: 'CZ',
		models: ['ProLiant DL360 Gen11', 'ProLiant DL380 Gen10 Plus'],
		weight: 35,
	},
	{ type: 'AP', category: 'NETWORK', prefix: 'CN', models: ['AP-635', 'AP-515'], weight: 25 },
	{
		type: 'SWITCH',
		category: 'NETWORK',
		prefix: 'SG',
		models: ['6300M 48G', 'CX 8360'],
		weight: 20,
	},
	{
		type: 'STORAGE',
		category: 'STORAGE',
		prefix: 'SX',
		models: ['Alletra 6010', 'Alletra MP B10000'],
		weight: 10,
	},
	{ type: 'GATEWAY', category: 'NETWORK', prefix: 'GW', models: ['9004', '9240'], weight: 10 },
];
const SUBSCRIPTION_KINDS = [
	{
		subscriptionType: 'CENTRAL_AP',
		tier: 'FOUNDATION_AP',
		tierDescription: 'Foundation AP',
		productType: 'DEVICE',
	},
	{
		subscriptionType: 'CENTRAL_SWITCH',
		tier: 'ADVANCED_SWITCH_6300',
		tierDescription: 'Advanced Switch 6300',
		productType: 'DEVICE',
	},
	{
		subscriptionType: 'CENTRAL_COMPUTE',
		tier: 'ENHANCED_PROLIANT',
		tierDescription: 'Enhanced ProLiant',
		productType: 'DEVICE',
	},
	{
		subscriptionType: 'CENTRAL_STORAGE',
		tier: 'STANDARD_ALLETRA',
		tierDescription: 'Standard Alletra',
		productType: 'DEVICE',
	},
	{
		subscriptionType: 'SERVICE',
		tier: 'SMALL_VM_BACKUP',
		tierDescription: 'Small Back-Up & Recovery Service',
		productType: 'SERVICE',
	},
];
const CITIES = [
	['San Jose', 'USA', '37.3382', '-121.8863'],
	['Houston', 'USA', '29.7604', '-95.3698'],
	['Berlin', 'Germany', '52.5200', '13.4050'],
	['Grenoble', 'France', '45.1885', '5.7245'],
	['Bangalore', 'India', '12.9716', '77.5946'],
	['Tokyo', 'Japan', '35.6762', '139.6503'],
];

export function auditWorkspaceType(ws: WorkspaceInfo): AuditLog['workspace']['type'] {
	if (ws.workspaceType === 'MSP') return 'MSP';
	if (ws.workspaceType === 'MSP_TENANT') return 'TENANT';
	return 'STANDALONE';
}

/** Username of seeded user number i; audit logs reuse the same formula so they name real users. */
function username(ws: WorkspaceInfo, i: number): string {
	const first = FIRST_NAMES[i % FIRST_NAMES.length];
	const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
	return `${first}.${last}${i}@${ws.domain}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();
export const byTimeThenId = (a: StoredAuditLog, b: StoredAuditLog): number =>
	a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

interface WorkspaceData {
	audit?: StoredAuditLog[];
	auditById?: Map<string, StoredAuditLog>;
	devices?: Resource[];
	subscriptions?: Resource[];
	users?: Resource[];
	locations?: Resource[];
	byId: Map<string, Map<string, Resource>>;
}

export class DataStore {
	/** bumped whenever audit logs are added, so merged MSP views can be cached */
	auditVersion = 0;
	private readonly workspaces = new Map<string, WorkspaceData>();

	constructor(
		readonly startMs: number,
		readonly sizes: DataSizes,
		readonly auditLogDays: number,
		private readonly directory: WorkspaceDirectory,
		/** sizes of MSP tenant workspaces (many tenants are usually seeded smaller), default `sizes` */
		readonly tenantSizes: DataSizes = sizes,
	) {}

	/** The data sizes of one workspace. */
	private sizesOf(ws: WorkspaceInfo): DataSizes {
		return ws.workspaceType === 'MSP_TENANT' ? this.tenantSizes : this.sizes;
	}

	private ws(id: string): { info: WorkspaceInfo; data: WorkspaceData } {
		const info = this.directory.find(id);
		if (!info) throw new Error(`unknown workspace ${id}`);
		let data = this.workspaces.get(id);
		if (!data) {
			data = { byId: new Map() };
			this.workspaces.set(id, data);
		}
		return { info, data };
	}

	private indexed(kind: string, data: WorkspaceData, items: Resource[]): Resource[] {
		const index = new Map<string, Resource>();
		for (const r of items) index.set(r.id, r);
		data.byId.set(kind, index);
		return items;
	}

	find(
		workspaceId: string,
		kind: 'devices' | 'subscriptions' | 'users' | 'locations',
		id: string,
	): Resource | undefined {
		this[kind](workspaceId);
		return this.ws(workspaceId).data.byId.get(kind)?.get(id);
	}

	// ---------------- audit logs ----------------

	auditLogs(workspaceId: string): StoredAuditLog[] {
		const { info, data } = this.ws(workspaceId);
		if (!data.audit) {
			data.audit = this.generateAudit(info);
			data.auditById = new Map();
			for (const s of data.audit) data.auditById.set(s.id, s);
		}
		return data.audit;
	}

	auditLog(workspaceId: string, id: string): StoredAuditLog | undefined {
		this.auditLogs(workspaceId);
		return this.ws(workspaceId).data.auditById?.get(id);
	}

	addAuditLogs(
		workspaceId: string,
		events: Array<Partial<AuditLog> & { createdAt: string }>,
	): AuditLog[] {
		const { info, data } = this.ws(workspaceId);
		const list = this.auditLogs(workspaceId);
		const added = events.map((event, i): StoredAuditLog => {
			const t = Date.parse(event.createdAt);
			if (Number.isNaN(t)) throw new Error(`events[${i}].createdAt is not an RFC 3339 timestamp`);
			return {
				id: event.id ?? randomBytes(15).toString('base64url'),
				serviceOffer: { ...PLATFORM_SERVICE_OFFER, ...(event.serviceOffer ?? {}) },
				username: event.username ?? `sandbox.user@${info.domain}`,
				category: event.category ?? 'User Activity',
				description: event.description ?? 'Sandbox test event',
				workspace: {
					id: info.id,
					name: info.name,
					type: auditWorkspaceType(info),
					...(event.workspace ?? {}),
				},
				ipAddress: event.ipAddress ?? '127.0.0.1',
				additionalInfo: event.additionalInfo ?? {},
				hasDetails: event.hasDetails ?? false,
				t,
			};
		});
		for (const s of added) {
			list.push(s);
			data.auditById!.set(s.id, s);
		}
		list.sort(byTimeThenId);
		this.auditVersion++;
		return added.map(toAuditLog);
	}

	private generateAudit(ws: WorkspaceInfo): StoredAuditLog[] {
		const rng = new Prng(`${ws.id}/audit`);
		const sizes = this.sizesOf(ws);
		const n = sizes.auditLogs;
		const rangeMs = Math.max(2000, this.auditLogDays * DAY_MS);
		// Random offsets back from start (at least 1 s), sorted so times ascend.
		const offsets = new Float64Array(n);
		for (let i = 0; i < n; i++) offsets[i] = 1000 + Math.floor(rng.next() * (rangeMs - 1000));
		offsets.sort();
		const wsRef = { id: ws.id, name: ws.name, type: auditWorkspaceType(ws) };
		const users = Array.from({ length: Math.max(1, sizes.users) }, (_, i) => username(ws, i));
		const noInfo = {};
		const out: StoredAuditLog[] = new Array(n);
		let previous = 0;
		for (let i = 0; i < n; i++) {
			let t = this.startMs - offsets[n - 1 - i];
			// About 5% of events share the timestamp of the one before (bulk operations do this).
			if (i > 0 && rng.chance(0.05)) t = previous;
			previous = t;
			const user = users[rng.int(users.length)];
			const roll = rng.next();
			const offer = roll < 0.85 ? PLATFORM_SERVICE_OFFER : SERVICE_OFFERS[roll < 0.95 ? 0 : 1];
			const [category, description] = this.auditText(
				rng,
				ws,
				users,
				user,
				offer === PLATFORM_SERVICE_OFFER,
			);
			const hasDetails = rng.chance(0.3);
			out[i] = {
				t,
				id: rng.id20(),
				serviceOffer: offer,
				username: user,
				category,
				description,
				workspace: wsRef,
				ipAddress: rng.ipv4(),
				additionalInfo: hasDetails ? { serverName: `srv-${rng.int(500)}` } : noInfo,
				hasDetails,
			};
		}
		out.sort(byTimeThenId);
		return out;
	}

	private auditText(
		rng: Prng,
		ws: WorkspaceInfo,
		users: string[],
		user: string,
		platform: boolean,
	): [string, string] {
		if (!platform) {
			return rng.chance(0.5)
				? ['ILO Settings', `iLO settings changed on server srv-${rng.int(500)}`]
				: ['Storage settings', 'Storage firmware updated'];
		}
		switch (rng.int(8)) {
			case 0:
				return ['User Activity', `User ${user} logged in via ping mode.`];
			case 1:
				return ['User Activity', `User ${user} logged out.`];
			case 2:
				return ['User Management', `User ${users[rng.int(users.length)]} invited by ${user}`];
			case 3:
				return [
					'Device Management',
					`Device assigned to application in ${rng.pick(SERVICE_MANAGERS).region}`,
				];
			case 4:
				return [
					'Subscription Management',
					`Subscription key ${rng.alnum(12).toUpperCase()} added to workspace`,
				];
			case 5:
				return ['Customer Management', `Loading workspace ${ws.id} for user ${user}`];
			case 6:
				return ['API Gateway', `API client credential created by ${user}`];
			default:
				return ['Location Management', `Location updated by ${user}`];
		}
	}

	// ---------------- inventory ----------------

	devices(workspaceId: string): Resource[] {
		const { info, data } = this.ws(workspaceId);
		if (!data.devices) {
			const subscriptions = this.subscriptions(workspaceId);
			const locations = this.locations(workspaceId);
			data.devices = this.indexed(
				'devices',
				data,
				this.generateDevices(info, subscriptions, locations),
			);
		}
		return data.devices;
	}

	subscriptions(workspaceId: string): Resource[] {
		const { info, data } = this.ws(workspaceId);
		if (!data.subscriptions)
			data.subscriptions = this.indexed('subscriptions', data, this.generateSubscriptions(info));
		return data.subscriptions;
	}

	users(workspaceId: string): Resource[] {
		const { info, data } = this.ws(workspaceId);
		if (!data.users) data.users = this.indexed('users', data, this.generateUsers(info));
		return data.users;
	}

	locations(workspaceId: string): Resource[] {
		const { info, data } = this.ws(workspaceId);
		if (!data.locations)
			data.locations = this.indexed('locations', data, this.generateLocations(info));
		return data.locations;
	}

	/** A past time between `minDays` and `maxDays` before start. */
	private past(rng: Prng, minDays: number, maxDays: number): number {
		return this.startMs - Math.floor((minDays + rng.next() * (maxDays - minDays)) * DAY_MS);
	}

	private generateDevices(
		ws: WorkspaceInfo,
		subscriptions: Resource[],
		locations: Resource[],
	): Resource[] {
		const rng = new Prng(`${ws.id}/devices`);
		const tag = ws.id.slice(0, 2).toUpperCase();
		const totalWeight = DEVICE_TYPES.reduce((s, d) => s + d.weight, 0);
		const tenants = this.directory.tenantsOf(ws.id);
		const out: Resource[] = [];
		for (let i = 0; i < this.sizesOf(ws).devices; i++) {
			let roll = rng.int(totalWeight);
			const kind = DEVICE_TYPES.find((d) => (roll -= d.weight) < 0) ?? DEVICE_TYPES[0];
			const id = rng.uuid();
			const createdAt = this.past(rng, 30, 730);
			const assigned = rng.chance(0.6);
			const manager = rng.pick(SERVICE_MANAGERS);
			const sub =
				assigned && subscriptions.length > 0 && rng.chance(0.7)
					? rng.pick(subscriptions)
					: undefined;
			const loc = locations.length > 0 && rng.chance(0.4) ? rng.pick(locations) : undefined;
			out.push({
				id,
				type: 'devices/device',
				serialNumber: `${kind.prefix}${tag}${i.toString(36).toUpperCase().padStart(6, '0')}`,
				macAddress: Array.from({ length: 6 }, () => rng.hex(2)).join(':'),
				partNumber: `${kind.prefix}${rng.alnum(6).toUpperCase()}`,
				deviceType: kind.type,
				category: kind.category,
				model: rng.pick(kind.models),
				make: 'HPE',
				deviceName: `${kind.type.toLowerCase()}-${i}`,
				application: assigned
					? { id: manager.id, resourceUri: `/service-catalog/v1/service-managers/${manager.id}` }
					: null,
				region: assigned ? manager.region : null,
				assignedState: assigned ? 'ASSIGNED_TO_SERVICE' : 'UNASSIGNED',
				subscription: sub
					? [
							{
								id: sub.id,
								resourceUri: sub.resourceUri,
								key: sub.key,
								tier: sub.tier,
								startTime: sub.startTime,
								endTime: sub.endTime,
							},
						]
					: [],
				location: loc
					? {
							id: loc.id,
							resourceUri: loc.resourceUri,
							locationName: loc.name,
							city: loc.city,
							country: loc.country,
						}
					: null,
				tenantWorkspaceId: tenants.length > 0 && rng.chance(0.1) ? rng.pick(tenants).id : null,
				archived: rng.chance(0.02),
				ownership: 'MANAGED',
				tags: rng.chance(0.3) ? { env: rng.pick(['prod', 'lab', 'dev']) } : {},
				warranty: null,
				createdAt: iso(createdAt),
				updatedAt: iso(createdAt + rng.int(20 * DAY_MS)),
				generation: 1,
				resourceUri: `/devices/v1/devices/${id}`,
			});
		}
		return out;
	}

	private generateSubscriptions(ws: WorkspaceInfo): Resource[] {
		const rng = new Prng(`${ws.id}/subscriptions`);
		return Array.from({ length: this.sizesOf(ws).subscriptions }, (_, i): Resource => {
			const id = rng.uuid();
			const kind = rng.pick(SUBSCRIPTION_KINDS);
			const start = this.past(rng, 0, 700);
			const end = start + (365 + rng.int(3 * 365)) * DAY_MS;
			const quantity = 10 * (1 + rng.int(50));
			const createdAt = start - rng.int(10 * DAY_MS);
			const status = rng.chance(0.05) ? 'SUSPENDED' : end < this.startMs ? 'ENDED' : 'STARTED';
			return {
				id,
				type: 'subscriptions/subscription',
				key: rng.alnum(16).toUpperCase(),
				subscriptionType: kind.subscriptionType,
				subscriptionStatus: status,
				tier: kind.tier,
				tierDescription: kind.tierDescription,
				productType: kind.productType,
				sku: `S${rng.alnum(5).toUpperCase()}`,
				skuDescription: `${kind.tierDescription} subscription ${1 + (i % 5)} year`,
				quantity: String(quantity),
				availableQuantity: String(rng.int(quantity + 1)),
				isEval: rng.chance(0.05),
				startTime: iso(start),
				endTime: iso(end),
				contract: `C-${rng.alnum(8).toUpperCase()}`,
				quote: `Q-${rng.alnum(8).toUpperCase()}`,
				po: `PO-${rng.int(1_000_000)}`,
				resellerPo: '',
				tags: {},
				createdAt: iso(createdAt),
				updatedAt: iso(createdAt + rng.int(DAY_MS)),
				generation: 1,
				resourceUri: `/subscriptions/v1/subscriptions/${id}`,
			};
		});
	}

	private generateUsers(ws: WorkspaceInfo): Resource[] {
		const rng = new Prng(`${ws.id}/users`);
		const statuses = [
			'VERIFIED',
			'VERIFIED',
			'VERIFIED',
			'VERIFIED',
			'VERIFIED',
			'UNVERIFIED',
			'BLOCKED',
			'SUSPENDED',
		];
		return Array.from({ length: this.sizesOf(ws).users }, (_, i): Resource => {
			const id = rng.uuid();
			const createdAt = this.past(rng, 5, 900);
			const name = username(ws, i);
			const [first, last] = name.split('@')[0].replace(/\d+$/, '').split('.');
			return {
				id,
				type: 'user',
				username: name,
				firstName: first[0].toUpperCase() + first.slice(1),
				lastName: last[0].toUpperCase() + last.slice(1),
				userStatus: rng.pick(statuses),
				lastLogin: iso(this.past(rng, 0, 5)),
				createdAt: iso(createdAt),
				updatedAt: iso(createdAt + rng.int(4 * DAY_MS)),
				generation: 1,
				resourceUri: `/identity/v1/users/${id}`,
			};
		});
	}

	private generateLocations(ws: WorkspaceInfo): Resource[] {
		const rng = new Prng(`${ws.id}/locations`);
		return Array.from({ length: this.sizesOf(ws).locations }, (_, i): Resource => {
			const id = rng.uuid();
			const [city, country, lat, lng] = rng.pick(CITIES);
			const createdAt = this.past(rng, 10, 900);
			return {
				id,
				type: 'location',
				name: `${city} site ${i + 1}`,
				description: `${ws.name} site in ${city}`,
				locationType: 'building',
				city,
				country,
				lat,
				lng,
				tags: [],
				validated: true,
				validationExpired: false,
				validationCycle: 12,
				createdAt: iso(createdAt),
				updatedAt: iso(createdAt + rng.int(DAY_MS)),
				generation: 1,
				resourceUri: `/locations/v1/locations/${id}`,
			};
		});
	}
}
