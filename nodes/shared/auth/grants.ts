import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	ACCESS_TOKEN_TYPE,
	GREENLAKE_TOKEN_LIFETIME_S,
	MAX_TOKEN_LIFETIME_S,
	PACKAGE_USER_AGENT,
	RETRY_DEFAULTS,
	TOKEN_ENDPOINT_MAX_RETRIES,
	TOKEN_EXCHANGE_GRANT,
	TOKEN_MINT_DEADLINE_MS,
	TOKEN_REQUEST_TIMEOUT_MS,
} from '../config';
import { requestDeadline } from '../http/deadline';
import { backoffDelayMs, serverRequestedDelayMs } from '../http/rateLimit';
import type { SecretSet } from '../http/scrub';
import { scrubValue } from '../http/scrub';
import type { ClientConfig } from './clientConfig';
import { TokenRequestError } from './errors';

/** The caller's `this.helpers.httpRequest`: n8n's proxy, TLS and domain settings apply to token requests too. */
export type HttpRequestFn = (options: IHttpRequestOptions) => Promise<unknown>;

export interface MintedToken {
	accessToken: string;
	tokenType: string;
	/** Seconds the token lives, from `expires_in`, else the JWT `exp`, else GreenLake's documented default. */
	lifetimeSeconds: number;
	lifetimeSource: 'expires_in' | 'jwt' | 'default';
}

const RESET_SECRET_HINT =
	'Check the Client ID and Client Secret in the HPE GreenLake API credential. If the secret was lost or reset, reset it in GreenLake (Manage Workspace → Personal API clients → Reset client secret) and paste the new one into the credential.';

function jwtExpiry(token: string): number | undefined {
	const payload = token.split('.')[1];
	if (!payload) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as IDataObject;
		return typeof claims.exp === 'number' ? claims.exp : undefined;
	} catch {
		return undefined;
	}
}

function parseTokenBody(body: unknown): IDataObject | undefined {
	if (typeof body === 'string') {
		try {
			return JSON.parse(body) as IDataObject;
		} catch {
			return undefined;
		}
	}
	return body !== null && typeof body === 'object' ? (body as IDataObject) : undefined;
}

/**
 * No GreenLake or HPE token lives longer than a day: a larger `expires_in` (1e13 has been seen from a misbehaving
 * issuer) would make the token look eternal and overflow date arithmetic. Such a value yields to the token's own JWT
 * `exp`, else is held to a day; if the token dies sooner, the API's 401 makes the engine mint a new one.
 */
function saneLifetime(seconds: number): number {
	return Math.min(seconds, MAX_TOKEN_LIFETIME_S);
}

function toMintedToken(body: IDataObject, status: number, defaultLifetimeSeconds: number): MintedToken {
	const accessToken = body.access_token;
	if (typeof accessToken !== 'string' || accessToken === '') {
		throw new TokenRequestError(
			'The token endpoint answered without an access_token',
			'Check the token issuer settings of the HPE GreenLake API credential (Token Issuer / Token URL): the URL must be a GreenLake OAuth2 token endpoint.',
			status,
		);
	}
	const tokenType = String(body.token_type ?? 'Bearer');
	const exp = jwtExpiry(accessToken);
	const fromJwt = exp === undefined ? undefined : exp - Math.floor(Date.now() / 1000);
	const jwtLifetime = fromJwt !== undefined && Number.isFinite(fromJwt) && fromJwt > 0 ? saneLifetime(fromJwt) : undefined;
	const expiresIn = Number(body.expires_in);
	if (Number.isFinite(expiresIn) && expiresIn > 0) {
		// An absurd expires_in is not believed: the token's own exp, else a day.
		if (expiresIn > MAX_TOKEN_LIFETIME_S && jwtLifetime !== undefined) return { accessToken, tokenType, lifetimeSeconds: jwtLifetime, lifetimeSource: 'jwt' };
		return { accessToken, tokenType, lifetimeSeconds: saneLifetime(expiresIn), lifetimeSource: 'expires_in' };
	}
	if (jwtLifetime !== undefined) return { accessToken, tokenType, lifetimeSeconds: jwtLifetime, lifetimeSource: 'jwt' };
	return { accessToken, tokenType, lifetimeSeconds: defaultLifetimeSeconds, lifetimeSource: 'default' };
}

/** Turns an issuer's refusal into an error that says what to fix. Only the issuer's own code/description is quoted. */
function refusal(status: number, unscrubbed: IDataObject | undefined, exchange: boolean, secrets: SecretSet): TokenRequestError {
	// An issuer that echoes the request would quote the secret or the subject token: never quote them back.
	const body = unscrubbed && scrubValue(unscrubbed, secrets);
	const code = typeof body?.error === 'string' ? body.error : (body?.errorCode as string | undefined);
	const detail = typeof body?.error_description === 'string' ? body.error_description : (body?.message as string | undefined);
	const quoted = [code, detail].filter(Boolean).join(': ');
	if (code === 'invalid_client' || (!exchange && status === 401)) {
		return new TokenRequestError(
			`GreenLake rejected the client ID or client secret${quoted ? ` (${quoted})` : ''}`,
			RESET_SECRET_HINT,
			status,
			code,
		);
	}
	if (exchange) {
		return new TokenRequestError(
			`GreenLake refused the token exchange for the tenant workspace${quoted ? ` (${quoted})` : ''}`,
			'The credential must belong to the MSP workspace that owns this tenant, and the tenant workspace ID must be right. Pick the tenant from the list, or check its ID under Manage Workspace → Tenants.',
			status,
			code,
		);
	}
	return new TokenRequestError(
		`The token endpoint answered HTTP ${status}${quoted ? ` (${quoted})` : ''}`,
		'Check the Workspace ID and Token Issuer of the HPE GreenLake API credential.',
		status,
		code,
	);
}

