/**
 * The token engine's cache: entries by key, least recently used first (a Map keeps insertion order; a read moves the
 * entry to the end). Bounded so that a process serving thousands of MSP tenants does not grow without limit: expired
 * entries are dropped (a sweep at most once per sweep interval), and beyond `maxEntries` the least recently used go.
 * A dropped token costs one exchange the next time its tenant is served, never a failed request.
 */
export class TokenCache<V> {
	private readonly entries = new Map<string, V>();
	private lastSweep: number;

	constructor(
		private readonly maxEntries: number,
		private readonly now: () => number,
		private readonly isExpired: (entry: V) => boolean,
		private readonly sweepIntervalMs = 60_000,
	) {
		this.lastSweep = now();
	}

	get size(): number {
		return this.entries.size;
	}

	get(key: string): V | undefined {
		const entry = this.entries.get(key);
		if (entry !== undefined) {
			this.entries.delete(key);
			this.entries.set(key, entry);
		}
		return entry;
	}

	set(key: string, entry: V): void {
		this.entries.delete(key);
		this.entries.set(key, entry);
		if (this.now() - this.lastSweep >= this.sweepIntervalMs) this.dropExpired();
		for (const oldest of this.entries.keys()) {
			if (this.entries.size <= this.maxEntries) break;
			this.entries.delete(oldest);
		}
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}

	private dropExpired(): void {
		this.lastSweep = this.now();
		for (const [key, entry] of this.entries) if (this.isExpired(entry)) this.entries.delete(key);
	}
}
