import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { tenantTokenUrl } from '../../shared/auth/clientConfig';
import { tokenEngine } from '../../shared/auth/tokenEngine';
import { openSession } from '../../shared/transport/session';
import { secondsLeft, targetWorkspace, tokenFacts } from './common';

/**
 * Inspect Cached Token: what this n8n process holds for the workspace, for monitoring. Reads the credential but sends
 * nothing and never mints; the token itself is never output.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const session = await openSession(this, itemIndex);
	const workspaceId = targetWorkspace(this, session, itemIndex);
	const now = Date.now();
	const cached = tokenEngine.peek(session.config, workspaceId);
	if (!cached) {
		return {
			present: false,
			cached: false,
			workspace_id: workspaceId,
			issuer: workspaceId === session.config.workspaceId ? session.config.tokenUrl : tenantTokenUrl(session.config, workspaceId),
		};
	}
	return {
		present: true,
		...tokenFacts(cached, now),
		cached: true,
		expired: secondsLeft(cached.expiresAt, now) === 0,
	};
}
