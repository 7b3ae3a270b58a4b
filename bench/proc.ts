/**
 * Samples a child process group through /proc (Linux): peak RSS per process and CPU time of the group leader.
 *
 * Method: every `intervalMs` (default 50 ms) read /proc/<pid>/status (VmHWM = the kernel's own peak-RSS watermark of
 * that process, VmRSS) and /proc/<pid>/stat (utime + stime) of every process whose process group is the leader's.
 * `n8n execute` is spawned as its own process group (harness: detached), so the group is n8n's main process plus its
 * task runner(s). VmHWM is monotonic, so a sample taken at any time after an event reports the peak up to it; the
 * last sample before exit gives the lifetime peak up to that moment (the final ≤ interval before exit is not seen).
 */
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_TICKS = 100; // USER_HZ: /proc reports CPU times in clock ticks (100 per second on Linux x86-64)

export interface ProcSample {
	t: number;
	/** VmRSS of the leader (n8n main process), KiB */
	rssKiB: number;
	/** VmHWM of the leader so far, KiB */
	hwmKiB: number;
	/** utime + stime of the leader, ms */
	cpuMs: number;
}

export interface ProcReport {
	leaderPid: number;
	samples: ProcSample[];
	/** lifetime peak RSS (VmHWM) per process seen, KiB, with its command line */
	peaks: Array<{ pid: number; command: string; hwmKiB: number; leader: boolean }>;
}

function readStatus(pid: number): { rss: number; hwm: number } | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/status`, 'utf8');
		const rss = /VmRSS:\s+(\d+)/.exec(text);
		const hwm = /VmHWM:\s+(\d+)/.exec(text);
		if (!rss || !hwm) return undefined;
		return { rss: Number(rss[1]), hwm: Number(hwm[1]) };
	} catch {
		return undefined;
	}
}

/** Fields of /proc/<pid>/stat after the command (which may contain spaces and parentheses). */
function readStat(pid: number): string[] | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return text.slice(text.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined;
	}
}

function cpuMsOf(fields: string[]): number {
	// after the command: [0]=state [1]=ppid [2]=pgrp ... [11]=utime [12]=stime
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / PAGE_TICKS;
}

function commandOf(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 160);
	} catch {
		return '?';
	}
}

export class ProcSampler {
	private timer?: NodeJS.Timeout;
	private leader = 0;
	private readonly members = new Map<number, { command: string; hwm: number }>();
	private readonly samples: ProcSample[] = [];
	private ticks = 0;

	constructor(private readonly intervalMs = 50) {}

	start(leaderPid: number | undefined): void {
		if (leaderPid === undefined) return;
		this.leader = leaderPid;
		this.sample();
		this.timer = setInterval(() => this.sample(), this.intervalMs);
	}

	stop(): ProcReport {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
		return {
			leaderPid: this.leader,
			samples: this.samples,
			peaks: [...this.members.entries()].map(([pid, m]) => ({ pid, command: m.command, hwmKiB: m.hwm, leader: pid === this.leader })),
		};
	}

	private findMembers(): void {
		let entries: string[];
		try {
			entries = readdirSync('/proc');
		} catch {
			return;
		}
		for (const entry of entries) {
			if (!/^\d+$/.test(entry)) continue;
			const pid = Number(entry);
			if (this.members.has(pid)) continue;
			const fields = readStat(pid);
			if (fields && Number(fields[2]) === this.leader) this.members.set(pid, { command: commandOf(pid), hwm: 0 });
		}
	}

	private sample(): void {
		// group membership changes rarely (the task runner starts once): rescan every 10th tick only
		if (this.ticks++ % 10 === 0) this.findMembers();
		const t = Date.now();
		for (const [pid, member] of this.members) {
			const status = readStatus(pid);
			if (!status) continue;
			member.hwm = Math.max(member.hwm, status.hwm);
			if (pid === this.leader) {
				const fields = readStat(pid);
				if (fields) this.samples.push({ t, rssKiB: status.rss, hwmKiB: status.hwm, cpuMs: cpuMsOf(fields) });
			}
		}
	}
}

/** Linear interpolation of the leader's CPU time (ms) at time t from the samples. */
export function cpuAt(samples: ProcSample[], t: number): number | undefined {
	if (samples.length === 0) return undefined;
	if (t <= samples[0].t) return samples[0].cpuMs;
	for (let i = 1; i < samples.length; i++) {
		const b = samples[i];
		if (b.t >= t) {
			const a = samples[i - 1];
			return a.cpuMs + ((b.cpuMs - a.cpuMs) * (t - a.t)) / Math.max(1, b.t - a.t);
		}
	}
	return samples[samples.length - 1].cpuMs;
}

/** The leader's VmHWM at the first sample at or after t (its peak RSS up to t, within one interval), KiB. */
export function hwmAfter(samples: ProcSample[], t: number): number | undefined {
	const sample = samples.find((s) => s.t >= t) ?? samples[samples.length - 1];
	return sample?.hwmKiB;
}

/** CPU seconds the whole machine spent busy vs. total since the previous call (for the load note). */
export function machineCpuSnapshot(): { busy: number; total: number } {
	const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	const idle = line[3] + (line[4] ?? 0);
	const total = line.reduce((sum, value) => sum + value, 0);
	return { busy: total - idle, total };
}
