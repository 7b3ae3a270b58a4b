import type { INodeProperties } from 'n8n-workflow';

import { EVENT_TYPE_OPTIONS, MAX_SUBSCRIPTIONS_PER_WEBHOOK } from '../../shared/events/eventTypes';
import { workspaceProperties } from '../../shared/descriptions/workspace.description';

export const eventTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'GreenLake delivers events only to a public https URL. Set WEBHOOK_URL to the https address of this n8n (behind a reverse proxy or a tunnel) before activating. While n8n is down GreenLake retries for up to 12 hours; the HPE GreenLake Trigger (polling) never misses audit events.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: EVENT_TYPE_OPTIONS,
		default: ['com.hpe.greenlake.audit-log.v1.logs.created'],
		description: `The event types to subscribe to; together with the custom types at most ${MAX_SUBSCRIPTIONS_PER_WEBHOOK} (GreenLake's limit per webhook)`,
	},
	{
		displayName: 'Custom Event Types',
		name: 'customEventTypes',
		type: 'string',
		default: '',
		placeholder: 'com.hpe.greenlake.<api-group>.<version>.<resource>.<event>',
		description: 'Comma-separated event types not in the list above, as GreenLake\'s event catalog names them',
	},
	...workspaceProperties,
	{
		displayName: 'Event Filters',
		name: 'eventFilters',
		type: 'fixedCollection',
		placeholder: 'Add Event Filter',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'GreenLake filters events before sending them, on the fields of the event data',
		options: [
			{
				displayName: 'Filter',
				name: 'filter',
				values: [
					{
						displayName: 'Event Type',
						name: 'eventType',
						type: 'string',
						default: 'com.hpe.greenlake.audit-log.v1.logs.created',
						description: 'One of the subscribed event types',
					},
					{
						displayName: 'Filter',
						name: 'eventFilter',
						type: 'string',
						default: '',
						placeholder: "category eq 'user_management'",
						description: "OData-style filter on the event's data (no data/ prefix, / for nested fields): eq ne gt ge lt le, in, and, or, not, startswith()",
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batching',
				name: 'batching',
				type: 'boolean',
				default: false,
				description: 'Whether GreenLake should send events in batches (up to 10 per request, or after about a minute); each event still becomes one item',
			},
			{
				displayName: 'Webhook Description',
				name: 'description',
				type: 'string',
				default: '',
				description: 'Shown in GreenLake (Manage Workspace → Webhooks); at most 100 characters',
			},
		],
	},
];
