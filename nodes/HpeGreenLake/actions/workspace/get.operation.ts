import type { IDataObject } from 'n8n-workflow';

import { greenLakeRequest } from '../../../shared/transport/request';
import type { OperationContext } from '../common';
import { requestDefaults, toItems } from '../common';

/** The workspace chosen with the Workspace parameter: the credential's own, or the selected MSP tenant. */
export async function execute(ctx: OperationContext, itemIndex: number) {
	const defaults = requestDefaults(ctx, itemIndex);
	const workspaceId = defaults.workspaceId ?? ctx.session.config.workspaceId;
	const response = await greenLakeRequest(ctx.fn, ctx.session, {
		...defaults,
		method: 'GET',
		url: `/workspaces/v1/workspaces/${workspaceId}`,
	});
	return toItems([(response.body ?? {}) as IDataObject], itemIndex);
}

export const get = { description: [], execute };
