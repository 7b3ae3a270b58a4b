import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	CLASSIC_SSO_TOKEN_URL,
	CLIENT_SECRET_MIN_LENGTH,
	DEFAULT_BASE_URL,
	TRUSTED_API_HOSTS_TEXT,
	WORKSPACE_ISSUER_PATH,
} from '../config';
import { CredentialConfigError } from './errors';

export type IssuerKind = 'workspace' | 'sso' | 'custom';
export type ClientAuthentication = 'body' | 'basic';

/** The credential, validated and normalised once; everything downstream trusts it. */
export interface ClientConfig {
	clientId: string;
	clientSecret: string;
	/** The workspace the API client was created in: 32 lowercase hex, no hyphens. */
	workspaceId: string;
	issuer: IssuerKind;
	/** Where client-credentials tokens are minted. */
	tokenUrl: string;
	/** API base URL without a trailing slash. */
	baseUrl: string;
	clientAuthentication: ClientAuthentication;
	/** Extra hosts (beyond the base URL's and GreenLake's own) the bearer token may be sent to. */
	extraAllowedHosts: string[];
}

const WORKSPACE_ID_PATTERN = /^[0-9a-f]{32}$/;
const REGIONAL_HOST = /^[a-z0-9-]+\.api\.greenlake\.hpe\.com$/;

/** Accepts a workspace id with or without hyphens, any case; returns 32 lowercase hex or undefined. */
export function normalizeWorkspaceId(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const compact = value.trim().replace(/-/g, '').toLowerCase();
	return WORKSPACE_ID_PATTERN.test(compact) ? compact : undefined;
}

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses a URL the user typed; https is required except on loopback (the local sandbox). */
export function parseSecureUrl(value: unknown, field: string): URL {
	const text = typeof value === 'string' ? value.trim() : '';
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) {
		throw new CredentialConfigError(field, `"${text}" is not a URL`, 'Enter a full URL starting with https://');
	}
	if (url.username !== '' || url.password !== '') {
		throw new CredentialConfigError(field, `${url.protocol}//…@${url.host} contains a user name or password`, 'Remove the "user@" part: the host is what follows the "@"');
	}
	if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
		throw new CredentialConfigError(
			field,
			`"${url.origin}${url.pathname}" is followed by a query or fragment ("?…" or "#…")`,
			'Remove everything from the "?" or "#" on: paths and query parameters belong in the node, not in this URL',
		);
	}
	if (url.protocol === 'https:') return url;
	if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
	throw new CredentialConfigError(
		field,
		`${url.protocol}//${url.host} is not allowed`,
		'Use https:// (plain http is accepted only for loopback hosts such as a local sandbox)',
	);
}

export function workspaceTokenUrl(issuerOrigin: string, workspaceId: string): string {
	return issuerOrigin + WORKSPACE_ISSUER_PATH.replace('{workspaceId}', workspaceId);
}

/**
 * The workspace issuer lives on the platform host. Regional service hosts (us-west.api…, eu-central.api…) share the
 * platform's tokens but do not issue them, so their issuer is the global host.
 */
export function issuerOriginFor(baseUrl: string): string {
	const url = new URL(baseUrl);
	return REGIONAL_HOST.test(url.hostname) ? DEFAULT_BASE_URL : url.origin;
}

