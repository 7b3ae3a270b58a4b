/**
 * Workflow JSON of the benchmarks, built on the e2e builders (test/e2e/greenlakeWorkflows.ts). Every contender node
 * is followed by a Code node that reduces its output to one item (items, records, unique ids, error items), so the
 * bench reads counts from one small item; timings come from n8n's own run data of the contender node.
 */
import {
	chain,
	greenLakeNode,
	httpRequestNode,
	manualTrigger,
	type CredentialRef,
	type WorkflowNode,
} from '../test/e2e/greenlakeWorkflows';

/** Settings of every bench workflow: nothing is written to the execution history (n8n execute still returns the run). */
export const BENCH_SETTINGS = {
	executionOrder: 'v1',
	saveDataSuccessExecution: 'none',
	saveDataErrorExecution: 'none',
	saveManualExecutions: false,
	saveExecutionProgress: false,
};

export function workflow(id: string, name: string, nodes: WorkflowNode[]): Record<string, unknown> {
	const built = chain(id, name, nodes);
	return { ...built, settings: BENCH_SETTINGS };
}

let counter = 0;
function nodeId(): string {
	counter += 1;
	return `b0000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** A Code node emitting `values.length` items `{ i, id: values[i] }` (or `{ i }` when only a count is given). */
export function itemsNode(name: string, values: number | string[]): WorkflowNode {
	const code =
		typeof values === 'number'
			? `return Array.from({ length: ${values} }, (_, i) => ({ json: { i } }));`
			: `const ids = ${JSON.stringify(values)};\nreturn ids.map((id, i) => ({ json: { i, id } }));`;
	return { id: nodeId(), name, type: 'n8n-nodes-base.code', typeVersion: 2, position: [0, 0], parameters: { jsCode: code } };
}

/**
 * Reduces any contender's output to one item. Records are the elements of `items` when an item carries a page body
 * (the HTTP Request node with pagination outputs one item per page), else the item itself; error items (On Error:
 * Continue) are counted apart with the first message.
 */
export function summaryNode(name: string): WorkflowNode {
	const jsCode = [
		'const all = $input.all();',
		'let records = 0; let errors = 0; let firstError = null;',
		'const ids = new Set();',
		'for (const item of all) {',
		'  const j = item.json;',
		// an error item (On Error: Continue), or a GreenLake error body the HTTP Request node kept as a page
		'  const failed = j.error !== undefined ? (j.error && j.error.message) || JSON.stringify(j.error) : j.errorCode !== undefined ? `HTTP ${j.httpStatusCode} ${j.errorCode}: ${j.message}` : null;',
		'  if (failed !== null) {',
		'    errors++;',
		'    if (firstError === null) firstError = String(failed).slice(0, 300);',
		'    continue;',
		'  }',
		'  const list = Array.isArray(j.items) ? j.items : [j];',
		'  for (const r of list) { records++; if (r && r.id !== undefined) ids.add(r.id); }',
		'}',
		'return [{ json: { items: all.length, records, uniqueIds: ids.size, errors, firstError } }];',
	].join('\n');
	return { id: nodeId(), name, type: 'n8n-nodes-base.code', typeVersion: 2, position: [0, 0], parameters: { jsCode } };
}

/**
 * The Summary of a timed sub-workflow (Called → T0 → Contender → Limit → T1 → this): counts the Contender's output
 * (read with $('Contender'), after T1) and reports contenderMs = t1 − t0, both taken with Date.now() in Set nodes
 * right before and right after the contender, in n8n's main process.
 */
export function timedSummaryNode(name: string, contender: string): WorkflowNode {
	const node = summaryNode(name);
	const code = String(node.parameters.jsCode)
		.replace('const all = $input.all();', `const all = $(${JSON.stringify(contender)}).all();`)
		.replace('return [{ json: { items: all.length,', "return [{ json: { contenderMs: $json.t1 - $('T0').last().json.t0, t1: $json.t1, items: all.length,");
	return { ...node, parameters: { jsCode: code } };
}

/** Edit Fields (Set v3.4) adding `field` = Date.now() to every item, other fields kept. */
export function stampNode(name: string, field: string): WorkflowNode {
	return {
		id: nodeId(),
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [0, 0],
		parameters: {
			mode: 'manual',
			assignments: { assignments: [{ id: `${name}-${field}`, name: field, value: '={{ Date.now() }}', type: 'number' }] },
			includeOtherFields: true,
			options: {},
		},
	};
}

export function limitNode(name: string): WorkflowNode {
	return { id: nodeId(), name, type: 'n8n-nodes-base.limit', typeVersion: 1, position: [0, 0], parameters: { maxItems: 1, keep: 'firstItems' } };
}

export function ours(name: string, credential: CredentialRef, parameters: Record<string, unknown>): WorkflowNode {
	return { ...greenLakeNode(name, credential, parameters), id: nodeId() };
}

/** n8n's HTTP Request node v4.2 with n8n's generic OAuth2 credential (client credentials). */
export function theirsOAuth2(
	name: string,
	credential: CredentialRef,
	parameters: Record<string, unknown>,
	extra: Record<string, unknown> = {},
): WorkflowNode {
	return {
		...httpRequestNode(name, { authentication: 'genericCredentialType', genericAuthType: 'oAuth2Api', ...parameters }, { oAuth2Api: credential }),
		id: nodeId(),
		...extra,
	};
}

/** n8n's HTTP Request node v4.2 with this package's credential as a predefined credential type. */
export function theirsPredefined(name: string, credential: CredentialRef, parameters: Record<string, unknown>): WorkflowNode {
	return {
		...httpRequestNode(name, { authentication: 'predefinedCredentialType', nodeCredentialType: 'hpeGreenLakeApi', ...parameters }, { hpeGreenLakeApi: credential }),
		id: nodeId(),
	};
}

/**
 * HTTP Request pagination as n8n's docs show it for offset/limit APIs: "Update a Parameter in Each Request",
 * offset = {{ $pageCount * 2000 }}, limit 2000 as a query parameter, and a completion expression.
 */
export function docsPagination(complete: string): Record<string, unknown> {
	return {
		sendQuery: true,
		queryParameters: { parameters: [{ name: 'limit', value: '2000' }] },
		options: {
			pagination: {
				pagination: {
					paginationMode: 'updateAParameterInEachRequest',
					parameters: { parameters: [{ type: 'qs', name: 'offset', value: '={{ $pageCount * 2000 }}' }] },
					paginationCompleteWhen: 'other',
					completeExpression: complete,
				},
			},
		},
	};
}

export const COMPLETE_SHORT_PAGE = '={{ $response.body.items.length < 2000 }}';
export const COMPLETE_TOTAL = '={{ $response.body.offset + $response.body.count >= $response.body.total }}';

/**
 * Execute Workflow (v1, wait for completion) running `child` given as JSON ("Parameter" source) in the same n8n
 * process. A sub-workflow loaded from the database would have to be published first (n8n 2.x runs the published
 * version of a sub-workflow outside manual executions), which takes a server start; a parameter needs nothing.
 */
export function executeWorkflowNode(name: string, child: Record<string, unknown>, extra: Record<string, unknown> = {}): WorkflowNode {
	const { id: _id, ...code } = child;
	return {
		...extra,
		id: nodeId(),
		name,
		type: 'n8n-nodes-base.executeWorkflow',
		typeVersion: 1,
		position: [0, 0],
		parameters: { source: 'parameter', workflowJson: JSON.stringify(code), mode: 'once', options: { waitForSubWorkflow: true } },
	};
}

export function subWorkflowTrigger(): WorkflowNode {
	return { id: nodeId(), name: 'Called', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

/** Summarize node (in the main process, unlike the Code node's task runner): count and unique count of `id`. */
export function summarizeNode(name: string): WorkflowNode {
	return {
		id: nodeId(),
		name,
		type: 'n8n-nodes-base.summarize',
		typeVersion: 1.1,
		position: [0, 0],
		parameters: {
			fieldsToSummarize: {
				values: [
					{ aggregation: 'count', field: 'id' },
					{ aggregation: 'countUnique', field: 'id' },
				],
			},
			options: {},
		},
	};
}

export function splitOutNode(name: string, field: string): WorkflowNode {
	return { id: nodeId(), name, type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [0, 0], parameters: { fieldToSplitOut: field, options: {} } };
}

export function noOpNode(name: string): WorkflowNode {
	return { id: nodeId(), name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} };
}

export { manualTrigger };
