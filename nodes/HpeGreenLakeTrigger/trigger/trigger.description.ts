import type { INodeProperties } from 'n8n-workflow';

import { AUDIT_LOG_RETENTION_DAYS } from '../../shared/config';
import { auditLogApiVersionProperty, auditLogFiltersProperty } from '../../shared/descriptions/auditLogFilters.description';
import { workspaceProperties } from '../../shared/descriptions/workspace.description';

/**
 * How far before the newest emitted event each poll reads again, in minutes. GreenLake writes audit events
 * asynchronously (each service reports its own to the audit service), so an event can become visible after events
 * with a later `createdAt`; the platform documents no bound for that delay, and it is usually seconds. Five minutes
 * leaves a wide margin over that at the cost of re-reading five minutes of events (usually a fraction of one page)
 * per poll. An event delayed by more than the overlap is not emitted: raise the option if that happens.
 */
export const DEFAULT_OVERLAP_MINUTES = 5;
export const MAX_OVERLAP_MINUTES = 24 * 60;
export const MAX_LOOK_BACK_HOURS = AUDIT_LOG_RETENTION_DAYS * 24;

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		default: 'newAuditLogEvent',
		options: [
			{
				name: 'New Audit Log Event',
				value: 'newAuditLogEvent',
				description: 'Triggers once for each new event in the workspace audit log, oldest first',
			},
		],
	},
	...workspaceProperties,
	auditLogApiVersionProperty,
	{
		displayName: 'Start From',
		name: 'startFrom',
		type: 'options',
		default: 'now',
		description:
			'Where the first poll after activation starts. Later polls continue from the last event emitted, so changing this on an active workflow has no effect.',
		options: [
			{
				name: 'Now',
				value: 'now',
				description: 'Only events that appear after the workflow is activated',
			},
			{
				name: 'Look Back',
				value: 'lookBack',
				description: 'Also the events of the last hours before activation (delivered by the first poll)',
			},
		],
	},
	{
		displayName: 'Look Back (Hours)',
		name: 'lookBackHours',
		type: 'number',
		default: 24,
		typeOptions: { minValue: 1, maxValue: MAX_LOOK_BACK_HOURS },
		description: `How many hours before activation to start from; at most ${MAX_LOOK_BACK_HOURS} (GreenLake keeps audit logs for about ${AUDIT_LOG_RETENTION_DAYS} days)`,
		displayOptions: { show: { startFrom: ['lookBack'] } },
	},
	auditLogFiltersProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				default: DEFAULT_OVERLAP_MINUTES,
				typeOptions: { minValue: 0, maxValue: MAX_OVERLAP_MINUTES },
				description:
					'How far before the newest event already emitted each poll looks again, to catch events GreenLake indexes late. Events found again are not repeated.',
			},
		],
	},
];
