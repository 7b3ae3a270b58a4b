// The filter parser on its own, plus the CLI argument parser.
import { parseArgs } from '../../sandbox/cli';
import { GlError } from '../../sandbox/errors';
import { clauseMatches, parseFilter } from '../../sandbox/filter';

describe('sandbox filter parser', () => {
	it('parses eq/in/contains clauses joined by and', () => {
		expect(
			parseFilter(
				"category in ('A', 'B') and contains(description, 'it''s') and createdAt ge '2025-01-16T07:54:55.0Z' and hasDetails eq true",
			),
		).toEqual([
			{ key: 'category', op: 'in', values: ['A', 'B'] },
			{ key: 'description', op: 'contains', values: ["it's"] },
			{ key: 'createdAt', op: 'ge', values: ['2025-01-16T07:54:55.0Z'] },
			{ key: 'hasDetails', op: 'eq', values: [true] },
		]);
		expect(parseFilter("deviceType in 'COMPUTE','STORAGE'")).toEqual([
			{ key: 'deviceType', op: 'in', values: ['COMPUTE', 'STORAGE'] },
		]);
		expect(parseFilter("workspace/type eq 'TENANT'")[0].key).toBe('workspace/type');
		expect(parseFilter("description eq 'a and b'")).toEqual([
			{ key: 'description', op: 'eq', values: ['a and b'] },
		]);
		expect(parseFilter('')).toEqual([]);
		expect(parseFilter(null)).toEqual([]);
	});

	it.each([
		["a eq 'x' or b eq 'y'"],
		["not a eq 'x'"],
		["(a eq 'x')"],
		["a eq 'x"],
		['a eq'],
		["a like 'x'"],
		["a eq 'x' and"],
		["a eq 'x'b eq 'y'"],
	])('rejects %s with a 400 naming filter', (input) => {
		let error: unknown;
		try {
			parseFilter(input);
		} catch (err) {
			error = err;
		}
		expect(error).toBeInstanceOf(GlError);
		const body = (error as GlError).toBody();
		expect(body.httpStatusCode).toBe(400);
		expect((body.errorDetails as any)[0].issues[0].subject).toBe('filter');
	});

	it('matches values', () => {
		expect(
			clauseMatches('Device Management', { key: 'k', op: 'eq', values: ['Device Management'] }),
		).toBe(true);
		expect(
			clauseMatches('Device Management', { key: 'k', op: 'eq', values: ['device management'] }),
		).toBe(false);
		expect(clauseMatches('User logged in', { key: 'k', op: 'contains', values: ['LOGGED'] })).toBe(
			true,
		);
		expect(clauseMatches(true, { key: 'k', op: 'eq', values: ['true'] })).toBe(true);
		expect(
			clauseMatches('2025-01-02T00:00:00.000Z', {
				key: 'k',
				op: 'gt',
				values: ['2025-01-01T23:59:59Z'],
			}),
		).toBe(true);
		expect(clauseMatches('B', { key: 'k', op: 'in', values: ['A', 'C'] })).toBe(false);
	});
});

describe('sandbox cli arguments', () => {
	it('parses the documented flags', () => {
		expect(
			parseArgs([
				'--port',
				'8787',
				'--host',
				'127.0.0.1',
				'--token-ttl',
				'5',
				'--rate-window=2',
				'--audit-logs',
				'100',
				'--devices',
				'7',
				'--retry-after-header',
			]),
		).toEqual({
			port: 8787,
			tokenTtlSeconds: 5,
			rateWindowSeconds: 2,
			retryAfterHeader: true,
			sizes: { auditLogs: 100, devices: 7 },
		});
		expect(parseArgs(['--port', '0'])).toEqual({ port: 0 });
	});

	it('refuses unknown flags, bad numbers and non-loopback hosts', () => {
		expect(() => parseArgs(['--nope'])).toThrow(/unknown argument/);
		expect(() => parseArgs(['--port', 'x'])).toThrow();
		expect(() => parseArgs(['--token-ttl', '0'])).toThrow();
		expect(() => parseArgs(['--host', '0.0.0.0'])).toThrow(/loopback/);
	});
});
