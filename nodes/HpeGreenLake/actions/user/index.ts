import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { getByIdOperation, listOperation } from '../listOperation';

export const userOperations: Record<string, Operation> = {
	getMany: listOperation({ resource: 'user', operation: 'getMany', path: '/identity/v1/users', filterHint: "userStatus eq 'VERIFIED'" }),
	get: getByIdOperation({ resource: 'user', operation: 'get', path: '/identity/v1/users/{id}', idLabel: 'User ID' }),
};

export const userDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		default: 'getMany',
		options: [
			{ name: 'Get', value: 'get', action: 'Get a user' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many users' },
		],
	},
	...Object.values(userOperations).flatMap((operation) => operation.description),
];
