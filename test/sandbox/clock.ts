// The sandbox's sense of time (token lifetimes, rate-limit windows, async operations). Real time by default; a test
// that must not depend on how fast a busy machine runs it freezes the clock and moves it by hand.

export interface Clock {
	/** milliseconds since the epoch */
	now(): number;
}

export const realClock: Clock = { now: () => Date.now() };

/** Runs with real time until freeze(); then stands still except for advance(), until release(). */
export class TestClock implements Clock {
	private frozenAt: number | undefined;

	now = (): number => this.frozenAt ?? Date.now();

	/** Stops the clock at `ms` (default: the current time). */
	freeze(ms: number = this.now()): void {
		this.frozenAt = ms;
	}

	/** Moves a frozen clock forward. */
	advance(ms: number): void {
		if (this.frozenAt === undefined) throw new Error('TestClock.advance: freeze() the clock first');
		this.frozenAt += ms;
	}

	/** Back to real time. */
	release(): void {
		this.frozenAt = undefined;
	}

	/** Freezes the clock at the next boundary of a `windowSeconds` rate-limit window (windows follow the wall clock). */
	freezeAtWindowStart(windowSeconds: number): void {
		const windowMs = windowSeconds * 1000;
		this.freeze(Math.ceil((this.now() + 1) / windowMs) * windowMs);
	}
}
