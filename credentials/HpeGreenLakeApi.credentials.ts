import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import type { ClientConfig } from '../nodes/shared/auth/clientConfig';
import { parseClientConfig } from '../nodes/shared/auth/clientConfig';
import { TokenHostRefusedError, mayReceiveToken } from '../nodes/shared/auth/hostRule';
import { REFRESH_CLAIM_FIELD, storedTokenRecord } from '../nodes/shared/auth/storedToken';
import { tokenEngine } from '../nodes/shared/auth/tokenEngine';
import {
	CLASSIC_SSO_TOKEN_URL,
	DEFAULT_BASE_URL,
	REGIONAL_BASE_URLS,
	TRUSTED_API_HOSTS_TEXT,
} from '../nodes/shared/config';

/**
 * The token for these credential values: this process's cache, else the one n8n stored, but only when the stored
 * fingerprint says it was minted for the current issuer, client, secret and workspace (a token kept from before the
 * credential was edited belongs to another client or workspace) and it has not expired. '' when there is none: the
 * API then answers 401 and n8n asks preAuthentication for a new one.
 */
function currentAccessToken(credentials: ICredentialDataDecryptedObject, config: ClientConfig): string {
	const cached = tokenEngine.peek(config);
	if (cached && cached.expiresAt > Date.now()) return cached.accessToken;
	const stored = typeof credentials.accessToken === 'string' ? credentials.accessToken : '';
	const storedExpiresAt = Number(credentials.accessTokenExpiresAt);
	if (stored === '' || credentials.accessTokenFingerprint !== tokenEngine.fingerprint(config)) return '';
	return Number.isFinite(storedExpiresAt) && storedExpiresAt > 0 && storedExpiresAt <= Date.now() ? '' : stored;
}

/** The URL a request will go to, from n8n's request options (`url`/`baseURL`, or `uri` from the legacy helpers). */
function requestTarget(requestOptions: IHttpRequestOptions): URL | undefined {
	const legacy = requestOptions as IHttpRequestOptions & { uri?: unknown };
	const target = typeof requestOptions.url === 'string' && requestOptions.url !== '' ? requestOptions.url : legacy.uri;
	if (typeof target !== 'string') return undefined;
	const base = typeof requestOptions.baseURL === 'string' && requestOptions.baseURL !== '' ? requestOptions.baseURL : undefined;
	try {
		return base ? new URL(target, base.endsWith('/') ? base : `${base}/`) : new URL(target);
	} catch {
		return undefined;
	}
}

/**
 * Credentials objects whose request `authenticate` refused. After any error the legacy request helper (n8n's HTTP
 * Request node) calls preAuthentication again as if the token had expired: for a refused host that must not throw
 * away a good token and mint another.
 */
const refusedByHostRule = new WeakSet<ICredentialDataDecryptedObject>();

export class HpeGreenLakeApi implements ICredentialType {
	name = 'hpeGreenLakeApi';

	displayName = 'HPE GreenLake API';

	icon: Icon = { light: 'file:../icons/greenlake.svg', dark: 'file:../icons/greenlake.dark.svg' };

	documentationUrl = 'https://developer.greenlake.hpe.com/docs/greenlake/guides/public/authentication/authentication';

