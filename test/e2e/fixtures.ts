/**
 * A tiny community package generated at test time, used to prove the real-n8n harness (`n8n.ts`) independently of the
 * product's nodes. It is written into a temp folder and packed with `npm pack`; it is never committed as a package.
 *
 *   package  n8n-nodes-harness-fixture@0.0.1  (keyword n8n-community-node-package, n8n.n8nNodesApiVersion 1)
 *   node     harnessEcho        -> workflow type 'n8n-nodes-harness-fixture.harnessEcho'
 *            parameter `note` (string); credential `harnessFixtureApi` (required)
 *            output: each input item's json plus { note, credLabel, secretEcho, itemIndex }
 *            sensitiveOutputFields: ['secretEcho'] (so the harness can show n8n redacting a field in saved executions)
 *   cred     harnessFixtureApi  fields `label` (string) and `apiKey` (password)
 *
 * Exports: FIXTURE_PACKAGE, FIXTURE_NODE_TYPE, FIXTURE_CREDENTIAL_TYPE, writeFixturePackage(dir),
 * packFixturePackage() (cached per process), echoWorkflow(...), unknownNodeWorkflow(...), webhookEchoWorkflow(...),
 * largeResultWorkflow(...) with largeRecord(i).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { onHarnessCleanup, registerTempPath, runCommand } from './n8n';

export const FIXTURE_PACKAGE = 'n8n-nodes-harness-fixture';
export const FIXTURE_NODE_TYPE = `${FIXTURE_PACKAGE}.harnessEcho`;
export const FIXTURE_CREDENTIAL_TYPE = 'harnessFixtureApi';

const PACKAGE_JSON = {
	name: FIXTURE_PACKAGE,
	version: '0.0.1',
	description: 'Generated fixture for the n8n-nodes-hpe-greenlake e2e harness',
	license: 'MIT',
	main: 'index.js',
	keywords: ['n8n-community-node-package'],
	files: ['index.js', 'dist'],
	n8n: {
		n8nNodesApiVersion: 1,
		credentials: ['dist/credentials/HarnessFixtureApi.credentials.js'],
		nodes: ['dist/nodes/HarnessEcho/HarnessEcho.node.js'],
	},
};

// Plain CommonJS, no dependencies: the class name must match the file name (n8n's loader derives it from the file).
const NODE_JS = `'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.HarnessEcho = void 0;
class HarnessEcho {
	constructor() {
		this.description = {
			displayName: 'Harness Echo',
			name: 'harnessEcho',
			group: ['transform'],
			version: 1,
			description: 'Echoes its input items plus a parameter and a credential field',
			defaults: { name: 'Harness Echo' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'harnessFixtureApi', required: true }],
			sensitiveOutputFields: ['secretEcho'],
			properties: [
				{ displayName: 'Note', name: 'note', type: 'string', default: '' },
			],
		};
	}
	async execute() {
		const items = this.getInputData();
		const credentials = await this.getCredentials('harnessFixtureApi');
		const out = items.map((item, i) => ({
			json: Object.assign({}, item.json, {
				note: this.getNodeParameter('note', i, ''),
				credLabel: credentials.label,
				secretEcho: credentials.apiKey,
				itemIndex: i,
			}),
			pairedItem: { item: i },
		}));
		return [out];
	}
}
exports.HarnessEcho = HarnessEcho;
`;

const CREDENTIAL_JS = `'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.HarnessFixtureApi = void 0;
class HarnessFixtureApi {
	constructor() {
		this.name = 'harnessFixtureApi';
		this.displayName = 'Harness Fixture API';
		this.properties = [
			{ displayName: 'Label', name: 'label', type: 'string', default: '' },
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		];
	}
}
exports.HarnessFixtureApi = HarnessFixtureApi;
`;

/** Writes the fixture package's files into `dir` (created if missing). */
export async function writeFixturePackage(dir: string): Promise<void> {
	await fs.mkdir(path.join(dir, 'dist/nodes/HarnessEcho'), { recursive: true });
	await fs.mkdir(path.join(dir, 'dist/credentials'), { recursive: true });
	await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify(PACKAGE_JSON, null, '\t') + '\n');
	await fs.writeFile(path.join(dir, 'index.js'), 'module.exports = {};\n');
	await fs.writeFile(path.join(dir, 'dist/nodes/HarnessEcho/HarnessEcho.node.js'), NODE_JS);
	await fs.writeFile(path.join(dir, 'dist/credentials/HarnessFixtureApi.credentials.js'), CREDENTIAL_JS);
}

let fixtureTarball: Promise<string> | undefined;
onHarnessCleanup(() => {
	fixtureTarball = undefined;
});

