import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
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
