import type { INodeProperties } from 'n8n-workflow';

/**
 * Which workspace a call acts in: the credential's own, or (for MSP credentials) a tenant workspace whose token the
 * engine obtains by token exchange. Shared by every node so the choice looks and behaves the same everywhere.
 */
export const workspaceProperties: INodeProperties[] = [
	{
		displayName: 'Workspace',
		name: 'workspaceScope',
		type: 'options',
		default: 'credential',
		options: [
			{ name: "Credential's Workspace", value: 'credential' },
			{ name: 'MSP Tenant Workspace', value: 'tenant', description: 'For MSP credentials: act in one of your tenant workspaces' },
		],
	},
	{
		displayName: 'Tenant',
		name: 'tenant',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		displayOptions: { show: { workspaceScope: ['tenant'] } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchTenants', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^\\s*[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\\s*$',
							errorMessage: 'A workspace ID is 32 hexadecimal characters, with or without hyphens',
						},
					},
				],
			},
		],
	},
];
