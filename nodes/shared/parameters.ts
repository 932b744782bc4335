import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A parameter that must not be empty after expressions are resolved (the editor's required flag
 * only checks the raw value); resource locators give their value. The error names the field and
 * says what to enter.
 */
export function requiredString(this: IExecuteFunctions, name: string, label: string, itemIndex: number, hint: string): string {
	const value = this.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const text = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value);
	if (!text) throw new NodeOperationError(this.getNode(), `${label} is required: ${hint}`, { itemIndex });
	return text;
}

/** A value quoted in a message: at most `max` characters, so a huge input does not flood errors and logs. */
export function shortText(value: unknown, max = 100): string {
	const text = String(value ?? '');
	return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * The field path of a parameter whose raw value is exactly `={{ $json.a }}`, `={{ $json.a.b }}`,
 * `={{ $json["a b"] }}` or `={{ $json['a b'] }}` (spaces inside the braces allowed), else undefined.
 * Quoted names holding a backslash or their own quote are left to the engine.
 */
export function plainJsonPath(raw: unknown): string[] | undefined {
	if (typeof raw !== 'string') return undefined;
	const match = /^=\{\{\s*\$json((?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*(?:"[^"\\]*"|'[^'\\]*')\s*\])+)\s*\}\}$/.exec(raw);
	if (!match) return undefined;
	const path: string[] = [];
	const segment = /\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\]/g;
	for (let found = segment.exec(match[1]); found; found = segment.exec(match[1])) path.push(found[1] ?? found[2] ?? found[3]);
	return path;
}

/**
 * Reads a parameter item by item, for nodes that evaluate one (e.g. a record key) for tens of
 * thousands of items. When its raw value is a plain field path of the item (`={{ $json.accountId }}`,
 * see plainJsonPath) the value is taken from the item directly, as n8n's engine would give it: a
 * missing field or a missing parent is undefined, strings, numbers and booleans as they are. Anything
 * else (another expression, a fixed value, an object or array result, a primitive's own members such
 * as `length`, inherited names) goes through getNodeParameter, so the result is always the engine's.
 */
export function itemParameterReader(this: IExecuteFunctions, name: string, fallback: unknown = ''): (itemIndex: number) => unknown {
	const engine = (itemIndex: number) => this.getNodeParameter(name, itemIndex, fallback) as unknown;
	const path = plainJsonPath(this.getNode().parameters?.[name]);
	if (!path) return engine;
	const items = this.getInputData();
	return (itemIndex) => {
		const item = items[itemIndex];
		if (!item || typeof item.json !== 'object' || item.json === null) return engine(itemIndex);
		let current: unknown = item.json;
		for (const key of path) {
			// The engine reads a field of a missing or null parent as undefined (it does not throw).
			if (current === undefined || current === null) return undefined;
			if (typeof current !== 'object') return engine(itemIndex);
			if (Object.prototype.hasOwnProperty.call(current, key)) current = (current as Record<string, unknown>)[key];
			else if (key in current) return engine(itemIndex);
			else current = undefined;
		}
		return current !== null && (typeof current === 'object' || typeof current === 'function') ? engine(itemIndex) : current;
	};
}
