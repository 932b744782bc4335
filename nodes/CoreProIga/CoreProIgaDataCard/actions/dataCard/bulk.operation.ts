import { matchingColumns } from '../../../../shared/resourceMapper';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { inBatches, mapWithConcurrency } from '../../../../shared/concurrency';
import { asNodeError, failedItem } from '../../../../shared/execute';
import { requiredString } from '../../../../shared/parameters';
import { sendBulkBatch, type BulkCardRequest } from '../../../bulk';
import { cardsByKeys } from '../../../cards';
import { eqlString } from '../../../eql';
import { getTemplate } from '../../../metadata';
import { simplifyCard, toEsmData, type EsmTemplate } from '../../../values';
import {
	attributeParameters,
	folderParameter,
	inputError,
	itemAttributes,
	resolveReferences,
	templateLocator,
	templateParameter,
	writeOptions,
} from '../common';

/** Keys are looked up in EQL filters of at most 1,500 characters (eqlOrChunks): a key must fit one. */
const MAX_MATCH_KEY_LENGTH = 1000;

const properties: INodeProperties[] = [
	templateLocator,
	{ ...folderParameter, description: 'Folder new cards are created in' },
	...attributeParameters('upsert'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...writeOptions,
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1000 },
				default: 100,
				description: 'Cards per bulk request (ESM documents no maximum)',
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
				displayName: 'Find Existing Cards By',
				name: 'keyLookup',
				type: 'options',
				options: [
					{ name: 'Automatic', value: 'auto', description: 'Lists the template while that is cheaper than OR-queries, else OR-queries' },
					{ name: 'Queries per Batch', value: 'chunks', description: 'OR-queries on the match attribute for the keys of the input' },
					{ name: 'Listing the Template Once', value: 'listAll', description: 'Faster when the input is most of the template' },
				],
				default: 'auto',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['dataCard'], operation: ['bulkUpsert'] } }, properties);

interface Entry {
	itemIndex: number;
	key?: string;
	data: IDataObject;
	dataCardId?: string;
}

type Outcome = { ok: true; json: IDataObject } | { ok: false; error: Error };

/** Key value -> dataCardIds of the cards that have it (more than one means the key is not unique). */
async function existingCards(
	this: IExecuteFunctions,
	template: string,
	attribute: string,
	keys: string[],
	mode: unknown,
): Promise<Map<string, string[]>> {
	const found = new Map<string, string[]>();
	const lookup = mode === 'chunks' || mode === 'listAll' ? mode : 'auto';
	for (const card of await cardsByKeys.call(this, template, attribute, keys, lookup)) {
		const value = (simplifyCard(card) as IDataObject)[attribute];
		if (value === undefined || value === null) continue;
		const list = found.get(String(value)) ?? [];
		if (!list.includes(String(card.dataCardId))) list.push(String(card.dataCardId));
		found.set(String(value), list);
	}
	return found;
}

/**
 * Bulk upsert: converts every item, finds existing cards by the match attribute without EQL IN,
 * then writes creates and updates through PUT /dc/{template}/data in batches, several at once.
 * Results are mapped back by position and checked against the card IDs we sent; attribute errors
 * inside a 2xx answer fail that item only.
 */
