import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runsAsAiTool } from '../../shared/ai/toolMode';
import type { IssuedToken } from '../../shared/auth/tokenEngine';
import { tokenEngine } from '../../shared/auth/tokenEngine';
import type { GreenLakeSession } from '../../shared/transport/session';
import { openSession } from '../../shared/transport/session';
import type { RunState } from './common';
import { asNodeError, targetWorkspace, tokenFacts } from './common';

interface GenerateOptions {
	forceRefresh: boolean;
	minRemainingSeconds: number;
}

function readOptions(ctx: IExecuteFunctions, itemIndex: number): GenerateOptions {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const raw = options.minRemainingSeconds ?? 0;
	const minRemainingSeconds = typeof raw === 'number' ? raw : Number(String(raw).trim() || 0);
	if (!Number.isFinite(minRemainingSeconds) || minRemainingSeconds < 0) {
		throw new NodeOperationError(ctx.getNode(), 'Minimum Remaining Lifetime must be a number of seconds, 0 or more', {
			description: `Got "${String(raw)}". Set it to 0 to accept any cached token that is still valid.`,
			itemIndex,
		});
	}
	return { forceRefresh: options.forceRefresh === true, minRemainingSeconds };
}

/**
 * Asks the package's one token engine. This function must not read credentials itself (openSession did): n8n's lint
 * rule no-http-request-with-manual-auth rejects httpRequest next to getCredentials.
 */
async function issueToken(
	ctx: IExecuteFunctions,
	session: GreenLakeSession,
	workspaceId: string,
	options: GenerateOptions,
): Promise<IssuedToken> {
	return await tokenEngine.getToken(ctx.helpers.httpRequest.bind(ctx.helpers), session.config, {
		workspaceId,
		minRemainingSeconds: options.minRemainingSeconds,
		forceRefresh: options.forceRefresh,
		stored: session.stored,
	});
}

/** Generate Token: a token for the workspace that lasts at least the requested time, minted only when needed. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunState): Promise<IDataObject> {
	if (runsAsAiTool(this.getNode())) {
		throw new NodeOperationError(this.getNode(), 'Generate Token is not available to AI agents', {
			description:
				'A tool\'s output goes into the language model, and a GreenLake token must never go there. Give the agent the HPE GreenLake node as a tool instead: it calls the API with the token without showing it.',
			itemIndex,
		});
	}
	const session = await openSession(this, itemIndex);
	const workspaceId = targetWorkspace(this, session, itemIndex);
	const options = readOptions(this, itemIndex);
	const key = tokenEngine.fingerprint(session.config, workspaceId);

	// An earlier item found this lifetime impossible: fail the same way without minting again.
	const impossible = run.unreachable.get(`${key}:${options.minRemainingSeconds}`);
	if (impossible) {
		throw new NodeOperationError(this.getNode(), impossible.message, { description: impossible.description, itemIndex });
	}

	// Force Refresh acts once per workspace and execution; later items get the token it minted.
	const forceRefresh = options.forceRefresh && !run.forced.has(key);
	if (forceRefresh) run.forced.add(key);

	let token: IssuedToken;
	try {
		token = await issueToken(this, session, workspaceId, { ...options, forceRefresh });
	} catch (error) {
		const nodeError = asNodeError(this, error, itemIndex);
		// A token never has more left than its lifetime: if the one just cached lives no longer than the requested
		// minimum, no later mint can satisfy it either.
		const cached = tokenEngine.peek(session.config, workspaceId);
		if (cached && options.minRemainingSeconds > 0 && options.minRemainingSeconds >= cached.lifetimeSeconds) {
			run.unreachable.set(`${key}:${options.minRemainingSeconds}`, {
				message: nodeError.message,
				description: nodeError.description ?? undefined,
			});
		}
		throw nodeError;
	}

	return {
		access_token: token.accessToken,
		...tokenFacts(token, Date.now()),
		cached: token.source !== 'minted',
		authorization_header: `Bearer ${token.accessToken}`,
	};
}
