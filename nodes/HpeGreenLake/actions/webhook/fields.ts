import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { EventsApi } from '../../../shared/events/webhooksApi';
import { checkedId } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { requestDefaults } from '../common';

/** The events API of an item: its session and its workspace, retry and timeout settings. */
export function eventsApiOf(ctx: OperationContext, itemIndex: number): EventsApi {
	return { ctx: ctx.fn, session: ctx.session, defaults: requestDefaults(ctx, itemIndex) };
}

export const webhookIdProperty: INodeProperties = {
	displayName: 'Webhook ID',
	name: 'webhookId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '0b6d4f6e-2c1a-4b9e-9d0f-5a7e8c3b2a10',
	description: 'The webhook\'s ID, as Webhook → Get Many returns it',
};

export function readWebhookId(ctx: OperationContext, itemIndex: number): string {
	return checkedId(ctx.fn, ctx.fn.getNodeParameter('webhookId', itemIndex, ''), 'Webhook ID', itemIndex);
}

/** Fields of a webhook registration that Register (options) and Update (fields to change) share. */
export const webhookSettingFields: INodeProperties[] = [
	{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'At most 100 characters' },
	{
		displayName: 'Batching',
		name: 'batching',
		type: 'boolean',
		default: false,
		description: 'Whether GreenLake sends events in batches (JSON arrays) instead of one request per event',
	},
	{
		displayName: 'Verification Challenge',
		name: 'challengeRequestEnabled',
		type: 'boolean',
		default: true,
		description: 'Whether GreenLake verifies the destination with an HMAC challenge before delivering (recommended)',
	},
	{
		displayName: 'Secondary Secret',
		name: 'secondarySecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'A second secret during rotation: set the new one here, move receivers to it, then make it the Secret and clear this',
	},
	{
		displayName: 'Destination Authentication',
		name: 'authType',
		type: 'options',
		default: '',
		description: 'How GreenLake authenticates to the destination, besides the signature',
		options: [
			{ name: 'None (Signature Only)', value: '' },
			{ name: 'API Key', value: 'APIKey', description: 'Sent as the Authorization header, as is' },
			{ name: 'OAuth Client Credentials', value: 'Oauth', description: 'GreenLake gets a token from your issuer and sends it as Bearer' },
		],
	},
	{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
	{ displayName: 'OAuth Client ID', name: 'clientId', type: 'string', default: '' },
	{ displayName: 'OAuth Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
	{ displayName: 'OAuth Issuer URL', name: 'issuerUrl', type: 'string', default: '', placeholder: 'https://idp.example.com/oauth2/token' },
];

const SECRET_FIELDS = new Set(['secret', 'secondarySecret', 'apiKey', 'clientSecret']);

/** The chosen fields as GreenLake's body expects them; empty secret fields are left out rather than sent. */
export function webhookBody(ctx: OperationContext, fields: IDataObject, itemIndex: number): IDataObject {
	const body: IDataObject = {};
	for (const [key, value] of Object.entries(fields)) {
		if (SECRET_FIELDS.has(key) && key !== 'secondarySecret' && value === '') continue;
		body[key] = value;
	}
	if (typeof body.description === 'string' && body.description.length > 100) {
		throw new NodeOperationError(ctx.fn.getNode(), `Description has ${body.description.length} characters; GreenLake allows 100`, { itemIndex });
	}
	for (const key of ['secret', 'secondarySecret'] as const) {
		const value = body[key];
		if (typeof value === 'string' && value !== '' && (value.length < 4 || value.length > 100)) {
			throw new NodeOperationError(ctx.fn.getNode(), `${key === 'secret' ? 'Secret' : 'Secondary Secret'} must be 4–100 characters`, {
				description: 'Use a long random value (at least 16 characters); GreenLake accepts 4–100.',
				itemIndex,
			});
		}
	}
	return body;
}
