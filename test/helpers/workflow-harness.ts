/**
 * Runs workflow JSON through n8n's real engine (n8n-core `WorkflowExecute`) in-process.
 *
 * - Node types: ours as `<package name>.<description.name>` (package.json `n8n.nodes`, loaded from the
 *   TypeScript sources through jest so ts-jest compiles them), n8n's built-in nodes as
 *   `n8n-nodes-base.<name>` (test/engine/node_modules/n8n-nodes-base, looked up in its
 *   dist/known/nodes.json). Everything is loaded lazily: only what a workflow uses.
 * - Credential types: the same two sources (`n8n.credentials`, dist/known/credentials.json).
 * - Credentials: given by the test, resolved per node reference by id, then name, then type;
 *   `authenticate` (function or generic expressions) and `preAuthentication` (expirable property,
 *   re-login after a 401) behave as in n8n's own credentials helper.
 * - `teardownHarness()` in `afterAll` stops the timer n8n-core leaves running, so jest exits.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute, WorkflowHasIssuesError } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	type IConnections,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentials,
	type ICredentialsEncrypted,
	type ICredentialsExpressionResolveValues,
	type IDataObject,
	type IExecuteData,
	type IExecuteResponsePromiseData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IPinData,
	type IRequestOptionsSimplified,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Where things are

const REPO_ROOT = path.resolve(__dirname, '../..');
const NODES_BASE_DIR = path.join(REPO_ROOT, 'test/engine/node_modules/n8n-nodes-base');
export const NODES_BASE_PACKAGE = 'n8n-nodes-base';

interface PackageJson {
	name: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

let packageJsonCache: PackageJson | undefined;
function packageJson(): PackageJson {
	packageJsonCache ??= JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
	return packageJsonCache;
}

/** Our package name, the prefix of our node types (`n8n-nodes-esm-connectors`). */
export const PACKAGE_NAME: string = packageJson().name;

/** `dist/nodes/X/X.node.js` -> absolute path of `nodes/X/X.node.ts`. */
function sourceFileOf(distFile: string): string {
	const relative = distFile.replace(/^(\.\/)?dist\//, '').replace(/\.js$/, '.ts');
	return path.join(REPO_ROOT, relative);
}

interface KnownEntry {
	className: string;
	sourcePath: string;
	extends?: string[];
}

const knownCache = new Map<string, Record<string, KnownEntry>>();
function knownTable(kind: 'nodes' | 'credentials'): Record<string, KnownEntry> {
	let table = knownCache.get(kind);
	if (!table) {
		const file = path.join(NODES_BASE_DIR, 'dist/known', `${kind}.json`);
		if (!existsSync(file)) {
			throw new Error(
				`n8n's built-in ${kind} are not installed: ${file} is missing (run npm install in test/engine)`,
			);
		}
		table = JSON.parse(readFileSync(file, 'utf8')) as Record<string, KnownEntry>;
		knownCache.set(kind, table);
	}
	return table;
}

// ---------------------------------------------------------------------------------------------
// Loading classes

function isClass(value: unknown): value is new () => unknown {
	return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function hasDescription(value: unknown): value is { description: object } {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { description?: unknown }).description === 'object'
	);
}

/** Instantiates the export of `file` whose instance satisfies `accept` (preferring `preferredName`). */
function instantiateFrom<T>(
	file: string,
	preferredName: string | undefined,
	accept: (instance: unknown) => boolean,
	what: string,
): T {
	let mod: Record<string, unknown>;
	try {
		mod = require(file) as Record<string, unknown>;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new Error(`Could not load ${what} from ${path.relative(REPO_ROOT, file)}: ${message}`);
	}
	const names = Object.keys(mod);
	if (preferredName && names.includes(preferredName)) {
		names.splice(names.indexOf(preferredName), 1);
		names.unshift(preferredName);
	}
	for (const name of names) {
		const exported = mod[name];
		if (!isClass(exported)) continue;
		let instance: unknown;
		try {
			instance = new exported();
		} catch {
			continue;
		}
		if (accept(instance)) return instance as T;
	}
	throw new Error(
		`${path.relative(REPO_ROOT, file)} exports no class for ${what} (exports: ${Object.keys(mod).join(', ') || 'none'})`,
	);
}

