// A small parser for the OData-like `filter` subset GreenLake documents: clauses joined by `and`, each
// `key op literal`, `key in ('a','b')` (devices also write `in 'a','b'`), or `contains(key,'v')`.
// Anything else (or, not, grouping, functions) is rejected with a 400 naming `filter`.
import { badRequest } from './errors';

export type FilterOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'in' | 'contains';
export type FilterValue = string | number | boolean | null;

export interface FilterClause {
	key: string;
	op: FilterOp;
	values: FilterValue[];
}

const COMPARISON_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in']);

class Parser {
	private pos = 0;

	constructor(private readonly s: string) {}

	parse(): FilterClause[] {
		const clauses: FilterClause[] = [];
		this.ws();
		if (this.end()) return clauses;
		for (;;) {
			clauses.push(this.clause());
			const hadSpace = this.ws();
			if (this.end()) return clauses;
			const word = this.word();
			if (word.toLowerCase() !== 'and' || !hadSpace) {
				throw this.error(
					word
						? `Unsupported logical operator '${word}' in filter; only 'and' is supported`
						: 'Unexpected text in filter',
				);
			}
			if (!this.ws()) throw this.error("Expected a clause after 'and'");
		}
	}

	private clause(): FilterClause {
		if (/^contains\s*\(/i.test(this.rest())) {
			this.pos += this.rest().indexOf('(') + 1;
			this.ws();
			const key = this.key();
			this.ws();
			this.expect(',');
			this.ws();
			const value = this.literal();
			this.ws();
			this.expect(')');
			return { key, op: 'contains', values: [value] };
		}
		if (this.peek() === '(')
			throw this.error('Grouping with parentheses is not supported in filter');
		const key = this.key();
		if (key.toLowerCase() === 'not') throw this.error("Operator 'not' is not supported in filter");
		if (!this.ws()) throw this.error(`Expected an operator after '${key}'`);
		const opWord = this.word();
		const op = opWord.toLowerCase();
		if (!COMPARISON_OPS.has(op)) {
			throw this.error(
				`Invalid operator '${opWord}' used in filter. Supported operators are eq, in, contains, lt, ge.`,
			);
		}
		this.ws();
		if (op !== 'in') return { key, op: op as FilterOp, values: [this.literal()] };
		const values: FilterValue[] = [];
		const parenthesised = this.peek() === '(';
		if (parenthesised) this.pos++;
		for (;;) {
			this.ws();
			values.push(this.literal());
			this.ws();
			if (this.peek() !== ',') break;
			this.pos++;
		}
		if (parenthesised) this.expect(')');
		return { key, op: 'in', values };
	}

	private literal(): FilterValue {
		if (this.peek() === "'") {
			this.pos++;
			let out = '';
			for (;;) {
				if (this.end()) throw this.error('Unterminated string literal in filter');
				const c = this.s[this.pos++];
				if (c !== "'") out += c;
				else if (this.peek() === "'") {
					// OData escapes a quote by doubling it.
					out += "'";
					this.pos++;
				} else return out;
			}
		}
		const m = /^(true|false|null|-?\d+(?:\.\d+)?)(?![\w'])/i.exec(this.rest());
		if (!m) throw this.error('Expected a quoted string, number, true, false or null in filter');
		this.pos += m[0].length;
		const word = m[1].toLowerCase();
		if (word === 'true') return true;
		if (word === 'false') return false;
		if (word === 'null') return null;
		return Number(m[1]);
	}

	private key(): string {
		const m = /^[A-Za-z_][A-Za-z0-9_/.-]*/.exec(this.rest());
		if (!m) throw this.error('Expected a property name in filter');
		this.pos += m[0].length;
		return m[0];
	}

	private word(): string {
		const m = /^[A-Za-z]+/.exec(this.rest());
		if (!m) return '';
		this.pos += m[0].length;
		return m[0];
	}

	private ws(): boolean {
		const start = this.pos;
		while (!this.end() && /\s/.test(this.s[this.pos])) this.pos++;
		return this.pos > start;
	}

	private expect(c: string): void {
		if (this.peek() !== c) throw this.error(`Expected '${c}' in filter`);
		this.pos++;
	}

	private peek(): string {
		return this.s[this.pos];
	}

	private rest(): string {
		return this.s.slice(this.pos);
	}

	private end(): boolean {
		return this.pos >= this.s.length;
	}

	private error(message: string): Error {
		return badRequest('filter', `${message} (at position ${this.pos})`);
	}
}

/** Parses a filter; throws a GreenLake 400 naming `filter` on anything outside the supported subset. */
export function parseFilter(input: string | null | undefined): FilterClause[] {
	return input ? new Parser(input).parse() : [];
}

const text = (v: unknown): string => (v === null || v === undefined ? 'null' : String(v));

function compare(a: unknown, b: FilterValue): number {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	const ta = typeof a === 'string' ? Date.parse(a) : NaN;
	const tb = typeof b === 'string' ? Date.parse(b) : NaN;
	if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
	return text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
}

/** Evaluates one clause against a property value. `contains` is case-insensitive; equality is exact. */
export function clauseMatches(value: unknown, clause: FilterClause): boolean {
	const [first] = clause.values;
	switch (clause.op) {
		case 'eq':
			return text(value) === text(first);
		case 'ne':
			return text(value) !== text(first);
		case 'in':
			return clause.values.some((v) => text(value) === text(v));
		case 'contains':
			return text(value).toLowerCase().includes(text(first).toLowerCase());
		case 'gt':
			return compare(value, first) > 0;
		case 'ge':
			return compare(value, first) >= 0;
		case 'lt':
			return compare(value, first) < 0;
		case 'le':
			return compare(value, first) <= 0;
	}
}

export interface FieldSpec<T> {
	get: (item: T) => unknown;
	ops: readonly FilterOp[];
	/** applied to both the property and the literals, e.g. to accept hyphenated and plain ids alike */
	normalize?: (value: FilterValue) => FilterValue;
}

/** Builds a predicate for a list endpoint that allows the given keys/operators. */
export function compileFilter<T>(
	raw: string | null,
	fields: Record<string, FieldSpec<T>>,
): (item: T) => boolean {
	const clauses = parseFilter(raw);
	const checks = clauses.map((clause) => {
		const field = fields[clause.key];
		if (!field) throw badRequest('filter', `Unsupported filter parameter '${clause.key}'`);
		if (!field.ops.includes(clause.op)) {
			throw badRequest('filter', `Operator '${clause.op}' is not supported for '${clause.key}'`);
		}
		const norm = field.normalize;
		if (!norm) return (item: T) => clauseMatches(field.get(item), clause);
		const normalized = { ...clause, values: clause.values.map(norm) };
		return (item: T) => clauseMatches(norm(field.get(item) as FilterValue), normalized);
	});
	return (item: T) => checks.every((check) => check(item));
}
