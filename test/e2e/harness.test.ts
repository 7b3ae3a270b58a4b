/**
 * Proves the real-n8n harness (n8n.ts) with a generated fixture community package (fixtures.ts), independently of
 * the product's nodes: install as a community package, import a credential and workflows, execute, read the saved
 * execution and the persisted credential, and serve a published webhook workflow. One n8n instance for the file.
 *
 * The first run installs Node 24 + n8n (about 5 minutes, 3 GB, in ~/.cache/n8n-nodes-hpe-greenlake); later runs
 * take about 45 s. KEEP_N8N=1 keeps the instance's user folder; N8N_E2E_VERBOSE=1 streams n8n's output.
 */
import {
	FIXTURE_CREDENTIAL_TYPE,
	echoWorkflow,
	largeRecord,
	largeResultWorkflow,
	packFixturePackage,
	unknownNodeWorkflow,
	webhookEchoWorkflow,
} from './fixtures';
import { cleanupHarness, ensureRuntime, httpJson, N8nInstance, nodeOutput, type N8nRuntime } from './n8n';

const N8N_VERSION = '2.41.1';
const CREDENTIAL = {
	id: 'harnessCred00001',
	name: 'Harness fixture account',
	type: FIXTURE_CREDENTIAL_TYPE,
	data: { label: 'fixture-label', apiKey: 'fixture-secret-value' },
};
const credentialRef = { id: CREDENTIAL.id, name: CREDENTIAL.name };
const ECHO_WF = 'harnessEchoWf001';
const UNKNOWN_WF = 'harnessGhostWf01';
const WEBHOOK_WF = 'harnessHookWf001';
const LARGE_WF = 'harnessLargeWf01';
const LARGE_COUNT = 50_000;
const UNKNOWN_TYPE = 'n8n-nodes-harness-fixture.doesNotExist';

let runtime: N8nRuntime;
let n8n: N8nInstance;

/**
 * n8n 2.41.1's `execute` ends with process.exit() without disposing its default "vm" expression engine (isolated-vm),
 * and then dies by SIGSEGV in about 1 run of 4 (2 of 8 measured), after its result is printed. With the legacy engine
 * it exits cleanly (0 of 10). This file tests the harness, exit codes included, so it runs n8n with the legacy engine;
 * the product's e2e tests keep n8n's default engine and assert the execution's status, never the exit code.
 */
const HARNESS_ENV = { N8N_EXPRESSION_ENGINE: 'legacy' };

beforeAll(async () => {
	runtime = await ensureRuntime();
	n8n = await N8nInstance.create({ packageTarball: await packFixturePackage(), env: HARNESS_ENV });
	await n8n.importCredentials([CREDENTIAL]);
	await n8n.importWorkflow([
		echoWorkflow({ id: ECHO_WF, credential: credentialRef, note: 'hello from the harness' }),
		unknownNodeWorkflow({ id: UNKNOWN_WF, nodeType: UNKNOWN_TYPE }),
		webhookEchoWorkflow({ id: WEBHOOK_WF, path: 'harness-echo', credential: credentialRef, note: 'via webhook' }),
		largeResultWorkflow({ id: LARGE_WF, count: LARGE_COUNT, credential: credentialRef, note: 'large' }),
	]);
}, 30 * 60_000);

afterAll(async () => {
	try {
		await n8n?.dispose();
		if (n8n && process.env.N8N_E2E_TIMINGS === '1') {
			process.stderr.write(`[n8n e2e] timings: ${JSON.stringify(n8n.timings)}\n`);
		}
	} finally {
		cleanupHarness();
	}
});

