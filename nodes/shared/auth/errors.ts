/**
 * Errors raised by the token engine. They carry what the user must know (which field, what to do) and never a
 * secret or token: messages are built only from field names, status codes and the issuer's error code/description.
 * Node code converts them into NodeOperationError / NodeApiError with the node and item attached.
 */
export class GreenLakeAuthError extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly httpCode?: number,
	) {
		super(message);
		this.name = 'GreenLakeAuthError';
	}
}

/** A credential field is missing or malformed; nothing was sent. */
export class CredentialConfigError extends GreenLakeAuthError {
	constructor(
		readonly field: string,
		problem: string,
		fix: string,
	) {
		super(`Credential field "${field}": ${problem}`, fix);
		this.name = 'CredentialConfigError';
	}
}

/** The issuer answered, but not with a usable token. */
export class TokenRequestError extends GreenLakeAuthError {
	constructor(
		message: string,
		description: string,
		httpCode: number | undefined,
		readonly oauthError?: string,
	) {
		super(message, description, httpCode);
		this.name = 'TokenRequestError';
	}
}
