import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { verifyWebhook } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from './fields';

const properties: INodeProperties[] = [webhookIdProperty];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['verify'] } }, properties);

/** Sends GreenLake's challenge to the destination again; destinationResponse says what it answered. */
export async function execute(ctx: OperationContext, itemIndex: number) {
	return toItems([await verifyWebhook(eventsApiOf(ctx, itemIndex), readWebhookId(ctx, itemIndex))], itemIndex);
}

export const verify = { description, execute };
