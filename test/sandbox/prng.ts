import { createHash } from 'node:crypto';

export function sha256Hex(input: string): string {
	return createHash('sha256').update(input).digest('hex');
}

/** 32-bit FNV-1a, used only to turn a string into a PRNG seed. */
export function hashSeed(input: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < input.length; i++) {
		h ^= input.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/** 8-4-4-4-12 form of a 32-hex id. */
export function hyphenate(hex32: string): string {
	return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20, 32)}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM_CODES = Array.from(ALNUM, (c) => c.charCodeAt(0));
const ID_CODES: number[] = new Array<number>(20).fill(0);
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const UUID_CODES: number[] = new Array<number>(36).fill(0);

/** Deterministic PRNG (mulberry32): same seed, same data on every run. */
export class Prng {
	private state: number;

	constructor(seed: number | string) {
		this.state = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
	}

	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	int(maxExclusive: number): number {
		return Math.floor(this.next() * maxExclusive);
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}

	hex(length: number): string {
		let out = '';
		while (out.length < length) out += this.int(0x10000).toString(16).padStart(4, '0');
		return out.slice(0, length);
	}

	alnum(length: number): string {
		let out = '';
		for (let i = 0; i < length; i++) out += ALNUM[this.int(ALNUM.length)];
		return out;
	}

	/** RFC 4122 v4-shaped UUID, built flat from char codes (see id20). */
	uuid(): string {
		const codes = UUID_CODES;
		let pos = 0;
		for (let i = 0; i < 4; i++) {
			let word = Math.floor(this.next() * 4294967296);
			for (let j = 0; j < 8; j++) {
				if (pos === 8 || pos === 13 || pos === 18 || pos === 23) codes[pos++] = 45; // '-'
				codes[pos++] = HEX_CODES[word & 0xf];
				word = Math.floor(word / 16);
			}
		}
		codes[14] = 52; // version 4
		codes[19] = HEX_CODES[8 + this.int(4)]; // variant 8..b
		return String.fromCharCode(...codes);
	}

	/** 20-character id, the shape of GreenLake audit-log ids (e.g. 8RtJaZQBITMTdBbBUxzz). */
	id20(): string {
		// Built flat from char codes: concatenated (cons) strings make Map keys and sorting very slow.
		const codes = ID_CODES;
		for (let i = 0; i < 20; i += 5) {
			let n = this.int(916132832); // 62^5 < 2^31: stays a small integer
			for (let j = 0; j < 5; j++) {
				codes[i + j] = ALNUM_CODES[n % 62];
				n = Math.floor(n / 62);
			}
		}
		return String.fromCharCode(...codes);
	}

	ipv4(): string {
		return `${10 + this.int(190)}.${this.int(256)}.${this.int(256)}.${1 + this.int(254)}`;
	}
}
