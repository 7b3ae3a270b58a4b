import type { INode } from 'n8n-workflow';

/**
 * Whether the node runs as an AI agent's tool. n8n derives a tool from a node by appending "Tool" to its type
 * (NodeTypes.resolveBaseName; the "@tool" display option tests the same suffix), "HitlTool" included.
 */
export function runsAsAiTool(node: INode): boolean {
	return node.type.endsWith('Tool');
}
