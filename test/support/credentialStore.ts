// In-memory stand-in for n8n's `credentials_entity` table.
//
// Data is kept as a JSON snapshot (n8n keeps an encrypted JSON string): every read returns a fresh
// deep copy and every write stores one, so a node or credential mutating the object it got back can
// never change what is "in the database" - exactly like the real row.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/** One `updateCredentials` write, as n8n's CredentialsHelper would issue it. */
export interface CredentialWrite {
	id: string;
	type: string;
	data: ICredentialDataDecryptedObject;
	/** Monotonic sequence number across the whole store (1-based). */
	seq: number;
}

export interface CredentialStore {
	/** A copy of the stored row (data deep-copied), or undefined. */
	get(id: string): StoredCredential | undefined;
	/** A deep copy of the stored data; throws if the id is unknown. */
	getData(id: string): ICredentialDataDecryptedObject;
	/** All rows (copies). */
	list(): StoredCredential[];
	/** Test-side edit of a row (e.g. clear or corrupt a cached token). NOT recorded as a write. */
	patch(id: string, partial: ICredentialDataDecryptedObject): void;
	/** Test-side add/replace of a whole row. NOT recorded as a write. */
	put(credential: StoredCredential): void;
	/** Persist data the way n8n's `credentialsRepository.update` does (replaces data). Recorded. */
	write(id: string, type: string, data: ICredentialDataDecryptedObject): void;
	/** Every recorded write, oldest first (copies). */
	readonly writes: readonly CredentialWrite[];
	/** Number of recorded writes, optionally for one credential id. */
	writeCount(id?: string): number;
	/** The most recent recorded write, optionally for one credential id. */
	lastWrite(id?: string): CredentialWrite | undefined;
	/** Forget recorded writes (rows are kept). */
	resetWrites(): void;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createCredentialStore(
	initial: Array<{
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}> = [],
): CredentialStore {
	const rows = new Map<string, StoredCredential>();
	const writes: CredentialWrite[] = [];
	let seq = 0;

	const put = (credential: StoredCredential) => {
		rows.set(credential.id, clone(credential));
	};
	for (const credential of initial) put(credential as StoredCredential);

	const mustGet = (id: string) => {
		const row = rows.get(id);
		if (!row)
			throw new Error(`Credential with ID "${id}" does not exist in the test credential store.`);
		return row;
	};

	return {
		get: (id) => {
			const row = rows.get(id);
			return row ? clone(row) : undefined;
		},
		getData: (id) => clone(mustGet(id).data),
		list: () => [...rows.values()].map((row) => clone(row)),
		patch: (id, partial) => {
			const row = mustGet(id);
			row.data = { ...row.data, ...clone(partial) };
		},
		put,
		write: (id, type, data) => {
			const row = mustGet(id);
			if (row.type !== type) {
				throw new Error(`Credential "${id}" is of type "${row.type}", not "${type}".`);
			}
			row.data = clone(data);
			writes.push({ id, type, data: clone(data), seq: ++seq });
		},
		get writes() {
			return writes.map((entry) => clone(entry));
		},
		writeCount: (id) =>
			id === undefined ? writes.length : writes.filter((w) => w.id === id).length,
		lastWrite: (id) => {
			const matching = id === undefined ? writes : writes.filter((w) => w.id === id);
			const last = matching[matching.length - 1];
			return last ? clone(last) : undefined;
		},
		resetWrites: () => {
			writes.length = 0;
		},
	};
}
