import type { ILoadOptionsFunctions } from 'n8n-workflow';

/** The template code chosen in the node being edited ('' when none yet). */
export function templateCode(ctx: ILoadOptionsFunctions): string {
	const value = ctx.getNodeParameter('template', '', { extractValue: true }) as unknown;
	return typeof value === 'string' ? value.trim() : '';
}
