import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { recentDeliveries as listRecentDeliveries } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { limitProperty, readPaging, returnAllProperty, toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from './fields';

const properties: INodeProperties[] = [webhookIdProperty, returnAllProperty, limitProperty];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['getRecentDeliveries'] } }, properties);

/** Recent delivery attempts, newest first: status, HTTP code, and failureId + retryStatus for failures. */
export async function execute(ctx: OperationContext, itemIndex: number) {
	const deliveries = await listRecentDeliveries(eventsApiOf(ctx, itemIndex), readWebhookId(ctx, itemIndex), readPaging(ctx, itemIndex));
	return toItems(deliveries, itemIndex);
}

export const getRecentDeliveries = { description, execute };
