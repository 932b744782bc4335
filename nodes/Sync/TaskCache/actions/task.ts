import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { itemParameterReader, requiredString } from '../../../shared/parameters';
import { StaticDataTaskStore, type TaskState } from '../../state/taskState';

export const taskIdParameter: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'jira-issues-full',
	description:
		'Names the task. Every Task Cache node of one task and its Reconcile Removed use the same value; it is also the Task ID stamped on the cards.',
};

export const keyParameter: INodeProperties = {
	displayName: 'Key',
	name: 'key',
	type: 'string',
	default: '',
	required: true,
	placeholder: '={{ $json.key }}',
	description: 'Expression that gives each record’s stable key (Jira issue key, accountId, groupId, efecte_id)',
};

export interface OpenTask {
	taskId: string;
	state: TaskState;
	save(): void;
}

/** Loads the task's state from workflow static data; says once per run that manual runs do not keep it. */
export function openTask(this: IExecuteFunctions): OpenTask {
	const taskId = requiredString.call(this, 'taskId', 'Task ID', 0, 'enter the name of the task, e.g. jira-issues-full');
	const store = new StaticDataTaskStore(this.getWorkflowStaticData('global'));
	const state = store.load(taskId);
	if (this.getMode() === 'manual') {
		this.addExecutionHints({
			message:
				'n8n does not save workflow static data for manual runs: this run’s cache and watermark changes are not kept. Activate the workflow (or run it from its trigger) for them to persist.',
			type: 'info',
			location: 'outputPane',
		});
	}
	return { taskId, state, save: () => store.save(taskId, state) };
}

/**
 * The key of each item, from the Key expression; an empty key is an error naming the item. A key
 * that is a plain field path (`={{ $json.accountId }}`) is read from the item without evaluating an
 * expression per item (same result as the engine: see itemParameterReader).
 */
export function itemKeys(this: IExecuteFunctions): (itemIndex: number) => string {
	const read = itemParameterReader.call(this, 'key', '');
	return (itemIndex) => {
		const raw = read(itemIndex);
		const key = raw === undefined || raw === null ? '' : String(raw).trim();
		if (!key) {
			throw new NodeOperationError(this.getNode(), 'Key is empty for this item: the Key expression must give the record’s stable key', {
				itemIndex,
			});
		}
		return key;
	};
}

export function hasError(json: IDataObject): boolean {
	return json.error !== undefined && json.error !== null && json.error !== '';
}
