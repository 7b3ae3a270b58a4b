// Finding 9: an issuer or API error that echoes the request quoted the client secret / bearer token into the error.
// Server text is still quoted (it helps), with every known secret value removed: raw, form-encoded and inside an
// echoed HTTP Basic header.
import type { RunResult } from '../support/workflowRunner';

import { NODE_NAME, SEED, GENERATOR_NODE_TYPE, hostileTally, startRobust } from './robustHarness';
import type { Robust } from './robustHarness';

const client = SEED.clients.standard;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/** Everything n8n keeps of a run: node output, the node's error (message, description, cause) and the run error. */
function everything(result: RunResult, name = NODE_NAME): string {
	return [JSON.stringify(result.runData), JSON.stringify(result.error ?? null), JSON.stringify(result.nodeError(name) ?? null)].join('\n');
}

function secretForms(secret: string): string[] {
	return [secret, encodeURIComponent(secret), Buffer.from(`${client.clientId}:${secret}`).toString('base64')];
}

describe('secrets scrubbed from quoted server text (finding 9)', () => {
	const probe = hostileTally('scrubbing');
	let robust: Robust;
	let basic: Robust;

	beforeAll(async () => {
		robust = await startRobust({ sizes: { devices: 5, auditLogs: 5, users: 5, subscriptions: 5, locations: 5 } });
		basic = await startRobust({ sizes: { devices: 5, auditLogs: 5, users: 5, subscriptions: 5, locations: 5 } }, client, { clientAuthentication: 'basic' });
	});
	afterAll(async () => {
		await robust?.sandbox.close();
		await basic?.sandbox.close();
	});
	beforeEach(() => {
		robust.reset();
		basic.reset();
	});

	it('a token endpoint answering 401 with the request body echoed (client_secret in the form): quoted, secret redacted', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'echo', status: 401, count: 1, route: '/token' });
			const result = await robust.run(robust.node({ resource: 'workspace', operation: 'get' }));
			expect(result.status).toBe('error');
			const text = everything(result);
			// The server's text is quoted (so the user sees what the issuer said)…
			expect(text).toMatch(/Request rejected: POST \/authorization\/v2\/oauth2/);
			expect(text).toMatch(/client_secret=\[redacted\]/);
			// …and no form of the secret survives.
			for (const form of secretForms(client.clientSecret)) expect(text.includes(form)).toBe(false);
		});
	});

	it('the same with HTTP Basic client authentication (the echoed Authorization header): redacted', async () => {
		await probe(async () => {
			basic.sandbox.faults.inject({ kind: 'echo', status: 400, count: 1, route: '/token' });
			const result = await basic.run(basic.node({ resource: 'workspace', operation: 'get' }));
			expect(result.status).toBe('error');
			const text = everything(result);
			expect(text).toMatch(/Basic \[redacted\]/);
			for (const form of secretForms(client.clientSecret)) expect(text.includes(form)).toBe(false);
		});
	});

	it('the Token node, same echo: its error carries no secret either', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'echo', status: 401, count: 1, route: '/token' });
			const result = await robust.run(robust.node({ operation: 'generateToken' }, { type: GENERATOR_NODE_TYPE, name: 'Token' }));
			expect(result.status).toBe('error');
			const text = everything(result, 'Token');
			expect(text).toMatch(/Request rejected/);
			for (const form of secretForms(client.clientSecret)) expect(text.includes(form)).toBe(false);
		});
	});

	it('an API call answered 400 with the request headers echoed (the bearer token): quoted, token redacted', async () => {
		await probe(async () => {
			robust.sandbox.faults.inject({ kind: 'echo', status: 400, count: 1, route: '/devices/v1/devices' });
			const result = await robust.run(robust.node({ resource: 'device', operation: 'getMany', returnAll: false, limit: 2 }));
			expect(result.status).toBe('error');
			const text = everything(result);
			expect(text).toMatch(/Request rejected: GET \/devices\/v1\/devices/);
			expect(text).toMatch(/Bearer \[redacted\]/);
			expect(text).not.toMatch(JWT);
		});
	});

	it('a tenant token exchange answered with the subject token echoed: redacted', async () => {
		await probe(async () => {
			const msp = await startRobust({ sizes: { devices: 5, auditLogs: 5, users: 5, subscriptions: 5, locations: 5 } }, SEED.clients.msp);
			try {
				msp.reset();
				// The first token request (the MSP's own mint) goes through; the exchange is echoed.
				msp.sandbox.faults.inject({ kind: 'echo', status: 400, count: 1, route: '/token', skip: 1 });
				const tenant = SEED.workspaces.tenants[0].id;
				const result = await msp.run(
					msp.node({ resource: 'workspace', operation: 'get', workspaceScope: 'tenant', tenant: { __rl: true, mode: 'id', value: tenant } }),
				);
				expect(result.status).toBe('error');
				const text = everything(result);
				expect(text).toMatch(/subject_token=\[redacted\]/);
				expect(text).not.toMatch(JWT);
			} finally {
				await msp.sandbox.close();
			}
		});
	});
});
