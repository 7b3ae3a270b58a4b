import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { getByIdOperation, listOperation } from '../listOperation';
import { update } from './update.operation';

export const deviceOperations: Record<string, Operation> = {
	getMany: listOperation({
		resource: 'device',
		operation: 'getMany',
		path: '/devices/v1/devices',
		filterHint: "deviceType eq 'COMPUTE'",
		sortHint: 'serialNumber asc',
	}),
	get: getByIdOperation({ resource: 'device', operation: 'get', path: '/devices/v1/devices/{id}', idLabel: 'Device ID' }),
	update,
};

export const deviceDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['device'] } },
		default: 'getMany',
		options: [
			{ name: 'Get', value: 'get', action: 'Get a device', description: 'Get one device by ID' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many devices', description: 'List the devices of the workspace' },
			{
				name: 'Update',
				value: 'update',
				action: 'Update devices',
				description: 'Assign or unassign a service or subscriptions (JSON merge patch), optionally waiting for completion',
			},
		],
	},
	...Object.values(deviceOperations).flatMap((operation) => operation.description),
];
