import type { IDataObject } from 'n8n-workflow';

import { memoPerRun } from '../shared/memo';
import { collectPages, jiraApiRequest, JIRA_PAGE_SIZE, paginateByOffset, type JiraContext } from './transport';

/** What we need to know about a field to validate and convert a value for it. */
export interface JiraFieldMeta {
	id: string;
	name: string;
	required: boolean;
	hasDefaultValue?: boolean;
	schema?: { type?: string; items?: string; custom?: string; system?: string };
	allowedValues?: IDataObject[];
	orderable?: boolean;
}

function fromCreateOrEditMeta(id: string, raw: IDataObject): JiraFieldMeta {
	return {
		id: String(raw.fieldId ?? raw.key ?? id),
		name: String(raw.name ?? id),
		required: raw.required === true,
		hasDefaultValue: raw.hasDefaultValue === true,
		schema: raw.schema as JiraFieldMeta['schema'],
		allowedValues: raw.allowedValues as IDataObject[] | undefined,
	};
}

/** Fields of the create screen of one project and issue type (the only create metadata Jira Cloud still offers). */
export function getCreateMeta(this: JiraContext, project: string, issueTypeId: string): Promise<JiraFieldMeta[]> {
	return memoPerRun(this, `createmeta:${project}:${issueTypeId}`, async () => {
		const raw = await collectPages(
			paginateByOffset.call(
				this,
				{
					method: 'GET',
					path: `/rest/api/3/issue/createmeta/${encodeURIComponent(project)}/issuetypes/${encodeURIComponent(issueTypeId)}`,
				},
				'fields',
				{ pageSize: JIRA_PAGE_SIZE.createMeta },
			),
		);
		return raw.map((field) => fromCreateOrEditMeta(String(field.fieldId), field));
	});
}

/** Fields that can be edited on one issue. */
export function getEditMeta(this: JiraContext, issueKey: string): Promise<JiraFieldMeta[]> {
	return memoPerRun(this, `editmeta:${issueKey}`, async () => {
		const response = (await jiraApiRequest.call(this, {
			method: 'GET',
			path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/editmeta`,
		})) as IDataObject;
		const fields = (response.fields ?? {}) as Record<string, IDataObject>;
		return Object.entries(fields).map(([id, field]) => fromCreateOrEditMeta(id, field));
	});
}

/** Every field of the site, system and custom. */
export function getAllFields(this: JiraContext): Promise<JiraFieldMeta[]> {
	return memoPerRun(this, 'fields', async () => {
		const raw = (await jiraApiRequest.call(this, { method: 'GET', path: '/rest/api/3/field' })) as IDataObject[];
		return raw.map((field) => ({
			id: String(field.id),
			name: String(field.name ?? field.id),
			required: false,
			schema: field.schema as JiraFieldMeta['schema'],
			orderable: field.orderable === true,
		}));
	});
}

export function getMyself(this: JiraContext): Promise<IDataObject> {
	return memoPerRun(this, 'myself', async () =>
		(await jiraApiRequest.call(this, { method: 'GET', path: '/rest/api/3/myself' })) as IDataObject,
	);
}

/** Issue types that can be created in a project (the project's create metadata). */
export function getIssueTypesOf(this: JiraContext, project: string): Promise<IDataObject[]> {
	return memoPerRun(this, `issuetypes:${project}`, async () =>
		await collectPages(
			paginateByOffset.call(
				this,
				{ method: 'GET', path: `/rest/api/3/issue/createmeta/${encodeURIComponent(project)}/issuetypes` },
				'issueTypes',
				{ pageSize: JIRA_PAGE_SIZE.createMeta },
			),
		),
	);
}
