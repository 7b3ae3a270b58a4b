// In-process workflow harness: runs real workflows containing a community package's nodes through
// n8n-core's WorkflowExecute (no n8n app, no n8n-nodes-base), with real HTTP via n8n-core's
// OutboundHttp and a credentials helper that mirrors the n8n CLI (see credentialsHelper.ts).
//
// Import this module BEFORE anything else that loads n8n-core: './env' must run first.
import './env';

import { resolve } from 'node:path';

import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	PollContext,
	TriggersAndPollers,
	WorkflowExecute,
} from 'n8n-core';
import { NodeHelpers, UnexpectedError, Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { CredentialStore } from './credentialStore';
import { TestCredentialsHelper, type CredentialTypeRegistry } from './credentialsHelper';

export { createCredentialStore } from './credentialStore';
export type { CredentialStore, CredentialWrite, StoredCredential } from './credentialStore';
export { TestCredentialsHelper } from './credentialsHelper';
export type { CredentialTypeRegistry, PreAuthenticationCall } from './credentialsHelper';

// ---------------------------------------------------------------------------------------------
// Package loading
// ---------------------------------------------------------------------------------------------

export interface LoadedPackage {
	/** Absolute package directory (the one holding package.json). */
	dir: string;
	/** package.json `name`; node types in workflows are `<packageName>.<node name>`. */
	packageName: string;
	loader: PackageDirectoryLoader;
	/** INodeTypes over the package's nodes; accepts `<packageName>.<name>` or the bare name. */
	nodeTypes: INodeTypes;
	credentialTypes: CredentialTypeRegistry;
	/** Fully-qualified node type names, e.g. `n8n-nodes-hpe-greenlake.hpeGreenLake`. */
	nodeTypeNames: string[];
	credentialTypeNames: string[];
}

const packageCache = new Map<string, Promise<LoadedPackage>>();

/**
 * Loads a BUILT package with n8n-core's PackageDirectoryLoader (package.json `n8n.nodes` /
 * `n8n.credentials` -> dist/*.js), exactly as n8n loads a community package. Cached per directory
 * (per jest module registry, i.e. per test file). Run `npm run build` first for this repo.
 */
export async function loadPackage(packageDir: string): Promise<LoadedPackage> {
	const dir = resolve(packageDir);
	let cached = packageCache.get(dir);
	if (!cached) {
		cached = doLoadPackage(dir);
		packageCache.set(dir, cached);
		cached.catch(() => packageCache.delete(dir));
	}
	return await cached;
}

async function doLoadPackage(dir: string): Promise<LoadedPackage> {
	const loader = new PackageDirectoryLoader(dir);
	await loader.loadAll();
	const { packageName } = loader;
	const prefix = `${packageName}.`;
	const shortName = (type: string) => (type.startsWith(prefix) ? type.slice(prefix.length) : type);

	const nodeTypes: INodeTypes = {
		getByName(nodeType: string): INodeType | IVersionedNodeType {
			const entry = loader.nodeTypes[shortName(nodeType)];
			if (!entry) {
				throw new UnexpectedError(
					`Unknown node type "${nodeType}" (package ${packageName} has: ${Object.keys(loader.nodeTypes).join(', ')})`,
				);
			}
			return entry.type;
		},
		getByNameAndVersion(nodeType: string, version?: number): INodeType {
			return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		},
		getKnownTypes: () => loader.known.nodes,
	};

	const getCredentialType = (name: string): ICredentialType => {
		const entry = loader.credentialTypes[name];
		if (!entry) {
			throw new UnexpectedError(
				`Unknown credential type "${name}" (not in package ${packageName})`,
			);
		}
		return entry.type;
	};
	const getParentTypes = (name: string): string[] => {
		const extendsArr = loader.credentialTypes[name]?.type.extends ?? [];
		const result = [...extendsArr];
		for (const parent of extendsArr) result.push(...getParentTypes(parent));
		return result;
	};
	const credentialTypes: CredentialTypeRegistry = {
		getByName: getCredentialType,
		getParentTypes,
		getSupportedNodes: (name) =>
			(loader.known.credentials[name]?.supportedNodes ?? []).map((node) => `${prefix}${node}`),
	};

	return {
		dir,
		packageName,
		loader,
		nodeTypes,
		credentialTypes,
		nodeTypeNames: Object.keys(loader.nodeTypes).map((node) => `${prefix}${node}`),
		credentialTypeNames: Object.keys(loader.credentialTypes),
	};
}

// ---------------------------------------------------------------------------------------------
// additionalData
// ---------------------------------------------------------------------------------------------

let executionCounter = 0;
const nextExecutionId = () => `test-exec-${process.pid}-${++executionCounter}`;

const BASE_URL = 'http://127.0.0.1:5678';

/**
 * The minimal IWorkflowExecuteAdditionalData that WorkflowExecute and the node contexts use.
 * Unknown keys read as undefined (notably `evalLlmMockHandler`, which must be unset so requests
 * really go out); n8n-core writes a few keys (executionContext, ...) onto it during a run.
 */
export function createAdditionalData(options: {
	credentialsHelper: TestCredentialsHelper;
	executionId?: string;
	workflowId?: string;
	hooks?: ExecutionLifecycleHooks;
	variables?: IDataObject;
}): IWorkflowExecuteAdditionalData {
	const data: Partial<IWorkflowExecuteAdditionalData> = {
		credentialsHelper: options.credentialsHelper,
		hooks: options.hooks,
		executionId: options.executionId,
		workflowId: options.workflowId,
		userId: 'test-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		variables: options.variables ?? {},
		executeWorkflow: async () => {
			throw new UnexpectedError('Sub-workflows are not supported by the test harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
	};
	return data as IWorkflowExecuteAdditionalData;
}

/**
 * The context n8n gives a node's load-options / list-search methods (e.g. the Tenant picker) for `parameterPath` of a
 * one-node workflow, with the node's credentials served from `credentials`.
 */
export function loadOptionsContext(
	pkg: LoadedPackage,
	credentials: CredentialStore,
	node: INode,
	parameterPath: string,
): LoadOptionsContext {
	const workflow = new Workflow({
		id: 'load-options',
		name: 'Load options',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: pkg.nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const additionalData = createAdditionalData({
		credentialsHelper: new TestCredentialsHelper(credentials, pkg.credentialTypes),
	});
	return new LoadOptionsContext(workflow, workflow.getNode(node.name) as INode, additionalData, parameterPath);
}

// ---------------------------------------------------------------------------------------------
// runWorkflow
// ---------------------------------------------------------------------------------------------

export interface RunWorkflowOptions {
	pkg: LoadedPackage;
	credentials: CredentialStore;
	nodes: INode[];
	connections: IConnections;
	/** Name of the node the execution stack starts at (default: the first node). */
	startNode?: string;
	/** Items fed to the start node (default `[{ json: {} }]`). */
	inputItems?: INodeExecutionData[];
	/** Default 'manual'. */
	mode?: WorkflowExecuteMode;
	/** Workflow static data (`global`, `node:<name>` keys); mutated in place by the run. */
	staticData?: IDataObject;
	settings?: IWorkflowSettings;
	workflowId?: string;
	workflowName?: string;
	variables?: IDataObject;
}

export interface RunResult {
	status: ExecutionStatus;
	/** Workflow-level error (a node threw without continueOnFail), if any. */
	error?: ExecutionError;
	runData: IRunData;
	run: IRun;
	workflow: Workflow;
	credentialsHelper: TestCredentialsHelper;
	/** `json` of every item a node emitted on an output (default run 0, output 0). */
	output(nodeName: string, runIndex?: number, outputIndex?: number): IDataObject[];
	/** Full items (with pairedItem / error / binary) a node emitted (default run 0, output 0). */
	items(nodeName: string, runIndex?: number, outputIndex?: number): INodeExecutionData[];
	/** The error recorded on a node's task data, if the node failed. */
	nodeError(nodeName: string, runIndex?: number): ExecutionError | undefined;
	/** Names of nodes that ran, in first-run order. */
	executedNodes(): string[];
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunResult> {
	const { pkg, credentials, nodes, connections } = options;
	const mode = options.mode ?? 'manual';
	const executionId = nextExecutionId();
	const workflowId = options.workflowId ?? 'test-workflow';
	const workflowName = options.workflowName ?? 'Test workflow';
	const settings: IWorkflowSettings = options.settings ?? { executionOrder: 'v1' };

	if (nodes.length === 0) throw new UnexpectedError('runWorkflow needs at least one node');

	const workflow = new Workflow({
		id: workflowId,
		name: workflowName,
		nodes,
		connections,
		active: false,
		nodeTypes: pkg.nodeTypes,
		staticData: options.staticData,
		settings,
	});

	const startNodeName = options.startNode ?? nodes[0].name;
	const startNode = workflow.getNode(startNodeName);
	if (!startNode) throw new UnexpectedError(`Start node "${startNodeName}" is not in the workflow`);

	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: workflowName,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		settings,
		staticData: options.staticData,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const credentialsHelper = new TestCredentialsHelper(credentials, pkg.credentialTypes);
	const additionalData = createAdditionalData({
		credentialsHelper,
		executionId,
		workflowId,
		hooks,
		variables: options.variables,
	});

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [options.inputItems ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	const run = await new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	const runData = run.data.resultData.runData;

	const items = (nodeName: string, runIndex = 0, outputIndex = 0): INodeExecutionData[] => {
		const task = runData[nodeName]?.[runIndex];
		if (!task) {
			throw new UnexpectedError(
				`Node "${nodeName}" has no run ${runIndex} (ran: ${Object.keys(runData).join(', ') || 'none'})`,
			);
		}
		return task.data?.main?.[outputIndex] ?? [];
	};

	return {
		status: run.status,
		error: run.data.resultData.error,
		runData,
		run,
		workflow,
		credentialsHelper,
		items,
		output: (nodeName, runIndex = 0, outputIndex = 0) =>
			items(nodeName, runIndex, outputIndex).map((item) => item.json),
		nodeError: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		executedNodes: () => Object.keys(runData),
	};
}

// ---------------------------------------------------------------------------------------------
// runPoll
// ---------------------------------------------------------------------------------------------

export interface RunPollOptions {
	pkg: LoadedPackage;
	credentials: CredentialStore;
	node: INode;
	/**
	 * The NODE's static data (what `this.getWorkflowStaticData('node')` returns). Pass the same
	 * object to consecutive calls to simulate successive polls of an active workflow.
	 */
	staticData: IDataObject;
	/** 'trigger' = an active workflow's scheduled poll (default); 'manual' = "Fetch test event". */
	mode?: 'trigger' | 'manual';
	workflowId?: string;
}

export interface PollRun {
	result: INodeExecutionData[][] | null;
	credentialsHelper: TestCredentialsHelper;
}

/**
 * Runs the node type's poll() once with a real n8n-core PollContext, via n8n-core's
 * TriggersAndPollers.runPollFunction (what PollTriggerExecutor calls on each tick).
 */
export async function runPoll(options: RunPollOptions): Promise<INodeExecutionData[][] | null> {
	return (await runPollDetailed(options)).result;
}

export async function runPollDetailed(options: RunPollOptions): Promise<PollRun> {
	const { pkg, credentials, node, staticData } = options;
	const mode: WorkflowExecuteMode = options.mode ?? 'trigger';
	const activation: WorkflowActivateMode = mode === 'manual' ? 'manual' : 'activate';
	const workflowId = options.workflowId ?? 'test-poll-workflow';

	const workflow = new Workflow({
		id: workflowId,
		name: 'Test poll workflow',
		nodes: [node],
		connections: {},
		active: mode !== 'manual',
		nodeTypes: pkg.nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const credentialsHelper = new TestCredentialsHelper(credentials, pkg.credentialTypes);
	const additionalData = createAdditionalData({ credentialsHelper, workflowId });

	const emitted: INodeExecutionData[][][] = [];
	const context = new PollContext(
		workflow,
		workflow.getNode(node.name) as INode,
		additionalData,
		mode,
		activation,
		(data) => {
			emitted.push(data);
		},
		(error) => {
			throw error;
		},
		undefined,
		undefined,
		() => staticData,
	);

	const result = await new TriggersAndPollers().runPollFunction(
		workflow,
		workflow.getNode(node.name) as INode,
		context,
	);
	return { result, credentialsHelper };
}
