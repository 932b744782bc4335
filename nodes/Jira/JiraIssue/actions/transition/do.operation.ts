import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { toAdf, type BodyFormat } from '../../../adf';
import { issueLocator, RICH_TEXT_FORMAT_OPTIONS } from '../../../descriptions';
import { parseFieldsJson } from '../../../fields';
import { jiraApiRequest } from '../../../transport';
import { asInputError, issueKeyParameter } from '../common';
import { fetchTransitions } from './getAll.operation';
import { shortText } from '../../../../shared/parameters';

const properties: INodeProperties[] = [
	issueLocator(),
	{
		displayName: 'Transition By',
		name: 'transitionBy',
		type: 'options',
		options: [
			{ name: 'Target Status Name', value: 'status', description: 'The node finds the transition that leads to this status' },
			{ name: 'Transition', value: 'id', description: 'A transition chosen from the list or given by ID' },
		],
		default: 'status',
	},
	{
		displayName: 'Target Status',
		name: 'targetStatus',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Done',
		displayOptions: { show: { transitionBy: ['status'] } },
		description: 'Name of the status the issue should move to (case-insensitive)',
	},
	{
		displayName: 'Transition Name or ID',
		name: 'transitionId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTransitions', loadOptionsDependsOn: ['issueKey.value'] },
		default: '',
		required: true,
		displayOptions: { show: { transitionBy: ['id'] } },
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Comment',
				name: 'comment',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: 'Comment added in the same call',
			},
			{
				displayName: 'Comment Format',
				name: 'commentFormat',
				type: 'options',
				options: RICH_TEXT_FORMAT_OPTIONS,
				default: 'text',
			},
			{
				displayName: 'Fields (JSON)',
				name: 'fieldsJson',
				type: 'json',
				default: '{}',
				description: 'Other fields of the transition screen, as a JSON object keyed by field ID',
			},
			{
				displayName: 'Resolution Name or ID',
				name: 'resolution',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getResolutions' },
				default: '',
				description:
					'Resolution set in the same call; the transition screen must show the Resolution field. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Skip If Already in Status',
				name: 'skipIfInStatus',
				type: 'boolean',
				default: true,
				description: 'Whether an issue already in the target status succeeds without a change (changed: false) instead of failing',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['transition'], operation: ['do'] } }, properties);

function statusName(transition: IDataObject): string {
	return String((transition.to as IDataObject | undefined)?.name ?? '');
}

async function currentStatus(this: IExecuteFunctions, issueKey: string, itemIndex: number): Promise<IDataObject> {
	const issue = (await jiraApiRequest.call(this, {
		method: 'GET',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}`,
		qs: { fields: 'status' },
		itemIndex,
	})) as IDataObject;
	return ((issue.fields as IDataObject | undefined)?.status as IDataObject | undefined) ?? {};
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const issueKey = issueKeyParameter.call(this, itemIndex);
	const by = this.getNodeParameter('transitionBy', itemIndex, 'status') as 'status' | 'id';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const transitions = await fetchTransitions.call(this, issueKey, itemIndex, { expand: 'transitions.fields' });

	let transition: IDataObject | undefined;
	if (by === 'status') {
		const target = String(this.getNodeParameter('targetStatus', itemIndex, '') ?? '').trim();
		if (!target) throw new NodeOperationError(this.getNode(), 'Target Status is empty: enter the status name, e.g. Done', { itemIndex });
		transition = transitions.find(
			(candidate) => statusName(candidate).toLowerCase() === target.toLowerCase() && candidate.isAvailable !== false,
		);
		if (!transition) {
			const status = await currentStatus.call(this, issueKey, itemIndex);
			if (String(status.name ?? '').toLowerCase() === target.toLowerCase() && options.skipIfInStatus !== false) {
				return { issueKey, changed: false, toStatus: status.name, reason: 'The issue is already in this status' };
			}
			const reachable = [...new Set(transitions.map(statusName))].join(', ') || 'none';
			throw new NodeOperationError(
				this.getNode(),
				`No transition leads issue ${issueKey} from "${String(status.name ?? '?')}" to "${shortText(target)}"; reachable statuses: ${reachable}`,
				{ itemIndex, description: 'Jira workflows may need several steps: transition to an intermediate status first.' },
			);
		}
	} else {
		const id = String(this.getNodeParameter('transitionId', itemIndex, '') ?? '').trim();
		if (!id) throw new NodeOperationError(this.getNode(), 'Transition is empty: choose a transition', { itemIndex });
		transition = transitions.find((candidate) => String(candidate.id) === id);
		if (!transition) {
			const offered = transitions.map((candidate) => `${String(candidate.name)} (${String(candidate.id)})`).join(', ') || 'none';
			throw new NodeOperationError(this.getNode(), `Transition ${id} is not available for issue ${issueKey} now; available: ${offered}`, {
				itemIndex,
			});
		}
	}

	const body: IDataObject = { transition: { id: String(transition.id) } };
	let fields: IDataObject;
	try {
		fields = parseFieldsJson(options.fieldsJson, 'Fields (JSON)');
	} catch (error) {
		throw asInputError.call(this, error, itemIndex);
	}
	const resolution = String(options.resolution ?? '').trim();
	if (resolution) {
		const screenFields = (transition.fields as IDataObject | undefined) ?? {};
		if (!('resolution' in screenFields)) {
			throw new NodeOperationError(
				this.getNode(),
				`The transition "${String(transition.name)}" does not show the Resolution field, so Jira cannot set a resolution in it`,
				{ itemIndex, description: 'Add Resolution to that transition’s screen in Jira, or leave the Resolution option empty.' },
			);
		}
		fields.resolution = /^\d+$/.test(resolution) ? { id: resolution } : { name: resolution };
	}
	if (Object.keys(fields).length) body.fields = fields;
	const comment = String(options.comment ?? '');
	if (comment.trim()) {
		try {
			body.update = { comment: [{ add: { body: toAdf(comment, (options.commentFormat as BodyFormat) ?? 'text') } }] };
		} catch (error) {
			throw asInputError.call(this, error, itemIndex);
		}
	}

	const target = transition.to as IDataObject | undefined;
	await jiraApiRequest.call(this, {
		method: 'POST',
		path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}/transitions`,
		body,
		itemIndex,
		// A lost answer: the issue's status tells whether the transition happened.
		verifyAfterFailure: async () => {
			const status = await currentStatus.call(this, issueKey, itemIndex);
			return target?.id !== undefined && String(status.id) === String(target.id) ? {} : undefined;
		},
	});
	return {
		issueKey,
		changed: true,
		transitionId: transition.id,
		transitionName: transition.name,
		toStatus: target?.name,
		...(resolution ? { resolution } : {}),
		...(comment.trim() ? { commentAdded: true } : {}),
	};
}
