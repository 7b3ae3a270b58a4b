import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../../shared/http/errors';
import type { GreenLakeSession } from '../../shared/transport/session';
import { openItemSession } from '../../shared/transport/itemSessions';
import { apiRequestOperations } from './apiRequest';
import { auditLogOperations } from './auditLog';
import type { Operation } from './common';
import { deviceOperations } from './device';
import { eventSubscriptionOperations } from './eventSubscription';
import { subscriptionOperations } from './subscription';
import { assertAllowedForTool } from './toolPolicy';
import { userOperations } from './user';
import { webhookOperations } from './webhook';
import { workspaceOperations } from './workspace';

const RESOURCES: Record<string, Record<string, Operation>> = {
	apiRequest: apiRequestOperations,
	auditLog: auditLogOperations,
	device: deviceOperations,
	eventSubscription: eventSubscriptionOperations,
	subscription: subscriptionOperations,
	user: userOperations,
	webhook: webhookOperations,
	workspace: workspaceOperations,
};

/**
 * Runs the chosen operation for each input item. Items run one after another: GreenLake's limits are per API client,
 * so parallel items would only trade a faster start for 429s. With Continue On Fail every failed item yields exactly
 * one error item paired to it; otherwise the first error stops the node, with the item index attached.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const results: INodeExecutionData[] = [];
	// Per item: credential fields may resolve to another workspace for each item (expressions).
	const sessions = new Map<string, GreenLakeSession>();

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operationName = this.getNodeParameter('operation', itemIndex) as string;
			const operation = RESOURCES[resource]?.[operationName];
			if (!operation) {
				throw new NodeOperationError(this.getNode(), `Operation "${operationName}" of resource "${resource}" is not supported`, { itemIndex });
			}
			assertAllowedForTool(this, resource, operationName, itemIndex);
			const session = await openItemSession(this, itemIndex, sessions);
			results.push(...(await operation.execute({ fn: this, session }, itemIndex)));
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex) as Error & { context?: { itemIndex?: number } };
			if (this.continueOnFail()) {
				results.push({ json: { error: nodeError.message }, error: nodeError as never, pairedItem: { item: itemIndex } });
				continue;
			}
			if (nodeError instanceof NodeOperationError || 'context' in nodeError) {
				nodeError.context = { ...(nodeError.context ?? {}), itemIndex };
				throw nodeError;
			}
			throw new NodeOperationError(this.getNode(), nodeError, { itemIndex });
		}
	}
	return [results];
}
