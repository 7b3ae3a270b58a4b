/**
 * Removes known secret values (client secret, access tokens) from text a server sent back, before it is quoted in an
 * error: an issuer or gateway that echoes the request would otherwise put the secret into n8n's execution log.
 * Each secret is removed as sent (raw, form/URL-encoded) and as an HTTP Basic value would carry it.
 */
const REDACTED = '[redacted]';
/** Shorter values are not secrets we own (and would redact ordinary words). */
const MIN_SECRET_LENGTH = 8;

function forms(secret: string, basicUser?: string): string[] {
	const variants = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
	if (basicUser !== undefined) variants.add(Buffer.from(`${basicUser}:${secret}`, 'utf8').toString('base64'));
	return [...variants].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export interface SecretSet {
	values: string[];
	/** The client ID, so that an echoed HTTP Basic header (base64 of "id:secret") is recognised too. */
	basicUser?: string;
}

export function scrubText(text: string, secrets: SecretSet): string {
	let result = text;
	for (const secret of secrets.values) {
		if (!secret) continue;
		for (const form of forms(secret, secrets.basicUser)) result = result.split(form).join(REDACTED);
	}
	return result;
}

/** The same, through every string of a parsed JSON body. */
export function scrubValue<T>(value: T, secrets: SecretSet): T {
	if (typeof value === 'string') return scrubText(value, secrets) as T;
	if (Array.isArray(value)) return value.map((entry: unknown) => scrubValue(entry, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const result: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) result[key] = scrubValue(entry, secrets);
		return result as T;
	}
	return value;
}
