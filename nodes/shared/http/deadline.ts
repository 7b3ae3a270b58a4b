/**
 * Wall-clock bounds. A socket timeout fires only while the connection is idle, so a server that drips one byte at a
 * time never trips it; these bounds count elapsed time instead. They use AbortSignal.timeout (n8n forbids timer
 * globals in node code), whose timer does not keep the process alive.
 */

/** Rejects with `onTimeout()` once `ms` have passed, unless `promise` settles first. */
export async function withinDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
	const signal = AbortSignal.timeout(Math.max(1, ms));
	return await new Promise<T>((resolve, reject) => {
		const expire = () => reject(onTimeout());
		signal.addEventListener('abort', expire, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', expire);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', expire);
				reject(error);
			},
		);
	});
}

/** An abort signal for one HTTP request: fires after `ms` of wall-clock time. */
export function requestDeadline(ms: number): AbortSignal {
	return AbortSignal.timeout(Math.max(1, ms));
}
