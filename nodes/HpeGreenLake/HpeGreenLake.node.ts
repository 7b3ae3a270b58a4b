import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { MAIN_CONNECTION } from '../shared/connectionTypes';
import { workspaceProperties } from '../shared/descriptions/workspace.description';
import { apiRequestDescription } from './actions/apiRequest';
import { auditLogDescription } from './actions/auditLog';
import { requestOptionsProperty } from './actions/common';
import { deviceDescription } from './actions/device';
import { eventSubscriptionDescription } from './actions/eventSubscription';
import { subscriptionDescription } from './actions/subscription';
import { userDescription } from './actions/user';
import { webhookDescription } from './actions/webhook';
import { workspaceDescription } from './actions/workspace';
import { searchTenants } from '../shared/methods/listSearch';
import { router } from './actions/router';
import { toolReadOnlyProperty } from './actions/toolPolicy';

export class HpeGreenLake implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HPE GreenLake',
		name: 'hpeGreenLake',
		icon: { light: 'file:../../icons/greenlake.svg', dark: 'file:../../icons/greenlake.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["resource"] === "apiRequest" ? $parameter["method"] + " " + $parameter["path"] : $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Call the HPE GreenLake cloud platform APIs: audit logs, devices, subscriptions, users, workspaces, MSP tenants and webhooks',
		defaults: { name: 'HPE GreenLake' },
		usableAsTool: {
			replacements: {
				description:
					'Read HPE GreenLake: audit logs, devices, subscriptions, users, workspaces and MSP tenants (and any endpoint by path). Read-only unless its "Read Only" setting is turned off. Never returns the access token.',
			},
		},
		inputs: [MAIN_CONNECTION],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'hpeGreenLakeApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'auditLog',
				options: [
					{ name: 'API Request', value: 'apiRequest', description: 'Any GreenLake endpoint, with the managed token' },
					{ name: 'Audit Log', value: 'auditLog' },
					{ name: 'Device', value: 'device' },
					{ name: 'Event Subscription', value: 'eventSubscription', description: 'Which GreenLake events a webhook receives' },
					{ name: 'Subscription', value: 'subscription' },
					{ name: 'User', value: 'user' },
					{ name: 'Webhook', value: 'webhook', description: 'HPE GreenLake for Webhooks: event destinations' },
					{ name: 'Workspace', value: 'workspace' },
				],
			},
			...apiRequestDescription,
			...auditLogDescription,
			...deviceDescription,
			...eventSubscriptionDescription,
			...subscriptionDescription,
			...userDescription,
			...webhookDescription,
			...workspaceDescription,
			...workspaceProperties,
			requestOptionsProperty,
			toolReadOnlyProperty,
		],
	};

	methods = { listSearch: { searchTenants } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
