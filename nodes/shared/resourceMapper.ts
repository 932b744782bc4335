import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * The values of a resourceMapper parameter for one item. "Define below" gives the mapped values;
 * "Map automatically" takes the item's own fields, keeping those that `isKnown` accepts (the
 * target's field ids or names), as n8n's own nodes do with auto-mapping.
 */
export function mappedValues(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	isKnown: (name: string) => boolean,
): IDataObject {
	// The whole parameter, not `.value`: n8n-core's resource-mapper check fails on a null value read alone.
	const mapper = (this.getNodeParameter(parameter, itemIndex, {}) as MapperParameter | null) ?? {};
	if (mapper.mappingMode === 'autoMapInputData') {
		const json = this.getInputData()[itemIndex]?.json ?? {};
		return Object.fromEntries(Object.entries(json).filter(([name]) => isKnown(name)));
	}
	return mapper.value ?? {};
}

interface MapperParameter {
	mappingMode?: string;
	value?: IDataObject | null;
	matchingColumns?: string[];
}

/** The columns to match on of a resourceMapper parameter (upsert), read the same safe way. */
export function matchingColumns(this: IExecuteFunctions, parameter: string, itemIndex: number): string[] {
	const mapper = (this.getNodeParameter(parameter, itemIndex, {}) as MapperParameter | null) ?? {};
	return mapper.matchingColumns ?? [];
}
