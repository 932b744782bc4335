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
