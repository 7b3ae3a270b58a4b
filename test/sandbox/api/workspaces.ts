// Workspace management: GET /workspaces/v1/msp-tenants and GET /workspaces/v1/workspaces/{id}.
// The HPE workspace spec shows hyphenated UUID ids while the issuer needs 32 hex without hyphens, which is why
// pycentral strips dashes; by default the sandbox reproduces that (option hyphenatedWorkspaceIds).
import { forbidden, notFound } from '../errors';
import type { FilterValue } from '../filter';
import { compileFilter } from '../filter';
import { hyphenate } from '../prng';
import type { SandboxState } from '../state';
import type { WorkspaceInfo } from '../types';
import type { ApiContext, ApiResult, RouteDef } from './common';
import { EQ_OPS, STRING_OPS, TIME_OPS, pageOf, parsePaging } from './common';

const normalizeId = (value: FilterValue): FilterValue =>
	typeof value === 'string' ? value.replace(/-/g, '').toLowerCase() : value;

function presentId(state: SandboxState, id: string): string {
	return state.options.hyphenatedWorkspaceIds ? hyphenate(id) : id;
}

function tenantItem(
	state: SandboxState,
	ws: WorkspaceInfo,
	index: number,
): Record<string, unknown> {
	const id = presentId(state, ws.id);
	const msp = state.workspaces.find(ws.mspId ?? '');
	return {
		id,
		type: 'workspace',
		workspaceName: ws.name,
		generation: 1,
		createdAt: ws.createdAt,
		updatedAt: ws.createdAt,
		createdBy: `admin@${msp?.domain ?? ws.domain}`,
		resourceUri: `/workspaces/v1/workspaces/${id}`,
		inventoryOwnership: index % 2 === 0 ? 'MSP_OWNED_INVENTORY' : 'CUSTOMER_OWNED_INVENTORY',
	};
}

function listTenants(ctx: ApiContext): ApiResult {
	if (ctx.workspace.workspaceType !== 'MSP') {
		throw forbidden(
			'The workspace of this token is not an MSP workspace',
			'hpe.greenlake.workspaces',
		);
	}
	const paging = parsePaging(ctx.query, 300, 300);
	type Item = Record<string, unknown>;
	const matches = compileFilter<Item>(ctx.query.get('filter'), {
		id: { get: (t) => t.id, ops: EQ_OPS, normalize: normalizeId },
		workspaceName: { get: (t) => t.workspaceName, ops: STRING_OPS },
		createdBy: { get: (t) => t.createdBy, ops: STRING_OPS },
		inventoryOwnership: { get: (t) => t.inventoryOwnership, ops: EQ_OPS },
		createdAt: { get: (t) => t.createdAt, ops: TIME_OPS },
		updatedAt: { get: (t) => t.updatedAt, ops: TIME_OPS },
	});
	const tenants = ctx.state.workspaces
		.tenantsOf(ctx.workspace.id)
		.map((w, i) => tenantItem(ctx.state, w, i))
		.filter(matches);
	return { body: pageOf(tenants, paging) };
}

function getWorkspace(ctx: ApiContext): ApiResult {
	const id = ctx.params.id.replace(/-/g, '').toLowerCase();
	const target = /^[0-9a-f]{32}$/.test(id) ? ctx.state.workspaces.find(id) : undefined;
	if (!target) throw notFound('Workspace not found', 'hpe.greenlake.workspaces');
	const own = target.id === ctx.workspace.id;
	const ownTenant = target.mspId !== undefined && target.mspId === ctx.workspace.id;
	if (!own && !ownTenant)
		throw forbidden('Not authorized to access this workspace', 'hpe.greenlake.workspaces');
	const shownId = presentId(ctx.state, target.id);
	return {
		body: {
			id: shownId,
			type: 'workspace',
			workspaceName: target.name,
			workspaceType: target.workspaceType,
			generation: 1,
			createdAt: target.createdAt,
			updatedAt: target.createdAt,
			createdBy: `admin@${target.domain}`,
			resourceUri: `/workspaces/v1/workspaces/${shownId}`,
		},
	};
}

export const workspaceRoutes: RouteDef[] = [
	{
		method: 'GET',
		pattern: '/workspaces/v1/msp-tenants',
		bucket: 'workspaces.mspTenants',
		handler: listTenants,
	},
	{
		method: 'GET',
		pattern: '/workspaces/v1/workspaces/{id}',
		bucket: 'workspaces.get',
		handler: getWorkspace,
	},
];