	httpRequestNode = {
		name: 'HPE GreenLake',
		docsUrl: 'https://developer.greenlake.hpe.com/docs/greenlake/services/',
		apiBaseUrlPlaceholder: DEFAULT_BASE_URL,
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description:
				'Of your personal API client: GreenLake → Manage Workspace → Personal API clients → the client → Client ID',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Shown once when the API client is created (or its secret is reset). Any length: GreenLake secrets are opaque and may grow.',
		},
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
			description:
				'The workspace the API client was created in (for MSPs: the MSP workspace). GreenLake → Manage Workspace → Workspace ID. With or without hyphens.',
		},
		{
			displayName: 'Token Issuer',
			name: 'issuer',
			type: 'options',
			default: 'workspace',
			options: [
				{
					name: 'Workspace Issuer (Recommended)',
					value: 'workspace',
					description: '{Base URL}/authorization/v2/oauth2/{workspace ID}/token; required for MSP tenant tokens',
				},
				{
					name: 'Classic SSO Issuer',
					value: 'sso',
					description: `${CLASSIC_SSO_TOKEN_URL}, for older service-specific API clients`,
				},
				{ name: 'Custom Token URL', value: 'custom', description: 'The Token URL shown for the API client in GreenLake' },
			],
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'https://global.api.greenlake.hpe.com/authorization/v2/oauth2/<workspace ID>/token',
			displayOptions: { show: { issuer: ['custom'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'options',
			default: DEFAULT_BASE_URL,
			options: [...REGIONAL_BASE_URLS, { name: 'Custom', value: 'custom' }],
			description: 'Where API calls go. The same API client works for the platform and the regional services.',
		},
		{
			displayName: 'Custom Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://us-west.api.greenlake.hpe.com',
			description:
				'https is required (plain http only for a loopback address, such as a local sandbox). No user name, query (?…) or fragment (#…).',
			displayOptions: { show: { baseUrl: ['custom'] } },
		},
		{
			displayName: 'Client Authentication',
			name: 'clientAuthentication',
			type: 'options',
			default: 'body',
			options: [
				{ name: 'In the Request Body (as in HPE\'s Samples)', value: 'body' },
				{ name: 'HTTP Basic Authentication', value: 'basic' },
			],
		},
		{
			displayName: 'Additional Allowed Hosts',
			name: 'allowedHosts',
			type: 'string',
			default: '',
			placeholder: 'us1.data.cloud.hpe.com',
			description: `Comma-separated host names (e.g. us1.data.cloud.hpe.com, or host:port), besides the Base URL host and ${TRUSTED_API_HOSTS_TEXT} (always allowed), that may receive the token, over https only. No wildcards, paths or http://.`,
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Access Token Expires At',
			name: 'accessTokenExpiresAt',
			type: 'hidden',
			typeOptions: { password: true },
			default: 0,
		},
		{
			displayName: 'Access Token Lifetime',
			name: 'accessTokenLifetime',
			type: 'hidden',
			typeOptions: { password: true },
			default: 0,
		},
		{
			displayName: 'Access Token Fingerprint',
			name: 'accessTokenFingerprint',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Access Token Mint Time',
			name: 'accessTokenMintMs',
			type: 'hidden',
			typeOptions: { password: true },
			default: 0,
		},
		{
			displayName: 'Access Token Refreshed By',
			name: 'accessTokenRefreshBy',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	/**
	 * n8n calls this when the stored token is empty, after a 401, and for the credential test. It goes through the
	 * package's one token engine, so n8n's HTTP Request node, this package's nodes and the credential share a token.
	 * A non-empty incoming token means n8n saw it refused (or is testing): it is dropped before asking again.
	 * For a refresh claim (REFRESH_CLAIM_FIELD) it returns the token this process holds, marked as being replaced.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		// Nothing about the token was wrong: n8n retries after the host refusal. No output = nothing stored, no mint.
		if (refusedByHostRule.has(credentials)) return {};
		const config = parseClientConfig(credentials);
		if (credentials[REFRESH_CLAIM_FIELD] !== undefined) {
			const held = tokenEngine.peek(config);
			return held ? storedTokenRecord(held, tokenEngine.processId) : {};
		}
		if (typeof credentials.accessToken === 'string' && credentials.accessToken !== '') {
			tokenEngine.invalidate(config, credentials.accessToken);
		}
		const token = await tokenEngine.getToken(this.helpers.httpRequest.bind(this.helpers), config);
		tokenEngine.markPersisted(config, token.accessToken);
		return storedTokenRecord(token, '');
	}

	/**
	 * Used by this package's nodes (through n8n's credential machinery), by n8n's HTTP Request node with "Predefined
	 * Credential Type" and by the credential Test. Applies the package's host rule before adding the token, and tells
	 * n8n never to carry it across origins on a redirect (the HTTP Request node v4.2 and older would by default).
	 */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		// A refresh claim only needs n8n to store preAuthentication's output: its carrier request is never sent.
		if (credentials[REFRESH_CLAIM_FIELD] !== undefined) throw new Error('HPE GreenLake refresh claim stored; nothing to send');
		const config = parseClientConfig(credentials);
		const target = requestTarget(requestOptions);
		if (!target || !mayReceiveToken(target, config)) {
			refusedByHostRule.add(credentials);
			throw new TokenHostRefusedError(config, target ? target.host : 'a request without a valid URL');
		}
		refusedByHostRule.delete(credentials);
		const token = currentAccessToken(credentials, config);
		const headers = { ...requestOptions.headers };
		for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
		return {
			...requestOptions,
			headers: token === '' ? headers : { ...headers, Authorization: `Bearer ${token}` },
			sendCredentialsOnCrossOriginRedirect: false,
		};
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ $credentials.baseUrl === "custom" ? $credentials.customBaseUrl.replace(/\\/+$/, "") : $credentials.baseUrl }}`,
			url: `={{ "/workspaces/v1/workspaces/" + $credentials.workspaceId.replace(/-/g, "").toLowerCase() }}`,
			method: 'GET',
			// A redirect is answered as an error, not followed: the credential never travels to where it points.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		rules: [301, 302, 303, 307, 308].map((code) => ({
			type: 'responseCode' as const,
			properties: {
				value: code,
				message: `The Base URL answered with a redirect (HTTP ${code}), which is not followed so that the credential stays on the Base URL host. Enter the API's final address as Base URL.`,
			},
		})),
	};
}
