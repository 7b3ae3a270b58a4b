import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { GreenLakeRequestOptions } from '../../shared/transport/request';
import type { GreenLakeSession } from '../../shared/transport/session';
import { selectedWorkspaceId } from '../../shared/transport/session';

/** What every operation receives: the execution context, the credential session and the chosen workspace. */
export interface OperationContext {
	fn: IExecuteFunctions;
	session: GreenLakeSession;
}

export type OperationExecute = (ctx: OperationContext, itemIndex: number) => Promise<INodeExecutionData[]>;

export interface Operation {
	description: INodeProperties[];
	execute: OperationExecute;
}

/** Items for n8n, each paired to the input item it came from. */
export function toItems(records: IDataObject[], itemIndex: number): INodeExecutionData[] {
	return records.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

export const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

/** Retry and timing options shared by every operation. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 5,
			description: 'Retries after a rate limit (429), a server error (5xx) or a network failure',
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 120,
			description: 'Most time to spend waiting for rate-limit windows and backoff before failing the item',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeoutMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60000,
			description: 'Wall-clock limit for each request\'s whole answer, pages and async-operation polls included (0 = the default, 60,000)',
		},
	],
};

/** Transport options common to every call of an item: workspace, retries and timeout. */
export function requestDefaults(ctx: OperationContext, itemIndex: number): Partial<GreenLakeRequestOptions> {
	const options = ctx.fn.getNodeParameter('requestOptions', itemIndex, {}) as IDataObject;
	const scope = ctx.fn.getNodeParameter('workspaceScope', itemIndex, 'credential');
	// Tenant is shown (and so present in the node's parameters) only for the MSP tenant scope.
	const tenant = scope === 'tenant' ? ctx.fn.getNodeParameter('tenant', itemIndex, '', { extractValue: true }) : undefined;
	return {
		workspaceId: selectedWorkspaceId(ctx.fn, scope, tenant, itemIndex),
		maxRetries: options.maxRetries as number | undefined,
		maxWaitSeconds: options.maxWaitSeconds as number | undefined,
		timeoutMs: options.timeoutMs as number | undefined,
		itemIndex,
	};
}

/** Reads Return All / Limit; a limit below 1 is refused with the field named. */
export function readPaging(ctx: OperationContext, itemIndex: number): { returnAll: boolean; limit?: number } {
	const returnAll = ctx.fn.getNodeParameter('returnAll', itemIndex, false) as boolean;
	if (returnAll) return { returnAll };
	return { returnAll, limit: ctx.fn.getNodeParameter('limit', itemIndex, 50) as number };
}
