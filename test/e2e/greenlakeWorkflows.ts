/**
 * Workflow JSON for the real-n8n tests and the demo: small builders so each workflow reads as what it does.
 * Node types are those of the installed community package (`n8n-nodes-hpe-greenlake.<name>`).
 */
export const PACKAGE = 'n8n-nodes-hpe-greenlake';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

export interface CredentialRef {
	id: string;
	name: string;
}

let counter = 0;
function nodeId(): string {
	counter += 1;
	return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export function manualTrigger(): WorkflowNode {
	return { id: nodeId(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

/** A Code node that outputs `count` items `{ i }` (and whatever `extra` JS expression adds per item). */
export function itemsNode(name: string, count: number, extra = '{}'): WorkflowNode {
	return {
		id: nodeId(),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { i, ...(${extra}) } }));` },
	};
}

/** A Code node that reduces its input to `{ count, uniqueIds }` (keeps big outputs out of n8n's printed result). */
export function summaryNode(name = 'Summary'): WorkflowNode {
	return {
		id: nodeId(),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [600, 0],
		parameters: {
			jsCode: 'const items = $input.all();\nreturn [{ json: { count: items.length, uniqueIds: new Set(items.map((item) => item.json.id)).size } }];',
		},
	};
}

export function greenLakeNode(name: string, credential: CredentialRef, parameters: Record<string, unknown>): WorkflowNode {
	return {
		id: nodeId(),
		name,
		type: `${PACKAGE}.hpeGreenLake`,
		typeVersion: 1,
		position: [400, 0],
		parameters,
		credentials: { hpeGreenLakeApi: credential },
	};
}

export function tokenNode(name: string, credential: CredentialRef, parameters: Record<string, unknown> = {}): WorkflowNode {
	return {
		id: nodeId(),
		name,
		type: `${PACKAGE}.hpeGreenLakeToken`,
		typeVersion: 1,
		position: [400, 0],
		parameters: { operation: 'generateToken', ...parameters },
		credentials: { hpeGreenLakeApi: credential },
	};
}

/** n8n's own HTTP Request node (v4.2). */
export function httpRequestNode(name: string, parameters: Record<string, unknown>, credentials?: WorkflowNode['credentials']): WorkflowNode {
	return {
		id: nodeId(),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [600, 0],
		parameters: { options: {}, ...parameters },
		...(credentials ? { credentials } : {}),
	};
}

/** A linear workflow: each node feeds the next. */
export function chain(id: string, name: string, nodes: WorkflowNode[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	nodes.forEach((node, index) => {
		node.position = [index * 220, 0];
		const next = nodes[index + 1];
		if (next) connections[node.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { id, name, active: false, settings: { executionOrder: 'v1' }, nodes, connections, pinData: {} };
}

/** Token node → n8n's HTTP Request node sending `{{ $json.authorization_header }}` to `url`. */
export function tokenToHttpWorkflow(id: string, name: string, credential: CredentialRef, url: string): Record<string, unknown> {
	return chain(id, name, [
		manualTrigger(),
		tokenNode('Token', credential),
		httpRequestNode('HTTP Request', {
			url,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: '={{ $json.authorization_header }}' }] },
		}),
	]);
}

/** n8n's HTTP Request node using the credential as a predefined credential type. */
export function httpNodeWithCredentialWorkflow(id: string, name: string, credential: CredentialRef, url: string): Record<string, unknown> {
	return chain(id, name, [
		manualTrigger(),
		httpRequestNode('HTTP Request', { url, authentication: 'predefinedCredentialType', nodeCredentialType: 'hpeGreenLakeApi' }, { hpeGreenLakeApi: credential }),
	]);
}
