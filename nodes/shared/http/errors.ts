import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CredentialConfigError, GreenLakeAuthError } from '../auth/errors';
import type { SecretSet } from './scrub';
import { scrubValue } from './scrub';

/** GreenLake's error body: `{httpStatusCode, errorCode, message, debugId, errorDetails}`. */
export interface GreenLakeErrorBody {
	httpStatusCode?: number;
	errorCode?: string;
	message?: string;
	debugId?: string;
	errorDetails?: IDataObject[];
}

/** One readable line per `errorDetails` entry: bad-request issues, metadata and retry hints. */
export function flattenErrorDetails(details: unknown): string[] {
	if (!Array.isArray(details)) return [];
	const lines: string[] = [];
	for (const detail of details as IDataObject[]) {
		if (Array.isArray(detail?.issues)) {
			for (const issue of detail.issues as IDataObject[]) {
				const where = [issue.source, issue.subject].filter(Boolean).join(' ');
				lines.push(`${where ? `${where}: ` : ''}${String(issue.description ?? '')}`.trim());
			}
		} else if (detail?.metadata && typeof detail.metadata === 'object') {
			lines.push(
				Object.entries(detail.metadata as IDataObject)
					.map(([key, value]) => `${key}: ${String(value)}`)
					.join(', '),
			);
		} else if (detail?.retryAfterSeconds !== undefined) {
			lines.push(`retry after ${String(detail.retryAfterSeconds)} s`);
		}
	}
	return lines.filter((line) => line !== '');
}

const STATUS_HINTS: Record<number, string> = {
	400: 'GreenLake rejected a parameter: check the query, filter and body.',
	401: 'The token was refused even after minting a new one: check that the API client still exists in GreenLake.',
	403: 'The API client lacks a permission for this call: the token inherits the roles of the user who created the client.',
	404: 'The resource or path does not exist in this workspace.',
	429: 'GreenLake rate limit: raise Max Wait, lower the request rate, or split the work over time.',
};

/** A GreenLake API error as n8n shows it: status, errorCode, message, debugId and flattened details. */
export function greenLakeApiError(
	node: INode,
	statusCode: number,
	body: unknown,
	context: { method: string; path: string; itemIndex?: number; secrets?: SecretSet },
): NodeApiError {
	const raw = (body && typeof body === 'object' ? body : {}) as GreenLakeErrorBody;
	// A gateway that echoes the request could quote the token: nothing the server said is quoted unscrubbed.
	const parsed = context.secrets ? scrubValue(raw, context.secrets) : raw;
	const code = parsed.errorCode ? ` ${parsed.errorCode}` : '';
	const message = `GreenLake ${context.method} ${context.path} failed: HTTP ${statusCode}${code}${parsed.message ? ` — ${parsed.message}` : ''}`;
	const details = flattenErrorDetails(parsed.errorDetails);
	const description = [
		...details,
		STATUS_HINTS[statusCode],
		parsed.debugId ? `debugId: ${parsed.debugId} (quote it to HPE support)` : undefined,
	]
		.filter(Boolean)
		.join('\n');
	const errorResponse: JsonObject = {
		httpStatusCode: statusCode,
		errorCode: parsed.errorCode ?? null,
		message: parsed.message ?? null,
		debugId: parsed.debugId ?? null,
		errorDetails: (parsed.errorDetails ?? []) as JsonObject[],
	};
	return new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: String(statusCode),
		itemIndex: context.itemIndex,
	});
}

/** Converts the token engine's errors (which carry no node) into n8n errors; anything else is returned as is. */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): unknown {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof CredentialConfigError) {
		return new NodeOperationError(node, error.message, { description: error.description, itemIndex });
	}
	if (error instanceof GreenLakeAuthError) {
		if (error.httpCode === undefined) {
			return new NodeOperationError(node, error.message, { description: error.description, itemIndex });
		}
		return new NodeApiError(
			node,
			{ httpStatusCode: error.httpCode, message: error.message },
			{ message: error.message, description: error.description, httpCode: String(error.httpCode), itemIndex },
		);
	}
	return error;
}
