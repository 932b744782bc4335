import { shortText } from '../../shared/parameters';

/** Parses "0" or "6,12" (UTC hours); anything else is an error that says what is wrong. */
export function parseClearHours(raw: unknown): number[] {
	const text = String(raw ?? '').trim();
	if (!text) return [];
	const parts = text.split(',').map((part) => part.trim());
	const hours = parts.map((part) => {
		if (!/^\d{1,2}$/.test(part) || Number(part) > 23) {
			throw new Error(
				`Clear At Hours (UTC) "${shortText(text)}" is not a list of hours: use numbers from 0 to 23 separated by commas, e.g. 0 or 6,12 ("${shortText(part, 20)}" is not an hour)`,
			);
		}
		return Number(part);
	});
	return [...new Set(hours)].sort((a, b) => a - b);
}

/** The latest scheduled clear time at or before now (UTC), looking back up to a day. */
export function lastScheduledClear(hours: number[], now: Date): Date | undefined {
	if (!hours.length) return undefined;
	let latest: Date | undefined;
	for (const dayOffset of [0, -1]) {
		for (const hour of hours) {
			const candidate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + dayOffset, hour));
			if (candidate <= now && (!latest || candidate > latest)) latest = candidate;
		}
	}
	return latest;
}

/**
 * Due when a scheduled hour has passed since the last clear: measured against the stored time, a
 * run that missed the hour (n8n down, schedule gap) still clears on its next run.
 */
export function clearIsDue(hours: number[], lastClear: string | undefined, now: Date): boolean {
	const scheduled = lastScheduledClear(hours, now);
	if (!scheduled || !lastClear) return false;
	return new Date(lastClear) < scheduled;
}
