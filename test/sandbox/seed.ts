// Fixed, deterministic seed: workspaces and API clients. Ids and secrets are derived from sha256 of a
// name so they look random but never change between runs. The secrets live only here; the sandbox never logs them.
import { createHash } from 'node:crypto';
import { hyphenate, sha256Hex } from './prng';
import type { SeedClient, WorkspaceInfo } from './types';

const workspaceId = (name: string): string =>
	sha256Hex(`greenlake-sandbox/workspace/${name}`).slice(0, 32);
const clientId = (name: string): string =>
	hyphenate(sha256Hex(`greenlake-sandbox/client/${name}`).slice(0, 32));
const secret = (name: string): string => sha256Hex(`greenlake-sandbox/secret/${name}`).slice(0, 32);

/** A 4,096-character secret over the base64url alphabet (needs no form encoding, but is long). */
function longSecret(length: number): string {
	let out = '';
	let block = 'greenlake-sandbox/long-secret';
	while (out.length < length) {
		const digest = createHash('sha256').update(block).digest();
		out += digest.toString('base64url');
		block = digest.toString('hex');
	}
	return out.slice(0, length);
}

const msp = { id: workspaceId('Acme MSP'), name: 'Acme MSP' };
const standard = { id: workspaceId('Contoso Standard'), name: 'Contoso Standard' };
const tenants = ['Tenant Alpha', 'Tenant Bravo', 'Tenant Charlie'].map((name) => ({
	id: workspaceId(name),
	name,
}));

export const PLATFORM_SERVICE_OFFER = {
	id: '00000000-0000-0000-0000-000000000000',
	name: 'HPE GreenLake Platform',
	region: 'global',
};

export const SEED = {
	workspaces: { msp, standard, tenants },
	clients: {
		msp: {
			name: 'Acme MSP platform client',
			clientId: clientId('msp'),
			clientSecret: secret('msp'),
			workspaceId: msp.id,
			kind: 'platform',
		} as SeedClient,
		standard: {
			name: 'Contoso platform client',
			clientId: clientId('standard'),
			clientSecret: secret('standard'),
			workspaceId: standard.id,
			kind: 'platform',
		} as SeedClient,
		longSecret: {
			name: 'Contoso long-secret client',
			clientId: clientId('long-secret'),
			clientSecret: longSecret(4096),
			workspaceId: standard.id,
			kind: 'platform',
		} as SeedClient,
		service: {
			name: 'Contoso Compute Ops Management client',
			clientId: clientId('service'),
			clientSecret: secret('service'),
			workspaceId: standard.id,
			kind: 'service',
		} as SeedClient,
	},
	platformServiceOffer: PLATFORM_SERVICE_OFFER,
};

/** Largest tenant count `mspTenants` accepts. */
export const MAX_MSP_TENANTS = 1000;

const mspWorkspace: WorkspaceInfo = {
	...msp,
	workspaceType: 'MSP',
	domain: 'acme-msp.example',
	createdAt: '2023-03-14T09:26:53.589Z',
};
const standardWorkspace: WorkspaceInfo = {
	...standard,
	workspaceType: 'STANDARD_ENTERPRISE',
	domain: 'contoso.example',
	createdAt: '2022-11-02T16:45:10.004Z',
};

/** Tenant number n (1-based) of Acme MSP: the three named tenants first, then "Tenant 0004" … "Tenant 1000". */
function tenantWorkspace(n: number): WorkspaceInfo {
	if (n <= tenants.length) {
		const t = tenants[n - 1];
		const i = n - 1;
		return {
			...t,
			workspaceType: 'MSP_TENANT',
			mspId: msp.id,
			domain: `${t.name.split(' ')[1].toLowerCase()}.example`,
			createdAt: `2023-0${4 + i}-0${1 + i}T12:00:0${i}.${100 + i}Z`,
		};
	}
	const number = String(n).padStart(4, '0');
	const name = `Tenant ${number}`;
	return {
		id: workspaceId(name),
		name,
		workspaceType: 'MSP_TENANT',
		mspId: msp.id,
		domain: `tenant-${number}.example`,
		// one tenant an hour from the start of 2024, so creation order is the tenant number
		createdAt: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString(),
	};
}

/** The workspaces of one sandbox instance: Acme MSP with `mspTenants` tenants, and Contoso Standard. */
export class WorkspaceDirectory {
	readonly all: WorkspaceInfo[];
	private readonly byId: Map<string, WorkspaceInfo>;
	private readonly tenantsByMsp = new Map<string, WorkspaceInfo[]>();

	constructor(mspTenants = tenants.length) {
		if (!Number.isInteger(mspTenants) || mspTenants < 0 || mspTenants > MAX_MSP_TENANTS)
			throw new Error(`mspTenants must be a whole number from 0 to ${MAX_MSP_TENANTS}`);
		const seeded = Array.from({ length: mspTenants }, (_, i) => tenantWorkspace(i + 1));
		this.all = [mspWorkspace, ...seeded, standardWorkspace];
		this.byId = new Map(this.all.map((w) => [w.id, w]));
		for (const w of seeded) {
			const list = this.tenantsByMsp.get(w.mspId!) ?? [];
			list.push(w);
			this.tenantsByMsp.set(w.mspId!, list);
		}
	}

	find(id: string): WorkspaceInfo | undefined {
		return this.byId.get(id);
	}

	/** The tenants of an MSP workspace, in creation order (empty for any other workspace). */
	tenantsOf(mspId: string): WorkspaceInfo[] {
		return this.tenantsByMsp.get(mspId) ?? [];
	}
}

export const CLIENTS: SeedClient[] = Object.values(SEED.clients);
