/** bench/results.md: the tables of every scenario (medians over the rounds, ratio ours / theirs) and the targets. */
import type { MainRun, MemoryRun, PageRun, TokenRun } from './measure';
import { S3_LIMIT, type BenchConfig } from './plan';
import type { RawLoopResult, ReferencePull } from './raw';
import { int, mbytes, median, mib, msf, pct, ratio, sec, spread, table } from './stats';

export interface Results {
	cfg: BenchConfig;
	env: { date: string; n8nVersion: string; n8nNode: string; benchNode: string; cores: number; cpuModel: string };
	refs: { devices: ReferencePull; audit: ReferencePull; memory: ReferencePull };
	rounds: number;
	tok: { ours: TokenRun[]; theirs: TokenRun[]; predefined: TokenRun[] };
	main: { ours: MainRun[]; theirs: MainRun[] };
	mem: { ours: MemoryRun[]; theirs: MemoryRun[]; base: MemoryRun[] };
	raw: RawLoopResult[];
	loads: number[];
	machineBusy?: number;
	totalMs: number;
	notes: string[];
}

const m = <T>(list: T[], pick: (item: T) => number | undefined): number | undefined => median(list.map(pick));
const s = <T>(list: T[], pick: (item: T) => number | undefined, format: (v: number | undefined) => string): string =>
	spread(list.map(pick), format);
const errors = <T extends { error?: string }>(list: T[]): string =>
	[...new Set(list.map((item) => item.error).filter(Boolean))].map((e) => e!.replace(/\|/g, '/').replace(/\s+/g, ' ').slice(0, 160)).join('; ') || '—';
const check = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? '✅ met' : '❌ not met');

