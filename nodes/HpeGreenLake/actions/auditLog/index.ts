import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { auditLogApiVersionProperty } from '../../../shared/descriptions/auditLogFilters.description';
import { greenLakeRequest } from '../../../shared/transport/request';
import type { Operation, OperationContext } from '../common';
import { requestDefaults, toItems } from '../common';
import { getMany } from './getMany.operation';

/** Get and Get Details differ only in the path suffix (v1 spells the details path "detail"). */
function byIdOperation(operation: string, suffix: { v1: string; v2beta1: string }): Operation {
	return {
		description: updateDisplayOptions({ show: { resource: ['auditLog'], operation: [operation] } }, [
			{ ...auditLogApiVersionProperty, name: 'apiVersion' },
			{ displayName: 'Audit Log ID', name: 'id', type: 'string', required: true, default: '' },
		]),
		async execute(ctx: OperationContext, itemIndex: number) {
			const version = ctx.fn.getNodeParameter('apiVersion', itemIndex, 'v2beta1') === 'v1' ? 'v1' : 'v2beta1';
			const id = encodeURIComponent(String(ctx.fn.getNodeParameter('id', itemIndex, '')).trim());
			const response = await greenLakeRequest(ctx.fn, ctx.session, {
				...requestDefaults(ctx, itemIndex),
				method: 'GET',
				url: `/audit-log/${version}/logs/${id}${suffix[version]}`,
			});
			return toItems([(response.body ?? {}) as IDataObject], itemIndex);
		},
	};
}

export const auditLogOperations: Record<string, Operation> = {
	getMany,
	get: byIdOperation('get', { v1: '', v2beta1: '' }),
	getDetails: byIdOperation('getDetails', { v1: '/detail', v2beta1: '/details' }),
};

export const auditLogDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['auditLog'] } },
		default: 'getMany',
		options: [
			{ name: 'Get', value: 'get', action: 'Get an audit log event' },
			{ name: 'Get Details', value: 'getDetails', action: 'Get the details of an audit log event' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many audit log events', description: 'Audit events, newest first, filtered by time, category, user…' },
		],
	},
	...Object.values(auditLogOperations).flatMap((operation) => operation.description),
];
