/**
 * Shared pieces of the security suite: a foreign loopback listener that records every request (and every
 * Authorization header) it receives, a probe node that calls the credential exactly as n8n's HTTP Request node does,
 * and a tally of hostile inputs tried and held, printed per file for the report.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';

import type { LoadedPackage } from '../support/workflowRunner';

export interface RecordedRequest {
	method: string;
	url: string;
	authorization?: string;
	headers: IncomingMessage['headers'];
}

export interface ForeignListener {
	/** http://127.0.0.1:<port> */
	url: string;
	port: number;
	requests: RecordedRequest[];
	/** How many requests carried an Authorization header. */
	authorizations(): number;
	reset(): void;
	close(): Promise<void>;
}

/**
 * A loopback server on its own port: a different origin from the sandbox, so the package must treat it as a foreign
 * host. `answer` decides the response (default 200 `{}`).
 */
export async function startForeignListener(
	answer: (req: RecordedRequest) => { status: number; body?: unknown } = () => ({ status: 200, body: {} }),
): Promise<ForeignListener> {
	const requests: RecordedRequest[] = [];
	const server: Server = createServer((req, res) => {
		const recorded: RecordedRequest = {
			method: String(req.method),
			url: String(req.url),
			authorization: req.headers.authorization,
			headers: req.headers,
		};
		requests.push(recorded);
		req.resume();
		req.on('end', () => {
			const { status, body } = answer(recorded);
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body ?? {}));
		});
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		authorizations: () => requests.filter((request) => request.authorization !== undefined).length,
		reset: () => {
			requests.length = 0;
		},
		close: async () => await new Promise<void>((done) => server.close(() => done())),
	};
}

/** Counts hostile inputs: `tried` when a probe starts, `held` when its assertions pass. */
export class HostileTally {
	tried = 0;

	held = 0;

	constructor(private readonly area: string) {}

	/** A jest test for one hostile input. */
	probe(name: string, fn: () => Promise<void>, timeout?: number): void {
		it(name, async () => {
			this.tried += 1;
			await fn();
			this.held += 1;
		}, timeout);
	}

	/** Call in afterAll: prints "[security] area: N hostile inputs tried, N held". */
	report(): void {
		process.stdout.write(`[security] ${this.area}: ${this.tried} hostile inputs tried, ${this.held} held\n`);
	}
}

export const PROBE_NODE_TYPE = 'n8n-nodes-security-probe.httpRequestProbe';

/**
 * Calls the credential the way n8n's HTTP Request node does with "Authentication → Predefined Credential Type":
 * v4.2's legacy `requestWithAuthentication` with its default options (follow every redirect, send credentials on
 * cross-origin redirects: `nodeVersion < 4.4`), or the modern `httpRequestWithAuthentication` (declarative nodes, the
 * credential Test). Parameters: url, helper ('legacy' | 'modern').
 */
const probeNodeType: INodeType = {
	description: {
		displayName: 'HTTP Request Probe',
		name: 'httpRequestProbe',
		group: ['transform'],
		version: 1,
		description: 'Security test stand-in for n8n\'s HTTP Request node',
		defaults: { name: 'HTTP Request Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'hpeGreenLakeApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Helper', name: 'helper', type: 'string', default: 'legacy' },
		],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (let item = 0; item < this.getInputData().length; item++) {
			const url = this.getNodeParameter('url', item) as string;
			const helper = this.getNodeParameter('helper', item) as string;
			let body: unknown;
			if (helper === 'modern') {
				body = await this.helpers.httpRequestWithAuthentication.call(this, 'hpeGreenLakeApi', { url, method: 'GET', json: true } as IHttpRequestOptions);
			} else {
				body = await this.helpers.requestWithAuthentication.call(
					this,
					'hpeGreenLakeApi',
					{
						headers: {},
						method: 'GET',
						uri: url,
						gzip: true,
						rejectUnauthorized: true,
						followRedirect: true,
						followAllRedirects: true,
						resolveWithFullResponse: true,
						sendCredentialsOnCrossOriginRedirect: true,
						json: true,
					},
					undefined,
					item,
				);
				body = (body as { body: unknown }).body;
			}
			out.push({ json: (typeof body === 'object' && body !== null ? body : { body }) as IDataObject, pairedItem: { item } });
		}
		return [out];
	},
};

/** The package plus the probe node type. */
export function withProbeNode(pkg: LoadedPackage): LoadedPackage {
	const nodeTypes: INodeTypes = {
		getByName: (type) => (type === PROBE_NODE_TYPE ? probeNodeType : pkg.nodeTypes.getByName(type)),
		getByNameAndVersion: (type, version) =>
			type === PROBE_NODE_TYPE ? probeNodeType : pkg.nodeTypes.getByNameAndVersion(type, version),
		getKnownTypes: () => pkg.nodeTypes.getKnownTypes(),
	};
	return { ...pkg, nodeTypes };
}

/** Loopback spellings of 127.0.0.1 (and localhost) at a port. */
export function loopbackForms(port: number): string[] {
	return [
		`http://127.0.0.1:${port}`,
		`http://localhost:${port}`,
		`http://127.1:${port}`,
		`http://2130706433:${port}`,
		`http://0x7f.0.0.1:${port}`,
		`http://0177.0.0.1:${port}`,
		`http://[::ffff:127.0.0.1]:${port}`,
		`http://LOCALHOST.:${port}`,
	];
}
