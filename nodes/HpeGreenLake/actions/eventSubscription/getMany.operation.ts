import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listSubscriptions } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { limitProperty, readPaging, returnAllProperty, toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from '../webhook/fields';

const properties: INodeProperties[] = [
	{ ...webhookIdProperty, description: 'GreenLake lists subscriptions per webhook' },
	returnAllProperty,
	limitProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['eventSubscription'], operation: ['getMany'] } }, properties);

export async function execute(ctx: OperationContext, itemIndex: number) {
	const subscriptions = await listSubscriptions(eventsApiOf(ctx, itemIndex), readWebhookId(ctx, itemIndex), readPaging(ctx, itemIndex));
	return toItems(subscriptions, itemIndex);
}

export const getMany = { description, execute };