// ---------------------------------------------------------------------------------------------
// Node type registry

type AnyNodeType = INodeType | IVersionedNodeType;

const registeredNodeTypes = new Map<string, AnyNodeType>();
const loadedNodeTypes = new Map<string, AnyNodeType>();
/** Our node files already required, by source path -> description.name. */
const ourLoadedNodeFiles = new Map<string, string>();

/**
 * Registers a node type under a full type name (e.g. `test.counter`) for this test file. Wins over
 * the package and n8n's built-in nodes.
 */
export function registerNodeType(type: string, nodeType: AnyNodeType): void {
	registeredNodeTypes.set(type, nodeType);
}

function loadOurNodeType(name: string): AnyNodeType | undefined {
	const files = (packageJson().n8n?.nodes ?? []).map(sourceFileOf);
	// Most likely file first: JiraIssue.node.ts for `jiraIssue`.
	const baseOf = (file: string) => path.basename(file).replace(/\.node\.ts$/, '').toLowerCase();
	const ordered = [
		...files.filter((file) => baseOf(file) === name.toLowerCase()),
		...files.filter((file) => baseOf(file) !== name.toLowerCase()),
	];
	for (const file of ordered) {
		if (ourLoadedNodeFiles.has(file)) continue;
		if (!existsSync(file)) {
			throw new Error(
				`package.json n8n.nodes lists a node whose source ${path.relative(REPO_ROOT, file)} does not exist`,
			);
		}
		const nodeType = instantiateFrom<AnyNodeType>(
			file,
			path.basename(file).replace(/\.node\.ts$/, ''),
			hasDescription,
			'a node type',
		);
		const loadedName = (nodeType.description as { name: string }).name;
		ourLoadedNodeFiles.set(file, loadedName);
		loadedNodeTypes.set(`${PACKAGE_NAME}.${loadedName}`, nodeType);
		if (loadedName === name) return nodeType;
	}
	return undefined;
}

function loadBaseNodeType(name: string): AnyNodeType | undefined {
	const entry = knownTable('nodes')[name];
	if (!entry) return undefined;
	return instantiateFrom<AnyNodeType>(
		path.join(NODES_BASE_DIR, entry.sourcePath),
		entry.className,
		hasDescription,
		`node type ${NODES_BASE_PACKAGE}.${name}`,
	);
}

/** The node type (possibly versioned) for a full type name, or undefined when nobody knows it. */
export function findNodeType(type: string): AnyNodeType | undefined {
	const registered = registeredNodeTypes.get(type);
	if (registered) return registered;
	const loaded = loadedNodeTypes.get(type);
	if (loaded) return loaded;
	const dot = type.lastIndexOf('.');
	if (dot < 0) return undefined;
	const pkg = type.slice(0, dot);
	const name = type.slice(dot + 1);
	let nodeType: AnyNodeType | undefined;
	if (pkg === PACKAGE_NAME) nodeType = loadOurNodeType(name);
	else if (pkg === NODES_BASE_PACKAGE) nodeType = loadBaseNodeType(name);
	if (nodeType) loadedNodeTypes.set(type, nodeType);
	return nodeType;
}

function isVersioned(nodeType: AnyNodeType): nodeType is IVersionedNodeType {
	return 'nodeVersions' in nodeType && typeof nodeType.nodeVersions === 'object';
}

function supportedVersions(nodeType: AnyNodeType): number[] {
	if (isVersioned(nodeType)) return Object.keys(nodeType.nodeVersions).map(Number);
	const version = nodeType.description.version;
	return Array.isArray(version) ? version : [version];
}

/** Throws a helpful error when a workflow node's type or typeVersion is unknown. */
function checkNodeType(node: INode, workflowName: string): void {
	const nodeType = findNodeType(node.type);
	if (!nodeType) {
		let hint = '';
		if (node.type.startsWith(`${PACKAGE_NAME}.`)) {
			const known = [...ourLoadedNodeFiles.values()];
			hint = ` (package.json n8n.nodes provides: ${known.join(', ') || 'nothing'})`;
		} else if (!node.type.startsWith(`${NODES_BASE_PACKAGE}.`)) {
			hint = ` (known prefixes: ${PACKAGE_NAME}., ${NODES_BASE_PACKAGE}., or register it with registerNodeType)`;
		}
		throw new Error(
			`Workflow "${workflowName}": node "${node.name}" has unknown type "${node.type}"${hint}`,
		);
	}
	const versions = supportedVersions(nodeType);
	if (!versions.includes(node.typeVersion)) {
		throw new Error(
			`Workflow "${workflowName}": node "${node.name}" (${node.type}) has typeVersion ${node.typeVersion}, ` +
				`the installed node supports ${versions.join(', ')}`,
		);
	}
}

