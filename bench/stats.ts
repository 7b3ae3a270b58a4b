/** Medians, ratios and number formatting for the results table. */

export function median(values: Array<number | undefined>): number | undefined {
	const list = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
	if (list.length === 0) return undefined;
	const mid = Math.floor(list.length / 2);
	return list.length % 2 === 1 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

export function ratio(ours: number | undefined, theirs: number | undefined): string {
	if (ours === undefined || theirs === undefined) return 'n/a';
	if (theirs === 0) return ours === 0 ? '1.00×' : '∞';
	return `${(ours / theirs).toFixed(2)}×`;
}

export function int(value: number | undefined): string {
	return value === undefined ? 'n/a' : Math.round(value).toLocaleString('en-US');
}

export function sec(ms: number | undefined, digits = 2): string {
	return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(digits)} s`;
}

export function msf(ms: number | undefined, digits = 2): string {
	return ms === undefined ? 'n/a' : `${ms.toFixed(digits)} ms`;
}

export function mib(kib: number | undefined): string {
	return kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`;
}

export function mbytes(bytes: number | undefined): string {
	return bytes === undefined ? 'n/a' : `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

export function pct(value: number | undefined): string {
	return value === undefined ? 'n/a' : `${(value * 100).toFixed(0)} %`;
}

/** "median (min–max)" of per-round values, or just the value for one round. */
export function spread(values: Array<number | undefined>, format: (v: number | undefined) => string): string {
	const list = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	if (list.length === 0) return 'n/a';
	if (list.length === 1) return format(list[0]);
	const min = Math.min(...list);
	const max = Math.max(...list);
	if (format(min) === format(max)) return format(median(list));
	return `${format(median(list))} (${format(min)}–${format(max)})`;
}

/** A markdown table. */
export function table(header: string[], rows: string[][]): string {
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
	return lines.join('\n');
}