/** The issuer that mints tokens for a (tenant) workspace by token exchange. */
export function tenantTokenUrl(config: ClientConfig, tenantWorkspaceId: string): string {
	const custom = config.issuer === 'custom' ? /^(.*\/authorization\/v2\/oauth2\/)[^/]+(\/token)$/.exec(config.tokenUrl) : null;
	if (custom) return `${custom[1]}${tenantWorkspaceId}${custom[2]}`;
	return workspaceTokenUrl(issuerOriginFor(config.baseUrl), tenantWorkspaceId);
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * One entry of Additional Allowed Hosts, normalised where the intent is unambiguous: "https://host/" → "host",
 * "host:443" → "host", upper case → lower case. Anything else that is not a plain host[:port] is refused naming the
 * field, because it could never match: wildcards, paths, http://, user info.
 */
function parseAllowedHost(entry: string): string {
	const refuse = (problem: string, fix: string) => new CredentialConfigError('allowedHosts', `"${entry}" ${problem}`, fix);
	if (entry.includes('*')) {
		throw refuse(
			'is a wildcard, which is not supported',
			`List each host separately (subdomains of ${TRUSTED_API_HOSTS_TEXT} are always allowed and need no entry)`,
		);
	}
	if (/^http:\/\//i.test(entry)) throw refuse('uses http', 'The token is sent to additional hosts over https only: enter the host name alone');
	const hostText = entry.replace(/^https:\/\//i, '').replace(/\/$/, '');
	if (/[/?#@\\\s]/.test(hostText) || hostText === '' || !URL.canParse(`https://${hostText}`)) {
		throw refuse('is not a host name', 'Enter host names only, comma-separated, for example us1.data.cloud.hpe.com (no path, no "https://…/…")');
	}
	const url = new URL(`https://${hostText}`);
	const labelsValid = url.hostname.startsWith('[') || url.hostname.split('.').every((label) => HOST_LABEL.test(label));
	if (!labelsValid) {
		throw refuse('is not a host name', 'Enter host names only, comma-separated, for example us1.data.cloud.hpe.com');
	}
	return url.host;
}

export function parseAllowedHosts(value: unknown): string[] {
	return (typeof value === 'string' ? value : '')
		.split(',')
		.map((host) => host.trim())
		.filter((host) => host !== '')
		.map(parseAllowedHost);
}

function requiredString(data: ICredentialDataDecryptedObject, field: string, label: string): string {
	const value = data[field];
	if (typeof value !== 'string' || value.trim() === '') {
		throw new CredentialConfigError(field, `${label} is empty`, `Fill in ${label} in the HPE GreenLake API credential`);
	}
	return value.trim();
}

export function parseClientConfig(data: ICredentialDataDecryptedObject): ClientConfig {
	const clientId = requiredString(data, 'clientId', 'Client ID');
	// The secret is opaque and may grow: only a minimum length is checked, and it is never trimmed or echoed.
	const clientSecret = typeof data.clientSecret === 'string' ? data.clientSecret : '';
	if (clientSecret.length < CLIENT_SECRET_MIN_LENGTH) {
		throw new CredentialConfigError(
			'clientSecret',
			clientSecret.length === 0 ? 'Client Secret is empty' : `Client Secret is shorter than ${CLIENT_SECRET_MIN_LENGTH} characters`,
			'Paste the whole secret shown once when the API client was created (GreenLake: Manage Workspace → Personal API clients); if it is lost, reset it there',
		);
	}
	const rawWorkspace = requiredString(data, 'workspaceId', 'Workspace ID');
	const workspaceId = normalizeWorkspaceId(rawWorkspace);
	if (!workspaceId) {
		throw new CredentialConfigError(
			'workspaceId',
			'Workspace ID must be 32 hexadecimal characters (hyphens allowed)',
			'Copy it from GreenLake: Manage Workspace → Workspace details (for example 1a2b3c4d-…)',
		);
	}

	const baseChoice = typeof data.baseUrl === 'string' && data.baseUrl !== '' ? data.baseUrl : DEFAULT_BASE_URL;
	const baseUrlField = baseChoice === 'custom' ? 'customBaseUrl' : 'baseUrl';
	const baseUrl = parseSecureUrl(baseChoice === 'custom' ? data.customBaseUrl : baseChoice, baseUrlField)
		.toString()
		.replace(/\/+$/, '');

	const issuer = (['workspace', 'sso', 'custom'].includes(data.issuer as string) ? data.issuer : 'workspace') as IssuerKind;
	let tokenUrl: string;
	if (issuer === 'sso') tokenUrl = CLASSIC_SSO_TOKEN_URL;
	else if (issuer === 'custom') tokenUrl = parseSecureUrl(data.tokenUrl, 'tokenUrl').toString();
	else tokenUrl = workspaceTokenUrl(issuerOriginFor(baseUrl), workspaceId);

	const extraAllowedHosts = parseAllowedHosts(data.allowedHosts);

	return {
		clientId,
		clientSecret,
		workspaceId,
		issuer,
		tokenUrl,
		baseUrl,
		clientAuthentication: data.clientAuthentication === 'basic' ? 'basic' : 'body',
		extraAllowedHosts,
	};
}
