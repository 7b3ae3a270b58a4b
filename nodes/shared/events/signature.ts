import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/** Lower-case hex HMAC-SHA256, as GreenLake computes it for challenges and delivery signatures. */
export function hmacSha256Hex(secret: string, message: Buffer | string): string {
	return createHmac('sha256', secret).update(message).digest('hex');
}

/** A webhook secret: 64 hex characters (GreenLake accepts 4–100; HPE advises long, random secrets). */
export function generateWebhookSecret(): string {
	return randomBytes(32).toString('hex');
}

/**
 * The `sha256=<hex>` values of an HPE-Webhook-Signature header. While a secondary secret is set GreenLake may send
 * two signatures in a form it does not document, so every `sha256=` token separated by commas or spaces counts.
 */
export function signatureCandidates(header: string | string[] | undefined): string[] {
	const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
	return values
		.flatMap((value) => value.split(/[\s,]+/))
		.map((token) => /^sha256=([0-9a-fA-F]{64})$/.exec(token.trim())?.[1]?.toLowerCase())
		.filter((hex): hex is string => hex !== undefined);
}

/** Constant-time check of a signature header over the exact body bytes against each secret. */
export function signatureMatches(body: Buffer, header: string | string[] | undefined, secrets: string[]): boolean {
	const candidates = signatureCandidates(header).map((hex) => Buffer.from(hex, 'hex'));
	let matched = false;
	for (const secret of secrets) {
		const expected = createHmac('sha256', secret).update(body).digest();
		for (const candidate of candidates) {
			// Every pair is compared (no early exit), so timing reveals nothing about which part matched.
			if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
		}
	}
	return matched;
}

/**
 * The challenge string GreenLake sends is a UUID in every documented example. Answering only short, token-like
 * strings keeps the challenge from being an HMAC oracle: without this, anyone could post a "challenge" whose
 * challengeRequest is a forged event body and get back its valid signature.
 */
export function isAcceptableChallenge(value: unknown): value is string {
	return typeof value === 'string' && /^[A-Za-z0-9._~:-]{8,128}$/.test(value);
}
