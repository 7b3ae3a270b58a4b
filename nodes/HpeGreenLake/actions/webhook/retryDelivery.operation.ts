import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkedId, retryDeliveryFailure } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from './fields';

const properties: INodeProperties[] = [
	webhookIdProperty,
	{
		displayName: 'Failure ID',
		name: 'failureId',
		type: 'string',
		required: true,
		default: '',
		description: 'The failureId of a recent delivery whose retryStatus is RETRY',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['retryDelivery'] } }, properties);

/** Sends a failed delivery again; the output carries the destination's new answer (httpResponseCode). */
export async function execute(ctx: OperationContext, itemIndex: number) {
	const failureId = checkedId(ctx.fn, ctx.fn.getNodeParameter('failureId', itemIndex, ''), 'Failure ID', itemIndex);
	return toItems([await retryDeliveryFailure(eventsApiOf(ctx, itemIndex), readWebhookId(ctx, itemIndex), failureId)], itemIndex);
}

export const retryDelivery = { description, execute };
