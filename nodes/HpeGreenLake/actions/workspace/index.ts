import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { listOperation } from '../listOperation';
import { get } from './get.operation';

export const workspaceOperations: Record<string, Operation> = {
	get,
	getManyTenants: listOperation({
		resource: 'workspace',
		operation: 'getManyTenants',
		path: '/workspaces/v1/msp-tenants',
		filterHint: "workspaceName eq 'Acme'",
	}),
};

export const workspaceDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workspace'] } },
		default: 'get',
		options: [
			{ name: 'Get', value: 'get', action: 'Get a workspace', description: 'Get the selected workspace (the credential\'s or a tenant\'s)' },
			{
				name: 'Get Many MSP Tenants',
				value: 'getManyTenants',
				action: 'Get many MSP tenants',
				description: 'List the tenant workspaces of an MSP workspace',
			},
		],
	},
	...Object.values(workspaceOperations).flatMap((operation) => operation.description),
];
