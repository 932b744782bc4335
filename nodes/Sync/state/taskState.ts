import type { IDataObject } from 'n8n-workflow';

import { shortHash } from '../fingerprint';

/**
 * What one task keeps between runs. Compact on purpose (50,000 entries must stay under 2 MB):
 * `entries[key]` is the synced fingerprint, or `synced|pending` while a newer fingerprint waits
 * for Mark Synced (`|pending` alone for a record never synced).
 */
export interface TaskState {
	v: 1;
	mappingVersion: string;
	/** When the cache was last cleared (ISO); automatic clears are measured from here. */
	lastClear?: string;
	/** Watermark of incremental imports (ISO); Clear never touches it. */
	watermark?: string;
	entries: Record<string, string>;
}

/** Where task state lives. The one backend is workflow static data; the interface keeps others possible. */
export interface TaskStore {
	load(taskId: string): TaskState;
	/** Call after changing the state object (static data notices changes of its top-level keys). */
	save(taskId: string, state: TaskState): void;
}

const PREFIX = 'esmTask:';

/**
 * The key under which a record is cached: short keys (Jira issue keys, efecte_ids) as they are,
 * longer ones (Atlassian account ids can be 43 characters) as '#' + a 60-bit hash, so that the
 * size per record stays bounded.
 */
export function entryKey(key: string): string {
	return key.length <= 12 && !key.startsWith('#') ? key : `#${shortHash(key)}`;
}

/**
 * Workflow static data (`global`), one key per Task ID. n8n saves it after every run except manual
 * ones; runs of one workflow that overlap: the last one to finish wins.
 */
export class StaticDataTaskStore implements TaskStore {
	constructor(private readonly staticData: IDataObject) {}

	load(taskId: string): TaskState {
		const stored = this.staticData[PREFIX + taskId] as TaskState | undefined;
		if (stored && stored.v === 1 && typeof stored.entries === 'object') return stored;
		return { v: 1, mappingVersion: '', entries: {} };
	}

	save(taskId: string, state: TaskState): void {
		// Reassigning the key marks static data as changed, so n8n persists it.
		this.staticData[PREFIX + taskId] = state as unknown as IDataObject;
	}
}

export function syncedOf(entry: string | undefined): string | undefined {
	if (entry === undefined) return undefined;
	const bar = entry.indexOf('|');
	const synced = bar < 0 ? entry : entry.slice(0, bar);
	return synced === '' ? undefined : synced;
}

export function pendingOf(entry: string | undefined): string | undefined {
	if (entry === undefined) return undefined;
	const bar = entry.indexOf('|');
	return bar < 0 ? undefined : entry.slice(bar + 1);
}

export function withPending(entry: string | undefined, pending: string): string {
	const synced = syncedOf(entry);
	return synced === pending ? synced : `${synced ?? ''}|${pending}`;
}

/** Mark Synced: the pending fingerprint becomes the synced one. */
export function promote(entry: string | undefined): string | undefined {
	const pending = pendingOf(entry);
	return pending === undefined ? entry : pending;
}
