import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { registerWebhook } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { toItems } from '../common';
import { eventsApiOf, webhookBody, webhookSettingFields } from './fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'siem-forwarder',
		description: 'Unique in the workspace: 1–50 letters, digits, hyphens, dots, at signs or underscores',
	},
	{
		displayName: 'Destination URL',
		name: 'destination',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://hooks.example.com/greenlake',
		description: 'A public https URL without query parameters',
	},
	{
		displayName: 'Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: 'Shared secret for the HMAC challenge and the HPE-Webhook-Signature of every delivery; 4–100 characters (use 16 or more, random); GreenLake never returns it',
	},
	{
		displayName: 'Options',
		name: 'webhookOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: webhookSettingFields,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['register'] } }, properties);

/** Registers a webhook; GreenLake answers PENDING and moves it to ACTIVE once the destination answers its challenge. */
export async function execute(ctx: OperationContext, itemIndex: number) {
	const name = String(ctx.fn.getNodeParameter('name', itemIndex, '')).trim();
	if (!/^[A-Za-z0-9\-.@_]{1,50}$/.test(name)) {
		throw new NodeOperationError(ctx.fn.getNode(), `Name "${name}" is not valid`, {
			description: 'Use 1–50 letters, digits and - . @ _ (unique in the workspace).',
			itemIndex,
		});
	}
	const destination = String(ctx.fn.getNodeParameter('destination', itemIndex, '')).trim();
	const secret = String(ctx.fn.getNodeParameter('secret', itemIndex, ''));
	const options = ctx.fn.getNodeParameter('webhookOptions', itemIndex, {}) as IDataObject;
	const body = webhookBody(ctx, { name, destination, secret, ...options }, itemIndex);
	if (body.secret === undefined) {
		throw new NodeOperationError(ctx.fn.getNode(), 'Secret is empty', { description: 'GreenLake requires a secret of 4–100 characters.', itemIndex });
	}
	return toItems([await registerWebhook(eventsApiOf(ctx, itemIndex), body)], itemIndex);
}

export const register = { description, execute };
