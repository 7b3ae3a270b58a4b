/**
 * The package as users get it: the `npm pack` tarball of the built package (run `npm run build` first; `npm test`
 * does). What it sends as User-Agent, what a plain `npm install` of it pulls in (n8n 1.88 and older install community
 * packages that way), and that its nodes load where n8n-workflow has no `NodeConnectionTypes` (n8n 1.84 and older).
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanupHarness, packPackage, runCommand } from '../../e2e/n8n';

const REPO = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
let tarball: string;
let work: string;

beforeAll(async () => {
	tarball = await packPackage(REPO);
	work = await fs.mkdtemp(path.join(os.tmpdir(), 'greenlake-packed-'));
}, 180_000);

afterAll(async () => {
	await fs.rm(work, { recursive: true, force: true });
	cleanupHarness();
});

describe('the packed package', () => {
	it("sends the User-Agent with package.json's name and version", async () => {
		const extract = path.join(work, 'extract');
		await fs.mkdir(extract);
		await runCommand('extract', 'tar', ['-xzf', tarball, '-C', extract]);
		const configJs = path.join(extract, 'package', 'dist', 'nodes', 'shared', 'config.js');
		// the compiled file, outside the repo: it must find package.json inside the tarball
		const { PACKAGE_USER_AGENT } = (await import(configJs)) as { PACKAGE_USER_AGENT: string };
		expect(PACKAGE_USER_AGENT).toBe(`${pkg.name}/${pkg.version} (+https://www.npmjs.com/package/${pkg.name})`);
	});

	it('a plain `npm install` of it (the installer of n8n 1.88 and older) installs no n8n-workflow', async () => {
		const nodesDir = path.join(work, 'nodes');
		await fs.mkdir(nodesDir);
		await fs.writeFile(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
		// --offline: the test reaches no registry; a package needing one (e.g. a required peer) would fail here
		await runCommand('npm install', 'npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
			cwd: nodesDir,
			timeoutMs: 120_000,
		});
		const installed = (await fs.readdir(path.join(nodesDir, 'node_modules'))).filter((name) => !name.startsWith('.'));
		expect(installed).toEqual([pkg.name]);
	});
});

describe('loading the nodes', () => {
	const nodeClasses = ['HpeGreenLake', 'HpeGreenLakeEventTrigger', 'HpeGreenLakeToken', 'HpeGreenLakeTrigger'];

	function loadAll(): Array<{ name: string; inputs: unknown; outputs: unknown }> {
		return nodeClasses.map((className) => {
			// through jest's module registry, so that its mock of n8n-workflow applies to everything the node imports
			const modulePath = path.join(REPO, 'nodes', className, `${className}.node`);
			const NodeClass = (jest.requireActual(modulePath) as Record<string, new () => { description: { name: string; inputs: unknown; outputs: unknown } }>)[className];
			const { name, inputs, outputs } = new NodeClass().description;
			return { name, inputs, outputs };
		});
	}

	it('with n8n-workflow < 1.83 (no NodeConnectionTypes export) every node instantiates with a "main" connection', () => {
		let loaded: ReturnType<typeof loadAll> = [];
		jest.isolateModules(() => {
			jest.doMock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), NodeConnectionTypes: undefined }));
			expect((jest.requireMock('n8n-workflow') as { NodeConnectionTypes?: unknown }).NodeConnectionTypes).toBeUndefined();
			loaded = loadAll();
		});
		jest.dontMock('n8n-workflow');
		expect(loaded).toEqual([
			{ name: 'hpeGreenLake', inputs: ['main'], outputs: ['main'] },
			{ name: 'hpeGreenLakeEventTrigger', inputs: [], outputs: ['main'] },
			{ name: 'hpeGreenLakeToken', inputs: ['main'], outputs: ['main'] },
			{ name: 'hpeGreenLakeTrigger', inputs: [], outputs: ['main'] },
		]);
	});

	it("with today's n8n-workflow the nodes use its NodeConnectionTypes.Main", () => {
		const { NodeConnectionTypes } = jest.requireActual('n8n-workflow') as { NodeConnectionTypes: { Main: string } };
		let loaded: ReturnType<typeof loadAll> = [];
		jest.isolateModules(() => {
			loaded = loadAll();
		});
		expect(loaded.map((node) => node.outputs)).toEqual(nodeClasses.map(() => [NodeConnectionTypes.Main]));
	});
});
