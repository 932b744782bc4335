import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError } from '../../../../shared/execute';
import { requiredString } from '../../../../shared/parameters';
import { esmApiRequest } from '../../../transport';
import { dataCardIdParameter, templateLocator, templateParameter } from '../common';

const properties: INodeProperties[] = [templateLocator, dataCardIdParameter];

export const description = updateDisplayOptions({ show: { resource: ['dataCard'], operation: ['delete'] } }, properties);

/** Moves the card to the trash; one already there is success with alreadyInTrash: true. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const template = templateParameter.call(this, itemIndex);
	const dataCardId = requiredString.call(this, 'dataCardId', 'Data Card ID', itemIndex, 'enter the numeric ID of the card');
	try {
		await esmApiRequest.call(this, {
			method: 'DELETE',
			path: `/dc/${encodeURIComponent(template)}/data/${encodeURIComponent(dataCardId)}`,
			itemIndex,
		});
		return { dataCardId, templateCode: template, deleted: true, alreadyInTrash: false };
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '409') {
			return { dataCardId, templateCode: template, deleted: false, alreadyInTrash: true };
		}
		throw asNodeError(this, error, itemIndex);
	}
}
