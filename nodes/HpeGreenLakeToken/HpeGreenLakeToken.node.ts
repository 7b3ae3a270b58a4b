import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { MAIN_CONNECTION } from '../shared/connectionTypes';
import { searchTenants } from '../shared/methods/listSearch';
import { router } from './actions/router';
import { tokenNodeProperties } from './descriptions/token.description';

export class HpeGreenLakeToken implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HPE GreenLake Token',
		name: 'hpeGreenLakeToken',
		icon: { light: 'file:../../icons/greenlake.svg', dark: 'file:../../icons/greenlake.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ ($parameter["operation"] === "inspectCachedToken" ? "Inspect Cached Token" : "Generate Token") + ($parameter["workspaceScope"] === "tenant" ? " (MSP tenant)" : "") }}',
		description:
			'Get an HPE GreenLake access token (cached, refreshed before expiry, MSP tenant tokens by exchange) for the HTTP Request node and other nodes',
		defaults: { name: 'HPE GreenLake Token' },
		// A token must never reach a language model (an agent's tool output is its input). n8n builds a tool variant from
		// any node that declares usableAsTool; this one is hidden from the node picker, and if a workflow uses it anyway
		// (imported JSON), Generate Token refuses to run and only Inspect Cached Token (no token in it) works.
		usableAsTool: {
			replacements: {
				hidden: true,
				description:
					'Inspect Cached Token only: the expiry and workspace of the cached HPE GreenLake token, never the token. Generate Token is refused for AI agents.',
			},
		},
		inputs: [MAIN_CONNECTION],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'hpeGreenLakeApi', required: true }],
		// Asks n8n to redact these in saved and displayed executions (the next nodes still receive them). No n8n we
		// test applies it yet (2.41.1 and 1.x store them as they are; see README, Security notes); declared for the day
		// one does.
		sensitiveOutputFields: ['access_token', 'authorization_header'],
		properties: tokenNodeProperties,
	};

	methods = { listSearch: { searchTenants } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