function isTransient(status: number): boolean {
	return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * POSTs a form to a token endpoint, retrying 429/5xx and network failures a bounded number of times (minting twice is
 * harmless, so every failure that may be transient is retried), honouring the server's reset hints.
 */
async function postTokenForm(
	http: HttpRequestFn,
	url: string,
	form: Record<string, string>,
	basic: { user: string; password: string } | undefined,
	exchange: boolean,
	defaultLifetimeSeconds: number,
): Promise<MintedToken> {
	const secrets: SecretSet = {
		values: [basic?.password, form.client_secret, form.subject_token].filter((value): value is string => !!value),
		basicUser: basic?.user,
	};
	// The whole mint, retries included, ends within TOKEN_MINT_DEADLINE_MS of wall-clock time.
	const mintDeadline = Date.now() + TOKEN_MINT_DEADLINE_MS;
	let lastFailure: TokenRequestError | undefined;
	for (let attempt = 0; attempt <= TOKEN_ENDPOINT_MAX_RETRIES; attempt++) {
		let response: IN8nHttpFullResponse | undefined;
		let networkError: string | undefined;
		const attemptMs = Math.min(TOKEN_REQUEST_TIMEOUT_MS, mintDeadline - Date.now());
		const deadline = requestDeadline(attemptMs);
		try {
			response = (await http({
				method: 'POST',
				url,
				body: new URLSearchParams(form),
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					Accept: 'application/json',
					'User-Agent': PACKAGE_USER_AGENT,
					...(basic
						? { Authorization: `Basic ${Buffer.from(`${basic.user}:${basic.password}`, 'utf8').toString('base64')}` }
						: {}),
				},
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: attemptMs,
				abortSignal: deadline,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			// Only the error code is kept: the request options (with the secret) must not travel with the error.
			networkError = deadline.aborted
				? `no complete answer within ${Math.round(attemptMs / 1000)} s`
				: String((error as { code?: string }).code ?? (error as Error).message ?? 'network error');
		}

		if (response && response.statusCode >= 200 && response.statusCode < 300) {
			const body = parseTokenBody(response.body);
			if (!body) {
				throw new TokenRequestError(
					'The token endpoint answered with a body that is not JSON',
					'Check the token issuer settings of the HPE GreenLake API credential: the URL must be a GreenLake OAuth2 token endpoint.',
					response.statusCode,
				);
			}
			return toMintedToken(body, response.statusCode, defaultLifetimeSeconds);
		}
		if (response && !isTransient(response.statusCode)) {
			throw refusal(response.statusCode, parseTokenBody(response.body), exchange, secrets);
		}
		lastFailure = response
			? refusal(response.statusCode, parseTokenBody(response.body), exchange, secrets)
			: new TokenRequestError(
					`Could not reach the GreenLake token endpoint (${networkError})`,
					'Check the network connection, proxy settings and the Token Issuer / Base URL of the credential.',
					undefined,
				);
		if (attempt === TOKEN_ENDPOINT_MAX_RETRIES) break;
		const requested = response ? serverRequestedDelayMs(response.headers, parseTokenBody(response.body)) : undefined;
		const delayMs = Math.min(requested ?? backoffDelayMs(attempt, RETRY_DEFAULTS.baseBackoffMs, 10_000), 30_000);
		// Another attempt needs time left for its answer too.
		if (Date.now() + delayMs + 1000 >= mintDeadline) break;
		await sleep(delayMs);
	}
	throw lastFailure as TokenRequestError;
}

/** OAuth2 client-credentials grant (RFC 6749 §4.4), client authentication in the body or by HTTP Basic. */
export async function mintClientCredentialsToken(
	http: HttpRequestFn,
	config: ClientConfig,
	defaultLifetimeSeconds = GREENLAKE_TOKEN_LIFETIME_S,
): Promise<MintedToken> {
	const form: Record<string, string> = { grant_type: 'client_credentials' };
	let basic: { user: string; password: string } | undefined;
	if (config.clientAuthentication === 'basic') {
		basic = { user: config.clientId, password: config.clientSecret };
	} else {
		form.client_id = config.clientId;
		form.client_secret = config.clientSecret;
	}
	return await postTokenForm(http, config.tokenUrl, form, basic, false, defaultLifetimeSeconds);
}

/** RFC 8693 token exchange: the MSP workspace's token buys a token for one of its tenant workspaces. */
export async function exchangeForTenantToken(
	http: HttpRequestFn,
	tenantTokenUrl: string,
	subjectToken: string,
): Promise<MintedToken> {
	return await postTokenForm(
		http,
		tenantTokenUrl,
		{ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE },
		undefined,
		true,
		GREENLAKE_TOKEN_LIFETIME_S,
	);
}
