/**
 * The minimum number of HTTP requests a run needs, COMPUTED from record counts and the API page and
 * batch maxima of ../shared/design.md "Conventions" (never from the emulators' own limits, never
 * measured). Every part carries its formula; the benchmark prints them as the table's notes.
 */
import { eqlOrChunks } from '../nodes/CoreProIga/eql';

/** API maxima (design.md "Conventions"). */
export const API_MAXIMA = {
	/** Jira GET /rest/api/3/users/search: a plain array, 1000 a page; only an EMPTY page ends the listing. */
	jiraUsersSearch: 1000,
	/** Jira GET /rest/api/3/group/bulk: 50 a page, `isLast` ends it. */
	jiraGroupBulk: 50,
	/** Jira GET /rest/api/3/group/member: 50 a page, per group, `isLast` ends it. */
	jiraGroupMember: 50,
	/** Jira POST /rest/api/3/search/jql with fields: 100 a page (GUESSED maximum), no token on the last. */
	jiraSearchWithFields: 100,
	/** ESM GET /dc/{template}/data: 200 a page (keyset), `meta.links.next` only when more follow. */
	esmList: 200,
} as const;

/** ESM bulk PUT /dc/{template}/data: the node's Batch Size option (default 100; ESM documents no maximum). */
export const DEFAULT_ESM_BATCH = 100;

/** OR-chunk filter length the Data Card node uses (no API maximum is documented; URL budget). */
export const EQL_OR_CHUNK_CHARS = 1500;

export interface MinimumPart {
	api: 'jira' | 'esm';
	what: string;
	formula: string;
	requests: number;
}

const ceilDiv = (count: number, size: number) => Math.ceil(count / size);

/** A listing's requests when the last page is known by its length or a flag: at least one request. */
export const pagedRequests = (count: number, pageSize: number): number => Math.max(1, ceilDiv(count, pageSize));

/** OR-chunks of `$attribute$ = '<key>'` comparisons in filters of EQL_OR_CHUNK_CHARS characters. */
export const orChunkRequests = (attribute: string, keys: string[]): number => eqlOrChunks(attribute, keys, EQL_OR_CHUNK_CHARS).length;

/** Collects the parts of one run's minimum. */
export class Minimum {
	readonly parts: MinimumPart[] = [];

	add(api: 'jira' | 'esm', what: string, formula: string, requests: number): this {
		if (requests > 0) this.parts.push({ api, what, formula, requests });
		return this;
	}

	get total(): number {
		return this.parts.reduce((sum, part) => sum + part.requests, 0);
	}

	byApi(api: 'jira' | 'esm'): number {
		return this.parts.filter((part) => part.api === api).reduce((sum, part) => sum + part.requests, 0);
	}

	merge(other: Minimum): this {
		this.parts.push(...other.parts);
		return this;
	}

	// --- Jira listings -----------------------------------------------------------------------

	/** Every user of the site: ceil(U / 1000) pages + the one EMPTY page that ends a plain-array listing. */
	jiraUsers(totalUsers: number): this {
		return this.add('jira', 'GET /users/search', `ceil(${totalUsers} users / 1000) + 1 empty page`, ceilDiv(totalUsers, API_MAXIMA.jiraUsersSearch) + 1);
	}

	/** Every group (50 a page, at least one request) and, per group, its members (50 a page, at least one request). */
	jiraGroups(groupCount: number, memberCounts?: number[]): this {
		this.add('jira', 'GET /group/bulk', `max(1, ceil(${groupCount} groups / 50))`, pagedRequests(groupCount, API_MAXIMA.jiraGroupBulk));
		if (memberCounts) {
			const requests = memberCounts.reduce((sum, members) => sum + pagedRequests(members, API_MAXIMA.jiraGroupMember), 0);
			const memberships = memberCounts.reduce((sum, members) => sum + members, 0);
			this.add('jira', 'GET /group/member', `sum over ${memberCounts.length} groups of max(1, ceil(members / 50)) (${memberships} memberships)`, requests);
		}
		return this;
	}

	/** JQL search with fields: 100 a page, the last page says so (at least one request). */
	jiraSearch(issueCount: number): this {
		return this.add('jira', 'POST /search/jql', `max(1, ceil(${issueCount} issues / 100))`, pagedRequests(issueCount, API_MAXIMA.jiraSearchWithFields));
	}

	// --- ESM ----------------------------------------------------------------------------------

	/** One login per ESM credential per scenario (each scenario starts with no token). */
	esmLogin(logins = 1): this {
		return this.add('esm', 'POST /users/login', `${logins} login (token reused after)`, logins);
	}

	/** Template metadata: once per node run that needs it (design: fetched once per node run, never cached across runs). */
	esmMetadata(template: string, nodeRuns: number): this {
		return this.add('esm', `GET /dc/${template}`, `${nodeRuns} node run(s) x 1`, nodeRuns);
	}

	/**
	 * A bulk upsert must learn which of its keys exist: the cheaper of listing the template once
	 * (max(1, ceil(existing cards / 200))) and OR-chunks of the keys (EQL has no verified IN).
	 */
	esmKeyLookup(template: string, attribute: string, existingCards: number, keys: string[], purpose = 'existing keys'): this {
		if (!keys.length) return this;
		const listing = pagedRequests(existingCards, API_MAXIMA.esmList);
		const chunks = orChunkRequests(attribute, keys);
		const best = Math.min(listing, chunks);
		return this.add(
			'esm',
			`GET /dc/${template}/data (${purpose})`,
			`min(list once: max(1, ceil(${existingCards} cards / 200)) = ${listing}, OR-chunks of ${keys.length} keys = ${chunks})`,
			best,
		);
	}

	/** Bulk PUT of the changed records, the node's batch size per request. */
	esmBulkWrites(template: string, records: number, batchSize = DEFAULT_ESM_BATCH, what = 'bulk upsert'): this {
		return this.add('esm', `PUT /dc/${template}/data (${what})`, `ceil(${records} records / batch ${batchSize})`, ceilDiv(records, batchSize));
	}

	/**
	 * Reconcile Removed: the task's cards listed once: 200 a page (at least one request), or one
	 * request to the stream endpoint (no page size) when the node streams.
	 */
	esmReconcileListing(template: string, activeTaskCards: number, { stream = false }: { stream?: boolean } = {}): this {
		if (stream) return this.add('esm', `GET /dc/${template}/data/stream (task's cards)`, `1 streamed answer for ${activeTaskCards} task cards`, 1);
		return this.add('esm', `GET /dc/${template}/data (task's cards)`, `max(1, ceil(${activeTaskCards} active task cards / 200))`, pagedRequests(activeTaskCards, API_MAXIMA.esmList));
	}
}
