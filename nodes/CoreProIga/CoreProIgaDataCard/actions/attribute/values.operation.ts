import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { getTemplate } from '../../../metadata';
import { esmApiRequest } from '../../../transport';
import { toEsmValues, type EsmAttributeMeta } from '../../../values';
import { assertNoAttributeErrors, inputError, resolveReferences } from '../common';
import { attributePath, cardAttributeParameters, withAttributeCheck } from './shared';

/** Replace Values, Add Value and Clear share their parameters; Clear takes no value. */
const valueParameter: INodeProperties = {
	displayName: 'Value',
	name: 'value',
	type: 'string',
	default: '',
	required: true,
	description: 'The value; for several values of a multi-value attribute give a JSON array (e.g. ["1","2"]) or an expression that returns an array',
};

export const description = [
	...updateDisplayOptions({ show: { resource: ['attribute'], operation: ['replace', 'add', 'clear'] } }, cardAttributeParameters),
	...updateDisplayOptions({ show: { resource: ['attribute'], operation: ['replace', 'add'] } }, [valueParameter]),
];

/**
 * A list may be given as JSON text (`["a", "b"]`) for a multi-value attribute. Text for any other
 * attribute stays text, even when it looks like JSON: a worklog entry "[Jira SD-1] ..." or "[1]" is
 * one comment.
 */
function parseValue(raw: unknown, meta: EsmAttributeMeta): unknown {
	if (typeof raw !== 'string' || !meta.multiValue || meta.type === 'worklog') return raw;
	const text = raw.trim();
	if (!text.startsWith('[')) return raw;
	try {
		const parsed = JSON.parse(text) as unknown;
		return Array.isArray(parsed) ? parsed : raw;
	} catch {
		return raw;
	}
}

async function writeValues(this: IExecuteFunctions, itemIndex: number, method: 'PUT' | 'POST' | 'DELETE'): Promise<IDataObject> {
	const { template, dataCardId, attributeCode, path } = attributePath.call(this, itemIndex);
	let body: IDataObject | undefined;
	if (method !== 'DELETE') {
		const meta = (await getTemplate.call(this, template, itemIndex)).attributes.find((attribute) => attribute.code === attributeCode);
		if (!meta) throw new NodeOperationError(this.getNode(), `Attribute "${attributeCode}" is not an attribute of template ${template}`, { itemIndex });
		const value = parseValue(this.getNodeParameter('value', itemIndex, ''), meta);
		try {
			const templateMeta = await getTemplate.call(this, template, itemIndex);
			const resolveReference = await resolveReferences.call(this, templateMeta, [{ [attributeCode]: value } as IDataObject], 'efecte_id', itemIndex);
			body = toEsmValues(meta, value, { resolveReference }) as unknown as IDataObject;
		} catch (error) {
			throw inputError.call(this, error, itemIndex);
		}
	}
	const response = await withAttributeCheck.call(this, { template, attributeCode }, itemIndex, () =>
		esmApiRequest.call(this, { method, path, ...(body ? { body } : {}), idempotent: method !== 'POST', itemIndex }),
	);
	assertNoAttributeErrors.call(this, response, itemIndex);
	return { dataCardId, templateCode: template, attributeCode, action: method === 'PUT' ? 'replaced' : method === 'POST' ? 'added' : 'cleared' };
}

export const replace = {
	execute(this: IExecuteFunctions, itemIndex: number) {
		return writeValues.call(this, itemIndex, 'PUT');
	},
};
export const add = {
	execute(this: IExecuteFunctions, itemIndex: number) {
		return writeValues.call(this, itemIndex, 'POST');
	},
};
export const clear = {
	execute(this: IExecuteFunctions, itemIndex: number) {
		return writeValues.call(this, itemIndex, 'DELETE');
	},
};
