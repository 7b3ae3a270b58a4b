// `npm run sandbox -- --port N` as the README gives it: the sandbox is compiled on its own (test/sandbox/build.mjs),
// then listens and answers. The process group is ended with SIGTERM, as Ctrl+C would.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

it('`npm run sandbox -- --port 0` builds the sandbox, listens on loopback and answers', async () => {
	const child = spawn('npm', ['run', 'sandbox', '--', '--port', '0'], {
		cwd: REPO,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let output = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
	try {
		const url = await new Promise<string>((resolve, reject) => {
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
				output += chunk;
				const listening = /GreenLake sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
				if (listening) resolve(listening[1]);
			});
			void exited.then((code) => reject(new Error(`npm run sandbox exited (${code}) before listening:\n${output}`)));
		});
		const res = await fetch(`${url}/__sandbox/counters`);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ requests: { total: 0 } });
	} finally {
		process.kill(-child.pid!, 'SIGTERM');
		await exited;
	}
}, 60_000);
