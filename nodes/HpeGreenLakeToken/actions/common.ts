import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { IssuedToken } from '../../shared/auth/tokenEngine';
import { toNodeError } from '../../shared/http/errors';
import type { GreenLakeSession } from '../../shared/transport/session';
import { selectedWorkspaceId } from '../../shared/transport/session';

/**
 * What one execution of the node remembers across its items: which workspaces were already force-refreshed (Force
 * Refresh acts once per execution, not once per item), and which Minimum Remaining Lifetime requests turned out to be
 * impossible (so that later items fail at once instead of minting a token each).
 */
export interface RunState {
	forced: Set<string>;
	unreachable: Map<string, { message: string; description?: string }>;
}

export function createRunState(): RunState {
	return { forced: new Set(), unreachable: new Map() };
}

/** The workspace the token is for: the selected MSP tenant, or the credential's own workspace. */
export function targetWorkspace(ctx: IExecuteFunctions, session: GreenLakeSession, itemIndex: number): string {
	const scope = ctx.getNodeParameter('workspaceScope', itemIndex, 'credential');
	const tenant = scope === 'tenant' ? ctx.getNodeParameter('tenant', itemIndex, '') : undefined;
	return selectedWorkspaceId(ctx, scope, tenant, itemIndex) ?? session.config.workspaceId;
}

/** Whole seconds left, never negative. */
export function secondsLeft(expiresAt: number, now: number): number {
	return Math.max(0, Math.floor((expiresAt - now) / 1000));
}

/** The token's public facts: everything except the token itself. */
export function tokenFacts(token: IssuedToken, now: number): IDataObject {
	return {
		token_type: token.tokenType,
		expires_in: secondsLeft(token.expiresAt, now),
		expires_at: new Date(token.expiresAt).toISOString(),
		workspace_id: token.workspaceId,
		issuer: token.issuer,
	};
}

/**
 * Any failure as an n8n error carrying the item index: the engine's errors become NodeOperationError (bad input) or
 * NodeApiError (the issuer refused); n8n's own errors pass through. Engine messages never contain a secret or token.
 */
export function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const converted = toNodeError(ctx.getNode(), error, itemIndex);
	if (converted instanceof NodeApiError || converted instanceof NodeOperationError) {
		if (converted.context.itemIndex === undefined) converted.context.itemIndex = itemIndex;
		return converted;
	}
	return new NodeOperationError(ctx.getNode(), converted as Error, { itemIndex });
}
