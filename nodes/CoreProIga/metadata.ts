import type { IDataObject } from 'n8n-workflow';

import { memoPerRun } from '../shared/memo';
import { esmApiRequest, type EsmContext } from './transport';
import { parseTemplate, type EsmTemplate } from './values';

/** A template with its folders and typed attributes, fetched once per node run. */
export function getTemplate(this: EsmContext, templateCode: string, itemIndex?: number): Promise<EsmTemplate> {
	return memoPerRun(this, `template:${templateCode}`, async () =>
		parseTemplate(
			await esmApiRequest.call(this, { method: 'GET', path: `/dc/${encodeURIComponent(templateCode)}`, itemIndex }),
		),
	);
}

export function listTemplates(this: EsmContext): Promise<IDataObject[]> {
	return memoPerRun(this, 'templates', async () => (await esmApiRequest.call(this, { method: 'GET', path: '/dc' })) as IDataObject[]);
}
