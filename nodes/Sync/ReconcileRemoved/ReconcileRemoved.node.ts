import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { eqlEquals } from '../../CoreProIga/eql';
import { getTemplate } from '../../CoreProIga/metadata';
import { searchTemplates } from '../../CoreProIga/methods/listSearch';
import { getAttributes, getKeyAttributes, getStatusValues } from '../../CoreProIga/methods/loadOptions';
import { DEFAULT_BULK_BATCH_SIZE, sendBulkBatch, type BulkCardResult } from '../../CoreProIga/bulk';
import { cardPages } from '../../CoreProIga/transport';
import { simplifyCard, toEsmValues, type EsmAttributeMeta } from '../../CoreProIga/values';
import { templateLocator } from '../../CoreProIga/CoreProIgaDataCard/actions/common';
import { inBatches, mapWithConcurrency } from '../../shared/concurrency';
import { asNodeError } from '../../shared/execute';
import { itemParameterReader, requiredString, shortText } from '../../shared/parameters';
import { entryKey, StaticDataTaskStore } from '../state/taskState';
import { exceedsLimits, HALF_GONE_PERCENT, planReconcile, summary, type TaskCard } from './reconcile';

/** Status changes per bulk PUT, at most (the default of the Data Card bulk upsert). */
const MAX_BATCH_SIZE = 100;
/** Task IDs are short slugs (e.g. jira-users-full); ESM's text attributes hold 255 characters. */
const MAX_TASK_ID_LENGTH = 255;

