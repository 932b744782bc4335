import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';

/** A parameter of the node being edited (resource locators give their value), trimmed; '' when unset. */
export function locatorValue(ctx: ILoadOptionsFunctions, name: string): string {
	const raw = ctx.getNodeParameter(name, '', { extractValue: true }) as unknown;
	const value = typeof raw === 'object' && raw !== null ? (raw as IDataObject).value : raw;
	return typeof value === 'string' ? value.trim() : '';
}