export function renderResults(r: Results): string {
	const { cfg } = r;
	const out: string[] = [];
	const ttl = cfg.tokenTtlSeconds;
	out.push('# Benchmarks: HPE GreenLake nodes vs. n8n\'s HTTP Request node');
	out.push('');
	out.push(
		`${r.env.date} · ${cfg.quick ? '**quick mode** (`--quick`: one round, smaller sizes; indicative only)' : 'full run'} · ` +
			`${r.rounds} round(s) · total runtime ${sec(r.totalMs, 0)} · n8n ${r.env.n8nVersion} on Node ${r.env.n8nNode} ` +
			`(bench and sandboxes: Node ${r.env.benchNode}) · ${r.env.cores} cores (${r.env.cpuModel}) · ` +
			`load average (1 min) at the executions: ${spread(r.loads, (v) => (v === undefined ? 'n/a' : v.toFixed(2)))}` +
			(r.machineBusy !== undefined ? ` · machine CPU busy ${pct(r.machineBusy)} over the run` : ''),
	);
	out.push('');
	out.push(
		'Every number comes from one real n8n (the built package installed as a community package; one `n8n execute` per ' +
			'contender workflow) against local GreenLake sandboxes (one per scenario and contender, so their counters are exact), ' +
			'contenders alternating within each round (ours, theirs, ours, theirs…). Values are medians over the rounds, with ' +
			'(min–max) when they differ; ratios are ours / theirs of the medians. Wall times are n8n\'s own `executionTime` of the ' +
			'contender node, or, for pulls that run in a sub-workflow (scenarios 2 and 5), `Date.now()` taken by Set nodes right ' +
			'before and after the contender (checked against `executionTime`: +10–20 ms); the 5–30 s start-up of `n8n execute` is ' +
			'excluded. Request, mint, 401 and 429 counts are the sandbox\'s.',
	);
	out.push('');

	// 1 ---------------------------------------------------------------------------------------------------------
	const t = r.tok;
	const tMs = m(t.ours, (x) => x.nodeMs);
	const mintTarget = (list: TokenRun[]) => {
		const ms = m(list, (x) => x.nodeMs);
		return ms === undefined ? undefined : Math.ceil(ms / 1000 / ttl);
	};
	out.push(`## 1. Token lifecycle: ${cfg.s1Items} items, tokens living ${ttl} s`);
	out.push('');
	out.push(
		`Each item reads the workspace (\`GET /workspaces/v1/workspaces/{id}\`). The sandbox answers every request after ` +
			`${cfg.s1LatencyMs} ms, so our node (items one after another) takes about ${sec((cfg.s1Items * (cfg.s1LatencyMs + 5)), 0)}; the HTTP Request node ` +
			`sends all items at once by default, so it is paced with its Batching option (1 item every ${cfg.s1IntervalMs} ms) to span the same time. ` +
			'Each contender has its own sandbox and credential; a credential keeps the token stored by the previous round (expired by ' +
			'then), as in production. Target: ⌈T / TTL⌉ mints, T = the contender\'s wall time.',
	);
	out.push('');
	out.push(
		table(
			['', 'ours (HPE GreenLake node)', 'HTTP Request + n8n OAuth2 (client credentials)', 'HTTP Request + our credential', 'ours / OAuth2', 'ours / HTTP + our credential'],
			[
				['wall time', s(t.ours, (x) => x.nodeMs, sec), s(t.theirs, (x) => x.nodeMs, sec), s(t.predefined, (x) => x.nodeMs, sec), ratio(tMs, m(t.theirs, (x) => x.nodeMs)), ratio(tMs, m(t.predefined, (x) => x.nodeMs))],
				[
					`token mints (target ⌈T / ${ttl} s⌉ = ${int(mintTarget(t.ours))} / ${int(mintTarget(t.theirs))} / ${int(mintTarget(t.predefined))})`,
					s(t.ours, (x) => x.mints, int),
					s(t.theirs, (x) => x.mints, int),
					s(t.predefined, (x) => x.mints, int),
					ratio(m(t.ours, (x) => x.mints), m(t.theirs, (x) => x.mints)),
					ratio(m(t.ours, (x) => x.mints), m(t.predefined, (x) => x.mints)),
				],
				['API 401 answers (target 0)', s(t.ours, (x) => x.api401, int), s(t.theirs, (x) => x.api401, int), s(t.predefined, (x) => x.api401, int), '', ''],
				['API requests', s(t.ours, (x) => x.apiRequests, int), s(t.theirs, (x) => x.apiRequests, int), s(t.predefined, (x) => x.apiRequests, int), '', ''],
				[`items answered (of ${cfg.s1Items})`, s(t.ours, (x) => x.records, int), s(t.theirs, (x) => x.records, int), s(t.predefined, (x) => x.records, int), '', ''],
				['errors', errors(t.ours), errors(t.theirs), errors(t.predefined), '', ''],
			],
		),
	);
	out.push('');

	// 2 ---------------------------------------------------------------------------------------------------------
	const o = r.main.ours;
	const th = r.main.theirs;
	const pageRows = (label: string, expected: number, pick: (run: MainRun) => PageRun | undefined, theirsTotal?: (run: MainRun) => PageRun | undefined): string[][] => {
		const oursRuns = o.map(pick).filter(Boolean) as PageRun[];
		const theirsRuns = th.map(pick).filter(Boolean) as PageRun[];
		const totalRuns = theirsTotal ? (th.map(theirsTotal).filter(Boolean) as PageRun[]) : [];
		const col = (runs: PageRun[], f: (p: PageRun) => number | undefined, fmt: (v: number | undefined) => string) => (runs.length ? s(runs, f, fmt) : '—');
		const target = Math.ceil(expected / 2000);
		return [
			[label, `API requests (target ⌈${int(expected)} / 2,000⌉ = ${target})`, col(oursRuns, (p) => p.requests, int), col(theirsRuns, (p) => p.requests, int), col(totalRuns, (p) => p.requests, int), ratio(m(oursRuns, (p) => p.requests), m(theirsRuns, (p) => p.requests))],
			[label, `records returned (sandbox holds ${int(expected)})`, col(oursRuns, (p) => p.records, int), col(theirsRuns, (p) => p.records, int), col(totalRuns, (p) => p.records, int), ratio(m(oursRuns, (p) => p.records), m(theirsRuns, (p) => p.records))],
			[label, 'unique ids', col(oursRuns, (p) => p.uniqueIds, int), col(theirsRuns, (p) => p.uniqueIds, int), col(totalRuns, (p) => p.uniqueIds, int), ''],
			[label, 'wall time', col(oursRuns, (p) => p.nodeMs, sec), col(theirsRuns, (p) => p.nodeMs, sec), col(totalRuns, (p) => p.nodeMs, sec), ratio(m(oursRuns, (p) => p.nodeMs), m(theirsRuns, (p) => p.nodeMs))],
			[label, 'error', oursRuns.length ? errors(oursRuns) : '—', theirsRuns.length ? errors(theirsRuns) : '—', totalRuns.length ? errors(totalRuns) : '—', ''],
		];
	};
	out.push(`## 2. Pagination: ${int(r.refs.devices.records)} devices and ${int(r.refs.audit.records)} audit logs`);
	out.push('');
	out.push(
		'Ours: *Device → Get Many* and *Audit Log → Get Many* (API v1, so that every log is listed) with Return All. Theirs: ' +
			'the HTTP Request node\'s pagination as n8n\'s docs show it: *Update a Parameter in Each Request*, `offset` = ' +
			'`{{ $pageCount * 2000 }}`, query `limit=2000`, complete when `{{ $response.body.items.length < 2000 }}` ' +
			'(column A) or when `{{ $response.body.offset + $response.body.count >= $response.body.total }}` (column B, audit ' +
			'logs only). Both HTTP Request variants run with *On Error: Continue* so that the workflow goes on. The sandbox\'s counts ' +
			'come from a direct pull with undici. GreenLake (and the sandbox) report audit-log `total` capped at 10,000 and answer ' +
			'`offset + limit > 10000` with a 400. Variant A then stops with the 400 error body as its last "page": n8n reports ' +
			'success, the error body is an output item (counted under *error*, not as a record).',
	);
	out.push('');
	out.push(
		table(
			['data', 'metric', 'ours', 'theirs A (items.length < 2000)', 'theirs B (offset + count ≥ total)', 'ours / theirs A'],
			[...pageRows('devices', r.refs.devices.records, (x) => x.devices), ...pageRows('audit logs', r.refs.audit.records, (x) => x.audit, (x) => x.auditTotal)],
		),
	);
	out.push('');

	// 3 ---------------------------------------------------------------------------------------------------------
	const windowS = cfg.s3WindowSeconds;
	const allowedPerS = S3_LIMIT / windowS;
	const minWindows = Math.ceil(cfg.s3Items / S3_LIMIT);
	out.push(`## 3. Rate-limited pull: ${cfg.s3Items} devices read one by one`);
	out.push('');
	out.push(
		`Time is compressed 30×: the sandbox's fixed rate-limit windows last ${windowS} s instead of 60 s and GreenLake's documented ` +
			`per-minute limits apply per window, so \`GET /devices/v1/devices/{id}\` (documented 40 per minute) allows ${S3_LIMIT} requests per ` +
			`${windowS} s window (${allowedPerS} requests/s). Each item is one \`GET /devices/v1/devices/{id}\`. Ours: *Device → Get*, default options. ` +
			'Theirs: HTTP Request node with Retry On Fail, Max Tries 5, Wait Between Tries 5,000 ms (n8n\'s maximums), other options default. ' +
			`Share of the allowed rate = requests the sandbox accepted in the windows strictly between the first and the last window of the pull, ` +
			`divided by ${S3_LIMIT} × their number (the first and last windows are partial by nature); the minimum is ${minWindows} windows.`,
	);
	out.push('');
	out.push(
		table(
			['', 'ours', 'theirs (HTTP Request + OAuth2, Retry On Fail)', 'ours / theirs'],
			[
				[`records returned (of ${cfg.s3Items})`, s(o, (x) => x.s3.records, int), s(th, (x) => x.s3.records, int), ratio(m(o, (x) => x.s3.records), m(th, (x) => x.s3.records))],
				['failed items (target 0)', s(o, (x) => x.s3.failedItems, int), s(th, (x) => x.s3.failedItems, int), ''],
				['429 answers received', s(o, (x) => x.s3.api429, int), s(th, (x) => x.s3.api429, int), ''],
				['requests sent to an exhausted window', s(o, (x) => x.s3.sentWhileExhausted, int), s(th, (x) => x.s3.sentWhileExhausted, int), ''],
				['requests accepted by the sandbox', s(o, (x) => x.s3.accepted, int), s(th, (x) => x.s3.accepted, int), ''],
				[`windows spanned (minimum ${minWindows})`, s(o, (x) => x.s3.windowsSpanned, int), s(th, (x) => x.s3.windowsSpanned, int), ''],
				['share of the allowed rate (target ≥ 95 %)', s(o, (x) => x.s3.share, pct), s(th, (x) => x.s3.share, pct), ''],
				['wall time', s(o, (x) => x.s3.nodeMs, sec), s(th, (x) => x.s3.nodeMs, sec), ratio(m(o, (x) => x.s3.nodeMs), m(th, (x) => x.s3.nodeMs))],
				['error', errors(o.map((x) => x.s3)), errors(th.map((x) => x.s3)), ''],
			],
		),
	);
	out.push('');

	// 4 ---------------------------------------------------------------------------------------------------------
	const n4 = cfg.s4Items;
	const rawMs = median(r.raw.map((x) => x.ms));
	const oMs = m(o, (x) => x.s4.nodeMs);
	const tMs4 = m(th, (x) => x.s4.nodeMs);
	const oCpu = m(o, (x) => x.s4.cpuMs);
	const tCpu = m(th, (x) => x.s4.cpuMs);
	out.push(`## 4. Per-item overhead: ${int(n4)} single GETs`);
	out.push('');
	out.push(
		`${int(n4)} items, each one \`GET /workspaces/v1/workspaces/{id}\` (small JSON; rate-limit headers present, limit never reached). ` +
			'Ours: *API Request → Send* (items one after another, by design: GreenLake limits are per client). Theirs: HTTP Request node ' +
			'with the OAuth2 credential, default options (n8n starts every item\'s request at once). Floor: a raw undici loop in its own ' +
			'Node 24 process, one keep-alive connection, token minted once, sequential (20 unmeasured warm-up requests). ' +
			'CPU = user + system time of n8n\'s main process during the node (from /proc, 10 ms ticks). n8n\'s request helpers, which ' +
			'both nodes use, open a new TCP connection for every request (no keep-alive); over https to GreenLake each would be a TLS handshake.',
	);
	out.push('');
	out.push(
		table(
			['', 'ours', 'theirs', 'raw undici loop', 'ours / theirs', 'ours / raw', 'theirs / raw'],
			[
				['wall time', s(o, (x) => x.s4.nodeMs, sec), s(th, (x) => x.s4.nodeMs, sec), s(r.raw, (x) => x.ms, sec), ratio(oMs, tMs4), ratio(oMs, rawMs), ratio(tMs4, rawMs)],
				['per item', s(o, (x) => (x.s4.nodeMs === undefined ? undefined : x.s4.nodeMs / n4), msf), s(th, (x) => (x.s4.nodeMs === undefined ? undefined : x.s4.nodeMs / n4), msf), s(r.raw, (x) => x.ms / x.n, (v) => msf(v, 3)), '', '', ''],
				['n8n CPU per item', s(o, (x) => (x.s4.cpuMs === undefined ? undefined : x.s4.cpuMs / n4), msf), s(th, (x) => (x.s4.cpuMs === undefined ? undefined : x.s4.cpuMs / n4), msf), '', ratio(oCpu, tCpu), '', ''],
				['token mints', s(o, (x) => x.s4.mints, int), s(th, (x) => x.s4.mints, int), '1', '', '', ''],
				['TCP connections opened', s(o, (x) => x.s4.connections, int), s(th, (x) => x.s4.connections, int), s(r.raw, (x) => x.connections, int), '', '', ''],
				[`items answered (of ${int(n4)})`, s(o, (x) => x.s4.records, int), s(th, (x) => x.s4.records, int), s(r.raw, (x) => x.statuses['200'], int), '', '', ''],
				['error', errors(o.map((x) => x.s4)), errors(th.map((x) => x.s4)), '—', '', '', ''],
			],
		),
	);
	out.push('');

	// 5 ---------------------------------------------------------------------------------------------------------
	const mem = r.mem;
	const base = m(mem.base, (x) => x.peakPullKiB);
	const outBytes = r.refs.memory.jsonBytes;
	const inc = (x: MemoryRun) => (x.peakPullKiB === undefined || base === undefined ? undefined : x.peakPullKiB - base);
	const theirsBytes = (() => {
		const records = m(mem.theirs, (x) => x.records);
		return records === undefined || r.refs.memory.records === 0 ? undefined : (outBytes * records) / r.refs.memory.records;
	})();
	const times = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(2)}×`);
	out.push(`## 5. Memory: a ${int(r.refs.memory.records)}-record audit-log pull`);
	out.push('');
	out.push(
		'Peak RSS = the kernel\'s VmHWM (peak resident set) of the `n8n execute` main process, read from /proc every 50 ms. The pull runs ' +
			'in a timed sub-workflow (Execute Workflow node; `n8n execute` would otherwise print the records): *T0 → pull → Limit → T1 → ' +
			'Summary*. "At the end of the pull" is VmHWM at the first sample after T1, before the Summary Code node hands the records to ' +
			'n8n\'s task runner (which costs memory of its own, included in the lifetime peak). Baseline = the same workflows with a No Op ' +
			'instead of the pull. Output size = bytes of `JSON.stringify` of each record returned (from the direct pull). For reference, ' +
			`V8 holds parsed JSON records at about 1.4× their JSON size (1.55× with n8n's \`{ json, pairedItem }\` wrappers), measured ` +
			'separately with `--expose-gc` on 100,000 of these records. Theirs: HTTP Request pagination variant B (complete on total).',
	);
	out.push('');
	out.push(
		table(
			['', 'ours', 'theirs', 'ours / theirs'],
			[
				[`records returned (sandbox holds ${int(r.refs.memory.records)})`, s(mem.ours, (x) => x.records, int), s(mem.theirs, (x) => x.records, int), ratio(m(mem.ours, (x) => x.records), m(mem.theirs, (x) => x.records))],
				['output size (JSON of the records returned)', mbytes(outBytes), mbytes(theirsBytes), ''],
				['peak RSS at the end of the pull', s(mem.ours, (x) => x.peakPullKiB, mib), s(mem.theirs, (x) => x.peakPullKiB, mib), ratio(m(mem.ours, (x) => x.peakPullKiB), m(mem.theirs, (x) => x.peakPullKiB))],
				['baseline (no pull)', mib(base), mib(base), ''],
				['peak − baseline', s(mem.ours, inc, mib), s(mem.theirs, inc, mib), ratio(m(mem.ours, inc), m(mem.theirs, inc))],
				[
					'(peak − baseline) / output size (target ≤ 2)',
					s(mem.ours, (x) => { const v = inc(x); return v === undefined ? undefined : (v * 1024) / outBytes; }, times),
					s(mem.theirs, (x) => { const v = inc(x); return v === undefined || !theirsBytes ? undefined : (v * 1024) / theirsBytes; }, times),
					'',
				],
				['lifetime peak RSS, n8n main process', s(mem.ours, (x) => x.peakMainKiB, mib), s(mem.theirs, (x) => x.peakMainKiB, mib), ''],
				['lifetime peak RSS, task runner', s(mem.ours, (x) => x.peakRunnerKiB, mib), s(mem.theirs, (x) => x.peakRunnerKiB, mib), ''],
				['API requests', s(mem.ours, (x) => x.requests, int), s(mem.theirs, (x) => x.requests, int), ''],
				['wall time of the pull', s(mem.ours, (x) => x.nodeMs, sec), s(mem.theirs, (x) => x.nodeMs, sec), ratio(m(mem.ours, (x) => x.nodeMs), m(mem.theirs, (x) => x.nodeMs))],
				['error', errors(mem.ours), errors(mem.theirs), ''],
			],
		),
	);
	out.push('');

	// targets ---------------------------------------------------------------------------------------------------
	const oMints = m(t.ours, (x) => x.mints);
	const o401 = m(t.ours, (x) => x.api401);
	const devReq = m(o, (x) => x.devices.requests);
	const audReq = m(o, (x) => x.audit.requests);
	const devRec = m(o, (x) => x.devices.records);
	const audRec = m(o, (x) => x.audit.records);
	const s3Failed = m(o, (x) => x.s3.failedItems);
	const s3Share = m(o, (x) => x.s3.share);
	const memRatio = (() => {
		const v = m(mem.ours, inc);
		return v === undefined ? undefined : (v * 1024) / outBytes;
	})();
	const target1 = mintTarget(t.ours);
	out.push('## Targets (ours)');
	out.push('');
	out.push(
		table(
			['target', 'measured (median)', ''],
			[
				[`token mints = ⌈T / TTL⌉ (T = ${sec(tMs, 1)}, TTL = ${ttl} s → ${int(target1)})`, int(oMints), check(oMints !== undefined && target1 !== undefined ? oMints <= target1 : undefined)],
				['zero API 401s', int(o401), check(o401 === undefined ? undefined : o401 === 0)],
				[`requests = ⌈N / 2,000⌉: devices ${Math.ceil(r.refs.devices.records / 2000)}, audit logs ${Math.ceil(r.refs.audit.records / 2000)}`, `${int(devReq)}, ${int(audReq)}`, check(devReq === undefined || audReq === undefined ? undefined : devReq <= Math.ceil(r.refs.devices.records / 2000) && audReq <= Math.ceil(r.refs.audit.records / 2000))],
				['records = the sandbox\'s count', `${int(devRec)} / ${int(r.refs.devices.records)}, ${int(audRec)} / ${int(r.refs.audit.records)}`, check(devRec === undefined ? undefined : devRec === r.refs.devices.records && audRec === r.refs.audit.records)],
				['0 failed items at ≥ 95 % of the allowed rate', `${int(s3Failed)} failed, ${pct(s3Share)}`, check(s3Failed === undefined || s3Share === undefined ? undefined : s3Failed === 0 && s3Share >= 0.95)],
				['per-item wall time ≤ 1.1 × theirs', ratio(oMs, tMs4), check(oMs === undefined || tMs4 === undefined ? undefined : oMs <= 1.1 * tMs4)],
				['per-item n8n CPU ≤ 1.1 × theirs', ratio(oCpu, tCpu), check(oCpu === undefined || tCpu === undefined ? undefined : oCpu <= 1.1 * tCpu)],
				['peak memory (above baseline) ≤ 2 × output size', memRatio === undefined ? 'n/a' : `${memRatio.toFixed(2)}×`, check(memRatio === undefined ? undefined : memRatio <= 2)],
			],
		),
	);
	out.push('');
	if (r.notes.length) {
		out.push('## Run notes');
		out.push('');
		for (const note of r.notes) out.push(`- ${note}`);
		out.push('');
	}
	return out.join('\n');
}