const nodeTypes: INodeTypes = {
	getByName(type: string) {
		return findNodeType(type) as AnyNodeType;
	},
	getByNameAndVersion(type: string, version?: number) {
		const nodeType = findNodeType(type);
		return (nodeType ? NodeHelpers.getVersionedNodeType(nodeType, version) : undefined) as INodeType;
	},
	getKnownTypes() {
		return {};
	},
};

// ---------------------------------------------------------------------------------------------
// Credential type registry

const registeredCredentialTypes = new Map<string, ICredentialType>();
const loadedCredentialTypes = new Map<string, ICredentialType>();
const ourLoadedCredentialFiles = new Set<string>();

/** Registers a credential type (by its `name`) for this test file. Wins over the other sources. */
export function registerCredentialType(credentialType: ICredentialType): void {
	registeredCredentialTypes.set(credentialType.name, credentialType);
}

function isCredentialType(value: unknown): value is ICredentialType {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as ICredentialType).name === 'string' &&
		Array.isArray((value as ICredentialType).properties)
	);
}

function loadOurCredentialType(name: string): ICredentialType | undefined {
	const files = (packageJson().n8n?.credentials ?? []).map(sourceFileOf);
	const baseOf = (file: string) => path.basename(file).replace(/\.credentials\.ts$/, '').toLowerCase();
	const ordered = [
		...files.filter((file) => baseOf(file) === name.toLowerCase()),
		...files.filter((file) => baseOf(file) !== name.toLowerCase()),
	];
	for (const file of ordered) {
		if (ourLoadedCredentialFiles.has(file)) continue;
		if (!existsSync(file)) {
			throw new Error(
				`package.json n8n.credentials lists ${path.relative(REPO_ROOT, file)}, which does not exist`,
			);
		}
		const credentialType = instantiateFrom<ICredentialType>(
			file,
			path.basename(file).replace(/\.credentials\.ts$/, ''),
			isCredentialType,
			'a credential type',
		);
		ourLoadedCredentialFiles.add(file);
		loadedCredentialTypes.set(credentialType.name, credentialType);
		if (credentialType.name === name) return credentialType;
	}
	return undefined;
}

function loadBaseCredentialType(name: string): ICredentialType | undefined {
	const entry = knownTable('credentials')[name];
	if (!entry) return undefined;
	return instantiateFrom<ICredentialType>(
		path.join(NODES_BASE_DIR, entry.sourcePath),
		entry.className,
		isCredentialType,
		`credential type ${name}`,
	);
}

/** The credential type by name (ours, then n8n's), or undefined. */
export function findCredentialType(name: string): ICredentialType | undefined {
	const found =
		registeredCredentialTypes.get(name) ??
		loadedCredentialTypes.get(name) ??
		loadOurCredentialType(name) ??
		loadBaseCredentialType(name);
	if (found) loadedCredentialTypes.set(name, found);
	return found;
}

function credentialTypeOrThrow(name: string): ICredentialType {
	const found = findCredentialType(name);
	if (!found) {
		throw new Error(
			`Unknown credential type "${name}": not in package.json n8n.credentials, not one of n8n's built-in ` +
				'credentials, not registered with registerCredentialType',
		);
	}
	return found;
}

function parentTypesOf(name: string, seen = new Set<string>()): string[] {
	const parents = findCredentialType(name)?.extends ?? [];
	const result: string[] = [];
	for (const parent of parents) {
		if (seen.has(parent)) continue;
		seen.add(parent);
		result.push(parent, ...parentTypesOf(parent, seen));
	}
	return result;
}

