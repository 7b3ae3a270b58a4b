import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { checkedId, deleteSubscriptions } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf } from '../webhook/fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Subscription IDs',
		name: 'subscriptionIds',
		type: 'string',
		required: true,
		default: '',
		description: 'Comma-separated IDs of the subscriptions to delete (one request)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['eventSubscription'], operation: ['delete'] } }, properties);

export async function execute(ctx: OperationContext, itemIndex: number) {
	const ids = String(ctx.fn.getNodeParameter('subscriptionIds', itemIndex, ''))
		.split(',')
		.map((id) => id.trim())
		.filter((id) => id !== '')
		.map((id) => decodeURIComponent(checkedId(ctx.fn, id, 'Subscription ID', itemIndex)));
	if (ids.length === 0) {
		throw new NodeOperationError(ctx.fn.getNode(), 'Subscription IDs is empty', { description: 'Enter at least one subscription ID.', itemIndex });
	}
	await deleteSubscriptions(eventsApiOf(ctx, itemIndex), ids);
	return toItems([{ deleted: true, ids }], itemIndex);
}

export const del = { description, execute };
