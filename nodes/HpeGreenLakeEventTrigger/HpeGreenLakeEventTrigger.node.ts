import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { MAIN_CONNECTION } from '../shared/connectionTypes';
import { searchTenants } from '../shared/methods/listSearch';
import { eventTriggerProperties } from './trigger/eventTrigger.description';
import { receive } from './trigger/receive';
import { checkExists, create, remove } from './trigger/registration';

export class HpeGreenLakeEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HPE GreenLake Event Trigger',
		name: 'hpeGreenLakeEventTrigger',
		icon: { light: 'file:../../icons/greenlake.svg', dark: 'file:../../icons/greenlake.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).length + " event type(s)" + ($parameter["workspaceScope"] === "tenant" ? " (MSP tenant)" : "")}}',
		description: 'Starts the workflow the moment GreenLake publishes an event (webhook, registered and removed automatically)',
		defaults: { name: 'HPE GreenLake Event Trigger' },
		inputs: [],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'hpeGreenLakeApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: eventTriggerProperties,
	};

	methods = { listSearch: { searchTenants } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive(this);
	}
}
