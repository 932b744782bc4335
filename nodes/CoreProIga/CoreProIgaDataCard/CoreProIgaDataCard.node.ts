import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getAttributes, getFileAttributes, getFolders, getKeyAttributes } from '../methods/loadOptions';
import { searchTemplates } from '../methods/listSearch';
import { getAttributeFields } from '../methods/resourceMapping';
import * as attribute from './actions/attribute';
import * as dataCard from './actions/dataCard';
import { router } from './actions/router';
import * as template from './actions/template';

export class CoreProIgaDataCard implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CoreProIGA Data Card',
		name: 'coreProIgaDataCard',
		icon: { light: 'file:../../../icons/esm.svg', dark: 'file:../../../icons/esm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read and write data cards of a Matrix42 Core / Pro / IGA (Efecte ESM) solution, in bulk where it counts',
		defaults: { name: 'CoreProIGA Data Card' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'coreProIgaApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Attribute', value: 'attribute' },
					{ name: 'Data Card', value: 'dataCard' },
					{ name: 'Template', value: 'template' },
				],
				default: 'dataCard',
			},
			...dataCard.description,
			...attribute.description,
			...template.description,
		],
	};

	methods = {
		loadOptions: { getAttributes, getFileAttributes, getFolders, getKeyAttributes },
		listSearch: { searchTemplates },
		resourceMapping: { getAttributeFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
