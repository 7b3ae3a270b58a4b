import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { ClientConfig } from '../auth/clientConfig';
import { normalizeWorkspaceId, parseClientConfig } from '../auth/clientConfig';
import { REFRESH_CLAIM_FIELD, storedTokenOf } from '../auth/storedToken';
import type { StoredToken } from '../auth/tokenEngine';
import { tokenEngine } from '../auth/tokenEngine';
import { CREDENTIAL_TYPE } from '../config';
import { toNodeError } from '../http/errors';

/** Every n8n context a GreenLake call can come from. */
export type GreenLakeContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions;

/** The credential, read and validated once per execution, and the token another process may have stored in it. */
export interface GreenLakeSession {
	config: ClientConfig;
	stored?: StoredToken;
	/** The decrypted credential data, kept to hand to n8n when a freshly minted token should be persisted. */
	credentialData: ICredentialDataDecryptedObject;
}

export async function openSession(ctx: GreenLakeContext, itemIndex = 0): Promise<GreenLakeSession> {
	const credentialData = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE, itemIndex);
	let config: ClientConfig;
	try {
		config = parseClientConfig(credentialData);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, itemIndex) as NodeOperationError;
	}
	return { config, stored: storedTokenOf(credentialData), credentialData };
}

/**
 * Reads the token n8n's credential store holds now. Called just before minting: in queue mode another worker may
 * have refreshed and stored a token since this execution started, and adopting it saves a mint.
 */
export async function rereadStoredToken(ctx: GreenLakeContext, session: GreenLakeSession, itemIndex = 0): Promise<void> {
	const data = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE, itemIndex);
	session.stored = storedTokenOf(data);
}

/**
 * Announces in n8n's credential store that this process is replacing the stored token, then, settleMs later, returns
 * the record read back (the last claim written wins). n8n stores what the credential's preAuthentication returns
 * before it authenticates a request; for a claim, the credential's authenticate then throws, so the carrier request
 * is never sent: one database write, no HTTP.
 */
export async function claimTokenRefresh(
	ctx: GreenLakeContext,
	session: GreenLakeSession,
	settleMs: number,
	itemIndex = 0,
): Promise<StoredToken | undefined> {
	await (ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, { method: 'GET', url: session.config.baseUrl }, {
		credentialsDecrypted: {
			id: '',
			name: '',
			type: CREDENTIAL_TYPE,
			data: { ...session.credentialData, accessToken: '', [REFRESH_CLAIM_FIELD]: tokenEngine.processId },
		},
	}) as Promise<unknown>).catch(() => undefined);
	await sleep(settleMs);
	await rereadStoredToken(ctx, session, itemIndex);
	return session.stored;
}

/**
 * Resolves the Workspace parameter (a resource locator: the credential's workspace, an MSP tenant from the list, or an
 * id) to a 32-hex id; undefined means the credential's own workspace.
 */
export function resolveWorkspaceId(ctx: GreenLakeContext, value: unknown, itemIndex: number): string | undefined {
	const raw = typeof value === 'object' && value !== null ? (value as IDataObject).value : value;
	if (raw === undefined || raw === null || raw === '' || raw === 'credential') return undefined;
	const id = normalizeWorkspaceId(raw);
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), `Tenant "${String(raw)}" is not a valid workspace ID`, {
			description: 'A workspace ID is 32 hexadecimal characters, with or without hyphens. Pick the tenant from the list instead.',
			itemIndex,
		});
	}
	return id;
}

/** Sends with a bearer token we set ourselves (the common path). */
export async function sendWithToken(
	ctx: GreenLakeContext,
	options: IHttpRequestOptions,
	accessToken: string,
): Promise<IN8nHttpFullResponse> {
	return (await ctx.helpers.httpRequest({
		...options,
		headers: { ...options.headers, Authorization: `Bearer ${accessToken}` },
	})) as IN8nHttpFullResponse;
}

/**
 * Sends through n8n's credential machinery with the stored token blanked, which makes n8n call the credential's
 * preAuthentication (served from the engine's cache, no new mint) and persist the result, encrypted, in its credential
 * store: other processes (queue-mode workers) then adopt that token instead of minting their own.
 */
export async function sendAndPersistToken(
	ctx: GreenLakeContext,
	session: GreenLakeSession,
	options: IHttpRequestOptions,
): Promise<IN8nHttpFullResponse> {
	return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
		credentialsDecrypted: {
			id: '',
			name: '',
			type: CREDENTIAL_TYPE,
			data: { ...session.credentialData, accessToken: '' },
		},
	})) as IN8nHttpFullResponse;
}

/** The workspace chosen with the shared Workspace/Tenant parameters; undefined = the credential's own. */
export function selectedWorkspaceId(
	ctx: GreenLakeContext,
	scope: unknown,
	tenant: unknown,
	itemIndex: number,
): string | undefined {
	if (scope !== 'tenant') return undefined;
	const id = resolveWorkspaceId(ctx, tenant, itemIndex);
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), 'Tenant is empty', {
			description: 'Pick an MSP tenant from the list or enter its workspace ID, or set Workspace to "Credential\'s Workspace".',
			itemIndex,
		});
	}
	return id;
}
