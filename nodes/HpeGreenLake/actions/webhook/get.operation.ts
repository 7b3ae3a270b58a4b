import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getWebhook } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from './fields';

const properties: INodeProperties[] = [webhookIdProperty];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['get'] } }, properties);

/** One webhook with its status (PENDING, ACTIVE, WARNING, ERROR, DISABLED) and stateReason. */
export async function execute(ctx: OperationContext, itemIndex: number) {
	return toItems([await getWebhook(eventsApiOf(ctx, itemIndex), readWebhookId(ctx, itemIndex))], itemIndex);
}

export const get = { description, execute };
