import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * Event types GreenLake's catalog publishes (developer portal: audit-log and subscription-management catalogs, the
 * service-catalog event pages). Others can be entered as custom types.
 */
export const EVENT_TYPE_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Audit Log Created',
		value: 'com.hpe.greenlake.audit-log.v1.logs.created',
		description: 'An event was written to the workspace audit log',
	},
	{
		name: 'Expiring Subscriptions',
		value: 'com.hpe.greenlake.subscriptions.v1.expiring-subscriptions',
		description: 'A subscription expires in 90, 60, 30 or 1 days',
	},
	{
		name: 'Service Offer Onboarded',
		value: 'com.hpe.greenlake.service-registry.v1.serviceoffer.onboarded',
	},
	{
		name: 'Service Offer Provisioned',
		value: 'com.hpe.greenlake.service-provision.v1.serviceprovision.provisioned',
	},
	{
		name: 'Service Offer Region Deleted',
		value: 'com.hpe.greenlake.service-registry.v1.serviceofferregion.delete',
	},
	{
		name: 'Service Offer Unprovisioned',
		value: 'com.hpe.greenlake.service-provision.v1.serviceprovision.unprovision',
	},
];

/** GreenLake's documented limits (webhook FAQ). */
export const MAX_WEBHOOKS_PER_WORKSPACE = 5;
export const MAX_SUBSCRIPTIONS_PER_WEBHOOK = 5;

export const WEBHOOKS_PATH = '/events/v1beta1/webhooks';
export const SUBSCRIPTIONS_PATH = '/events/v1beta1/subscriptions';

/** The GreenLake permissions each call needs, named as the role editor shows them. */
export const PERMISSION_HINT =
	'The API client needs the "Automations Webhook" (Read, Create, Update, Delete) and "Automations Subscription" (Read, Create, Delete) permissions: give the user who created the API client a role that includes them (for example Workspace Administrator), then create the API client again.';
