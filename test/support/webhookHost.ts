// In-process host for a webhook trigger node: what n8n does for one webhook trigger, with n8n-core's real
// HookContext (checkExists/create/delete) and WebhookContext (webhook()), behind a loopback HTTP server that stands in
// for n8n's /webhook endpoint (raw body kept, as n8n's body parser does). Executions are recorded, not run.
//
// Import './workflowRunner' (which loads './env') before this module.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IWebhookData,
	IWebhookDescription,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { CredentialStore } from './credentialStore';
import { TestCredentialsHelper } from './credentialsHelper';
import type { LoadedPackage } from './workflowRunner';
import { createAdditionalData } from './workflowRunner';

export interface HostedResponse {
	method: string;
	status: number;
	body: string;
	headers: Record<string, string>;
}

export interface WebhookHostOptions {
	pkg: LoadedPackage;
	credentials: CredentialStore;
	node: INode;
	/** 'trigger' (published workflow, production URL) or 'manual' (Listen for test event). Default 'trigger'. */
	mode?: WorkflowExecuteMode;
	/** Base URL n8n would advertise instead of this host's own (e.g. to test WEBHOOK_URL checks). */
	advertisedBaseUrl?: string;
	staticData?: IDataObject;
}

export class WebhookHost {
	readonly executions: INodeExecutionData[][] = [];
	readonly responses: HostedResponse[] = [];
	readonly staticData: IDataObject;
	readonly workflow: Workflow;
	private readonly server: http.Server;
	private baseUrl = '';
	private readonly mode: WorkflowExecuteMode;
	private readonly nodeType: INodeType;
	private readonly credentialsHelper: TestCredentialsHelper;

	private constructor(private readonly options: WebhookHostOptions) {
		this.mode = options.mode ?? 'trigger';
		this.staticData = options.staticData ?? {};
		this.workflow = new Workflow({
			id: 'eventTriggerWf01',
			name: 'Event trigger test',
			nodes: [options.node],
			connections: {},
			active: this.mode !== 'manual',
			nodeTypes: options.pkg.nodeTypes,
			staticData: this.staticData,
			settings: { executionOrder: 'v1' },
		});
		this.nodeType = options.pkg.nodeTypes.getByNameAndVersion(options.node.type, 1);
		this.credentialsHelper = new TestCredentialsHelper(options.credentials, options.pkg.credentialTypes);
		this.server = http.createServer((req, res) => {
			void this.handle(req, res).catch((error: unknown) => {
				if (!res.headersSent) res.writeHead(500);
				res.end(String((error as Error)?.message ?? error));
			});
		});
	}

	static async start(options: WebhookHostOptions): Promise<WebhookHost> {
		const host = new WebhookHost(options);
		await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
		host.baseUrl = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
		return host;
	}

	private get node(): INode {
		return this.workflow.getNode(this.options.node.name) as INode;
	}

	private additionalData(extra: Partial<IWorkflowExecuteAdditionalData> = {}): IWorkflowExecuteAdditionalData {
		const base = this.options.advertisedBaseUrl ?? this.baseUrl;
		const data = createAdditionalData({ credentialsHelper: this.credentialsHelper, workflowId: this.workflow.id });
		Object.assign(data, { webhookBaseUrl: `${base}/webhook`, webhookTestBaseUrl: `${base}/webhook-test`, ...extra });
		return data;
	}

	private webhookData(additionalData: IWorkflowExecuteAdditionalData): IWebhookData {
		const description = this.nodeType.description.webhooks![0] as IWebhookDescription;
		return {
			httpMethod: 'POST',
			node: this.node.name,
			path: `${this.node.webhookId}/${String(description.path)}`,
			webhookDescription: description,
			workflowId: this.workflow.id,
			workflowExecuteAdditionalData: additionalData,
			isTest: this.mode === 'manual',
		};
	}

	private hook(): HookContext {
		const additionalData = this.additionalData();
		return new HookContext(this.workflow, this.node, additionalData, this.mode, this.mode === 'manual' ? 'manual' : 'activate', this.webhookData(additionalData));
	}

	private methods() {
		const methods = this.nodeType.webhookMethods?.default;
		if (!methods) throw new Error(`${this.node.type} has no webhookMethods.default`);
		return methods;
	}

	/** n8n's activation: checkExists, and create when it says false. Returns whether create ran. */
	async activate(): Promise<boolean> {
		const methods = this.methods();
		if (await methods.checkExists.call(this.hook())) return false;
		await methods.create.call(this.hook());
		return true;
	}

	async checkExists(): Promise<boolean> {
		return await this.methods().checkExists.call(this.hook());
	}

	async deactivate(): Promise<boolean> {
		return await this.methods().delete.call(this.hook());
	}

	/** The URL the node registers (n8n's production or test webhook URL). */
	get url(): string {
		return `${this.baseUrl}/${this.mode === 'manual' ? 'webhook-test' : 'webhook'}/${String(this.node.webhookId)}/webhook`;
	}

	/** Sends a request to the hosted webhook (for forged deliveries). */
	async post(body: string, headers: Record<string, string> = {}, method = 'POST'): Promise<HostedResponse> {
		const res = await fetch(this.url, { method, headers: { 'content-type': 'application/json', ...headers }, body: method === 'OPTIONS' ? undefined : body });
		const text = await res.text();
		return { method, status: res.status, body: text, headers: Object.fromEntries([...(res.headers as unknown as Iterable<[string, string]>)]) };
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		let body: unknown = {};
		try {
			body = rawBody.length > 0 ? JSON.parse(rawBody.toString('utf8')) : {};
		} catch {
			// n8n's body parser would answer 400 itself; the node sees the raw body either way
		}
		const request = Object.assign(req, { body, rawBody, params: {}, query: {}, path: req.url });
		let status = 200;
		let sent: string | undefined;
		const response = Object.assign(res, {
			status(code: number) {
				status = code;
				return response;
			},
			json(value: unknown) {
				sent = JSON.stringify(value);
				res.setHeader('content-type', 'application/json');
				res.writeHead(status);
				res.end(sent);
				return response;
			},
		});
		const originalEnd = res.end.bind(res);
		const additionalData = this.additionalData({ httpRequest: request as never, httpResponse: response as never });
		const context = new WebhookContext(this.workflow, this.node, additionalData, this.mode === 'manual' ? 'manual' : 'webhook', this.webhookData(additionalData), [], null);
		const result = await this.nodeType.webhook!.call(context);
		if (!res.headersSent) {
			res.writeHead(status);
			originalEnd(sent ?? '');
		}
		this.responses.push({ method: req.method ?? '', status: res.statusCode, body: sent ?? '', headers: {} });
		if (result.workflowData) this.executions.push(result.workflowData[0]);
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
	}
}
