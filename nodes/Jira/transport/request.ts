import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_RETRY_POLICY,
	networkErrorCode,
	retryClock,
	sendWithRetries,
	type HttpAnswer,
} from '../../shared/retry';
import {
	checkJiraCredentials,
	expiringTokenMessage,
	JiraCredentialProblem,
	type CheckedJiraCredentials,
} from './credentialChecks';
import { memoPerRun } from '../../shared/memo';
import { jiraHttpError, jiraNetworkError, type JiraPermission } from './errors';

export const JIRA_CREDENTIAL = 'jiraCloudApi';

export type JiraContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface JiraRequest {
	method: IHttpRequestMethods;
	/** Path below the site, e.g. `/rest/api/3/issue/ABC-1`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	/** May the request be sent again after a 5xx or a broken connection? Default: every method but POST. */
	idempotent?: boolean;
	/**
	 * For a write that must not be repeated blindly: after a 5xx or a lost answer, tells whether the
	 * write happened (returns its result) or not (undefined: it is then sent again).
	 */
	verifyAfterFailure?: () => Promise<unknown>;
	/** Named in the error when Jira answers 403. */
	permission?: JiraPermission;
	itemIndex?: number;
}

interface JiraSession {
	baseUrl: string;
}


async function openSession(ctx: JiraContext): Promise<JiraSession> {
	const credentials = await ctx.getCredentials(JIRA_CREDENTIAL);
	let checked: CheckedJiraCredentials;
	try {
		checked = checkJiraCredentials(credentials, retryClock.now());
	} catch (error) {
		const field = error instanceof JiraCredentialProblem ? error.field : undefined;
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			description: field ? `Open the Jira Cloud credential and fix "${field}".` : undefined,
		});
	}
	if (checked.expiry.state === 'expiresSoon') {
		const message = expiringTokenMessage(checked.expiry);
		ctx.logger.warn(message);
		if ('addExecutionHints' in ctx && typeof ctx.addExecutionHints === 'function') {
			ctx.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
		}
	}
	return { baseUrl: checked.baseUrl };
}

/** One credential check (and at most one expiry warning) per node run. */
export async function jiraSession(ctx: JiraContext): Promise<JiraSession> {
	return await memoPerRun(ctx, 'jira:session', async () => await openSession(ctx));
}

/**
 * The one place that sends HTTP to Jira: credential checks, Basic auth through n8n's credential,
 * retries (429 always; 5xx and broken connections only when repeating is safe), error mapping.
 */
export async function jiraApiRequest<T = IDataObject>(this: JiraContext, request: JiraRequest): Promise<T> {
	const { baseUrl } = await jiraSession(this);
	const idempotent = request.idempotent ?? request.method !== 'POST';
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		json: true,
		arrayFormat: 'repeat',
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (request.body === undefined) delete options.body;

	return await sendWithRetries<T>({
		send: async () =>
			(await this.helpers.httpRequestWithAuthentication.call(this, JIRA_CREDENTIAL, options)) as IN8nHttpFullResponse as HttpAnswer,
		idempotent,
		verifyAfterFailure: request.verifyAfterFailure,
		policy: DEFAULT_RETRY_POLICY,
		result: (answer) => answer.body as T,
		httpError: (answer) => jiraHttpError(this.getNode(), request, answer.statusCode, answer.body, request.itemIndex),
		networkError: (error) =>
			jiraNetworkError(
				this.getNode(),
				baseUrl,
				networkErrorCode(error),
				(error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message,
				request.itemIndex,
			),
	});
}
