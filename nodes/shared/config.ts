/**
 * Facts about GreenLake that more than one module needs. Sources: the GreenLake developer portal and HPE's
 * published OpenAPI specs (see the README's "Sources" section).
 */

import { name as PACKAGE_NAME, version as PACKAGE_VERSION } from '../../package.json';

/** Sent on every request: GreenLake support can tell this package and its version apart in their logs. */
export const PACKAGE_USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION} (+https://www.npmjs.com/package/${PACKAGE_NAME})`;

export const CREDENTIAL_TYPE = 'hpeGreenLakeApi';

export const DEFAULT_BASE_URL = 'https://global.api.greenlake.hpe.com';
export const CLASSIC_SSO_TOKEN_URL = 'https://sso.common.cloud.hpe.com/as/token.oauth2';
export const WORKSPACE_ISSUER_PATH = '/authorization/v2/oauth2/{workspaceId}/token';

/** Base URLs offered in the credential; the same personal API client works on each. */
export const REGIONAL_BASE_URLS: Array<{ name: string; value: string }> = [
	{ name: 'GreenLake Platform (Global)', value: DEFAULT_BASE_URL },
	{ name: 'US West (Compute Ops Management, Data Services, …)', value: 'https://us-west.api.greenlake.hpe.com' },
	{ name: 'EU Central (Compute Ops Management, Data Services, …)', value: 'https://eu-central.api.greenlake.hpe.com' },
	{ name: 'EU West (Data Services, Sustainability Insight Center)', value: 'https://eu-west.api.greenlake.hpe.com' },
	{ name: 'AP Northeast (Compute Ops Management, Data Services, …)', value: 'https://ap-northeast.api.greenlake.hpe.com' },
];

/**
 * Hosts a bearer token may be sent to (over https) besides the credential's own base URL host: GreenLake/HPE API
 * hosts. A host matches when it equals one of these or ends with "." + one of them. The one source of this rule:
 * the credential's field help, refusal messages and the README quote TRUSTED_API_HOSTS_TEXT.
 */
export const TRUSTED_API_HOST_SUFFIXES = ['api.greenlake.hpe.com', 'cloud.hpe.com', 'api.central.arubanetworks.com'];

/** "*.api.greenlake.hpe.com, *.cloud.hpe.com and *.api.central.arubanetworks.com" */
export const TRUSTED_API_HOSTS_TEXT = TRUSTED_API_HOST_SUFFIXES.map((suffix) => `*.${suffix}`)
	.join(', ')
	.replace(/, ([^,]*)$/, ' and $1');

/** GreenLake platform tokens live 15 minutes; tokens of other HPE services 120 minutes. */
export const GREENLAKE_TOKEN_LIFETIME_S = 900;
export const SERVICE_TOKEN_LIFETIME_S = 7200;

/** A token is used only while more than this is left (see tokenEngine.refreshMarginMs for the rule). */
export const DEFAULT_REFRESH_SKEW_S = 60;

/**
 * Most tokens one process keeps cached (the credentials' own and MSP tenant tokens together); beyond it the least
 * recently used go, and expired ones are dropped anyway. About 2 KB each: a few MB at most.
 */
export const TOKEN_CACHE_MAX_ENTRIES = 2000;

export const CLIENT_SECRET_MIN_LENGTH = 16;

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Maximum and default `limit` per list endpoint (HPE OpenAPI specs), longest prefix wins. */
export const PAGE_SIZES: Array<{ path: string; max: number; default: number }> = [
	{ path: '/audit-log/v1/logs', max: 2000, default: 50 },
	{ path: '/audit-log/v2beta1/logs', max: 2000, default: 50 },
	{ path: '/devices/v1/devices', max: 2000, default: 2000 },
	{ path: '/devices/v2beta1/devices', max: 500, default: 100 },
	{ path: '/subscriptions/v1/subscriptions', max: 200, default: 50 },
	{ path: '/identity/v1/users', max: 600, default: 300 },
	{ path: '/workspaces/v1/msp-tenants', max: 300, default: 300 },
	{ path: '/locations/v1/locations', max: 2000, default: 100 },
	{ path: '/tags/v1/tags', max: 100, default: 100 },
	{ path: '/tags/v1/tag-resources', max: 100, default: 100 },
	{ path: '/authorization/v1beta1/role-assignments', max: 200, default: 100 },
	{ path: '/service-catalog/v1/service-managers', max: 2000, default: 2000 },
	{ path: '/reporting/v1/report-exports-metadata', max: 100, default: 10 },
	{ path: '/events/v1beta1/webhooks', max: 200, default: 200 },
	{ path: '/events/v1beta1/subscriptions', max: 10, default: 10 },
	{ path: '/compute-ops-mgmt/v1/servers', max: 100, default: 100 },
];
/**
 * Tenant picker search: GreenLake documents no substring operator for `/workspaces/v1/msp-tenants`, so a typed name
 * is matched while paging through the tenants. One search reads pages until it has this many matches…
 */
export const TENANT_SEARCH_MIN_MATCHES = 50;
/** …or has read this many pages (300 tenants each); the list's "load more" (paginationToken) goes on from there. */
export const TENANT_SEARCH_MAX_PAGES = 20;

/** Page size for list endpoints not in the table: GreenLake's smallest common maximum. */
export const FALLBACK_PAGE_SIZE = 100;

/** Audit-log queries report at most this many matches (`total`); more are flagged by `remainingRecords`. */
export const AUDIT_LOG_RESULT_CAP = 10_000;
/** GreenLake keeps audit logs for about three months. */
export const AUDIT_LOG_RETENTION_DAYS = 90;

export const RETRY_DEFAULTS = {
	maxRetries: 5,
	maxWaitSeconds: 120,
	baseBackoffMs: 500,
	maxBackoffMs: 30_000,
};

export const TOKEN_ENDPOINT_MAX_RETRIES = 3;

/** Wall-clock limit of one API request when Request Options → Timeout is not set. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Wall-clock limit of one token request, and of a whole mint (its retries included). */
export const TOKEN_REQUEST_TIMEOUT_MS = 30_000;
export const TOKEN_MINT_DEADLINE_MS = 60_000;

/** Return All stops with an error after this many pages (a server that never ends a list must not run forever). */
export const MAX_PAGES = 1000;

/** GreenLake's rate-limit windows are per minute: a reset hint beyond this is not believed. */
export const MAX_RATE_LIMIT_RESET_S = 60;

/** A token lifetime (`expires_in` or JWT `exp`) beyond this is treated as this: no GreenLake token lives a day. */
export const MAX_TOKEN_LIFETIME_S = 86_400;
