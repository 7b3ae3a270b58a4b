import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { MAX_SUBSCRIPTIONS_PER_WEBHOOK } from '../../../shared/events/eventTypes';
import { createSubscriptions } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from '../webhook/fields';
import { customEventTypesProperty, eventFilterProperty, eventTypesProperty, readEventTypes } from './fields';

const properties: INodeProperties[] = [webhookIdProperty, eventTypesProperty, customEventTypesProperty, eventFilterProperty];

export const description = updateDisplayOptions({ show: { resource: ['eventSubscription'], operation: ['create'] } }, properties);

/** Subscribes a webhook to event types in one call (GreenLake takes an array); one output item per subscription. */
export async function execute(ctx: OperationContext, itemIndex: number) {
	const webhookId = readWebhookId(ctx, itemIndex);
	const types = readEventTypes(ctx, itemIndex);
	if (types.length > MAX_SUBSCRIPTIONS_PER_WEBHOOK) {
		throw new NodeOperationError(ctx.fn.getNode(), `${types.length} event types given; GreenLake allows ${MAX_SUBSCRIPTIONS_PER_WEBHOOK} subscriptions per webhook`, { itemIndex });
	}
	const eventFilter = String(ctx.fn.getNodeParameter('eventFilter', itemIndex, '')).trim();
	const created = await createSubscriptions(
		eventsApiOf(ctx, itemIndex),
		decodeURIComponent(webhookId),
		types.map((eventType) => ({ eventType, ...(eventFilter ? { eventFilter } : {}) })),
	);
	return toItems(created, itemIndex);
}

export const create = { description, execute };
