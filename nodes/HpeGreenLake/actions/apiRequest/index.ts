import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { send } from './send.operation';

export const apiRequestOperations: Record<string, Operation> = { send };

export const apiRequestDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['apiRequest'] } },
		default: 'send',
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send an API request',
				description: 'Call any GreenLake endpoint with the managed token, pagination, rate-limit pacing and retries',
			},
		],
	},
	...send.description,
];
