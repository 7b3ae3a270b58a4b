import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { del } from './delete.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { getRecentDeliveries } from './recentDeliveries.operation';
import { register } from './register.operation';
import { retryDelivery } from './retryDelivery.operation';
import { update } from './update.operation';
import { verify } from './verify.operation';

export const webhookOperations: Record<string, Operation> = {
	getMany,
	get,
	register,
	update,
	delete: del,
	verify,
	getRecentDeliveries,
	retryDelivery,
};

export const webhookDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhook'] } },
		default: 'getMany',
		options: [
			{ name: 'Delete', value: 'delete', action: 'Delete a webhook', description: 'Delete a webhook (and its event subscriptions)' },
			{ name: 'Get', value: 'get', action: 'Get a webhook', description: 'Get a webhook and its status' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many webhooks', description: 'List the webhooks of the workspace (at most 5)' },
			{
				name: 'Get Recent Deliveries',
				value: 'getRecentDeliveries',
				action: 'Get recent deliveries of a webhook',
				description: 'Delivery attempts with their HTTP status and failure IDs',
			},
			{ name: 'Register', value: 'register', action: 'Register a webhook', description: 'Register an https destination for GreenLake events' },
			{ name: 'Retry Delivery Failure', value: 'retryDelivery', action: 'Retry a failed delivery', description: 'Send a failed delivery again' },
			{ name: 'Update', value: 'update', action: 'Update a webhook', description: 'Change, pause or resume a webhook' },
			{ name: 'Verify', value: 'verify', action: 'Verify a webhook', description: 'Send the verification challenge to the destination again' },
		],
	},
	...Object.values(webhookOperations).flatMap((operation) => operation.description),
];
