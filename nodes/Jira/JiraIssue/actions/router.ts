import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem, type ItemOperation } from '../../../shared/execute';
import * as comment from './comment';
import * as issue from './issue';
import * as transition from './transition';

type OperationModule = { execute: ItemOperation };

const resources: Record<string, Record<string, unknown>> = { issue, comment, transition };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation] as OperationModule | undefined;
	if (!module?.execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return [await runPerItem.call(this, module.execute)];
}
