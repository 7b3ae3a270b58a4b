import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { getByIdOperation, listOperation } from '../listOperation';

export const subscriptionOperations: Record<string, Operation> = {
	getMany: listOperation({
		resource: 'subscription',
		operation: 'getMany',
		path: '/subscriptions/v1/subscriptions',
		filterHint: "subscriptionStatus eq 'STARTED'",
		sortHint: 'endTime desc',
	}),
	get: getByIdOperation({
		resource: 'subscription',
		operation: 'get',
		path: '/subscriptions/v1/subscriptions/{id}',
		idLabel: 'Subscription ID',
	}),
};

export const subscriptionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['subscription'] } },
		default: 'getMany',
		options: [
			{ name: 'Get', value: 'get', action: 'Get a subscription' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many subscriptions' },
		],
	},
	...Object.values(subscriptionOperations).flatMap((operation) => operation.description),
];