/** Properties of a credential type including inherited ones (own definitions win). */
function credentialProperties(name: string): INodeProperties[] {
	const credentialType = credentialTypeOrThrow(name);
	const byName = new Map<string, INodeProperties>();
	for (const parent of [...(credentialType.extends ?? [])].reverse()) {
		for (const property of credentialProperties(parent)) byName.set(property.name, property);
	}
	for (const property of credentialType.properties) byName.set(property.name, property);
	return [...byName.values()];
}

// ---------------------------------------------------------------------------------------------
// Credentials helper

/** A credential as a test provides it (plain, decrypted data). */
export interface HarnessCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

interface StoredCredential extends HarnessCredential {
	/** What the engine stored (preAuthentication results, OAuth token data): wins over `data`. */
	updates: Record<string, unknown>;
	preAuthCount: number;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

function describeReference(reference: INodeCredentialsDetails | undefined): string {
	if (!reference) return 'no reference';
	return `{ id: ${JSON.stringify(reference.id)}, name: ${JSON.stringify(reference.name)} }`;
}

/**
 * A credentials helper fed by the test, doing what n8n's own credentials helper does for the
 * parts node execution uses.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly store = new Map<string, StoredCredential>();

	/** Adds credentials (or replaces their base data; data the engine stored is kept). */
	add(credentials: HarnessCredential[] = []): void {
		for (const credential of credentials) {
			const previous = this.store.get(credential.id);
			this.store.set(credential.id, {
				...credential,
				data: { ...credential.data },
				updates: previous && previous.type === credential.type ? previous.updates : {},
				preAuthCount: previous?.preAuthCount ?? 0,
			});
		}
	}

	/** How often `preAuthentication` (the login) ran for this credential id. */
	preAuthCount(credentialId: string): number {
		return this.stored(credentialId).preAuthCount;
	}

	/** The credential's current data: what the test gave merged with what the engine stored. */
	currentData(credentialId: string): Record<string, unknown> {
		const stored = this.stored(credentialId);
		return { ...stored.data, ...stored.updates };
	}

	private stored(credentialId: string): StoredCredential {
		const stored = this.store.get(credentialId);
		if (!stored) {
			throw new Error(
				`No credential with id "${credentialId}" (known: ${[...this.store.keys()].join(', ') || 'none'})`,
			);
		}
		return stored;
	}

	/** The credential a node's reference means: by id, then by name, then by type. */
	resolve(reference: INodeCredentialsDetails | undefined, type: string): StoredCredential {
		const all = [...this.store.values()];
		if (reference?.id) {
			const byId = this.store.get(reference.id);
			if (byId) {
				if (byId.type !== type) {
					throw new Error(
						`Credential reference ${describeReference(reference)} wants type "${type}", ` +
							`but the test's credential "${byId.id}" is of type "${byId.type}"`,
					);
				}
				return byId;
			}
		}
		const ofType = all.filter((credential) => credential.type === type);
		if (reference?.name) {
			const byName = ofType.find((credential) => credential.name === reference.name);
			if (byName) return byName;
		}
		if (ofType.length === 1) return ofType[0];
		const provided = all.map((c) => `${c.id} ("${c.name}", ${c.type})`).join(', ') || 'none';
		if (ofType.length === 0) {
			throw new Error(
				`No credentials of type "${type}" for reference ${describeReference(reference)}; the test provided: ${provided}`,
			);
		}
		throw new Error(
			`Credential reference ${describeReference(reference)} of type "${type}" matches no id or name and ` +
				`the type is ambiguous; the test provided: ${provided}`,
		);
	}

