import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../../shared/router';
import * as group from './group';
import * as project from './project';
import * as projectRole from './projectRole';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation.call(this, { group, project, projectRole });
}
