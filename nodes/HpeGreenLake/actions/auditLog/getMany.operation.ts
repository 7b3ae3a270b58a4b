import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { AUDIT_LOG_RETENTION_DAYS } from '../../../shared/config';
import { auditLogApiVersionProperty, auditLogFiltersProperty } from '../../../shared/descriptions/auditLogFilters.description';
import { readAuditLogFilters } from '../../../shared/transport/auditLogFilters';
import { auditLogPages } from '../../../shared/transport/auditLogs';
import type { OperationContext } from '../common';
import { limitProperty, readPaging, requestDefaults, returnAllProperty, toItems } from '../common';

const properties: INodeProperties[] = [
	auditLogApiVersionProperty,
	returnAllProperty,
	limitProperty,
	{
		displayName: 'Created After',
		name: 'since',
		type: 'dateTime',
		default: '',
		description: 'Only events created at or after this time (GreenLake keeps about 3 months). Empty: no lower bound.',
	},
	{
		displayName: 'Created Before',
		name: 'until',
		type: 'dateTime',
		default: '',
		description: 'Only events created before this time. Empty: now (fixed when the node starts, so arriving events cannot shift the pages).',
	},
	auditLogFiltersProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['auditLog'], operation: ['getMany'] } }, properties);

function readTime(ctx: OperationContext, name: string, label: string, itemIndex: number): string | undefined {
	const value = ctx.fn.getNodeParameter(name, itemIndex, '') as string;
	if (!value) return undefined;
	const time = Date.parse(value);
	if (Number.isNaN(time)) {
		throw new NodeOperationError(ctx.fn.getNode(), `${label} "${value}" is not a date and time`, { description: 'Use ISO 8601, for example 2026-01-31T12:00:00Z.', itemIndex });
	}
	return new Date(time).toISOString();
}

/**
 * Newest first, as GreenLake returns them. With Return All, GreenLake's 10,000-result cap is handled by splitting
 * the time window (shared/transport/auditLogs.ts): every event is returned once.
 */
export async function execute(ctx: OperationContext, itemIndex: number) {
	const node = ctx.fn.getNode();
	const paging = readPaging(ctx, itemIndex);
	if (!paging.returnAll && (!Number.isInteger(paging.limit) || (paging.limit ?? 0) < 1)) {
		throw new NodeOperationError(node, `Limit must be a whole number of at least 1 (got ${paging.limit})`, { itemIndex });
	}
	const since = readTime(ctx, 'since', 'Created After', itemIndex);
	const until = readTime(ctx, 'until', 'Created Before', itemIndex);
	if (since && until && since >= until) {
		throw new NodeOperationError(node, 'Created After must be earlier than Created Before', { itemIndex });
	}
	if (since && Date.now() - Date.parse(since) > (AUDIT_LOG_RETENTION_DAYS + 2) * 86_400_000) {
		throw new NodeOperationError(node, `Created After is more than ${AUDIT_LOG_RETENTION_DAYS} days ago`, {
			description: 'GreenLake keeps audit logs for about three months; older events cannot be retrieved.',
			itemIndex,
		});
	}
	const { path, clauses } = readAuditLogFilters(node, ctx.fn.getNodeParameter('apiVersion', itemIndex, 'v2beta1'), ctx.fn.getNodeParameter('filters', itemIndex, {}) as IDataObject, itemIndex);
	const defaults = requestDefaults(ctx, itemIndex);
	const results = [];
	for await (const page of auditLogPages(ctx.fn, ctx.session, { ...defaults, path, clauses, since, until, ...paging })) {
		results.push(...toItems(page, itemIndex));
	}
	return results;
}

export const getMany = { description, execute };
