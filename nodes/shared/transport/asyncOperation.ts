import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { header } from '../http/rateLimit';
import type { GreenLakeRequestOptions, GreenLakeResponse } from './request';
import { greenLakeRequest } from './request';
import type { GreenLakeContext, GreenLakeSession } from './session';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMEDOUT']);

/**
 * Follows a 202 + Location answer until the async operation ends (SUCCEEDED, FAILED or TIMEDOUT), polling at the
 * operation's `suggestedPollingIntervalSeconds` (treated as seconds, as HPE's clients do), for at most maxWaitSeconds.
 * Returns the final operation document.
 */
export async function waitForAsyncOperation(
	ctx: GreenLakeContext,
	session: GreenLakeSession,
	accepted: GreenLakeResponse,
	/** The item's request options: workspace, Max Wait (default 120 s), Timeout and Max Retries apply to every poll. */
	options: Pick<GreenLakeRequestOptions, 'workspaceId' | 'maxWaitSeconds' | 'timeoutMs' | 'maxRetries' | 'itemIndex'>,
): Promise<IDataObject> {
	const maxWaitSeconds = options.maxWaitSeconds ?? 120;
	const location = header(accepted.headers, 'location');
	if (!location) {
		throw new NodeOperationError(ctx.getNode(), 'GreenLake accepted the request (202) but sent no Location to follow', {
			description: 'Turn off "Wait for Completion" and check the result in GreenLake.',
			itemIndex: options.itemIndex,
		});
	}
	const url = location.startsWith('/') || /^https?:/i.test(location) ? location : `/${location}`;
	const deadline = Date.now() + maxWaitSeconds * 1000;
	for (;;) {
		const response = await greenLakeRequest(ctx, session, {
			method: 'GET',
			url,
			workspaceId: options.workspaceId,
			timeoutMs: options.timeoutMs,
			maxRetries: options.maxRetries,
			itemIndex: options.itemIndex,
		});
		const operation = (response.body ?? {}) as IDataObject;
		const status = String(operation.status ?? '').toUpperCase();
		if (TERMINAL.has(status)) return operation;
		const intervalMs = Math.min(Math.max(Number(operation.suggestedPollingIntervalSeconds) || 2, 1), 60) * 1000;
		if (Date.now() + intervalMs > deadline) {
			throw new NodeOperationError(ctx.getNode(), `The GreenLake operation is still ${status || 'running'} after ${maxWaitSeconds} s`, {
				description: `Raise Max Wait, or poll ${url} later (an HPE GreenLake node with API Request GET does that).`,
				itemIndex: options.itemIndex,
			});
		}
		await sleep(intervalMs);
	}
}
