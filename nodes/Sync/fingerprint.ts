import { createHash } from 'crypto';

/** JSON with object keys sorted at every level: the same record always gives the same text. */
export function canonicalJson(value: unknown): string {
	if (value === undefined) return 'null';
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (value instanceof Date) return JSON.stringify(value.toISOString());
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const entries = Object.keys(value as Record<string, unknown>)
		.filter((key) => (value as Record<string, unknown>)[key] !== undefined)
		.sort()
		.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
	return `{${entries.join(',')}}`;
}

/**
 * A short, stable, order-independent hash of the fields that are written: 60 bits of SHA-256 in
 * base64url (10 characters), so that 50,000 cached records stay under 2 MB of static data even
 * while all of them are pending.
 */
export function fingerprint(record: unknown, fields?: string[]): string {
	let subject = record;
	if (fields?.length && record && typeof record === 'object' && !Array.isArray(record)) {
		const source = record as Record<string, unknown>;
		subject = Object.fromEntries(fields.map((field) => [field, source[field] ?? null]));
	}
	return shortHash(canonicalJson(subject));
}

export function shortHash(text: string): string {
	return createHash('sha256').update(text).digest('base64url').slice(0, 10);
}
