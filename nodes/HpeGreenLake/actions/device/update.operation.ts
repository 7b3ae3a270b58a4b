import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, jsonParse, updateDisplayOptions } from 'n8n-workflow';

import { waitForAsyncOperation } from '../../../shared/transport/asyncOperation';
import { greenLakeRequest } from '../../../shared/transport/request';
import type { OperationContext } from '../common';
import { requestDefaults, toItems } from '../common';

const MAX_DEVICES_PER_PATCH = 5;

const properties: INodeProperties[] = [
	{
		displayName: 'Device IDs',
		name: 'deviceIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'b3a9c1d2-…, 7f0e…',
		description: 'Comma-separated IDs of the devices to update; sent 5 per request, as GreenLake allows (one kind of change per call)',
	},
	{
		displayName: 'Patch (JSON)',
		name: 'patch',
		type: 'json',
		required: true,
		default: '{\n  "application": { "id": "" },\n  "region": ""\n}',
		description: 'JSON merge patch, as GreenLake documents it: a service (application.ID + region; null removes) or subscriptions (subscription: [] removes)',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description: 'Whether to follow the asynchronous operation GreenLake starts until it succeeds or fails, and output its final status',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['device'], operation: ['update'] } }, properties);

export async function execute(ctx: OperationContext, itemIndex: number) {
	const node = ctx.fn.getNode();
	const ids = String(ctx.fn.getNodeParameter('deviceIds', itemIndex, ''))
		.split(',')
		.map((id) => id.trim())
		.filter((id) => id !== '');
	if (ids.length === 0) throw new NodeOperationError(node, 'Device IDs is empty', { description: 'Enter at least one device ID.', itemIndex });
	const raw = ctx.fn.getNodeParameter('patch', itemIndex, '{}');
	const patch = typeof raw === 'string' ? jsonParse<IDataObject>(raw, { errorMessage: 'Patch (JSON) is not valid JSON' }) : (raw as IDataObject);
	const defaults = requestDefaults(ctx, itemIndex);
	const waitForCompletion = ctx.fn.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const results: IDataObject[] = [];
	// GreenLake accepts at most 5 devices per PATCH: larger lists go in batches, one output item per batch.
	for (let start = 0; start < ids.length; start += MAX_DEVICES_PER_PATCH) {
		const batch = ids.slice(start, start + MAX_DEVICES_PER_PATCH);
		const accepted = await greenLakeRequest(ctx.fn, ctx.session, {
			...defaults,
			method: 'PATCH',
			url: '/devices/v1/devices',
			qs: { id: batch },
			body: patch,
			headers: { 'Content-Type': 'application/merge-patch+json' },
		});
		if (!waitForCompletion || accepted.statusCode !== 202) {
			results.push({ deviceIds: batch, statusCode: accepted.statusCode, ...((accepted.body as IDataObject) ?? {}) });
			continue;
		}
		const operation = await waitForAsyncOperation(ctx.fn, ctx.session, accepted, {
			workspaceId: defaults.workspaceId,
			maxWaitSeconds: defaults.maxWaitSeconds ?? 120,
			itemIndex,
		});
		results.push({ deviceIds: batch, ...operation });
	}
	return toItems(results, itemIndex);
}

export const update = { description, execute };
