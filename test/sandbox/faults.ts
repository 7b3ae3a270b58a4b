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
	if (f.method !== undefined && typeof f.method !== 'string')
		throw new Error('fault.method must be a string');
	if (f.skip !== undefined && (!Number.isInteger(f.skip) || (f.skip as number) < 0))
		throw new Error('fault.skip must be an integer >= 0');
	const positive = (name: string) => {
		if (typeof f[name] !== 'number' || !((f[name] as number) > 0)) throw new Error(`fault.${name} must be a number > 0`);
	};
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
		case 'ignoreOffset':
			if (f.total !== undefined) positive('total');
			if (f.max !== undefined) positive('max');
			break;
		case 'html200':
			break;
		case 'hugeTotal':
			positive('total');
			break;
		case 'shortPage':
			positive('max');
			break;
		case 'drip':
			positive('intervalMs');
			if (f.bytes !== undefined) positive('bytes');
			break;
		case 'echo':
			if (!Number.isInteger(f.status) || (f.status as number) < 400 || (f.status as number) > 599)
				throw new Error('fault.status must be an HTTP error status');
			break;
		case 'expiresIn':
			positive('value');
			break;
		case 'futureEvent':
			positive('aheadMs');
			break;
		case 'redirect':
			if (typeof f.location !== 'string' || !URL.canParse(f.location)) throw new Error('fault.location must be an absolute URL');
			if (f.status !== undefined && ![301, 302, 303, 307, 308].includes(f.status as number))
				throw new Error('fault.status must be one of 301, 302, 303, 307, 308');
			break;
		default:
			throw new Error(`fault.kind ${String(f.kind)} is not known`);
	}
	return { ...(f as unknown as Fault) };
}

/** `route` matches as a prefix or a substring of the request path. */
export function routeMatches(route: string | undefined, path: string): boolean {
	return route === undefined || route === '' || path.includes(route);
}

export class FaultQueue {
	private faults: Array<Fault & { remaining: number; toSkip: number }> = [];

	inject(fault: Fault): void {
		const valid = validateFault(fault);
		this.faults.push({ ...valid, remaining: valid.count, toSkip: valid.skip ?? 0 });
	}

	clear(): void {
		this.faults = [];
	}

	/** The fault to apply to this request, consuming one of its uses. */
	take(path: string, method = 'GET'): Fault | undefined {
		const index = this.faults.findIndex(
			(f) => routeMatches(f.route, path) && (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()),
		);
		if (index < 0) return undefined;
		const fault = this.faults[index];
		if (fault.toSkip > 0) {
			fault.toSkip--;
			return undefined;
		}
		fault.remaining--;
		if (fault.remaining <= 0) this.faults.splice(index, 1);
		return fault;
	}
}
