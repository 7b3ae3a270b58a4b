// Fault queue: each injected fault fires on the next `count` matching requests (FIFO across faults).
import type { Fault } from './types';

const STATUSES = new Set([429, 500, 502, 503]);

/** Throws a readable Error for an invalid fault (the admin API turns it into a 400). */
export function validateFault(input: unknown): Fault {
	const f = input as Record<string, unknown>;
	if (!f || typeof f !== 'object') throw new Error('fault must be an object');
	if (!Number.isInteger(f.count) || (f.count as number) < 1)
		throw new Error('fault.count must be an integer >= 1');
	if (f.route !== undefined && typeof f.route !== 'string')
		throw new Error('fault.route must be a string');
	switch (f.kind) {
		case 'status':
			if (!STATUSES.has(f.status as number))
				throw new Error('fault.status must be one of 429, 500, 502, 503');
			break;
		case 'delay':
			if (typeof f.ms !== 'number' || f.ms < 0) throw new Error('fault.ms must be a number >= 0');
			break;
		case 'drop':
		case 'malformed':
			break;
		case 'redirect':
			if (typeof f.location !== 'string' || !URL.canParse(f.location)) throw new Error('fault.location must be an absolute URL');
			if (f.status !== undefined && ![301, 302, 303, 307, 308].includes(f.status as number))
				throw new Error('fault.status must be one of 301, 302, 303, 307, 308');
			break;
		default:
			throw new Error("fault.kind must be 'status', 'drop', 'delay', 'malformed' or 'redirect'");
	}
	return { ...(f as unknown as Fault) };
}

/** `route` matches as a prefix or a substring of the request path. */
export function routeMatches(route: string | undefined, path: string): boolean {
	return route === undefined || route === '' || path.includes(route);
}

export class FaultQueue {
	private faults: Array<Fault & { remaining: number }> = [];

	inject(fault: Fault): void {
		const valid = validateFault(fault);
		this.faults.push({ ...valid, remaining: valid.count });
	}

	clear(): void {
		this.faults = [];
	}

	/** The fault to apply to this request, consuming one of its uses. */
	take(path: string): Fault | undefined {
		const index = this.faults.findIndex((f) => routeMatches(f.route, path));
		if (index < 0) return undefined;
		const fault = this.faults[index];
		fault.remaining--;
		if (fault.remaining <= 0) this.faults.splice(index, 1);
		return fault;
	}
}
