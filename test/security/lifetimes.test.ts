// Finding 10: an issuer answering `expires_in: 1e13` made the token look eternal and failed with "Invalid time
// value" (no field named). Lifetimes are held to a day; a stored record claiming more is not adopted.
import type { IDataObject } from 'n8n-workflow';

import { GENERATOR_NODE_TYPE, NODE_NAME, UNIT_CONFIG, distModule, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';

const DAY_S = 86_400;

describe('absurd token lifetimes (finding 10)', () => {
	const probe = hostileTally('lifetimes');
	let robust: Robust;

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: 5, auditLogs: 5, users: 5, subscriptions: 5, locations: 5 } });
	});
	afterAll(async () => {
		await robust?.sandbox.close();
	});
	beforeEach(() => robust.reset());

	// The sandbox's tokens are JWTs whose exp says 900 s: that is believed over the absurd expires_in.
	for (const value of [1e13, 1e300, 10 * DAY_S]) {
		it(`expires_in ${value}: the Token node reports the JWT's lifetime (900 s), a valid expiry time, no "Invalid time value"`, async () => {
			await probe(async () => {
				robust.sandbox.faults.inject({ kind: 'expiresIn', value, count: 1, route: '/token' });
				const result = await robust.run(robust.node({ operation: 'generateToken' }, { type: GENERATOR_NODE_TYPE, name: 'Token' }));
				expect(result.nodeError('Token')).toBeUndefined();
				const [json] = result.output('Token');
				expect(json.expires_in).toBeGreaterThan(800);
				expect(json.expires_in).toBeLessThanOrEqual(900);
				expect(Date.parse(String(json.expires_at)) - Date.now()).toBeLessThanOrEqual(DAY_S * 1000);
			});
		});
	}

	it('without a JWT exp to fall back on, an absurd expires_in is held to a day (unit, grants from dist)', async () => {
		await probe(async () => {
			const { mintClientCredentialsToken } = (await distModule<{
				mintClientCredentialsToken(http: (options: unknown) => Promise<unknown>, config: IDataObject): Promise<IDataObject>;
			}>('nodes/shared/auth/grants'));
			const minted = await mintClientCredentialsToken(
				async () => ({ statusCode: 200, headers: {}, body: { access_token: 'opaque-token-abcdef', expires_in: 1e13 } }),
				{ clientId: 'c', clientSecret: 'secret-secret-secret', tokenUrl: 'https://global.api.greenlake.hpe.com/t', clientAuthentication: 'body' },
			);
			expect(minted.lifetimeSeconds).toBe(DAY_S);
		});
	});

	it('after an absurd expires_in the HPE GreenLake node still works with that token', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'expiresIn', value: 1e13, count: 1, route: '/token' });
			const result = await robust.run(robust.node({ resource: 'workspace', operation: 'get' }));
			expect(result.nodeError(NODE_NAME)).toBeUndefined();
			expect(result.output(NODE_NAME)).toHaveLength(1);
			expect(robust.sandbox.counters().mints.total).toBe(1);
		});
	});

	it('a stored token record claiming to expire in 1e13 s is not adopted: a fresh token is minted', async () => {
		await probe(async () => {
			const { TokenEngine } = (await distModule<{
				TokenEngine: new () => {
					fingerprint(config: IDataObject): string;
					getToken(http: (options: unknown) => Promise<unknown>, config: IDataObject, options?: IDataObject): Promise<IDataObject>;
				};
			}>('nodes/shared/auth/tokenEngine'));
			const engine = new TokenEngine();
			const config = UNIT_CONFIG;
			let mints = 0;
			const http = async () => {
				mints += 1;
				return { statusCode: 200, headers: {}, body: { access_token: 'fresh-token-abcdef', expires_in: 900 } };
			};
			const stored = { accessToken: 'stored-token-abcdef', expiresAt: Date.now() + 1e16, fingerprint: engine.fingerprint(config), lifetimeSeconds: 1e13 };
			const token = await engine.getToken(http, config, { stored });
			expect(token.accessToken).toBe('fresh-token-abcdef');
			expect(mints).toBe(1);
			expect(() => new Date(token.expiresAt as number).toISOString()).not.toThrow();
		});
	});
});
