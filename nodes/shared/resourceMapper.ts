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
	const mode = this.getNodeParameter(`${parameter}.mappingMode`, itemIndex, 'defineBelow') as string;
	if (mode === 'autoMapInputData') {
		const json = this.getInputData()[itemIndex]?.json ?? {};
		return Object.fromEntries(Object.entries(json).filter(([name]) => isKnown(name)));
	}
	return (this.getNodeParameter(`${parameter}.value`, itemIndex, {}) as IDataObject | null) ?? {};
}
