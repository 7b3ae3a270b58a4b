import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { create } from './create.operation';
import { del } from './delete.operation';
import { getMany } from './getMany.operation';
import { update } from './update.operation';

export const eventSubscriptionOperations: Record<string, Operation> = {
	getMany,
	create,
	update,
	delete: del,
};

export const eventSubscriptionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['eventSubscription'] } },
		default: 'getMany',
		options: [
			{ name: 'Create', value: 'create', action: 'Subscribe a webhook to events', description: 'Subscribe a webhook to event types (at most 5 per webhook)' },
			{ name: 'Delete', value: 'delete', action: 'Delete event subscriptions' },
			{ name: 'Get Many', value: 'getMany', action: 'Get the event subscriptions of a webhook' },
			{ name: 'Update', value: 'update', action: 'Update an event subscription', description: 'Change the event type or filter of a subscription' },
		],
	},
	...Object.values(eventSubscriptionOperations).flatMap((operation) => operation.description),
];
