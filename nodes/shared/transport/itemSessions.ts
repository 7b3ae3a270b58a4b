import type { IExecuteFunctions } from 'n8n-workflow';
import { createHash } from 'node:crypto';

import type { ClientConfig } from '../auth/clientConfig';
import type { GreenLakeSession } from './session';
import { openSession } from './session';

/** Identifies every resolved credential value (the secret only as a digest): equal keys mean the same workspace and client. */
function sessionKey(config: ClientConfig): string {
	const digest = createHash('sha256').update(config.clientSecret, 'utf8').digest('hex');
	return JSON.stringify({ ...config, clientSecret: digest });
}

/**
 * The session for one input item. Credential fields may be expressions that resolve differently per item (one
 * workspace per item, an MSP fan-out), so the credential is resolved for every item; items whose resolved values are
 * identical share one session (and its token state).
 */
export async function openItemSession(
	ctx: IExecuteFunctions,
	itemIndex: number,
	sessions: Map<string, GreenLakeSession>,
): Promise<GreenLakeSession> {
	const fresh = await openSession(ctx, itemIndex);
	const key = sessionKey(fresh.config);
	const known = sessions.get(key);
	if (known) return known;
	sessions.set(key, fresh);
	return fresh;
}
