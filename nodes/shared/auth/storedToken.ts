import type { IDataObject } from 'n8n-workflow';

import type { IssuedToken, StoredToken } from './tokenEngine';

/**
 * Marks the credential data handed to n8n for a refresh claim (transport/session.ts claimTokenRefresh): the
 * credential's preAuthentication then returns the held token marked as being replaced by this process, and its
 * authenticate stops the carrier request, so n8n stores the claim and sends nothing. Never persisted (n8n stores only
 * what preAuthentication returns).
 */
export const REFRESH_CLAIM_FIELD = 'greenLakeRefreshClaim';

/** The token record in the credential's hidden fields, as n8n stores it (encrypted). */
export function storedTokenRecord(token: IssuedToken, refreshBy: string): IDataObject {
	return {
		accessToken: token.accessToken,
		accessTokenExpiresAt: token.expiresAt,
		accessTokenLifetime: token.lifetimeSeconds,
		accessTokenFingerprint: token.fingerprint,
		accessTokenMintMs: token.mintMs,
		accessTokenRefreshBy: refreshBy,
	};
}

/** The token record in credential data, when there is a complete one. */
export function storedTokenOf(data: IDataObject): StoredToken | undefined {
	const accessToken = typeof data.accessToken === 'string' ? data.accessToken : '';
	const expiresAt = Number(data.accessTokenExpiresAt);
	const fingerprint = typeof data.accessTokenFingerprint === 'string' ? data.accessTokenFingerprint : '';
	if (accessToken === '' || !Number.isFinite(expiresAt) || fingerprint === '') return undefined;
	const lifetimeSeconds = Number(data.accessTokenLifetime);
	const mintMs = Number(data.accessTokenMintMs);
	const refreshBy = typeof data.accessTokenRefreshBy === 'string' ? data.accessTokenRefreshBy : '';
	return {
		accessToken,
		expiresAt,
		fingerprint,
		...(lifetimeSeconds > 0 ? { lifetimeSeconds } : {}),
		...(mintMs > 0 ? { mintMs } : {}),
		...(refreshBy !== '' ? { refreshBy } : {}),
	};
}
