import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runsAsAiTool } from '../../shared/ai/toolMode';

/** Shown only on the node's AI-tool variant ("@tool"); on by default, so a new agent tool cannot change GreenLake. */
export const toolReadOnlyProperty: INodeProperties = {
	displayName: 'Read Only',
	name: 'toolReadOnly',
	type: 'boolean',
	default: true,
	noDataExpression: true,
	displayOptions: { show: { '@tool': [true] } },
	description:
		'Whether the agent may only read. When on, only reading operations (Get, Get Many, …) and API Request with GET run; anything that would change GreenLake (Device Update, webhook and event subscription changes, other methods) is refused before anything is sent. Turn off only for an agent that is meant to change GreenLake.',
};

/**
 * What an item's operation would change in GreenLake, or undefined for a read. Fails closed: only operations named
 * get… read (Get, Get Many, Get Details, Get Recent Deliveries, …), so a write operation added later is refused too.
 */
function writes(fn: IExecuteFunctions, resource: string, operation: string, itemIndex: number): string | undefined {
	if (resource === 'apiRequest') {
		const method = String(fn.getNodeParameter('method', itemIndex, 'GET')).toUpperCase();
		return method === 'GET' ? undefined : `API Request with method ${method}`;
	}
	return /^get([A-Z]|$)/.test(operation) ? undefined : `${displayName(resource)} ${displayName(operation)}`;
}

/** "eventSubscription" → "Event Subscription", "retryDelivery" → "Retry Delivery". */
function displayName(camelCase: string): string {
	const spaced = camelCase.replace(/([a-z])([A-Z])/g, '$1 $2');
	return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** Refuses, when the node runs as a read-only AI tool, an operation that would write. */
export function assertAllowedForTool(fn: IExecuteFunctions, resource: string, operation: string, itemIndex: number): void {
	if (!runsAsAiTool(fn.getNode())) return;
	if (fn.getNodeParameter('toolReadOnly', itemIndex, true) === false) return;
	const write = writes(fn, resource, operation, itemIndex);
	if (write) {
		throw new NodeOperationError(fn.getNode(), `${write} is not allowed: this HPE GreenLake tool is read-only`, {
			description: 'The tool\'s "Read Only" setting allows only GET requests. Turn it off in the tool\'s settings if this agent is meant to change GreenLake.',
			itemIndex,
		});
	}
}