export async function executeBatch(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const outcomes: Outcome[] = new Array(items.length);
	const fail = (index: number, error: unknown) => {
		outcomes[index] = { ok: false, error: asNodeError(this, inputError.call(this, error, index), index) };
	};
	const templateCode = templateParameter.call(this, 0);
	const folder = requiredString.call(this, 'folder', 'Folder', 0, 'choose the folder new cards are created in');
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const template: EsmTemplate = await getTemplate.call(this, templateCode, 0);
	const matchAttribute = matchingColumns.call(this, 'attributes', 0)[0];

	// 1. Values per item (conversion errors stay with their item).
	const values: Array<IDataObject | undefined> = items.map((_item, index) => {
		try {
			return itemAttributes.call(this, index, template, this.getNodeParameter('options', index, {}) as IDataObject);
		} catch (error) {
			fail(index, error);
			return undefined;
		}
	});
	const resolveReference = await resolveReferences.call(
		this,
		template,
		values.filter((value): value is IDataObject => value !== undefined),
		String(options.referenceLookup ?? 'efecte_id'),
		0,
		options.keyLookup,
	);
	const entries: Entry[] = [];
	const firstWithKey = new Map<string, number>();
	values.forEach((record, index) => {
		if (!record) return;
		try {
			const data = toEsmData(template.attributes, record, { resolveReference }) as IDataObject;
			const key = matchAttribute ? String(record[matchAttribute] ?? '').trim() : undefined;
			if (matchAttribute && !key) throw new NodeOperationError(this.getNode(), `The match attribute ${matchAttribute} has no value in this item`, { itemIndex: index });
			// A key EQL cannot hold fails its own item here, not the look-up of every item.
			if (key) {
				try {
					eqlString(key);
				} catch (error) {
					throw new NodeOperationError(this.getNode(), `The match attribute ${matchAttribute}: ${(error as Error).message}`, { itemIndex: index });
				}
				if (key.length > MAX_MATCH_KEY_LENGTH) {
					throw new NodeOperationError(
						this.getNode(),
						`The match attribute ${matchAttribute}: the value is ${key.length} characters long; a match key can have at most ${MAX_MATCH_KEY_LENGTH} (it is looked up in an EQL filter)`,
						{ itemIndex: index },
					);
				}
			}
			if (key !== undefined && firstWithKey.has(key)) {
				throw new NodeOperationError(
					this.getNode(),
					`${matchAttribute} = "${key}" appears again in this run (item ${firstWithKey.get(key)} was written): not written twice`,
					{ itemIndex: index, description: 'The next run writes it as an update.' },
				);
			}
			if (key !== undefined) firstWithKey.set(key, index);
			entries.push({ itemIndex: index, key, data });
		} catch (error) {
			fail(index, error);
		}
	});

	// 2. Existing cards by key.
	if (matchAttribute && entries.length) {
		const existing = await existingCards.call(this, templateCode, matchAttribute, entries.map((entry) => entry.key!), options.keyLookup);
		for (const entry of entries) {
			const ids = existing.get(entry.key!) ?? [];
			if (ids.length > 1) {
				fail(entry.itemIndex, new NodeOperationError(this.getNode(), `Several ${templateCode} cards have ${matchAttribute} = "${entry.key}" (IDs ${ids.join(', ')})`));
			}
			entry.dataCardId = ids[0];
		}
	}
	const writable = entries.filter((entry) => outcomes[entry.itemIndex] === undefined);

	// 3. Batches.
	const batchSize = Math.max(1, Number(options.batchSize ?? 100));
	await mapWithConcurrency(inBatches(writable, batchSize), Number(options.concurrency ?? 4), async (batch) => {
		const body: BulkCardRequest[] = batch.map((entry) =>
			entry.dataCardId ? { dataCardId: entry.dataCardId, data: entry.data } : { folderCode: folder, data: entry.data },
		);
		try {
			const results = await sendBulkBatch.call(this, {
				template: templateCode,
				body,
				// Creates in the batch make a blind resend unsafe (duplicates): see verifyAfterFailure.
				idempotent: false,
				itemIndex: batch[0].itemIndex,
				...(matchAttribute
					? {
							// A lost answer: cards created meanwhile turn into updates before the batch is sent again.
							verifyAfterFailure: async () => {
								const creates = batch.filter((entry) => !entry.dataCardId);
								if (!creates.length) return undefined;
								const found = await existingCards.call(this, templateCode, matchAttribute, creates.map((entry) => entry.key!), 'chunks');
								batch.forEach((entry, position) => {
									const id = entry.dataCardId ?? found.get(entry.key!)?.[0];
									if (id && !entry.dataCardId) {
										entry.dataCardId = id;
										body[position] = { dataCardId: id, data: entry.data };
									}
								});
								return undefined;
							},
						}
					: {}),
			});
			batch.forEach((entry, position) => {
				const result = results[position];
				if (!result.ok) return fail(entry.itemIndex, result.error);
				outcomes[entry.itemIndex] = {
					ok: true,
					json: { dataCardId: result.dataCardId, templateCode, action: entry.dataCardId ? 'updated' : 'created', ...(matchAttribute ? { [matchAttribute]: entry.key } : {}) },
				};
			});
		} catch (error) {
			for (const entry of batch) fail(entry.itemIndex, error);
		}
	});

	const output: INodeExecutionData[] = [];
	for (let index = 0; index < items.length; index++) {
		const outcome = outcomes[index] ?? { ok: false, error: new NodeOperationError(this.getNode(), 'Not written', { itemIndex: index }) };
		if (outcome.ok) {
			output.push({ json: outcome.json, pairedItem: { item: index } });
			continue;
		}
		if (!this.continueOnFail()) throw outcome.error;
		output.push(failedItem(this, { error: outcome.error.message }, outcome.error as NodeOperationError, index));
	}
	return output;
}