describe('real n8n harness (fixture package)', () => {
	it('runs the pinned n8n version', async () => {
		expect(runtime.n8nVersion).toBe(N8N_VERSION);
		expect(await n8n.version()).toBe(N8N_VERSION);
	});

	it('executes a workflow with the community node and its credential', async () => {
		const result = await n8n.execute(ECHO_WF);

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect({ exitCode: result.exitCode, signal: result.signal }).toEqual({ exitCode: 0, signal: null });
		expect(result.lastNodeExecuted).toBe('Echo');
		expect(nodeOutput(result, 'Manual Trigger')).toEqual([{}]);
		expect(nodeOutput(result, 'Echo')).toEqual([
			{
				note: 'hello from the harness',
				credLabel: 'fixture-label',
				secretEcho: 'fixture-secret-value',
				itemIndex: 0,
			},
		]);
	});

	it(`returns a large result intact: ${LARGE_COUNT.toLocaleString('en-US')} records through a community node`, async () => {
		const result = await n8n.execute(LARGE_WF, { timeoutMs: 300_000 });

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		// far beyond a pipe's 64 KB buffer: n8n calls process.exit() right after printing this
		expect(result.stdout.length).toBeGreaterThan(20 * 1024 * 1024);
		const records = nodeOutput(result, 'Echo');
		expect(records).toHaveLength(LARGE_COUNT);
		expect(records).toEqual(
			Array.from({ length: LARGE_COUNT }, (_, i) => ({
				...largeRecord(i),
				note: 'large',
				credLabel: 'fixture-label',
				secretEcho: 'fixture-secret-value',
				itemIndex: i,
			})),
		);
	}, 360_000);

	it('reports an unknown node type as a failed execution naming the type', async () => {
		const result = await n8n.execute(UNKNOWN_WF);

		expect(result.status).toBe('error');
		expect({ exitCode: result.exitCode, signal: result.signal }).toEqual({ exitCode: 1, signal: null });
		expect(result.error?.message).toContain(UNKNOWN_TYPE);
	});

	it('persists the credential encrypted with the instance key and exports it decrypted', async () => {
		const exported = (await n8n.exportCredentials()) as Array<Record<string, unknown>>;

		expect(exported).toEqual([
			expect.objectContaining({ id: CREDENTIAL.id, type: FIXTURE_CREDENTIAL_TYPE, data: CREDENTIAL.data }),
		]);
		const [row] = await n8n.sqlite('SELECT data FROM credentials_entity WHERE id = ?', [CREDENTIAL.id]);
		expect(typeof row.data).toBe('string');
		expect(row.data).not.toContain('fixture-secret-value');
	});

	it('reads the saved execution data of a workflow', async () => {
		const [latest] = await n8n.savedExecutions(ECHO_WF);

		expect(latest).toMatchObject({ workflowId: ECHO_WF, status: 'success', mode: 'cli', finished: true });
		const [item] = nodeOutput(latest, 'Echo');
		expect(item).toMatchObject({ note: 'hello from the harness', credLabel: 'fixture-label' });
		// n8n 2.41.1 stores the node's output as it was: `sensitiveOutputFields` is declared in n8n-workflow and n8n has a
		// NodeDefinedFieldRedactionStrategy, but nothing wires that strategy in (it is not applied when saving, nor in
		// the execution read paths). If this starts failing after an n8n upgrade, n8n began redacting stored data.
		expect(item.secretEcho).toBe('fixture-secret-value');
	});

	it('serves a published webhook workflow from `n8n start`', async () => {
		await n8n.publishWorkflow(WEBHOOK_WF);
		const { baseUrl, publications } = await n8n.start();
		try {
			expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(publications).toEqual([
				expect.objectContaining({
					workflowId: WEBHOOK_WF,
					status: 'completed',
					triggers: [expect.objectContaining({ status: 'activated' })],
				}),
			]);
			const response = await httpJson('POST', `${baseUrl}/webhook/harness-echo`, { name: 'demo' });

			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({
				note: 'via webhook',
				credLabel: 'fixture-label',
				body: { name: 'demo' },
			});
		} finally {
			await n8n.stop();
		}
		expect(n8n.running).toBe(false);
		const [saved] = await n8n.savedExecutions(WEBHOOK_WF);
		expect(saved).toMatchObject({ status: 'success', mode: 'webhook' });
	}, 240_000); // publish + start + stop: ~25 s idle, 50 s seen on a busy 2-core machine
});
