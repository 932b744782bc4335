import type { IDataObject } from 'n8n-workflow';

/** A card of the task as Reconcile Removed sees it. */
export interface TaskCard {
	dataCardId: string;
	key: string;
	status: string;
	taskId: string;
}

export interface ReconcilePlan {
	remove: TaskCard[];
	reEnable: TaskCard[];
	/** Cards of the task that are still active and were fetched: nothing to do. */
	kept: number;
	/** Cards already carrying the removed value and not fetched again: left alone. */
	alreadyRemoved: number;
	/** Cards whose Task ID turned out to be another one (never written). */
	foreign: number;
	activeInEsm: number;
}

export interface ReconcileLimits {
	maxPercent: number;
	maxCount: number;
}

/**
 * What a full run means for the task's cards: active cards whose key was not fetched get the
 * removed status; removed cards that reappear may be re-enabled. Cards owned by another Task ID
 * are never touched.
 */
export function planReconcile(
	cards: TaskCard[],
	fetchedKeys: Set<string>,
	taskId: string,
	removedValue: string,
	reEnable: boolean,
): ReconcilePlan {
	const plan: ReconcilePlan = { remove: [], reEnable: [], kept: 0, alreadyRemoved: 0, foreign: 0, activeInEsm: 0 };
	for (const card of cards) {
		if (card.taskId !== taskId) {
			plan.foreign++;
			continue;
		}
		const removed = card.status === removedValue;
		if (!removed) plan.activeInEsm++;
		const fetched = fetchedKeys.has(card.key);
		if (!removed && !fetched) plan.remove.push(card);
		else if (removed && fetched && reEnable) plan.reEnable.push(card);
		else if (removed) plan.alreadyRemoved++;
		else plan.kept++;
	}
	return plan;
}

/** Half of a task's cards gone at once is a broken source, whatever the limits say (a small task too). */
export const HALF_GONE_PERCENT = 50;

/**
 * The mass-deletion guard: more than maxPercent of the active cards AND more than maxCount, or at
 * least half of them (two cards or more).
 */
export function exceedsLimits(plan: ReconcilePlan, limits: ReconcileLimits): boolean {
	const count = plan.remove.length;
	const percent = plan.activeInEsm ? (count / plan.activeInEsm) * 100 : 0;
	return (count > limits.maxCount && percent > limits.maxPercent) || (count >= 2 && percent >= HALF_GONE_PERCENT);
}

/**
 * The run's summary. `removed` and `reEnabled` count the cards ESM saved (in a dry run, the cards
 * that would change); a card whose write failed counts under `failed` only.
 */
export function summary(plan: ReconcilePlan, fetched: number, changes: IDataObject[], extra: IDataObject): IDataObject {
	const done = (action: string) => changes.filter((change) => change.action === action && !change.error).length;
	return {
		summary: true,
		fetched,
		activeInEsm: plan.activeInEsm,
		removed: done('removed'),
		reEnabled: done('reEnabled'),
		kept: plan.kept,
		alreadyRemoved: plan.alreadyRemoved,
		skippedForeign: plan.foreign,
		...extra,
	};
}
