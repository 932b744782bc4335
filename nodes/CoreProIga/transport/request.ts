import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY, networkErrorCode, retryClock, sendWithRetries, type HttpAnswer } from '../../shared/retry';
import { EsmCredentialProblem, credentialProblemOf, esmBaseUrl, tokenNeedsRenewal } from './connection';
import { esmHttpError, esmNetworkError } from './errors';

export const ESM_CREDENTIAL = 'coreProIgaApi';

export type EsmContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface EsmRequest {
	method: IHttpRequestMethods;
	/** Path below the API path, e.g. `/dc/incident/data`. */
	path: string;
	qs?: IDataObject;
	body?: unknown;
	/** May the request be sent again after a 5xx or a broken connection? Default: every method but POST. */
	idempotent?: boolean;
	verifyAfterFailure?: () => Promise<unknown>;
	/** Raw bytes instead of JSON (file download). */
	binary?: boolean;
	itemIndex?: number;
}

/** Per node run: while one request logs in, the others wait for it instead of logging in too. */
const logins = new WeakMap<object, Promise<void>>();

async function connection(ctx: EsmContext) {
	const credentials = await ctx.getCredentials(ESM_CREDENTIAL);
	try {
		return { credentials, baseUrl: esmBaseUrl(credentials) };
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			description: error instanceof EsmCredentialProblem ? error.description : undefined,
		});
	}
}

/**
 * The one place that sends HTTP to ESM: login through n8n's credential mechanism, the shared retry
 * rules, error mapping. A request that must log in (no token yet, a token about to expire, or a
 * 401) is sent with the session token blanked: n8n then runs the credential's preAuthentication and
 * stores the new token with the credential, for every node, execution and worker.
 */
export async function esmApiRequest<T = IDataObject>(this: EsmContext, request: EsmRequest): Promise<T> {
	let { baseUrl } = await connection(this);
	let usedToken: unknown;
	let loginAfter401 = false;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: '',
		qs: request.qs,
		json: !request.binary,
		arrayFormat: 'repeat',
		headers: { Accept: request.binary ? '*/*' : 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		...(request.binary ? { encoding: 'arraybuffer' as const } : {}),
	};
	if (request.body !== undefined) options.body = request.body as IHttpRequestOptions['body'];

	const send = async (): Promise<HttpAnswer> => {
		const pending = logins.get(this);
		if (pending) await pending;
		const current = await connection(this);
		baseUrl = current.baseUrl;
		options.url = `${baseUrl}${request.path}`;
		options.skipSslCertificateValidation = current.credentials.allowSelfSigned === true;
		const token = current.credentials.sessionToken;
		// After a 401, log in unless someone else already replaced the refused token.
		const mustLogin = (loginAfter401 && token === usedToken) || tokenNeedsRenewal(token, retryClock.now());
		usedToken = token;
		loginAfter401 = false;
		if (!mustLogin || logins.has(this)) {
			return (await this.helpers.httpRequestWithAuthentication.call(this, ESM_CREDENTIAL, options)) as IN8nHttpFullResponse as HttpAnswer;
		}
		const reference = this.getNode().credentials?.[ESM_CREDENTIAL];
		const answer = this.helpers.httpRequestWithAuthentication.call(this, ESM_CREDENTIAL, options, {
			credentialsDecrypted: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: ESM_CREDENTIAL,
				data: { ...current.credentials, sessionToken: '' },
			},
		});
		const settled = answer.then(
			() => undefined,
			() => undefined,
		);
		logins.set(this, settled);
		try {
			return (await answer) as IN8nHttpFullResponse as HttpAnswer;
		} finally {
			usedToken = undefined;
			logins.delete(this);
		}
	};

	let loggedInAgain = false;
	return await sendWithRetries<T>({
		send,
		beforeRetryDecision: async (answer) => {
			if (answer.statusCode !== 401 || loggedInAgain) return false;
			loggedInAgain = true;
			loginAfter401 = true;
			return true;
		},
		idempotent: request.idempotent ?? request.method !== 'POST',
		verifyAfterFailure: request.verifyAfterFailure,
		policy: DEFAULT_RETRY_POLICY,
		result: (answer) => answer.body as T,
		httpError: (answer) => esmHttpError(this.getNode(), request, answer.statusCode, parseBody(answer.body), request.itemIndex),
		networkError: (error) => {
			// A refused login (preAuthentication) is not a connection failure: say what to fix.
			const problem = credentialProblemOf(error);
			if (problem) {
				return new NodeApiError(
					this.getNode(),
					{ message: problem.message },
					{
						message: problem.message,
						description: problem.description,
						httpCode: problem.loginStatus ? String(problem.loginStatus) : undefined,
						itemIndex: request.itemIndex,
					},
				);
			}
			return esmNetworkError(
				this.getNode(),
				baseUrl,
				networkErrorCode(error),
				(error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message,
				request.itemIndex,
			);
		},
	});
}

function parseBody(body: unknown): unknown {
	if (body instanceof ArrayBuffer || (typeof body === 'object' && body !== null && 'byteLength' in body)) {
		try {
			return JSON.parse(new TextDecoder().decode(body as ArrayBuffer)) as unknown;
		} catch {
			return undefined;
		}
	}
	return body;
}
