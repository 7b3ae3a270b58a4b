/**
 * Webhook traffic against a queue-mode cluster's main (dev-only), for the queue benchmark (bench/queue.ts):
 *   callWebhook(baseUrl, path, i)                 one POST /webhook/<path> with {"i": i}; never rejects
 *   steadyTraffic(baseUrl, path, seconds, ms)     one call every `ms` (not waiting for answers), then all answers
 *   isGood(answer)                                200, the standard workspace read, the worker named
 */
import * as http from 'node:http';

import { SEED } from '../sandbox';
import { delay } from './services';

export interface WebhookAnswer {
	status: number;
	body: Record<string, unknown> | undefined;
	text: string;
	/** When the call was sent and how long its answer took. */
	at: number;
	ms: number;
	error?: string;
}

// A new connection per call: a reused keep-alive socket that the main closes while idle would fail a call with
// ECONNRESET before it reaches n8n (a client-side race, not a failed execution).
const agent = new http.Agent({ keepAlive: false, maxSockets: 200 });

export function callWebhook(baseUrl: string, webhookPath: string, i: number): Promise<WebhookAnswer> {
	const at = Date.now();
	const payload = JSON.stringify({ i });
	return new Promise((resolve) => {
		const req = http.request(
			`${baseUrl}/webhook/${webhookPath}`,
			{ method: 'POST', agent, timeout: 120_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					let body: Record<string, unknown> | undefined;
					try {
						body = JSON.parse(text) as Record<string, unknown>;
					} catch {
						body = undefined;
					}
					resolve({ status: res.statusCode ?? 0, body, text, at, ms: Date.now() - at });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (error) => resolve({ status: 0, body: undefined, text: '', at, ms: Date.now() - at, error: error.message }));
		req.end(payload);
	});
}

export async function steadyTraffic(baseUrl: string, webhookPath: string, seconds: number, intervalMs: number): Promise<WebhookAnswer[]> {
	const pending: Array<Promise<WebhookAnswer>> = [];
	const started = Date.now();
	for (let i = 0; Date.now() - started < seconds * 1000; i++) {
		pending.push(callWebhook(baseUrl, webhookPath, i));
		await delay(Math.max(0, started + (i + 1) * intervalMs - Date.now()));
	}
	return await Promise.all(pending);
}

export function isGood(answer: WebhookAnswer): boolean {
	const id = String(answer.body?.id ?? '').replace(/-/g, '');
	return answer.status === 200 && id === SEED.workspaces.standard.id && typeof answer.body?.worker === 'string';
}

export function closeWebhookAgent(): void {
	agent.destroy();
}
