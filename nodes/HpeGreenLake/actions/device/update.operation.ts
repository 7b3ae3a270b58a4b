import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, jsonParse, updateDisplayOptions } from 'n8n-workflow';

import { toNodeError } from '../../../shared/http/errors';
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
	const batches = Math.ceil(ids.length / MAX_DEVICES_PER_PATCH);
	// GreenLake accepts at most 5 devices per PATCH: larger lists go in batches, one output item per batch.
	for (let start = 0; start < ids.length; start += MAX_DEVICES_PER_PATCH) {
		const batch = ids.slice(start, start + MAX_DEVICES_PER_PATCH);
		try {
			results.push(await updateBatch(ctx, batch, patch, defaults, waitForCompletion, itemIndex));
		} catch (error) {
			if (results.length === 0) throw toNodeError(node, error, itemIndex) as NodeOperationError;
			throw partialFailure(ctx, error, results, start / MAX_DEVICES_PER_PATCH + 1, batches, batch, itemIndex);
		}
	}
	return toItems(results, itemIndex);
}

async function updateBatch(
	ctx: OperationContext,
	batch: string[],
	patch: IDataObject,
	defaults: ReturnType<typeof requestDefaults>,
	waitForCompletion: boolean,
	itemIndex: number,
): Promise<IDataObject> {
	const accepted = await greenLakeRequest(ctx.fn, ctx.session, {
		...defaults,
		method: 'PATCH',
		url: '/devices/v1/devices',
		qs: { id: batch },
		body: patch,
		headers: { 'Content-Type': 'application/merge-patch+json' },
	});
	if (!waitForCompletion || accepted.statusCode !== 202) {
		return { deviceIds: batch, statusCode: accepted.statusCode, ...((accepted.body as IDataObject) ?? {}) };
	}
	const operation = await waitForAsyncOperation(ctx.fn, ctx.session, accepted, { ...defaults, itemIndex });
	return { deviceIds: batch, ...operation };
}

/**
 * A later batch failed after earlier ones were applied. The message itself (what Continue On Fail outputs as
 * `error`) names the devices already changed; the error's context carries those batches' results (`applied`).
 */
function partialFailure(
	ctx: OperationContext,
	error: unknown,
	applied: IDataObject[],
	failedBatch: number,
	batches: number,
	batch: string[],
	itemIndex: number,
): NodeOperationError {
	const cause = toNodeError(ctx.fn.getNode(), error, itemIndex) as Error & { description?: string | null };
	const changed = applied.flatMap((result) => result.deviceIds as string[]);
	const failure = new NodeOperationError(
		ctx.fn.getNode(),
		`Device Update stopped at batch ${failedBatch} of ${batches}: ${changed.length} device(s) were already changed (${changed.join(', ')}); batch ${failedBatch} (${batch.join(', ')}) failed: ${cause.message}`,
		{
			description: [
				`Already sent to GreenLake, not undone: ${changed.join(', ')}.`,
				`Not applied: batch ${failedBatch} and later (check batch ${failedBatch} in GreenLake if the error says it may have arrived). Re-run with only those device IDs.`,
				cause.description ?? undefined,
			]
				.filter(Boolean)
				.join('\n'),
			itemIndex,
		},
	);
	failure.context.applied = applied;
	return failure;
}

export const update = { description, execute };
