// Edge cases of the harness's CLI-mirroring preAuthentication / getDecrypted, checked directly
// (no workflow run, no HTTP): these rules decide when a GreenLake token is minted and persisted.
import { createCredentialStore, TestCredentialsHelper } from '../../support/workflowRunner';
import type { CredentialTypeRegistry } from '../../support/workflowRunner';

import type { ICredentialType, IHttpRequestHelper, INode } from 'n8n-workflow';

const tokenType = (overrides: Partial<ICredentialType> = {}): ICredentialType => ({
	name: 'tokenApi',
	displayName: 'Token API',
	properties: [
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
		{
			displayName: 'Token',
			name: 'token',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	],
	preAuthentication: jest.fn(async () => ({ token: 'minted', region: 'us' })),
	...overrides,
});

const registryOf = (...types: ICredentialType[]): CredentialTypeRegistry => ({
	getByName: (name) => {
		const found = types.find((t) => t.name === name);
		if (!found) throw new Error(`unknown ${name}`);
		return found;
	},
	getSupportedNodes: () => [],
	getParentTypes: () => [],
});

const nodeWithCredential: INode = {
	id: 'n1',
	name: 'Node',
	type: 'pkg.node',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { tokenApi: { id: 'c1', name: 'Token account' } },
};

const helpers = { helpers: { httpRequest: jest.fn() } } as unknown as IHttpRequestHelper;

function setup(type: ICredentialType, data: Record<string, unknown>) {
	const store = createCredentialStore([
		{ id: 'c1', name: 'Token account', type: 'tokenApi', data },
	]);
	return { store, helper: new TestCredentialsHelper(store, registryOf(type)) };
}

describe('TestCredentialsHelper.preAuthentication (mirrors the n8n CLI)', () => {
	it('mints when the expirable value is empty, persists the merge, returns the merged object', async () => {
		const type = tokenType();
		const { store, helper } = setup(type, { clientId: 'a', token: '' });
		const credentials = { clientId: 'a', region: 'eu', token: '' };

		const result = await helper.preAuthentication(
			helpers,
			credentials,
			'tokenApi',
			nodeWithCredential,
			false,
		);

		expect(type.preAuthentication).toHaveBeenCalledTimes(1);
		expect(result).toBe(credentials);
		expect(credentials).toEqual({ clientId: 'a', region: 'us', token: 'minted' });
		// Merged into the RAW stored data (no defaults added), not into the decrypted copy.
		expect(store.writeCount()).toBe(1);
		expect(store.lastWrite()?.data).toEqual({ clientId: 'a', token: 'minted', region: 'us' });
	});

	it('does nothing while a token is present and not expired', async () => {
		const type = tokenType();
		const { store, helper } = setup(type, { token: 'cached' });
		const result = await helper.preAuthentication(
			helpers,
			{ token: 'cached' },
			'tokenApi',
			nodeWithCredential,
			false,
		);
		expect(result).toBeUndefined();
		expect(type.preAuthentication).not.toHaveBeenCalled();
		expect(store.writeCount()).toBe(0);
	});

	it('re-mints when credentialsExpired (the 401 path) even with a token present', async () => {
		const type = tokenType();
		const { store, helper } = setup(type, { token: 'stale' });
		const result = await helper.preAuthentication(
			helpers,
			{ token: 'stale' },
			'tokenApi',
			nodeWithCredential,
			true,
		);
		expect(result?.token).toBe('minted');
		expect(store.getData('c1').token).toBe('minted');
	});

	it('always mints for a credential test (noOp node with parameters.temp === "")', async () => {
		const type = tokenType();
		const { helper } = setup(type, { token: 'cached' });
		const testNode: INode = {
			...nodeWithCredential,
			type: 'n8n-nodes-base.noOp',
			parameters: { temp: '' },
		};
		await helper.preAuthentication(helpers, { token: 'cached' }, 'tokenApi', testNode, false);
		expect(type.preAuthentication).toHaveBeenCalledTimes(1);
	});

	it('is a silent no-op without a hidden expirable property', async () => {
		const type = tokenType({
			properties: [{ displayName: 'Token', name: 'token', type: 'hidden', default: '' }],
		});
		const { store, helper } = setup(type, {});
		const result = await helper.preAuthentication(
			helpers,
			{ token: '' },
			'tokenApi',
			nodeWithCredential,
			true,
		);
		expect(result).toBeUndefined();
		expect(type.preAuthentication).not.toHaveBeenCalled();
		expect(store.writeCount()).toBe(0);
	});

	it('stores nothing when the output lacks the expirable key', async () => {
		const type = tokenType({ preAuthentication: jest.fn(async () => ({ region: 'us' })) });
		const { store, helper } = setup(type, { token: '' });
		const result = await helper.preAuthentication(
			helpers,
			{ token: '' },
			'tokenApi',
			nodeWithCredential,
			false,
		);
		expect(result).toBeUndefined();
		expect(store.writeCount()).toBe(0);
	});

	it('never overwrites a field stored as an expression (except the expirable key)', async () => {
		const type = tokenType();
		const { store, helper } = setup(type, { region: '={{ "eu" }}', token: '' });
		await helper.preAuthentication(
			helpers,
			{ region: 'eu', token: '' },
			'tokenApi',
			nodeWithCredential,
			false,
		);
		expect(store.getData('c1')).toEqual({ region: '={{ "eu" }}', token: 'minted' });
	});

	it('calls preAuthentication but neither persists nor returns when the node has no credentials', async () => {
		const type = tokenType();
		const { store, helper } = setup(type, { token: '' });
		const bareNode: INode = { ...nodeWithCredential, credentials: undefined };
		const result = await helper.preAuthentication(
			helpers,
			{ token: '' },
			'tokenApi',
			bareNode,
			false,
		);
		expect(type.preAuthentication).toHaveBeenCalledTimes(1);
		expect(result).toBeUndefined();
		expect(store.writeCount()).toBe(0);
	});
});

describe('TestCredentialsHelper.getDecrypted', () => {
	const additionalData = { variables: {} } as never;

	it('applies credential-type defaults (so a missing expirable field reads as "")', async () => {
		const { helper } = setup(tokenType(), { clientId: 'a' });
		const data = await helper.getDecrypted(
			additionalData,
			{ id: 'c1', name: 'x' },
			'tokenApi',
			'manual',
		);
		expect(data).toEqual({ clientId: 'a', region: 'eu', token: '' });
	});

	it('returns the stored data untouched when raw', async () => {
		const { helper } = setup(tokenType(), { clientId: 'a' });
		const data = await helper.getDecrypted(
			additionalData,
			{ id: 'c1', name: 'x' },
			'tokenApi',
			'manual',
			undefined,
			true,
		);
		expect(data).toEqual({ clientId: 'a' });
	});

	it('resolves expressions stored in credential fields', async () => {
		const { helper } = setup(tokenType(), { clientId: '={{ "id-" + (1 + 1) }}' });
		const data = await helper.getDecrypted(
			additionalData,
			{ id: 'c1', name: 'x' },
			'tokenApi',
			'manual',
		);
		expect(data.clientId).toBe('id-2');
	});

	it('rejects an unknown id or a type mismatch', async () => {
		const { helper } = setup(tokenType(), {});
		await expect(
			helper.getDecrypted(additionalData, { id: 'nope', name: 'x' }, 'tokenApi', 'manual'),
		).rejects.toThrow(/does not exist/);
		await expect(
			helper.getDecrypted(additionalData, { id: 'c1', name: 'x' }, 'otherApi', 'manual'),
		).rejects.toThrow();
	});
});

describe('TestCredentialsHelper.authenticate', () => {
	it('applies a function authenticate', async () => {
		const type = tokenType({
			authenticate: async (credentials, requestOptions) => ({
				...requestOptions,
				headers: { ...requestOptions.headers, 'X-Token': String(credentials.token) },
			}),
		});
		const { helper } = setup(type, {});
		const options = await helper.authenticate({ token: 't' }, 'tokenApi', {
			url: 'http://x',
			headers: {},
		});
		expect(options.headers).toEqual({ 'X-Token': 't' });
	});
});
