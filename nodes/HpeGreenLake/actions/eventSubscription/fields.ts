import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { EVENT_TYPE_OPTIONS } from '../../../shared/events/eventTypes';
import type { OperationContext } from '../common';

export const eventTypesProperty: INodeProperties = {
	displayName: 'Event Types',
	name: 'eventTypes',
	type: 'multiOptions',
	options: EVENT_TYPE_OPTIONS,
	default: [],
	description: 'Catalogued event types to subscribe the webhook to',
};

export const customEventTypesProperty: INodeProperties = {
	displayName: 'Custom Event Types',
	name: 'customEventTypes',
	type: 'string',
	default: '',
	placeholder: 'com.hpe.greenlake.<api-group>.<version>.<resource>.<event>',
	description: 'Comma-separated event types not in the list',
};

export const eventFilterProperty: INodeProperties = {
	displayName: 'Event Filter',
	name: 'eventFilter',
	type: 'string',
	default: '',
	placeholder: "category eq 'user_management'",
	description: "Optional OData-style filter on the event's data (no data/ prefix; / for nested fields)",
};

/** The catalogued plus custom event types of an item; at least one, each shaped like an event type. */
export function readEventTypes(ctx: OperationContext, itemIndex: number): string[] {
	const listed = ctx.fn.getNodeParameter('eventTypes', itemIndex, []) as string[];
	const custom = String(ctx.fn.getNodeParameter('customEventTypes', itemIndex, ''))
		.split(',')
		.map((type) => type.trim())
		.filter((type) => type !== '');
	const types = [...new Set([...listed, ...custom])];
	if (types.length === 0) {
		throw new NodeOperationError(ctx.fn.getNode(), 'No event type given', { description: 'Choose Event Types or enter Custom Event Types.', itemIndex });
	}
	const malformed = types.find((type) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(type));
	if (malformed) {
		throw new NodeOperationError(ctx.fn.getNode(), `"${malformed}" is not an event type`, {
			description: 'Event types look like com.hpe.greenlake.audit-log.v1.logs.created.',
			itemIndex,
		});
	}
	return types;
}
