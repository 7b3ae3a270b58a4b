import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { updateWebhook } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, readWebhookId, webhookBody, webhookIdProperty, webhookSettingFields } from './fields';

const properties: INodeProperties[] = [
	webhookIdProperty,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Destination URL', name: 'destination', type: 'string', default: '' },
			{
				displayName: 'Paused',
				name: 'paused',
				type: 'boolean',
				default: false,
				description: 'Whether to stop deliveries (GreenLake shows the webhook as DISABLED); unpausing verifies it again',
			},
			{ displayName: 'Secret', name: 'secret', type: 'string', typeOptions: { password: true }, default: '' },
			...webhookSettingFields,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['update'] } }, properties);

/** JSON merge patch of the chosen fields; a new destination or secret sends the webhook back to PENDING. */
export async function execute(ctx: OperationContext, itemIndex: number) {
	const id = readWebhookId(ctx, itemIndex);
	const patch = webhookBody(ctx, ctx.fn.getNodeParameter('updateFields', itemIndex, {}) as IDataObject, itemIndex);
	if (Object.keys(patch).length === 0) {
		throw new NodeOperationError(ctx.fn.getNode(), 'Update Fields is empty', { description: 'Add at least one field to change.', itemIndex });
	}
	return toItems([await updateWebhook(eventsApiOf(ctx, itemIndex), id, patch)], itemIndex);
}

export const update = { description, execute };