export class ReconcileRemoved implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reconcile Removed',
		name: 'reconcileRemoved',
		icon: { light: 'file:../../../icons/reconcile.svg', dark: 'file:../../../icons/reconcile.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["kind"] + ": " + $parameter["taskId"]}}',
		description:
			'After a full import, set the status of ESM cards whose record disappeared from the source, guarded against mass removal',
		defaults: { name: 'Reconcile Removed' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'coreProIgaApi', required: true }],
		properties: [
			{
				displayName:
					'Feed this node EVERY record the source listed in this run (not only the changed ones), after the load has finished.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Run Type',
				name: 'runType',
				type: 'options',
				options: [
					{ name: 'Full (Every Record Listed)', value: 'full' },
					{ name: 'Incremental (Only Changes)', value: 'incremental' },
				],
				default: 'full',
				description: 'Only a full run shows what is gone; an incremental run is refused',
			},
			{
				displayName: 'Kind',
				name: 'kind',
				type: 'options',
				options: [
					{ name: 'Generic Objects', value: 'generic' },
					{ name: 'Groups (Entitlements)', value: 'groups' },
					{ name: 'Users (Accounts)', value: 'users' },
				],
				default: 'generic',
				description: 'What the cards are; used in the summary and messages',
			},
			{
				displayName: 'Task ID',
				name: 'taskId',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'jira-users-full',
				description: 'The Task ID the import stamps on its cards (the same value as its Task Cache nodes)',
			},
			templateLocator,
			{
				displayName: 'Key Attribute Name or ID',
				name: 'keyAttribute',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getKeyAttributes', loadOptionsDependsOn: ['template.value'] },
				default: 'efecte_id',
				description:
					'Attribute of the cards that holds the record key. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Key',
				name: 'key',
				type: 'string',
				default: '',
				required: true,
				placeholder: '={{ $json.key }}',
				description: 'Expression that gives each fetched record’s key, as written into the key attribute',
			},
			{
				displayName: 'Task ID Attribute',
				name: 'taskIdAttribute',
				type: 'string',
				default: 'datasourceid',
				description: 'Attribute that holds the Task ID on the cards (formerly datasourceid)',
			},
			{
				displayName: 'Status Attribute Name or ID',
				name: 'statusAttribute',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getAttributes', loadOptionsDependsOn: ['template.value'] },
				default: '',
				required: true,
				description:
					'E.g. accountStatus or status. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Removed Value Name or ID',
				name: 'removedValue',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getStatusValues', loadOptionsDependsOn: ['template.value', 'statusAttribute'] },
				default: '',
				required: true,
				description:
					'Status value for cards whose record is gone, e.g. Deleted or 5 - Removed. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Active Value Name or ID',
						name: 'activeValue',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getStatusValues', loadOptionsDependsOn: ['template.value', 'statusAttribute'] },
						default: '',
						description:
							'Status value that Re-Enable Reappearing sets. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Allow Mass Removal',
						name: 'allowMassRemoval',
						type: 'boolean',
						default: false,
						description: 'Whether to go on even when the removals exceed both limits (after checking the source really lost those records)',
					},
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 100,
						description: 'Status changes per bulk request (at most 100)',
					},
					{
						displayName: 'Dry Run',
						name: 'dryRun',
						type: 'boolean',
						default: false,
						description: 'Whether to only output what would change, writing nothing',
					},
					{
						displayName: 'Forget Removed in Task Cache',
						name: 'forgetInTaskCache',
						type: 'boolean',
						default: true,
						description:
							'Whether to drop removed keys from the Task Cache of this Task ID, so a record that comes back is written again. Turn off in workflows without a Task Cache (e.g. queue mode with Compare Datasets): then this node never touches workflow static data.',
					},
					{
						displayName: 'Max Removals (Count)',
						name: 'maxCount',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10,
						description: 'Refuse when more cards than this would be removed AND the percentage is exceeded too',
					},
					{
						displayName: 'Max Removals (Percent)',
						name: 'maxPercent',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 100 },
						default: 10,
						description: 'Refuse when more than this share of the task’s active cards would be removed AND the count is exceeded too',
					},
					{
						displayName: 'Parallel Requests',
						name: 'concurrency',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 16 },
						default: 4,
						description: 'Bulk requests sent at the same time',
					},
					{
						displayName: 'Re-Enable Reappearing',
						name: 'reEnable',
						type: 'boolean',
						default: false,
						description: 'Whether a removed card whose record is listed again gets the Active Value (the vendor never does this)',
					},
					{
						displayName: 'Use Stream Endpoint',
						name: 'stream',
						type: 'boolean',
						default: false,
						description:
							'Whether to list the task’s cards in one unpaged answer (/data/stream, which ESM offers for heavy reads) instead of pages of 200: one request instead of one per 200 cards. An ESM without the stream endpoint is read page by page.',
					},
				],
			},
		],
	};

	methods = {
		listSearch: { searchTemplates },
		loadOptions: { getAttributes, getKeyAttributes, getStatusValues },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const node = this.getNode();
		if (this.getNodeParameter('runType', 0) !== 'full') {
			throw new NodeOperationError(node, 'Reconcile Removed runs after a full import only: an incremental run does not list every record', {
				description: 'Connect it to the full task, or set Run Type to Full if this run lists everything.',
			});
		}
		const taskId = requiredString.call(this, 'taskId', 'Task ID', 0, 'enter the Task ID the import stamps on its cards');
		const template = requiredString.call(this, 'template', 'Template', 0, 'choose the template of the task’s cards');
		const keyAttribute = requiredString.call(this, 'keyAttribute', 'Key Attribute', 0, 'choose the attribute that holds the key');
		const taskIdAttribute = requiredString.call(this, 'taskIdAttribute', 'Task ID Attribute', 0, 'enter the attribute that holds the Task ID');
		// The Task ID travels in an EQL filter in the address of every listing request: checked first.
		if (taskId.length > MAX_TASK_ID_LENGTH) {
			throw new NodeOperationError(node, `Task ID is ${taskId.length} characters long: use at most ${MAX_TASK_ID_LENGTH}, the same short ID the import stamps on its cards`);
		}
		let taskFilter: string;
		try {
			taskFilter = eqlEquals(taskIdAttribute, taskId);
		} catch (error) {
			throw new NodeOperationError(node, `Task ID: ${(error as Error).message}`);
		}
		const statusAttribute = requiredString.call(this, 'statusAttribute', 'Status Attribute', 0, 'choose the status attribute');
		const removedValue = requiredString.call(this, 'removedValue', 'Removed Value', 0, 'enter the status value of removed cards');
		const kind = String(this.getNodeParameter('kind', 0, 'generic'));
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const dryRun = options.dryRun === true;
		const reEnable = options.reEnable === true;

		// 1. Every key the source listed.
		const fetched = new Set<string>();
		const itemOfKey = new Map<string, number>();
		// A plain field path (`={{ $json.accountId }}`) is read from the items without an expression per item.
		const keyOf = itemParameterReader.call(this, 'key', '');
		items.forEach((_item, itemIndex) => {
			const key = String(keyOf(itemIndex) ?? '').trim();
			if (!key) return;
			fetched.add(key);
			if (!itemOfKey.has(key)) itemOfKey.set(key, itemIndex);
		});
		if (fetched.size === 0) {
			throw new NodeOperationError(node, `Refusing to reconcile ${kind}: the source returned no records, which would mark every card of task ${taskId} removed`, {
				description: 'An empty listing usually means a failed login or a wrong query. Check the source step; nothing was changed.',
			});
		}

		// 2. Validate the status values against the template before anything is written.
		const meta = await getTemplate.call(this, template);
		const status = meta.attributes.find((attribute) => attribute.code === statusAttribute);
		for (const [code, label] of [[statusAttribute, 'Status Attribute'], [keyAttribute, 'Key Attribute'], [taskIdAttribute, 'Task ID Attribute']]) {
			if (!meta.attributes.some((attribute) => attribute.code === code)) {
				throw new NodeOperationError(node, `${label} "${shortText(code)}" is not an attribute of template ${template}`);
			}
		}
		const activeValue = String(options.activeValue ?? '').trim();
		if (reEnable && !activeValue) throw new NodeOperationError(node, 'Re-Enable Reappearing needs an Active Value, e.g. Active');
		let removedPayload: IDataObject;
		let activePayload: IDataObject | undefined;
		try {
			removedPayload = toEsmValues(status as EsmAttributeMeta, removedValue) as unknown as IDataObject;
			if (reEnable) activePayload = toEsmValues(status as EsmAttributeMeta, activeValue) as unknown as IDataObject;
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message);
		}
		const canonicalRemoved = String(((removedPayload.values as IDataObject[])[0] ?? {}).value ?? removedValue);

		// 3. The task's cards in ESM, streamed or page by page.
		// By id: a card listed twice (a page boundary moving under concurrent writes) counts once.
		const cards = new Map<string, TaskCard>();
		const pages = cardPages.call(
			this,
			{ template, filter: taskFilter, dataCards: true, selectedAttributes: [keyAttribute, statusAttribute, taskIdAttribute] },
			{ stream: options.stream === true },
		);
		for await (const page of pages) {
			for (const raw of page) {
				const card = simplifyCard(raw, meta) as IDataObject;
				cards.set(String(card.dataCardId), {
					dataCardId: String(card.dataCardId),
					key: String(card[keyAttribute] ?? ''),
					status: String(card[statusAttribute] ?? ''),
					taskId: String(card[taskIdAttribute] ?? ''),
				});
			}
		}

		// 4. Plan and guard.
		const plan = planReconcile([...cards.values()], fetched, taskId, canonicalRemoved, reEnable);
		const limits = { maxPercent: Number(options.maxPercent ?? 10), maxCount: Number(options.maxCount ?? 10) };
		if (exceedsLimits(plan, limits) && options.allowMassRemoval !== true) {
			const percent = plan.activeInEsm ? Math.round((plan.remove.length / plan.activeInEsm) * 1000) / 10 : 0;
			throw new NodeOperationError(
				node,
				`Refusing to mark ${plan.remove.length} of ${plan.activeInEsm} active ${kind} cards of task ${taskId} removed (${percent} %): ${
					plan.remove.length > limits.maxCount && percent > limits.maxPercent
						? `more than ${limits.maxCount} cards and more than ${limits.maxPercent} %`
						: `at least ${HALF_GONE_PERCENT} % of them`
				}`,
				{
					description: `The source listed ${fetched.size} records. If it really lost them, turn on Allow Mass Removal (or raise the limits) for one run; nothing was changed.`,
				},
			);
		}

		// 5. Write (or not, in a dry run): the status changes go out as bulk PUTs of modify requests,
		// several at once. A PUT that only modifies can be sent again after a lost answer (the same
		// values again). Results are matched by position and card ID; a card ESM did not save is
		// reported as failed, never as removed.
		const changes = [
			...plan.remove.map((card) => ({ card, action: 'removed', newStatus: canonicalRemoved, payload: removedPayload })),
			...plan.reEnable.map((card) => ({ card, action: 'reEnabled', newStatus: activeValue, payload: activePayload! })),
		];
		const results: IDataObject[] = changes.map(({ card, action, newStatus }) => ({
			key: card.key,
			dataCardId: card.dataCardId,
			previousStatus: card.status,
			newStatus,
			action,
			dryRun,
		}));
		const errors: Array<Error | undefined> = new Array(changes.length);
		const saved: boolean[] = new Array(changes.length).fill(false);
		if (!dryRun && changes.length) {
			const batchSize = Math.min(MAX_BATCH_SIZE, Math.max(1, Math.floor(Number(options.batchSize ?? DEFAULT_BULK_BATCH_SIZE)) || DEFAULT_BULK_BATCH_SIZE));
			const stopOnFailure = !this.continueOnFail();
			await mapWithConcurrency(inBatches(changes.map((_change, index) => index), batchSize), Number(options.concurrency ?? 4), async (batch) => {
				// Without Continue On Fail the node stops at the first failure: no further batch starts.
				if (stopOnFailure && errors.some(Boolean)) return;
				let outcome: BulkCardResult[];
				try {
					outcome = await sendBulkBatch.call(this, {
						template,
						body: batch.map((index) => ({ dataCardId: changes[index].card.dataCardId, data: { [statusAttribute]: changes[index].payload } })),
						idempotent: true,
					});
				} catch (error) {
					const nodeError = asNodeError(this, error);
					for (const index of batch) errors[index] = nodeError;
					return;
				}
				batch.forEach((index, position) => {
					const result = outcome[position];
					if (result.ok) saved[index] = true;
					else errors[index] = result.error;
				});
			});
			errors.forEach((error, index) => {
				if (error) results[index].error = error.message;
			});
		}
		const failed = errors.filter(Boolean).length;
		// A record that comes back must be written again (status and all), not skipped as "unchanged":
		// forget the keys of the cards really set to removed in the task's cache (the same static data
		// Task Cache uses), also when the node stops on a failure below.
		const removedKeys = changes.filter((change, index) => change.action === 'removed' && saved[index]).map((change) => change.card.key);
		if (removedKeys.length && options.forgetInTaskCache !== false) {
			const store = new StaticDataTaskStore(this.getWorkflowStaticData('global'));
			const state = store.load(taskId);
			const cached = removedKeys.map(entryKey).filter((key) => key in state.entries);
			// Saved only when something was forgotten: a task without a cache gets no empty entry.
			if (cached.length) {
				for (const key of cached) delete state.entries[key];
				store.save(taskId, state);
			}
		}
		const firstError = errors.find(Boolean);
		if (firstError && !this.continueOnFail()) throw asNodeError(this, firstError);

		// A re-enabled card pairs with the record that reappeared; a removed one has no input record
		// (that is the point), so it and the summary pair with the first item.
		const output: INodeExecutionData[] = results.map((json) => ({ json, pairedItem: { item: itemOfKey.get(String(json.key)) ?? 0 } }));
		output.push({ json: summary(plan, fetched.size, results, { kind, taskId, dryRun, failed }), pairedItem: { item: 0 } });
		return [output];
	}
}
