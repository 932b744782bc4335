import type { INodeProperties } from 'n8n-workflow';

import * as actor from './actor.operation';
import * as getAll from './getAll.operation';

export const addActor = actor.addActor;
export const removeActor = actor.removeActor;
export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['projectRole'] } },
		options: [
			{ name: 'Add Actor', value: 'addActor', description: 'Add a user or group to a project role', action: 'Add an actor to a project role' },
			{ name: 'Get Many', value: 'getAll', description: 'List the roles of a project with their actors', action: 'Get many project roles' },
			{
				name: 'Remove Actor',
				value: 'removeActor',
				description: 'Remove a user or group from a project role',
				action: 'Remove an actor from a project role',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...actor.description,
];
