import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../../shared/router';
import * as comment from './comment';
import * as issue from './issue';
import * as transition from './transition';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation.call(this, { issue, comment, transition });
}
