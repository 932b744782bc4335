/**
 * Per node run memo: load options, metadata and the like are fetched once per execution context
 * (n8n creates one context object per node run) and never outlive it, so nothing stale is
 * carried across runs or workers.
 */
const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

export function memoPerRun<T>(ctx: object, key: string, load: () => Promise<T>): Promise<T> {
	let memo = memos.get(ctx);
	if (!memo) {
		memo = new Map();
		memos.set(ctx, memo);
	}
	let value = memo.get(key) as Promise<T> | undefined;
	if (!value) {
		value = load();
		memo.set(key, value);
		// A failed load is not remembered: the next item may try again.
		value.catch(() => memo.delete(key));
	}
	return value;
}
