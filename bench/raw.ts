/**
 * Direct API access with undici, outside n8n: the token for the raw loop, the reference pulls that establish what the
 * sandbox holds (record counts, JSON bytes of the records), and the raw per-item loop (run in its own Node process by
 * rawLoop.ts, so that client and sandbox do not share one event loop — like n8n and the sandbox do not).
 */
import * as path from 'node:path';

import { Agent, request } from 'undici';

import { runCommand } from '../test/e2e/n8n';
import type { SeedClient } from '../test/sandbox/types';

const agent = new Agent({ keepAliveTimeout: 10_000, connections: 4 });

export async function mintToken(baseUrl: string, client: SeedClient): Promise<string> {
	const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }).toString();
	const response = await request(`${baseUrl}/authorization/v2/oauth2/${client.workspaceId}/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body,
		dispatcher: agent,
	});
	const json = (await response.body.json()) as { access_token?: string };
	if (response.statusCode !== 200 || !json.access_token) throw new Error(`raw mint failed: HTTP ${response.statusCode}`);
	return json.access_token;
}

async function getJson(url: string, token: string): Promise<{ status: number; body: any; text: string }> {
	const response = await request(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, dispatcher: agent });
	const text = await response.body.text();
	return { status: response.statusCode, body: text ? JSON.parse(text) : undefined, text };
}

export interface ReferencePull {
	records: number;
	uniqueIds: number;
	/** sum of JSON.stringify(record) lengths in UTF-8 bytes: the size of the items' json */
	jsonBytes: number;
	requests: number;
}

/** Every record of an offset/limit collection (devices …), pages of 2,000. */
export async function pullCollection(baseUrl: string, token: string, route: string): Promise<ReferencePull> {
	const ids = new Set<string>();
	let records = 0;
	let jsonBytes = 0;
	let requests = 0;
	for (let offset = 0; ; offset += 2000) {
		const page = await getJson(`${baseUrl}${route}?offset=${offset}&limit=2000`, token);
		requests++;
		if (page.status !== 200) throw new Error(`reference pull ${route}: HTTP ${page.status} ${page.text.slice(0, 200)}`);
		for (const item of page.body.items as Array<{ id: string }>) {
			records++;
			ids.add(item.id);
			jsonBytes += Buffer.byteLength(JSON.stringify(item));
		}
		if (page.body.items.length < 2000 || offset + page.body.items.length >= page.body.total) break;
	}
	return { records, uniqueIds: ids.size, jsonBytes, requests };
}

/**
 * Every audit log (v1), past the 10,000-result cap: windows of `createdAt lt <until>`, each read to the cap, the next
 * ending 1 ms after the oldest event read, with events already read at that instant skipped.
 */
export async function pullAuditLogs(baseUrl: string, token: string): Promise<ReferencePull> {
	const ids = new Set<string>();
	let jsonBytes = 0;
	let requests = 0;
	let until = new Date(Date.now() + 86_400_000).toISOString();
	for (;;) {
		const filter = encodeURIComponent(`createdAt lt '${until}'`);
		let oldest: string | undefined;
		let capped = false;
		let read = 0;
		for (let offset = 0; offset < 10_000; offset += 2000) {
			const page = await getJson(`${baseUrl}/audit-log/v1/logs?filter=${filter}&offset=${offset}&limit=2000`, token);
			requests++;
			if (page.status !== 200) throw new Error(`reference audit pull: HTTP ${page.status} ${page.text.slice(0, 200)}`);
			for (const item of page.body.items as Array<{ id: string; createdAt: string }>) {
				read++;
				oldest = item.createdAt;
				if (ids.has(item.id)) continue;
				ids.add(item.id);
				jsonBytes += Buffer.byteLength(JSON.stringify(item));
			}
			capped = page.body.remainingRecords === true;
			if (page.body.items.length < 2000) break;
		}
		if (!capped || read < 10_000 || oldest === undefined) break;
		until = new Date(Date.parse(oldest) + 1).toISOString();
	}
	return { records: ids.size, uniqueIds: ids.size, jsonBytes, requests };
}

export interface RawLoopResult {
	n: number;
	ms: number;
	statuses: Record<string, number>;
	/** TCP connections the sandbox accepted (filled in by the caller) */
	connections?: number;
}

/** Runs rawLoop.js with `nodeBinary` (n8n's Node 24): `n` sequential GETs of `url` with one token, keep-alive. */
export async function runRawLoop(nodeBinary: string, url: string, token: string, n: number): Promise<RawLoopResult> {
	const result = await runCommand('raw undici loop', nodeBinary, [path.join(__dirname, 'rawLoop.js'), url, String(n)], {
		env: { ...process.env, BENCH_TOKEN: token },
		timeoutMs: 120_000,
	});
	return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as RawLoopResult;
}
