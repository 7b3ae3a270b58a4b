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
		'Whether the agent may only read. When on, Device Update and API Request with any method other than GET are refused before anything is sent. Turn off only for an agent that is meant to change GreenLake.',
};

/** Whether an item's operation would change something in GreenLake. */
function writes(fn: IExecuteFunctions, resource: string, operation: string, itemIndex: number): string | undefined {
	if (resource === 'device' && operation === 'update') return 'Device Update';
	if (resource === 'apiRequest') {
		const method = String(fn.getNodeParameter('method', itemIndex, 'GET')).toUpperCase();
		if (method !== 'GET') return `API Request with method ${method}`;
	}
	return undefined;
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
