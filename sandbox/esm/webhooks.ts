import * as http from 'node:http';

import { HttpError } from '../core/router';
import { cardFilter, type CardFilter } from './filter';
import type { Card, EsmStore } from './store';
import { simplifyCard } from './values';

/**
 * The emulated "ESM workflow" that calls n8n: a rule (template + EQL filter + URL) POSTs the
 * simplified card to the URL after every change to a matching card, asynchronously and with a
 * short retry, like an ESM workflow's HTTP activity. Deliveries are kept for assertions.
 */

export type CardEvent = 'created' | 'updated' | 'deleted';

export interface WebhookRuleInput {
	template: string;
	filter?: string;
	url: string;
	headers?: Record<string, string>;
	/** Default: every event. */
	events?: CardEvent[];
}

export interface WebhookRule extends WebhookRuleInput {
	id: string;
}

export interface Delivery {
	ruleId: string;
	event: CardEvent;
	dataCardId: string;
	url: string;
	attempts: number;
	ok: boolean;
	status?: number;
	error?: string;
	at: string;
}

const MAX_DELIVERIES = 1000;

export class Webhooks {
	private rules = new Map<string, { rule: WebhookRule; filter: CardFilter }>();
	private counter = 0;
	readonly deliveries: Delivery[] = [];
	private inFlight = new Set<Promise<void>>();
	private timers = new Map<NodeJS.Timeout, () => void>();
	private requests = new Set<http.ClientRequest>();
	private stopped = false;

	constructor(
		private readonly store: EsmStore,
		private readonly now: () => number,
		private readonly retryDelaysMs: number[],
	) {}

	add(input: WebhookRuleInput): WebhookRule {
		if (typeof input !== 'object' || input === null) throw new HttpError(400, 'webhook rule: expected {template, filter, url}');
		const template = this.store.templates.get(String(input.template ?? ''));
		if (!template) throw new HttpError(400, `webhook rule: unknown template '${String(input.template)}'`);
		let url: URL;
		try {
			url = new URL(String(input.url));
		} catch {
			throw new HttpError(400, `webhook rule: '${String(input.url)}' is not a URL`);
		}
		if (url.protocol !== 'http:') throw new HttpError(400, 'webhook rule: only http:// targets are supported by the sandbox');
		const events = input.events ?? ['created', 'updated', 'deleted'];
		if (!Array.isArray(events) || events.some((event) => !['created', 'updated', 'deleted'].includes(event))) {
			throw new HttpError(400, 'webhook rule: events are created, updated and/or deleted');
		}
		// The filter is checked now: a bad rule is refused instead of never firing.
		const filter = cardFilter(this.store, template, input.filter, this.now());
		const rule: WebhookRule = { id: `rule-${++this.counter}`, template: template.code, url: url.toString(), events, ...(input.filter ? { filter: input.filter } : {}), ...(input.headers ? { headers: input.headers } : {}) };
		this.rules.set(rule.id, { rule, filter });
		return rule;
	}

	remove(id: string): boolean {
		return this.rules.delete(id);
	}

	list(): WebhookRule[] {
		return [...this.rules.values()].map((entry) => entry.rule);
	}

	clear(): void {
		this.rules.clear();
		this.deliveries.length = 0;
	}

	/** Called after a card changed; `before` is the card as it was (deletes match on it). */
	notify(event: CardEvent, card: Card, before: Card | undefined, changed: string[]): void {
		for (const { rule, filter } of this.rules.values()) {
			if (rule.template !== card.template || !rule.events!.includes(event)) continue;
			// Filters are evaluated when the change happens (relative dates move).
			const subject = event === 'deleted' && before ? before : card;
			if (!filter.matches(subject)) continue;
			const payload = {
				event,
				ruleId: rule.id,
				template: card.template,
				dataCardId: String(card.id),
				changedAttributes: changed,
				timestamp: new Date(this.now()).toISOString(),
				card: simplifyCard(card, this.store),
			};
			this.deliver(rule, event, String(card.id), JSON.stringify(payload));
		}
	}

	private deliver(rule: WebhookRule, event: CardEvent, dataCardId: string, body: string): void {
		const record: Delivery = { ruleId: rule.id, event, dataCardId, url: rule.url, attempts: 0, ok: false, at: new Date(this.now()).toISOString() };
		this.deliveries.push(record);
		if (this.deliveries.length > MAX_DELIVERIES) this.deliveries.shift();
		const attempt = (): Promise<void> =>
			this.post(rule, body).then(
				(status) => {
					record.attempts += 1;
					record.status = status;
					record.ok = status >= 200 && status < 300;
					if (!record.ok) return retry(`HTTP ${status}`);
					delete record.error;
					return undefined;
				},
				(error: Error) => {
					record.attempts += 1;
					return retry(error.message);
				},
			);
		const retry = (reason: string): Promise<void> => {
			record.error = reason;
			const delay = this.retryDelaysMs[record.attempts - 1];
			if (delay === undefined || this.stopped) return Promise.resolve();
			return new Promise<void>((resolve) => {
				const timer = setTimeout(() => {
					this.timers.delete(timer);
					resolve(this.stopped ? undefined : attempt());
				}, delay);
				this.timers.set(timer, resolve);
			});
		};
		// Asynchronous, like an ESM workflow: the API answer does not wait for the call.
		const running = new Promise<void>((resolve) => setImmediate(resolve)).then(attempt);
		this.inFlight.add(running);
		void running.finally(() => this.inFlight.delete(running));
	}

	private post(rule: WebhookRule, body: string): Promise<number> {
		return new Promise((resolve, reject) => {
			const request = http.request(
				rule.url,
				{
					method: 'POST',
					headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'esm-sandbox-workflow', ...(rule.headers ?? {}) },
					timeout: 5000,
					agent: false,
				},
				(response) => {
					response.resume();
					response.on('end', () => resolve(response.statusCode ?? 0));
					response.on('error', reject);
				},
			);
			this.requests.add(request);
			request.on('close', () => this.requests.delete(request));
			request.on('timeout', () => request.destroy(new Error('timeout')));
			request.on('error', reject);
			request.end(body);
		});
	}

	/** Resolves when every delivery (with its retries) has finished. */
	async idle(): Promise<void> {
		while (this.inFlight.size) await Promise.all([...this.inFlight]);
	}

	stop(): void {
		this.stopped = true;
		for (const [timer, resolve] of this.timers) {
			clearTimeout(timer);
			resolve();
		}
		this.timers.clear();
		for (const request of this.requests) request.destroy();
	}
}
