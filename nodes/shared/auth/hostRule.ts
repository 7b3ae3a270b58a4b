import { TRUSTED_API_HOST_SUFFIXES, TRUSTED_API_HOSTS_TEXT } from '../config';
import type { ClientConfig } from './clientConfig';
import { GreenLakeAuthError } from './errors';

/**
 * The one rule for where the bearer token may go, applied by this package's transport and by the credential's
 * `authenticate` (n8n's HTTP Request node, the credential Test): the credential's Base URL origin, https hosts under
 * TRUSTED_API_HOST_SUFFIXES, and the hosts listed in Additional Allowed Hosts (https, or the Base URL's origin).
 * A URL carrying user info (https://trusted@other) is never allowed.
 */
export function mayReceiveToken(url: URL, config: ClientConfig): boolean {
	if (url.username !== '' || url.password !== '') return false;
	const base = new URL(config.baseUrl);
	if (url.origin === base.origin) return true;
	if (url.protocol !== 'https:') return false;
	const host = url.hostname.toLowerCase();
	if (config.extraAllowedHosts.some((allowed) => allowed === host || allowed === url.host.toLowerCase())) return true;
	return TRUSTED_API_HOST_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

/** Why a host was refused and what to do, for every route that refuses one. */
export function tokenHostRefusal(config: ClientConfig, host: string): { message: string; description: string } {
	return {
		message: `Refusing to send the GreenLake token to ${host}`,
		description: `The token is sent only to the credential's Base URL (${new URL(config.baseUrl).host}), to HPE API hosts over https (${TRUSTED_API_HOSTS_TEXT}) and to the hosts in the credential's "Additional Allowed Hosts". If ${host} is an HPE API host, add it there; otherwise use a path on the Base URL.`,
	};
}

/** Raised by the credential's `authenticate` before anything is sent. */
export class TokenHostRefusedError extends GreenLakeAuthError {
	constructor(config: ClientConfig, host: string) {
		const { message, description } = tokenHostRefusal(config, host);
		super(message, description);
		this.name = 'TokenHostRefusedError';
	}
}
