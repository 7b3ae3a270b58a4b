import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { auditLogClauses } from './auditLogs';

export type AuditLogApiVersion = 'v2beta1' | 'v1';

/** GreenLake accepts at most this many `serviceOffer/id` values in one filter. */
export const MAX_SERVICE_OFFER_IDS = 5;

function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}

/**
 * The endpoint and filter clauses for the shared API Version and Filters parameters
 * (descriptions/auditLogFilters.description.ts). Values that GreenLake would reject for a reason we know up front
 * fail here with an error naming the parameter; anything else is left to GreenLake's own 400 (a NodeApiError with its
 * details).
 */
export function readAuditLogFilters(
	node: INode,
	apiVersion: unknown,
	filters: IDataObject | undefined,
	itemIndex = 0,
): { path: string; clauses: string[] } {
	if (apiVersion !== 'v2beta1' && apiVersion !== 'v1') {
		throw new NodeOperationError(node, `API Version "${String(apiVersion)}" is not supported`, {
			description: 'Choose v2beta1 or v1.',
			itemIndex,
		});
	}
	const v1 = apiVersion === 'v1';
	const values = filters ?? {};
	const serviceOfferIds = list(values.serviceOfferIds);
	if (!v1 && serviceOfferIds.length > MAX_SERVICE_OFFER_IDS) {
		throw new NodeOperationError(node, `Filter "Service Offer IDs" has ${serviceOfferIds.length} IDs; GreenLake accepts at most ${MAX_SERVICE_OFFER_IDS}`, {
			description: 'Split the services over several nodes, or leave the filter out to get the platform events.',
			itemIndex,
		});
	}
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	return {
		path: `/audit-log/${apiVersion}/logs`,
		clauses: auditLogClauses({
			categories: list(values.categories),
			username: text(values.username),
			descriptionContains: typeof values.descriptionContains === 'string' ? values.descriptionContains : '',
			serviceOfferIds,
			tenantEvents: values.tenantEvents === true,
			v1,
		}),
	};
}
