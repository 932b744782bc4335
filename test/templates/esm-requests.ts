/**
 * The write requests an in-process ESM emulator received during a template run, as sent (method,
 * path, parsed body), each checked against the official ESM spec: for asserting WHAT Reconcile
 * Removed and the bulk upserts wrote, not only how many requests.
 */
import { captureRequests } from '../faults/fault-kit';
import { expectValidRequest } from '../helpers/openapi';

export interface BulkItem {
	dataCardId?: string;
	folderCode?: string;
	data: Record<string, { values: Array<Record<string, unknown>> }>;
}

export interface EsmWrite {
	method: string;
	/** Path below the API base path, e.g. `/dc/person/data`. */
	path: string;
	body: unknown;
}

/** Starts recording the writes (PUT/PATCH/POST/DELETE under /dc) an emulator receives; `stop()` returns them in arrival order. */
export function recordEsmWrites(esm: { port: number; basePath: string }): { stop(): EsmWrite[] } {
	const capture = captureRequests(esm);
	return {
		stop() {
			capture.stop();
			return capture.requests
				.filter((request) => request.method !== 'GET' && new URL(request.url, 'http://esm.invalid').pathname.startsWith(`${esm.basePath}/dc/`))
				.map((request) => {
					const body = request.body ? (JSON.parse(request.body) as unknown) : undefined;
					expectValidRequest('esm', { method: request.method, path: request.url, body });
					return { method: request.method, path: new URL(request.url, 'http://esm.invalid').pathname.slice(esm.basePath.length), body };
				});
		},
	};
}

/** A status write as Reconcile Removed sends it: the card and its status attribute, nothing else. */
export const statusWrite = (dataCardId: string | number, attribute: string, value: string): BulkItem => ({
	dataCardId: String(dataCardId),
	data: { [attribute]: { values: [{ value }] } },
});
