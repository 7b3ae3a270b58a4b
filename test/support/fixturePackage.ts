// Generates a tiny, already-"built" n8n community package into a temp directory, so the workflow
// harness can be proven independently of this repo's own (concurrently written) nodes.
//
// The generated files are plain CommonJS with NO imports at all: they live outside the repo, so a
// `require('n8n-workflow')` would not resolve from there (and a second copy of n8n-workflow would
// break `instanceof` checks anyway). Plain strings ('main') stand in for NodeConnectionTypes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FIXTURE_PACKAGE_NAME = 'n8n-nodes-support-fixture';
export const FIXTURE_CREDENTIAL_TYPE = 'supportFixtureApi';
export const FIXTURE_GET_NODE_TYPE = `${FIXTURE_PACKAGE_NAME}.supportFixtureGet`;
export const FIXTURE_TRIGGER_NODE_TYPE = `${FIXTURE_PACKAGE_NAME}.supportFixtureTrigger`;

const credentialSource = `'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.SupportFixtureApi = void 0;
class SupportFixtureApi {
	constructor() {
		this.name = 'supportFixtureApi';
		this.displayName = 'Support Fixture API';
		this.properties = [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
			{ displayName: 'Secret', name: 'secret', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Access Token', name: 'accessToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
		];
		this.authenticate = {
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
		};
	}
	async preAuthentication(credentials) {
		const response = await this.helpers.httpRequest({
			method: 'POST',
			url: String(credentials.baseUrl).replace(/\\/$/, '') + '/token',
			body: { client_id: credentials.clientId, client_secret: credentials.secret },
			json: true,
		});
		return { accessToken: response.access_token };
	}
}
exports.SupportFixtureApi = SupportFixtureApi;
`;

const getNodeSource = `'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.SupportFixtureGet = void 0;
class SupportFixtureGet {
	constructor() {
		this.description = {
			displayName: 'Support Fixture Get',
			name: 'supportFixtureGet',
			group: ['transform'],
			version: 1,
			description: 'GETs {baseUrl}{path} with the fixture credential',
			defaults: { name: 'Support Fixture Get' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'supportFixtureApi', required: true }],
			properties: [
				{ displayName: 'Path', name: 'path', type: 'string', default: '/data' },
			],
		};
	}
	async execute() {
		const items = this.getInputData();
		const returnData = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const credentials = await this.getCredentials('supportFixtureApi', i);
				const path = this.getNodeParameter('path', i);
				const body = await this.helpers.httpRequestWithAuthentication.call(this, 'supportFixtureApi', {
					method: 'GET',
					url: String(credentials.baseUrl).replace(/\\/$/, '') + path,
					qs: { item: i },
					json: true,
				});
				returnData.push({ json: body, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({ json: { error: error.message }, error, pairedItem: { item: i } });
					continue;
				}
				if (error.context) error.context.itemIndex = i;
				throw error;
			}
		}
		return [returnData];
	}
}
exports.SupportFixtureGet = SupportFixtureGet;
`;

const triggerNodeSource = `'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.SupportFixtureTrigger = void 0;
class SupportFixtureTrigger {
	constructor() {
		this.description = {
			displayName: 'Support Fixture Trigger',
			name: 'supportFixtureTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Polls {baseUrl}/data and counts polls in static data',
			defaults: { name: 'Support Fixture Trigger' },
			polling: true,
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'supportFixtureApi', required: true }],
			properties: [
				{ displayName: 'Fetch', name: 'fetch', type: 'boolean', default: true },
			],
		};
	}
	async poll() {
		const staticData = this.getWorkflowStaticData('node');
		const previous = typeof staticData.counter === 'number' ? staticData.counter : 0;
		staticData.counter = previous + 1;
		const json = { counter: staticData.counter, previous, mode: this.getMode(), activation: this.getActivationMode() };
		if (this.getNodeParameter('fetch', true)) {
			const credentials = await this.getCredentials('supportFixtureApi');
			json.body = await this.helpers.httpRequestWithAuthentication.call(this, 'supportFixtureApi', {
				method: 'GET',
				url: String(credentials.baseUrl).replace(/\\/$/, '') + '/data',
				qs: { poll: staticData.counter },
				json: true,
			});
		}
		return [this.helpers.returnJsonArray([json])];
	}
}
exports.SupportFixtureTrigger = SupportFixtureTrigger;
`;

export interface FixturePackage {
	dir: string;
	cleanup(): void;
}

/** Writes the fixture package (package.json + dist/*.js) into a fresh temp dir. */
export function writeFixturePackage(parentDir: string = tmpdir()): FixturePackage {
	const dir = mkdtempSync(join(parentDir, 'n8n-support-fixture-'));
	const files: Record<string, string> = {
		'package.json': JSON.stringify(
			{
				name: FIXTURE_PACKAGE_NAME,
				version: '0.0.1',
				main: 'index.js',
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: ['dist/credentials/SupportFixtureApi.credentials.js'],
					nodes: [
						'dist/nodes/SupportFixtureGet/SupportFixtureGet.node.js',
						'dist/nodes/SupportFixtureTrigger/SupportFixtureTrigger.node.js',
					],
				},
			},
			null,
			2,
		),
		'dist/credentials/SupportFixtureApi.credentials.js': credentialSource,
		'dist/nodes/SupportFixtureGet/SupportFixtureGet.node.js': getNodeSource,
		'dist/nodes/SupportFixtureTrigger/SupportFixtureTrigger.node.js': triggerNodeSource,
	};
	for (const [relativePath, content] of Object.entries(files)) {
		const target = join(dir, relativePath);
		mkdirSync(dirname(target), { recursive: true });
		writeFileSync(target, content);
	}
	return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