	getParentTypes(name: string): string[] {
		return parentTypesOf(name);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialProperties(type);
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const stored = this.resolve(nodeCredentials, type);
		const data = { ...stored.data, ...stored.updates } as ICredentialDataDecryptedObject;
		const credentials: ICredentials = {
			id: stored.id,
			name: stored.name,
			type: stored.type,
			data: undefined,
			getData: () => ({ ...data }),
			getDataToSave: (): ICredentialsEncrypted => ({
				id: stored.id,
				name: stored.name,
				type: stored.type,
				data: JSON.stringify(data),
			}),
			setData: (newData: ICredentialDataDecryptedObject) => {
				stored.updates = { ...stored.updates, ...newData };
			},
		};
		return credentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: WorkflowExecuteMode,
		_executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.resolve(nodeCredentials, type);
		const original = structuredClone({ ...stored.data, ...stored.updates }) as ICredentialDataDecryptedObject;
		if (raw) return original;
		// Defaults for missing values, and only what the credential type declares (as n8n does).
		const withDefaults = (NodeHelpers.getNodeParameters(
			credentialProperties(type),
			original as never,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) withDefaults.oauthTokenData = original.oauthTokenData;
		if (!expressionResolveValues) return withDefaults;
		// Values written as expressions (`={{ ... }}`) are resolved in the node's context.
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			expressionResolveValues;
		for (const [key, value] of Object.entries(withDefaults)) {
			if (typeof value === 'string' && value.startsWith('=')) {
				withDefaults[key] = workflow.expression.getParameterValue(
					value,
					runExecutionData ?? null,
					runIndex,
					itemIndex,
					node.name,
					connectionInputData,
					'internal',
					{},
				) as never;
			}
		}
		return withDefaults;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = credentialTypeOrThrow(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type !== 'generic') return requestOptions as IHttpRequestOptions;
		const resolve = (value: unknown): unknown => {
			if (typeof value !== 'string' || !value.startsWith('=')) return value;
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials } as never,
				undefined,
				'',
			);
			return resolved === undefined || resolved === null ? '' : String(resolved);
		};
		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		target.headers ??= {};
		for (const [where, entries] of Object.entries(authenticate.properties)) {
			const bucket = (target[where] ??= {});
			for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
				bucket[String(resolve(key))] = resolve(value);
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = credentialTypeOrThrow(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const expirable = credentialProperties(typeName).find(
			(property) => property.typeOptions?.expirable === true,
		);
		if (!expirable) return undefined;
		if (!credentialsExpired && !isEmpty(credentials[expirable.name])) return undefined;

		const stored = this.resolve(node.credentials?.[typeName], typeName);
		stored.preAuthCount++;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output?.[expirable.name] === undefined) return undefined;
		stored.updates = { ...stored.updates, ...output };
		return Object.assign(credentials, output);
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.resolve(nodeCredentials, type);
		stored.updates = { ...stored.updates, ...data };
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.resolve(nodeCredentials, type);
		stored.updates = { ...stored.updates, oauthTokenData: data.oauthTokenData };
	}
}

// ---------------------------------------------------------------------------------------------
// Running workflows

/** A node as n8n exports it. Loosely typed so that imported JSON files fit. */
export interface WorkflowNodeJson {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position?: number[];
	parameters?: object;
	credentials?: Record<string, { id?: string | null; name: string }>;
	disabled?: boolean;
	webhookId?: string;
	[key: string]: unknown;
}

/** Workflow JSON as n8n exports it (the parts the engine needs); a template file fits as is. */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: WorkflowNodeJson[];
	/** n8n's IConnections. */
	connections: object;
	/** n8n's IWorkflowSettings; `executionOrder` defaults to 'v1'. */
	settings?: object;
	/** n8n's IPinData: node name -> items. */
	pinData?: object;
	staticData?: object | null;
	active?: boolean;
	[key: string]: unknown;
}

export type HarnessMode = 'manual' | 'trigger' | 'webhook' | 'integrated' | 'error' | 'cli';

export interface WebhookRequest {
	headers?: Record<string, string>;
	params?: Record<string, string>;
	query?: Record<string, string | string[]>;
	body?: unknown;
}

export interface RunWorkflowOptions {
	workflow: WorkflowJson;
	credentials?: HarnessCredential[];
	/** Default 'manual'. In every other mode trigger and webhook nodes do not run: their output is the start items. */
	mode?: HarnessMode;
	/** Name of the node to start from; found from the mode when omitted. */
	startNode?: string;
	/** Items the start node is put on the stack with (its output in non-manual modes). */
	startItems?: INodeExecutionData[];
	/** Workflow static data carried in (e.g. `staticData` of an earlier result). */
	staticData?: IDataObject;
	/** Builds the start item of a Webhook start node (`{ headers, params, query, body }`). */
	webhook?: WebhookRequest;
	executionId?: string;
}

