import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteSubscriptions, deleteWebhook, listSubscriptions } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookIdProperty } from './fields';

const properties: INodeProperties[] = [
	webhookIdProperty,
	{
		displayName: 'Delete Its Subscriptions',
		name: 'deleteSubscriptions',
		type: 'boolean',
		default: true,
		description: 'Whether to delete the webhook\'s event subscriptions first (GreenLake refuses to delete a webhook that still has some)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['delete'] } }, properties);

export async function execute(ctx: OperationContext, itemIndex: number) {
	const api = eventsApiOf(ctx, itemIndex);
	const id = readWebhookId(ctx, itemIndex);
	let removed: string[] = [];
	if (ctx.fn.getNodeParameter('deleteSubscriptions', itemIndex, true) as boolean) {
		removed = (await listSubscriptions(api, id)).map((subscription) => String(subscription.id));
		await deleteSubscriptions(api, removed);
	}
	await deleteWebhook(api, id);
	return toItems([{ id: decodeURIComponent(id), deleted: true, deletedSubscriptionIds: removed }], itemIndex);
}

export const del = { description, execute };
