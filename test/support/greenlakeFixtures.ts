/**
 * Building blocks shared by the in-process workflow tests of this package: the sandbox credential, input items and
 * a node of the package wired to a credential.
 */
import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { SeedClient } from '../sandbox';

/** Credential data of an HPE GreenLake API credential pointing at a sandbox client. */
export function sandboxCredentialData(client: SeedClient, sandboxUrl: string, extra: IDataObject = {}): IDataObject {
	return {
		clientId: client.clientId,
		clientSecret: client.clientSecret,
		workspaceId: client.workspaceId,
		issuer: 'workspace',
		baseUrl: 'custom',
		customBaseUrl: sandboxUrl,
		clientAuthentication: 'body',
		...extra,
	};
}

/** `count` input items, `{ n: i }` unless `make` says otherwise. */
export function inputItems(count: number, make: (i: number) => IDataObject = (i) => ({ n: i })): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({ json: make(i) }));
}

/** A node of this package using the given HPE GreenLake API credential. */
export function packageNode(
	spec: { id: string; name: string; type: string },
	credential: { id: string; name: string },
	parameters: INodeParameters,
	extra: Partial<INode> = {},
): INode {
	return {
		id: spec.id,
		name: spec.name,
		type: spec.type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { hpeGreenLakeApi: credential },
		...extra,
	};
}
