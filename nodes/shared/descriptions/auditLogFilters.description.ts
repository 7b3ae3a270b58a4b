import type { INodeProperties } from 'n8n-workflow';

/**
 * The audit-log API version and filters, shared by the HPE GreenLake node (Audit Log → Get Many) and the HPE GreenLake
 * Trigger (New Audit Log Event) so both read and behave the same. `readAuditLogFilters` (shared/transport/
 * auditLogFilters.ts) turns the values into the path and filter clauses.
 */
export const auditLogApiVersionProperty: INodeProperties = {
	displayName: 'API Version',
	name: 'apiVersion',
	type: 'options',
	default: 'v2beta1',
	options: [
		{
			name: 'V2beta1 (Recommended)',
			value: 'v2beta1',
			description: 'The current audit-log API (/audit-log/v2beta1/logs)',
		},
		{
			name: 'V1',
			value: 'v1',
			description:
				'The older audit-log API (/audit-log/v1/logs). Its events name the user in user.username and the service in application.ID.',
		},
	],
};

export const auditLogFiltersProperty: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
		{
			displayName: 'Categories',
			name: 'categories',
			type: 'string',
			default: '',
			placeholder: 'User Activity, Device Management',
			description:
				'Only events of these categories, comma-separated, as GreenLake names them (for example User Activity, User Management, Device Management, Subscription Management, Customer Management, API Gateway)',
		},
		{
			displayName: 'Description Contains',
			name: 'descriptionContains',
			type: 'string',
			default: '',
			description: 'Only events whose description contains this text',
		},
		{
			displayName: 'Include MSP Tenant Events',
			name: 'tenantEvents',
			type: 'boolean',
			default: false,
			description:
				"Whether to return the events of the MSP's tenant workspaces (workspace type TENANT) instead of the MSP workspace's own",
		},
		{
			displayName: 'Service Offer IDs',
			name: 'serviceOfferIds',
			type: 'string',
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description:
				'Only events of these services, comma-separated, at most 5. Without it, v2beta1 returns GreenLake platform events only (the platform is 00000000-0000-0000-0000-000000000000).',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'jane.doe@example.com',
			description: 'Only events of this user (exact match)',
		},
	],
};
