/**
 * The floor of the per-item scenario: `node rawLoop.js <url> <n>` with BENCH_TOKEN set sends n sequential GETs with
 * undici (one keep-alive connection, the token minted once by the caller), reads each body as JSON, and prints
 * { n, ms, statuses } on one line. Runs in its own process (see raw.ts).
 */
import { Agent, request } from 'undici';

async function main(): Promise<void> {
	const [url, count] = process.argv.slice(2);
	const n = Number(count);
	const token = process.env.BENCH_TOKEN ?? '';
	const agent = new Agent({ keepAliveTimeout: 10_000, connections: 1 });
	const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
	const statuses: Record<string, number> = {};
	// warm-up: connection and JIT (not timed)
	for (let i = 0; i < 20; i++) await (await request(url, { headers, dispatcher: agent })).body.json();
	const started = process.hrtime.bigint();
	for (let i = 0; i < n; i++) {
		const response = await request(url, { headers, dispatcher: agent });
		await response.body.json();
		statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
	}
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	await agent.close();
	process.stdout.write(`${JSON.stringify({ n, ms, statuses })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