/** Generates the fixture package into a temp folder and `npm pack`s it; returns the .tgz path (cached per process). */
export function packFixturePackage(): Promise<string> {
	if (!fixtureTarball) {
		fixtureTarball = (async () => {
			const root = await fs.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-fixture-'));
			registerTempPath(root);
			const pkgDir = path.join(root, 'package');
			await writeFixturePackage(pkgDir);
			await runCommand('pack fixture package', 'npm', ['pack', '--ignore-scripts', '--pack-destination', root], {
				cwd: pkgDir,
				timeoutMs: 60_000,
			});
			return path.join(root, `${FIXTURE_PACKAGE}-${PACKAGE_JSON.version}.tgz`);
		})();
		fixtureTarball.catch(() => {
			fixtureTarball = undefined;
		});
	}
	return fixtureTarball;
}

const TRIGGER_NODE = {
	id: '0a0a0a0a-0000-4000-8000-000000000001',
	name: 'Manual Trigger',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A Harness Echo node. */
function echoNode(opts: { id: string; name: string; x: number; note: string; credential: { id: string; name: string } }) {
	return {
		id: opts.id,
		name: opts.name,
		type: FIXTURE_NODE_TYPE,
		typeVersion: 1,
		position: [opts.x, 0],
		parameters: { note: opts.note },
		credentials: { [FIXTURE_CREDENTIAL_TYPE]: opts.credential },
	};
}

/** Manual Trigger -> Harness Echo (named `echoName`), using the credential `credential`. */
export function echoWorkflow(opts: {
	id: string;
	credential: { id: string; name: string };
	note: string;
	echoName?: string;
}): Record<string, unknown> {
	const echoName = opts.echoName ?? 'Echo';
	return {
		id: opts.id,
		name: `Harness echo ${opts.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { [TRIGGER_NODE.name]: { main: [[{ node: echoName, type: 'main', index: 0 }]] } },
		nodes: [
			TRIGGER_NODE,
			echoNode({ id: '0a0a0a0a-0000-4000-8000-000000000002', name: echoName, x: 220, note: opts.note, credential: opts.credential }),
		],
	};
}

/** Manual Trigger -> a node of the (missing) type `nodeType`. */
export function unknownNodeWorkflow(opts: { id: string; nodeType: string; nodeName?: string }): Record<string, unknown> {
	const nodeName = opts.nodeName ?? 'Ghost';
	return {
		id: opts.id,
		name: `Harness unknown node ${opts.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { [TRIGGER_NODE.name]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		nodes: [
			TRIGGER_NODE,
			{
				id: '0a0a0a0a-0000-4000-8000-000000000003',
				name: nodeName,
				type: opts.nodeType,
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
	};
}

/** Webhook (POST /<path>, responds with the last node's first item) -> Harness Echo. Publish it before start(). */
export function webhookEchoWorkflow(opts: {
	id: string;
	path: string;
	credential: { id: string; name: string };
	note: string;
}): Record<string, unknown> {
	return {
		id: opts.id,
		name: `Harness webhook ${opts.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { Webhook: { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: '0a0a0a0a-0000-4000-8000-000000000004',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '0a0a0a0a-0000-4000-8000-0000000000aa',
				parameters: { httpMethod: 'POST', path: opts.path, responseMode: 'lastNode', options: {} },
			},
			echoNode({ id: '0a0a0a0a-0000-4000-8000-000000000005', name: 'Echo', x: 220, note: opts.note, credential: opts.credential }),
		],
	};
}

/** Record `i` of largeResultWorkflow: multi-byte characters, quotes, a backslash, a tab and a newline in every one. */
export function largeRecord(i: number): { i: number; id: string; text: string } {
	return { i, id: `rec-${String(i).padStart(6, '0')}`, text: `ünïcødé € 😀 "quoted" \\ back\tslash\nline ${i}` };
}

/** Manual Trigger -> Code node "Records" (`count` items: largeRecord(0 … count-1)) -> Harness Echo ("Echo"). */
export function largeResultWorkflow(opts: { id: string; count: number; credential: { id: string; name: string }; note: string }): Record<
	string,
	unknown
> {
	return {
		id: opts.id,
		name: `Harness large result ${opts.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			[TRIGGER_NODE.name]: { main: [[{ node: 'Records', type: 'main', index: 0 }]] },
			Records: { main: [[{ node: 'Echo', type: 'main', index: 0 }]] },
		},
		nodes: [
			TRIGGER_NODE,
			{
				id: '0a0a0a0a-0000-4000-8000-000000000006',
				name: 'Records',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode: `const largeRecord = ${largeRecord.toString()};\nreturn Array.from({ length: ${opts.count} }, (_, i) => ({ json: largeRecord(i) }));`,
				},
			},
			echoNode({ id: '0a0a0a0a-0000-4000-8000-000000000007', name: 'Echo', x: 440, note: opts.note, credential: opts.credential }),
		],
	};
}
