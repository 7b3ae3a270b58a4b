/**
 * Webhook-triggered workflows for the queue-mode test: Webhook (POST /webhook/<path>, answers with the last node's first
 * item) → HPE GreenLake (Workspace → Get) → Set, which adds who ran it. The Set node's expressions are evaluated in the
 * worker process itself (not in a task runner), so `$env.QUEUE_TEST_WORKER` is the name of the worker that ran the
 * execution (workers get N8N_BLOCK_ENV_ACCESS_IN_NODE=false and their own QUEUE_TEST_WORKER).
 */
import { createHash } from 'node:crypto';

import { chain, greenLakeNode, type CredentialRef, type WorkflowNode } from '../e2e/greenlakeWorkflows';

/** The environment variable naming the worker; the Set node reads it. */
export const WORKER_NAME_ENV = 'QUEUE_TEST_WORKER';

/** A stable UUID-shaped id derived from `seed` and `n`. */
function uuid(seed: string, n: number): string {
	const h = createHash('sha256').update(`${seed}:${n}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function webhookNode(name: string, webhookPath: string): WorkflowNode & { webhookId: string } {
	return {
		id: uuid(webhookPath, 1),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: uuid(webhookPath, 9),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
	};
}

export function whoRanNode(name: string): WorkflowNode {
	const field = (n: number, fieldName: string, value: string) => ({ id: uuid(`who-${fieldName}`, n), name: fieldName, value, type: 'string' });
	return {
		id: uuid('who', 2),
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [0, 0],
		parameters: {
			mode: 'manual',
			includeOtherFields: true,
			include: 'all',
			assignments: {
				assignments: [
					field(1, 'worker', `={{ $env.${WORKER_NAME_ENV} }}`),
					field(2, 'executionId', '={{ $execution.id }}'),
					field(3, 'request', '={{ $("Webhook").item.json.body.i }}'),
				],
			},
			options: {},
		},
	};
}

/** Webhook → HPE GreenLake (Workspace → Get with `credential`) → Set (worker, executionId, request). Published. */
export function webhookWorkspaceWorkflow(id: string, webhookPath: string, credential: CredentialRef): Record<string, unknown> {
	const workflow = chain(id, `Queue mode: ${webhookPath}`, [
		webhookNode('Webhook', webhookPath),
		greenLakeNode('HPE GreenLake', credential, { resource: 'workspace', operation: 'get' }),
		whoRanNode('Who ran it'),
	]);
	// a node id must be unique inside a workflow only, but keep them distinct across workflows too
	for (const node of workflow.nodes as WorkflowNode[]) node.id = uuid(`${id}:${node.name}`, 3);
	return { ...workflow, active: true };
}
