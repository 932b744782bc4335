import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listTemplates } from '../metadata';

/** Templates of the solution, filtered by name or code as typed. */
export async function searchTemplates(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').trim().toLowerCase();
	const templates = await listTemplates.call(this);
	return {
		results: templates
			.map((template) => ({ name: String(template.name ?? template.templateCode), code: String(template.templateCode ?? template.code) }))
			.filter((template) => !wanted || template.name.toLowerCase().includes(wanted) || template.code.toLowerCase().includes(wanted))
			.sort((a, b) => a.name.localeCompare(b.name))
			.map((template) => ({ name: `${template.name} (${template.code})`, value: template.code })),
	};
}
