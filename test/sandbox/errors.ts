// Error shapes: the GreenLake platform body (HPE specs §5.1) and the RFC 6749 §5.2 body of the token endpoints.
import { randomUUID } from 'node:crypto';

const ERROR_CODES: Record<number, string> = {
	400: 'HPE_GL_ERROR_BAD_REQUEST',
	401: 'HPE_GL_ERROR_UNAUTHORIZED',
	403: 'HPE_GL_ERROR_FORBIDDEN',
	404: 'HPE_GL_ERROR_NOT_FOUND',
	409: 'HPE_GL_ERROR_CONFLICT',
	415: 'HPE_GL_ERROR_UNSUPPORTED_MEDIA_TYPE',
	429: 'HPE_GL_ERROR_TOO_MANY_REQUESTS',
	500: 'HPE_GL_ERROR_INTERNAL_SERVER_ERROR',
	502: 'HPE_GL_ERROR_BAD_GATEWAY',
	503: 'HPE_GL_ERROR_SERVICE_UNAVAILABLE',
};

export interface GlErrorBody {
	httpStatusCode: number;
	errorCode: string;
	message: string;
	debugId: string;
	errorDetails?: unknown[];
}

/** Thrown by API handlers; the server turns it into a GreenLake error response. */
export class GlError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly errorDetails?: unknown[],
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}

	toBody(): GlErrorBody {
		return glErrorBody(this.status, this.message, this.errorDetails);
	}
}

export function glErrorBody(
	status: number,
	message: string,
	errorDetails?: unknown[],
): GlErrorBody {
	const body: GlErrorBody = {
		httpStatusCode: status,
		errorCode: ERROR_CODES[status] ?? `HPE_GL_ERROR_${status}`,
		message,
		debugId: randomUUID(),
	};
	if (errorDetails && errorDetails.length > 0) body.errorDetails = errorDetails;
	return body;
}

/** 400 with one `hpe.greenlake.bad_request` issue; `subject` names the offending parameter. */
export function badRequest(
	subject: string,
	description: string,
	source = 'query.parameter',
): GlError {
	return new GlError(400, 'Bad request error', [
		{ type: 'hpe.greenlake.bad_request', issues: [{ source, subject, description }] },
	]);
}

export function notFound(message: string, source = 'hpe.greenlake'): GlError {
	return new GlError(404, message, [
		{ type: 'hpe.greenlake.not_found', source, metadata: { id: 'not found' } },
	]);
}

export function forbidden(message: string, source = 'hpe.greenlake'): GlError {
	return new GlError(403, message, [
		{ type: 'hpe.greenlake.metadata', source, metadata: { access_token: 'insufficient_scope' } },
	]);
}

/** Token-endpoint error (RFC 6749 §5.2). */
export class OAuthError extends Error {
	constructor(
		readonly status: number,
		readonly error: string,
		readonly description: string,
	) {
		super(description);
	}

	toBody(): { error: string; error_description: string } {
		return { error: this.error, error_description: this.description };
	}
}