export interface WorkflowRunResult {
	run: IRun;
	status: IRun['status'];
	error?: IRun['data']['resultData']['error'];
	/** Items of one output of one run of a node; [] if the node did not run or the output is empty. */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** `json` of each item of `output(...)`. */
	json(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	/** Names of the nodes that ran, in order of their first run. */
	executedNodes: string[];
	/** Static data after the run (plain JSON): the engine's if it changed, else what was carried in. */
	staticData: IDataObject;
	/** What Respond to Webhook (or any node's sendResponse) answered first. */
	webhookResponse?: IExecuteResponsePromiseData;
}

const START_TYPES_BY_MODE: Record<HarnessMode, string[]> = {
	manual: ['n8n-nodes-base.manualTrigger'],
	cli: ['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.executeWorkflowTrigger'],
	integrated: ['n8n-nodes-base.executeWorkflowTrigger'],
	error: ['n8n-nodes-base.errorTrigger'],
	webhook: ['n8n-nodes-base.webhook', 'n8n-nodes-base.formTrigger'],
	trigger: ['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.cron', 'n8n-nodes-base.interval'],
};

function isStartCapable(node: INode): boolean {
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	return Boolean(
		nodeType &&
			(nodeType.trigger ||
				nodeType.poll ||
				nodeType.webhook ||
				nodeType.description.group.includes('trigger')),
	);
}

function findStartNode(nodes: INode[], mode: HarnessMode, workflowName: string): INode {
	const enabled = nodes.filter((node) => !node.disabled);
	for (const type of START_TYPES_BY_MODE[mode]) {
		const found = enabled.find((node) => node.type === type);
		if (found) return found;
	}
	const triggers = enabled.filter(isStartCapable);
	if (triggers.length === 1) return triggers[0];
	throw new Error(
		`Workflow "${workflowName}": cannot tell which node starts a '${mode}' run ` +
			`(trigger-like nodes: ${triggers.map((node) => node.name).join(', ') || 'none'}); pass startNode`,
	);
}

function webhookItem(node: INode, request: WebhookRequest, mode: HarnessMode): INodeExecutionData {
	const webhookPath = typeof node.parameters.path === 'string' ? node.parameters.path : (node.webhookId ?? '');
	return {
		json: {
			headers: request.headers ?? {},
			params: request.params ?? {},
			query: request.query ?? {},
			body: (request.body ?? {}) as IDataObject,
			webhookUrl: `http://localhost:5678/${mode === 'manual' ? 'webhook-test' : 'webhook'}/${webhookPath}`,
			executionMode: mode === 'manual' ? 'test' : 'production',
		},
	};
}

function plainCopy<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

function describeIssues(workflow: Workflow, pinDataNodeNames: string[]): string {
	const lines: string[] = [];
	for (const node of Object.values(workflow.nodes)) {
		if (node.disabled) continue;
		const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!nodeType) {
			lines.push(`node "${node.name}": unknown type ${node.type}`);
			continue;
		}
		const issues = NodeHelpers.getNodeParametersIssues(
			nodeType.description.properties,
			node,
			nodeType.description,
			pinDataNodeNames,
		);
		if (issues) lines.push(`node "${node.name}": ${JSON.stringify(issues)}`);
	}
	return lines.join('; ') || 'no parameter issues found';
}

let executionCounter = 0;

/**
 * A harness keeps credentials (and what the engine stored into them, e.g. a login token) across the
 * runs of one test.
 */
export class WorkflowHarness {
	readonly credentialsHelper = new HarnessCredentialsHelper();

	constructor(options: { credentials?: HarnessCredential[] } = {}) {
		this.credentialsHelper.add(options.credentials);
	}

	/** How often the credential's `preAuthentication` (login) ran so far. */
	preAuthCount(credentialId: string): number {
		return this.credentialsHelper.preAuthCount(credentialId);
	}

	/** Current data of a credential, including what the engine stored (tokens). */
	credentialData(credentialId: string): Record<string, unknown> {
		return this.credentialsHelper.currentData(credentialId);
	}

