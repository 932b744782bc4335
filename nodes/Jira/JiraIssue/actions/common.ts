import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fromAdf, isAdfDocument, type BodyFormat } from '../../adf';
import { FieldValueError } from '../../fields';
import { JqlValueError } from '../../jql';

/** The issue key or id of a resource locator parameter, validated. */
export function issueKeyParameter(this: IExecuteFunctions, itemIndex: number): string {
	const value = String(this.getNodeParameter('issueKey', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), 'Issue is empty: choose an issue or enter its key (ABC-123)', { itemIndex });
	}
	return value;
}

/** Converts the rich-text values of an issue's fields (ADF) into the chosen output format. */
export function convertRichText(fields: IDataObject | undefined, format: BodyFormat): IDataObject | undefined {
	if (!fields || format === 'adf') return fields;
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(fields)) {
		out[key] = isAdfDocument(value) ? (fromAdf(value, format) as string) : value;
	}
	return out;
}

/** Errors about user input (bad field names, bad JQL values) become errors that name the item. */
export function asInputError(this: IExecuteFunctions, error: unknown, itemIndex: number): unknown {
	if (error instanceof FieldValueError || error instanceof JqlValueError) {
		return new NodeOperationError(this.getNode(), error.message, { itemIndex });
	}
	if (error instanceof Error && /Atlassian Document Format/.test(error.message)) {
		return new NodeOperationError(this.getNode(), error.message, { itemIndex });
	}
	return error;
}

export function issueUrl(baseUrl: string, key: string): string {
	return `${baseUrl}/browse/${key}`;
}

/** Entity properties written with the issue (e.g. the loop guard's `esm.sync` marker). */
export const issuePropertiesOption: INodeProperties = {
	displayName: 'Issue Properties (JSON)',
	name: 'issueProperties',
	type: 'json',
	default: '{}',
	description:
		'Entity properties stored with the issue, as a JSON object of property key to value, e.g. {"esm.sync": "esm-local:3fQ9xk2LmA"}. Not shown in Jira’s UI; read them back with the Properties option of Get and Search.',
};

/** The Issue Properties (JSON) option as Jira's `[{key, value}]`; a bad value is an error naming the option. */
export function issuePropertiesOf(this: IExecuteFunctions, raw: unknown, itemIndex: number): Array<{ key: string; value: unknown }> {
	if (raw === undefined || raw === null || raw === '') return [];
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = JSON.parse(raw);
		} catch {
			parsed = undefined;
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(this.getNode(), 'Issue Properties (JSON) must be a JSON object of property key to value, e.g. {"esm.sync": "esm:abc"}', {
			itemIndex,
		});
	}
	return Object.entries(parsed as IDataObject).map(([key, value]) => {
		if (!key.trim() || key.length > 255) {
			throw new NodeOperationError(this.getNode(), `Issue Properties (JSON): "${key}" is not a property key (1 to 255 characters)`, { itemIndex });
		}
		return { key, value };
	});
}
