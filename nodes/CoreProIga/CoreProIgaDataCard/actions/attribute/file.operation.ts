import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { esmApiRequest } from '../../../transport';
import { assertNoAttributeErrors } from '../common';
import { attributePath, cardAttributeParameters, withAttributeCheck } from './shared';

/** Upload and Download: files held by external-reference (file) attributes. */
const uploadParameters: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Binary field of the input item that holds the file',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		description: 'Name stored in ESM; empty uses the binary file name',
	},
];

const downloadParameters: INodeProperties[] = [
	{
		displayName: 'File Location',
		name: 'location',
		type: 'string',
		default: '',
		description: 'Location of the file in the attribute (from Get Attribute); empty downloads the first file',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryProperty',
		type: 'string',
		default: 'data',
		required: true,
	},
];

// Each group gets its own display options: updateDisplayOptions merges arrays, so a narrower
// `operation` inside a property would be widened to the group's.
export const description = [
	...updateDisplayOptions({ show: { resource: ['attribute'], operation: ['upload', 'download'] } }, cardAttributeParameters),
	...updateDisplayOptions({ show: { resource: ['attribute'], operation: ['upload'] } }, uploadParameters),
	...updateDisplayOptions({ show: { resource: ['attribute'], operation: ['download'] } }, downloadParameters),
];

export const upload = {
	async execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
		const { template, dataCardId, attributeCode, path } = attributePath.call(this, itemIndex);
		const property = this.getNodeParameter('binaryProperty', itemIndex, 'data') as string;
		const binary = this.helpers.assertBinaryData(itemIndex, property);
		const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		const fileName = String(this.getNodeParameter('fileName', itemIndex, '') || binary.fileName || 'file');
		const form = new FormData();
		form.append('fileUpload', new Blob([new Uint8Array(buffer)], { type: binary.mimeType }), fileName);
		form.append('fileName', fileName);
		const response = await withAttributeCheck.call(this, { template, attributeCode }, itemIndex, () => esmApiRequest.call(this, { method: 'POST', path: `${path}/file`, body: form, itemIndex }));
		assertNoAttributeErrors.call(this, response, itemIndex);
		return { dataCardId, templateCode: template, attributeCode, fileName, size: buffer.length, action: 'uploaded' };
	},
};

export const download = {
	async execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
		const { template, dataCardId, attributeCode, path } = attributePath.call(this, itemIndex);
		let location = String(this.getNodeParameter('location', itemIndex, '') ?? '').trim();
		let name = location;
		if (!location) {
			const element = (await withAttributeCheck.call(this, { template, attributeCode }, itemIndex, () => esmApiRequest.call(this, { method: 'GET', path, itemIndex }))) as IDataObject;
			const first = ((element.values as IDataObject[] | undefined) ?? []).find((value) => value.location);
			if (!first) throw new NodeOperationError(this.getNode(), `Card ${dataCardId} holds no file in ${attributeCode}`, { itemIndex });
			location = String(first.location);
			name = String(first.name ?? location);
		}
		const bytes = (await esmApiRequest.call(this, {
			method: 'GET',
			path: `${path}/file/${encodeURIComponent(location)}`,
			binary: true,
			itemIndex,
		})) as ArrayBuffer;
		const outputProperty = this.getNodeParameter('outputBinaryProperty', itemIndex, 'data') as string;
		const fileName = name.split('/').pop() || 'file';
		return {
			json: { dataCardId, templateCode: template, attributeCode, fileName },
			binary: { [outputProperty]: await this.helpers.prepareBinaryData(Buffer.from(bytes), fileName) },
		};
	},
};
