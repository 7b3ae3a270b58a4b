import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { paginate } from '../../shared/transport/pagination';
import { greenLakeRequest } from '../../shared/transport/request';
import type { Operation, OperationContext } from './common';
import { limitProperty, readPaging, requestDefaults, returnAllProperty, toItems } from './common';

/**
 * The curated "Get Many" and "Get" operations differ only in path, filter hints and field names, so one factory
 * builds each of them on the shared transport (paging at the endpoint's maximum page size, pacing, retries).
 */
export function listOperation(spec: {
	resource: string;
	operation: string;
	path: string;
	filterHint: string;
	sortHint?: string;
}): Operation {
	const properties: INodeProperties[] = [
		returnAllProperty,
		limitProperty,
		{
			displayName: 'Options',
			name: 'listOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Filter',
					name: 'filter',
					type: 'string',
					default: '',
					placeholder: spec.filterHint,
					description: 'OData-style filter as GreenLake documents it for this endpoint',
				},
				{
					displayName: 'Select',
					name: 'select',
					type: 'string',
					default: '',
					placeholder: 'id,name',
					description: 'Comma-separated fields to return',
				},
				...(spec.sortHint
					? [
							{
								displayName: 'Sort',
								name: 'sort',
								type: 'string' as const,
								default: '',
								placeholder: spec.sortHint,
							},
						]
					: []),
			],
		},
	];
	return {
		description: updateDisplayOptions({ show: { resource: [spec.resource], operation: [spec.operation] } }, properties),
		async execute(ctx: OperationContext, itemIndex: number) {
			const paging = readPaging(ctx, itemIndex);
			if (!paging.returnAll && (!Number.isInteger(paging.limit) || (paging.limit ?? 0) < 1)) {
				throw new NodeOperationError(ctx.fn.getNode(), `Limit must be a whole number of at least 1 (got ${paging.limit})`, { itemIndex });
			}
			const options = ctx.fn.getNodeParameter('listOptions', itemIndex, {}) as IDataObject;
			const qs: IDataObject = {};
			for (const key of ['filter', 'select', 'sort']) if (options[key]) qs[key] = options[key];
			const results = [];
			for await (const page of paginate(ctx.fn, ctx.session, { ...requestDefaults(ctx, itemIndex), method: 'GET', url: spec.path, qs }, paging)) {
				results.push(...toItems(page, itemIndex));
			}
			return results;
		},
	};
}

export function getByIdOperation(spec: { resource: string; operation: string; path: string; idLabel: string }): Operation {
	const properties: INodeProperties[] = [
		{
			displayName: spec.idLabel,
			name: 'id',
			type: 'string',
			required: true,
			default: '',
		},
	];
	return {
		description: updateDisplayOptions({ show: { resource: [spec.resource], operation: [spec.operation] } }, properties),
		async execute(ctx: OperationContext, itemIndex: number) {
			const id = String(ctx.fn.getNodeParameter('id', itemIndex, '')).trim();
			if (id === '' || /[/?#]/.test(id)) {
				throw new NodeOperationError(ctx.fn.getNode(), `${spec.idLabel} "${id}" is not valid`, {
					description: `Enter the ${spec.idLabel} as GreenLake shows it (no slashes).`,
					itemIndex,
				});
			}
			const response = await greenLakeRequest(ctx.fn, ctx.session, {
				...requestDefaults(ctx, itemIndex),
				method: 'GET',
				url: spec.path.replace('{id}', encodeURIComponent(id)),
			});
			return toItems([(response.body ?? {}) as IDataObject], itemIndex);
		},
	};
}
