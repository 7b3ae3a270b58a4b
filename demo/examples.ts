/**
 * The example workflows of `examples/` as the demo and the examples e2e test run them. The files are what users import
 * (credential placeholder, GreenLake's global URL, Docker's file folder); `prepareExample` turns one into a workflow a
 * given n8n instance can run by rewriting exactly those things, so that the files themselves are what gets tested.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The credential reference every example carries; users pick their own credential after importing. */
export const PLACEHOLDER_CREDENTIAL = { id: 'REPLACE_ME', name: 'HPE GreenLake account' };
/** GreenLake's global API host, as the examples' HTTP Request nodes call it. */
export const GREENLAKE_GLOBAL_URL = 'https://global.api.greenlake.hpe.com';
/** n8n 2.x only lets Read/Write Files from Disk use ~/.n8n-files by default; /home/node is the home of n8n's Docker image. */
export const EXAMPLE_FILES_DIR = '/home/node/.n8n-files';

export const PACKAGE_NAME = 'n8n-nodes-hpe-greenlake';
export const TRIGGER_TYPE = `${PACKAGE_NAME}.hpeGreenLakeTrigger`;
export const EVENT_TRIGGER_TYPE = `${PACKAGE_NAME}.hpeGreenLakeEventTrigger`;
const SCHEDULE_TYPE = 'n8n-nodes-base.scheduleTrigger';
const MANUAL_TYPE = 'n8n-nodes-base.manualTrigger';

export interface ExampleNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export interface ExampleWorkflow {
	id?: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Example {
	/** file name in examples/, e.g. audit-log-to-file.json */
	file: string;
	workflow: ExampleWorkflow;
}

/**
 * The repository root: the nearest folder above `from` with this package's package.json and the examples/ folder
 * (works from the sources and from .build/, which holds a copy of package.json but no examples/).
 */
export function findRepoRoot(from = __dirname): string {
	for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
		const pkg = path.join(dir, 'package.json');
		if (
			existsSync(pkg) &&
			existsSync(path.join(dir, 'examples')) &&
			(JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME
		) {
			return dir;
		}
		if (path.dirname(dir) === dir) throw new Error(`findRepoRoot: no ${PACKAGE_NAME} package.json above ${from}`);
	}
}

/** Every examples/*.json, sorted by file name. */
export function readExamples(repoRoot = findRepoRoot()): Example[] {
	const dir = path.join(repoRoot, 'examples');
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ExampleWorkflow }));
}

export function exampleByFile(examples: Example[], file: string): Example {
	const found = examples.find((example) => example.file === file);
	if (!found) throw new Error(`examples/${file} is missing (found: ${examples.map((e) => e.file).join(', ')})`);
	return found;
}

/** The example's webhook trigger node, if it starts with one (it runs only when published and sent an event). */
export function eventTriggerOf(workflow: ExampleWorkflow): ExampleNode | undefined {
	return workflow.nodes.find((node) => node.type === EVENT_TRIGGER_TYPE);
}

/** The example's polling trigger node, if it starts with one (it then runs only when published: see prepareExample). */
export function pollTriggerOf(workflow: ExampleWorkflow): ExampleNode | undefined {
	return workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
}

export interface PrepareOptions {
	/** workflow id in the target n8n: 16 alphanumeric characters */
	id: string;
	/** the credential (of type hpeGreenLakeApi) that replaces the placeholder */
	credential: { id: string; name: string };
	/** replaces GREENLAKE_GLOBAL_URL in every string parameter (e.g. the sandbox URL); omitted: unchanged */
	baseUrl?: string;
	/** replaces EXAMPLE_FILES_DIR in every string parameter (a folder n8n may write to); omitted: unchanged */
	filesDir?: string;
	/**
	 * Replace each Schedule Trigger by a Manual Trigger (same position, connections kept), so that `n8n execute` can run
	 * the workflow at once. A polling trigger cannot be swapped like that: run it published (n8n polls once at activation).
	 */
	manualStart?: boolean;
	/** overrides the workflow name */
	name?: string;
}

function rewriteStrings(value: unknown, replace: (text: string) => string): unknown {
	if (typeof value === 'string') return replace(value);
	if (Array.isArray(value)) return value.map((entry) => rewriteStrings(entry, replace));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, rewriteStrings(entry, replace)]));
	}
	return value;
}

/** A copy of the example, ready for `n8n import:workflow` into an instance that has `options.credential`. */
export function prepareExample(workflow: ExampleWorkflow, options: PrepareOptions): ExampleWorkflow {
	const copy = JSON.parse(JSON.stringify(workflow)) as ExampleWorkflow;
	const replace = (text: string): string => {
		let out = text;
		if (options.baseUrl !== undefined) out = out.split(GREENLAKE_GLOBAL_URL).join(options.baseUrl.replace(/\/+$/, ''));
		if (options.filesDir !== undefined) out = out.split(EXAMPLE_FILES_DIR).join(options.filesDir.replace(/\/+$/, ''));
		return out;
	};
	const renamed = new Map<string, string>();
	copy.nodes = copy.nodes.map((node) => {
		const next: ExampleNode = { ...node, parameters: rewriteStrings(node.parameters, replace) as Record<string, unknown> };
		if (node.credentials?.hpeGreenLakeApi) {
			next.credentials = { ...node.credentials, hpeGreenLakeApi: { ...options.credential } };
		}
		if (options.manualStart && node.type === SCHEDULE_TYPE) {
			const name = `Manual start (instead of "${node.name}")`;
			renamed.set(node.name, name);
			return { id: node.id, name, type: MANUAL_TYPE, typeVersion: 1, position: node.position, parameters: {} };
		}
		return next;
	});
	if (renamed.size > 0) {
		copy.connections = Object.fromEntries(
			Object.entries(copy.connections).map(([source, outputs]) => [
				renamed.get(source) ?? source,
				{ main: outputs.main.map((links) => links.map((link) => ({ ...link, node: renamed.get(link.node) ?? link.node }))) },
			]),
		);
	}
	return {
		...copy,
		id: options.id,
		name: options.name ?? copy.name,
		active: false,
		settings: { executionOrder: 'v1', ...(copy.settings ?? {}) },
	};
}

/** The manual-start workflow must be runnable by `n8n execute`: it needs a Manual Trigger. */
export function hasManualStart(workflow: ExampleWorkflow): boolean {
	return workflow.nodes.some((node) => node.type === MANUAL_TYPE);
}

/** Reads a JSON Lines file's events (as the audit-log example appends them). */
export function parseJsonLines(text: string): Array<Record<string, unknown>> {
	return text
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}
