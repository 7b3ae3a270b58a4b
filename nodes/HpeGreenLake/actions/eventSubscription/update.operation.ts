import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkedId, updateSubscriptions } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from '../webhook/fields';
import { eventFilterProperty } from './fields';

const properties: INodeProperties[] = [
	{ displayName: 'Subscription ID', name: 'subscriptionId', type: 'string', required: true, default: '' },
	{ ...webhookIdProperty, description: 'The webhook the subscription delivers to (GreenLake requires it on every update)' },
	{
		displayName: 'Event Type',
		name: 'eventType',
		type: 'string',
		required: true,
		default: 'com.hpe.greenlake.audit-log.v1.logs.created',
	},
	{ ...eventFilterProperty, description: 'The new filter; empty removes it' },
];

export const description = updateDisplayOptions({ show: { resource: ['eventSubscription'], operation: ['update'] } }, properties);

export async function execute(ctx: OperationContext, itemIndex: number) {
	const subscriptionId = decodeURIComponent(checkedId(ctx.fn, ctx.fn.getNodeParameter('subscriptionId', itemIndex, ''), 'Subscription ID', itemIndex));
	const webhookId = decodeURIComponent(readWebhookId(ctx, itemIndex));
	const eventType = String(ctx.fn.getNodeParameter('eventType', itemIndex, '')).trim();
	const eventFilter = String(ctx.fn.getNodeParameter('eventFilter', itemIndex, '')).trim();
	const updated = await updateSubscriptions(eventsApiOf(ctx, itemIndex), [{ subscriptionId, webhookId, eventType, eventFilter }]);
	return toItems(updated, itemIndex);
}

export const update = { description, execute };