	/** What n8n-core's execution contexts need from the instance: URLs, credentials, no sub-workflows. */
	private additionalData(executionId: string, hooks?: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
		return {
			executionId,
			hooks,
			credentialsHelper: this.credentialsHelper,
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://localhost:5678/rest',
			instanceBaseUrl: 'http://localhost:5678/',
			formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
			webhookBaseUrl: 'http://localhost:5678/webhook',
			webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
			variables: {},
			userId: 'harness-user',
			logAiEvent: () => undefined,
			executeWorkflow: async () => {
				throw new Error(
					'The workflow harness does not support sub-workflows (Execute Workflow) yet: run the sub-workflow on its own',
				);
			},
			getRunExecutionData: async () => undefined,
			startRunnerTask: async () => {
				throw new Error(
					'The workflow harness has no task runner: the Code node cannot run in-process (use built-in nodes)',
				);
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/**
	 * The context n8n gives a node's load-options, list-search and resource-mapping methods, for a
	 * node with these parameters (as the editor would call them).
	 */
	loadOptionsContext(node: WorkflowNodeJson): ILoadOptionsFunctions {
		startEngineServices();
		const full = { parameters: {}, position: [0, 0], ...structuredClone(node), id: node.id ?? node.name } as unknown as INode;
		checkNodeType(full, 'load options');
		const workflow = new Workflow({ id: 'load-options', nodes: [full], connections: {}, active: false, nodeTypes });
		return new LoadOptionsContext(workflow, full, this.additionalData(`load-options-${++executionCounter}`), 'parameters');
	}

	async runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
		startEngineServices();
		this.credentialsHelper.add(options.credentials);
		const mode: HarnessMode = options.mode ?? 'manual';
		const source = options.workflow;
		const workflowId = source.id ?? 'harness-workflow';
		const workflowName = source.name ?? workflowId;
		// The engine mutates nodes (parameter defaults, disabled flags): work on a copy.
		const nodes = structuredClone(source.nodes).map((node) => ({
			parameters: {},
			position: [0, 0],
			...node,
			id: node.id ?? node.name,
		})) as unknown as INode[];
		for (const node of nodes) checkNodeType(node, workflowName);
		const settings: IWorkflowSettings = { executionOrder: 'v1', ...(source.settings ?? {}) };
		const pinData = source.pinData as IPinData | undefined;
		const staticDataIn = plainCopy(options.staticData ?? source.staticData ?? {}) as IDataObject;

		const workflow = new Workflow({
			id: workflowId,
			name: workflowName,
			nodes,
			connections: structuredClone(source.connections) as IConnections,
			active: false,
			nodeTypes,
			staticData: plainCopy(staticDataIn),
			settings,
			pinData,
		});

		const startNode = options.startNode
			? workflow.getNode(options.startNode)
			: findStartNode(nodes, mode, workflowName);
		if (!startNode) {
			throw new Error(
				`Workflow "${workflowName}": start node "${options.startNode}" does not exist ` +
					`(nodes: ${nodes.map((node) => node.name).join(', ')})`,
			);
		}
		let startItems = options.startItems;
		if (!startItems && options.webhook) startItems = [webhookItem(startNode, options.webhook, mode)];
		startItems ??= [{ json: {} }];

		const executionId = options.executionId ?? `harness-${++executionCounter}`;
		const workflowData = {
			id: workflowId,
			name: workflowName,
			active: false,
			isArchived: false,
			nodes,
			connections: source.connections,
			settings,
			staticData: staticDataIn,
			pinData,
			createdAt: new Date(),
			updatedAt: new Date(),
		} as unknown as IWorkflowBase;

		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		let newStaticData: IDataObject | undefined;
		let afterRun: IRun | undefined;
		let webhookResponse: IExecuteResponsePromiseData | undefined;
		hooks.addHandler('workflowExecuteAfter', (run, staticData) => {
			afterRun = run;
			if (staticData) newStaticData = plainCopy(staticData);
		});
		hooks.addHandler('sendResponse', (response) => {
			webhookResponse ??= response;
		});

		const additionalData = this.additionalData(executionId, hooks);

		const runExecutionData = createRunExecutionData({
			resultData: { runData: {}, pinData },
			executionData: {
				nodeExecutionStack: [{ node: startNode, data: { main: [startItems] }, source: null }],
			},
		});

		const workflowExecute = new WorkflowExecute(additionalData, mode as WorkflowExecuteMode, runExecutionData);
		let finalRun: IRun;
		try {
			finalRun = await workflowExecute.processRunExecutionData(workflow);
		} catch (error) {
			if (error instanceof WorkflowHasIssuesError) {
				throw new Error(
					`Workflow "${workflowName}" has issues: ${describeIssues(workflow, Object.keys(pinData ?? {}))}`,
				);
			}
			throw error;
		}
		const run = afterRun ?? finalRun;
		return buildResult(run, workflow, newStaticData ?? staticDataIn, webhookResponse);
	}
}

function buildResult(
	run: IRun,
	workflow: Workflow,
	staticData: IDataObject,
	webhookResponse: IExecuteResponsePromiseData | undefined,
): WorkflowRunResult {
	const runData = run.data.resultData.runData;
	const output = (nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] => {
		if (!workflow.getNode(nodeName)) {
			throw new Error(
				`No node "${nodeName}" in the workflow (nodes: ${Object.keys(workflow.nodes).join(', ')})`,
			);
		}
		const task = runData[nodeName]?.[runIndex];
		return task?.data?.main?.[outputIndex] ?? [];
	};
	const executedNodes = Object.keys(runData).sort(
		(a, b) => (runData[a][0]?.executionIndex ?? 0) - (runData[b][0]?.executionIndex ?? 0),
	);
	return {
		run,
		status: run.status,
		error: run.data.resultData.error,
		output,
		json: (nodeName, outputIndex, runIndex) =>
			output(nodeName, outputIndex, runIndex).map((item) => item.json),
		executedNodes,
		staticData,
		webhookResponse,
	};
}

/** Creates a harness (credentials persist across its runs). */
export function createWorkflowHarness(options: { credentials?: HarnessCredential[] } = {}): WorkflowHarness {
	return new WorkflowHarness(options);
}

/** One-off run with a fresh harness. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	return await new WorkflowHarness().runWorkflow(options);
}

// ---------------------------------------------------------------------------------------------
// Engine services and teardown
//
// Each node run builds an execution context whose helpers come from n8n-core services held in its
// DI container. `SSHClientsManager` starts `setInterval(cleanupStaleConnections, 60 s)` in its
// constructor and adds a process 'exit' listener, clearing the timer only at process exit, so jest
// never exits. `ScheduledTaskManager` (trigger contexts) holds crons and, if configured, a log
// interval. We create both ourselves before the first run (the engine then reuses these instances),
// remember the exit listener the SSH manager added, and stop exactly these at teardown.

interface EngineServices {
	ssh: { cleanupTimer?: NodeJS.Timeout };
	sshExitListeners: Array<(...args: unknown[]) => void>;
	scheduler: { deregisterAllCrons(): void };
}

let engineServices: EngineServices | undefined;

function startEngineServices(): EngineServices {
	if (engineServices) return engineServices;
	const { Container } = require('@n8n/di') as typeof import('@n8n/di');
	const { SSHClientsManager } =
		require('n8n-core/dist/execution-engine/ssh-clients-manager') as {
			SSHClientsManager: new (...args: any[]) => EngineServices['ssh'];
		};
	const { ScheduledTaskManager } =
		require('n8n-core/dist/execution-engine/scheduled-task-manager') as {
			ScheduledTaskManager: new (...args: any[]) => EngineServices['scheduler'];
		};
	const listenersBefore = new Set(process.listeners('exit'));
	const ssh = Container.get(SSHClientsManager);
	const sshExitListeners = process
		.listeners('exit')
		.filter((listener) => !listenersBefore.has(listener)) as EngineServices['sshExitListeners'];
	if (!('cleanupTimer' in ssh)) {
		throw new Error(
			'n8n-core changed: SSHClientsManager has no cleanupTimer; update teardownHarness in test/helpers/workflow-harness.ts',
		);
	}
	const scheduler = Container.get(ScheduledTaskManager);
	engineServices = { ssh, sshExitListeners, scheduler };
	return engineServices;
}

/**
 * Stops what n8n-core leaves running (the SSH clients manager's 60 s interval and its exit
 * listener, any crons). Call in `afterAll` of every test file that runs workflows.
 */
export function teardownHarness(): void {
	if (!engineServices) return;
	const { ssh, sshExitListeners, scheduler } = engineServices;
	clearInterval(ssh.cleanupTimer);
	ssh.cleanupTimer = undefined;
	for (const listener of sshExitListeners) process.removeListener('exit', listener);
	scheduler.deregisterAllCrons();
	engineServices = undefined;
}
