import { boundaryOf, parseMultipart } from '../core/multipart';
import { HttpError, type ApiReply, type ApiRequest, type Router } from '../core/router';
import { cardFilter } from './filter';
import type { JwtIssuer } from './jwt';
import { esmTime, lowerBound, type Card, type EsmStore } from './store';
import type { TemplateDef } from './templates';
import { cardName, renderCard, renderElement, writeAttribute, writeData, type RenderContext, type RestError, type WriteContext } from './values';
import type { CardEvent, Webhooks } from './webhooks';

/**
 * ESM REST v1 routes (relative to the base path): login and echo, templates, data card list
 * (keyset pages), stream, get, create, patch, bulk PUT, delete to trash, attribute endpoints and
 * file upload/download. Paths and shapes follow specs/efecte-esm-rest-v1.openapi.json.
 */

export interface EsmUser {
	login: string;
	password: string;
	displayName: string;
}

export interface EsmApp {
	store: EsmStore;
	webhooks: Webhooks;
	jwt: JwtIssuer;
	users: EsmUser[];
	tokenTtlSec(): number;
	maxUploadBytes: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(status: number, message: string): never {
	throw new HttpError(status, message);
}

function apiResponse(message: string, now: number): Record<string, unknown> {
	return { code: 200, message, timestamp: esmTime(now) };
}

function jsonBody(request: ApiRequest): unknown {
	if (request.bodyError || request.body === undefined) fail(400, 'Invalid JSON.');
	return request.body;
}

function snapshot(card: Card): Card {
	return structuredClone(card);
}

function changedAttributes(before: Card, after: Card): string[] {
	const codes = new Set([...Object.keys(before.data), ...Object.keys(after.data)]);
	const changed = [...codes].filter((code) => JSON.stringify(before.data[code] ?? []) !== JSON.stringify(after.data[code] ?? []));
	if (before.folder !== after.folder) changed.push('folderCode');
	return changed;
}

export function esmRoutes(router: Router, app: EsmApp): void {
	const { store, webhooks } = app;
	const principal = (request: ApiRequest) => request.principal as EsmUser;
	const writeContext = (request: ApiRequest): WriteContext => ({ store, author: principal(request).displayName, now: store.now() });
	const renderContext = (request: ApiRequest): RenderContext => ({ store, baseUrl: request.baseUrl });

	const requireTemplate = (code: string): TemplateDef => {
		const template = store.templates.get(code);
		if (!template) fail(404, `Template not found: ${code}`);
		return template;
	};
	const findCard = (template: TemplateDef, id: string): Card | undefined => {
		const card = /^\d+$/.test(id) ? store.cards.get(Number(id)) : undefined;
		return card && card.template === template.code ? card : undefined;
	};
	const requireCard = (template: TemplateDef, id: string): Card => {
		const card = findCard(template, id);
		if (!card) fail(404, `Data card not found: ${id}`);
		return card;
	};

	/** Records a change: `updated` moves, webhook rules see it. */
	const changed = (card: Card, event: CardEvent, before: Card | undefined, attributes: string[]) => {
		card.updated = store.stamp();
		store.changed();
		webhooks.notify(event, card, before, attributes);
	};

	const infoElement = (request: ApiRequest, card: Card) => ({
		dataCardId: String(card.id),
		name: cardName(card, store.templates.get(card.template)!, store),
		url: `/dc/${card.template}/data/${card.id}`,
	});

	const writeMeta = (request: ApiRequest, errors: RestError[]) => ({
		timestamp: esmTime(store.now()),
		url: `${request.baseUrl}${request.path}`,
		errors,
		createdReferences: [],
	});

	const selected = (request: ApiRequest): string[] | undefined => {
		const raw = request.query.get('selectedAttributes');
		return raw ? raw.split(',').map((code) => code.trim()).filter(Boolean) : undefined;
	};

	// Auth and echo -------------------------------------------------------------------------------

	router.post(
		'/users/login',
		(request) => {
			const form = isObject(request.body) && /x-www-form-urlencoded/i.test(String(request.headers['content-type'] ?? '')) ? request.body : {};
			const user = app.users.find((candidate) => candidate.login === form.login && candidate.password === form.password);
			if (!user) {
				return {
					status: 401,
					body: {
						code: 401,
						message: form.login === undefined ? 'login and password form fields (application/x-www-form-urlencoded) are required' : 'Wrong credentials provided.',
						error: 'Unauthorized',
						url: `${request.baseUrl}${request.path}`,
						timestamp: esmTime(store.now()),
					},
				};
			}
			const token = `Bearer ${app.jwt.sign(user.login, app.tokenTtlSec(), store.now())}`;
			return {
				status: 200,
				headers: { Authorization: token },
				body: { code: 200, message: 'Authentication successful', timestamp: esmTime(store.now()), token },
			};
		},
		{ public: true },
	);

	router.get('/echo', (request) => ({ status: 200, body: apiResponse(request.query.get('message') ?? 'echo', store.now()) }), { public: true });
	router.get('/echo/jwt', (request) => ({
		status: 200,
		body: apiResponse(request.query.get('message') ?? `Hello ${principal(request).login}`, store.now()),
	}));

	// Templates -----------------------------------------------------------------------------------

	router.get('/dc', () => ({
		status: 200,
		body: [...store.templates.values()].map((template) => ({ name: template.name, templateCode: template.code, url: `/dc/${template.code}` })),
	}));

	router.get('/dc/{templateCode}', (request) => {
		const template = requireTemplate(request.params.templateCode);
		return {
			status: 200,
			body: {
				name: template.name,
				code: template.code,
				allowedFolders: template.folders.map((folder) => ({ folderName: folder.name, folderCode: folder.code })),
				attributes: Object.fromEntries(
					template.attributes.map((attribute) => [
						attribute.code,
						{
							name: attribute.name,
							multiValue: attribute.multiValue === true,
							type: attribute.type,
							file: attribute.file === true,
							...(attribute.values ? { values: attribute.values.map((entry) => ({ code: entry.code, value: entry.value })) } : {}),
							...(attribute.target ? { target: attribute.target } : {}),
						},
					]),
				),
			},
		};
	});

	// Listing -------------------------------------------------------------------------------------

	const listing = (request: ApiRequest, paged: boolean): ApiReply => {
		const template = requireTemplate(request.params.templateCode);
		let limit = Number.POSITIVE_INFINITY;
		let filterId = 0;
		if (paged) {
			const rawLimit = request.query.get('limit');
			limit = rawLimit === null || rawLimit === '' ? 50 : Number(rawLimit);
			if (!Number.isInteger(limit) || limit < 1 || limit > 200) fail(400, `Invalid limit '${rawLimit}': page size must be between 1 and 200`);
			const rawFilterId = request.query.get('filterId');
			filterId = rawFilterId === null || rawFilterId === '' ? 0 : Number(rawFilterId);
			if (!Number.isInteger(filterId) || filterId < 0) fail(400, `Invalid filterId '${rawFilterId}'`);
		}
		const fullCards = request.query.get('dataCards') === 'true';
		const filter = cardFilter(store, template, request.query.get('filter'), store.now());
		const ids = store.ids(template.code);
		// Keyset: newest (highest id) first, only ids below filterId.
		let index = (filterId > 0 ? lowerBound(ids, filterId) : ids.length) - 1;
		const page: Card[] = [];
		let more = false;
		for (; index >= 0; index--) {
			const card = store.cards.get(ids[index]);
			if (!card || !filter.matches(card)) continue;
			if (page.length >= limit) {
				more = true;
				break;
			}
			page.push(card);
		}
		const attributes = selected(request);
		const data = page.map((card) => (fullCards ? renderCard(card, renderContext(request), attributes) : infoElement(request, card)));
		const links: Record<string, string> = {};
		const base = `${request.baseUrl}/dc/${template.code}/data${paged ? '' : '/stream'}`;
		links.self = `${base}?${request.query.toString()}`;
		if (paged && more) {
			const query = new URLSearchParams(request.query);
			query.set('limit', String(limit));
			query.set('filterId', String(page[page.length - 1].id));
			links.next = `${base}?${query.toString()}`;
		}
		return { status: 200, body: { meta: { count: data.length, ...(paged ? { limit } : {}), links }, data } };
	};

	router.get('/dc/{templateCode}/data', (request) => listing(request, true));
	router.get('/dc/{templateCode}/data/stream', (request) => listing(request, false));

	router.get('/dc/{templateCode}/data/{dataCardId}', (request) => {
		const template = requireTemplate(request.params.templateCode);
		const card = requireCard(template, request.params.dataCardId);
		return { status: 200, body: renderCard(card, renderContext(request), selected(request)) };
	});

	// Writing -------------------------------------------------------------------------------------

	const allowedFolder = (template: TemplateDef, folderCode: unknown): string => {
		if (typeof folderCode !== 'string' || !folderCode) fail(400, 'folderCode is required');
		if (!template.folders.some((folder) => folder.code === folderCode)) {
			fail(400, `Folder '${folderCode}' is not allowed for template '${template.code}' (allowed: ${template.folders.map((folder) => folder.code).join(', ')})`);
		}
		return folderCode;
	};

	/** Creates a card; attribute problems come back as errors, the card is saved anyway. */
	const create = (request: ApiRequest, template: TemplateDef, item: Record<string, unknown>): { card: Card; errors: RestError[] } => {
		const folder = allowedFolder(template, item.folderCode);
		if (!isObject(item.data)) fail(400, 'data is required');
		const now = store.stamp();
		const draft: Card = { id: 0, template: template.code, folder, deleted: false, hidden: false, created: now, updated: now, data: {} };
		const errors = writeData(draft, template, item.data, writeContext(request));
		const card = store.addCard({ ...draft, id: undefined });
		webhooks.notify('created', card, undefined, Object.keys(card.data));
		return { card, errors };
	};

	const modify = (request: ApiRequest, template: TemplateDef, card: Card, item: Record<string, unknown>): RestError[] => {
		if (card.deleted) fail(400, `Data card ${card.id} is in the trash can`);
		if (!isObject(item.data)) fail(400, 'data is required');
		const folder = item.folderCode === undefined ? card.folder : allowedFolder(template, item.folderCode);
		const before = snapshot(card);
		card.folder = folder;
		const errors = writeData(card, template, item.data, writeContext(request));
		const attributes = changedAttributes(before, card);
		// A write that changes nothing leaves `updated` alone (and calls no webhook).
		if (attributes.length) changed(card, 'updated', before, attributes);
		return errors;
	};

	const responseCard = (request: ApiRequest, card: Card) =>
		request.query.get('dataCards') === 'true' ? renderCard(card, renderContext(request)) : infoElement(request, card);

	router.post('/dc/{templateCode}/data', (request) => {
		const template = requireTemplate(request.params.templateCode);
		const body = jsonBody(request);
		if (!isObject(body)) fail(400, 'Invalid JSON.');
		const { card, errors } = create(request, template, body);
		return { status: 201, body: { meta: writeMeta(request, errors), dataCard: responseCard(request, card) } };
	});

	router.patch('/dc/{templateCode}/data/{dataCardId}', (request) => {
		const template = requireTemplate(request.params.templateCode);
		const card = requireCard(template, request.params.dataCardId);
		const body = jsonBody(request);
		if (!isObject(body)) fail(400, 'Invalid JSON.');
		if (body.dataCardId === undefined) fail(400, 'dataCardId is required');
		if (String(body.dataCardId) !== String(card.id)) fail(400, `dataCardId ${String(body.dataCardId)} in the body does not match ${card.id} in the path`);
		const errors = modify(request, template, card, body);
		return { status: 200, body: { meta: writeMeta(request, errors), dataCard: responseCard(request, card) } };
	});

	router.put('/dc/{templateCode}/data', (request) => {
		const template = requireTemplate(request.params.templateCode);
		const body = jsonBody(request);
		if (!Array.isArray(body)) fail(400, 'Invalid JSON: expected an array of data cards');
		let saved = 0;
		// One result per item, in request order (GUESSED for real ESM, see design.md).
		const data = body.map((item) => {
			try {
				if (!isObject(item)) fail(400, 'Invalid data card: expected an object');
				if (item.dataCardId !== undefined && item.dataCardId !== null && item.dataCardId !== '') {
					const card = findCard(template, String(item.dataCardId));
					if (!card) fail(404, `Data card not found: ${String(item.dataCardId)}`);
					const errors = modify(request, template, card, item);
					saved++;
					return { dataCard: infoElement(request, card), errors };
				}
				const { card, errors } = create(request, template, item);
				saved++;
				return { dataCard: infoElement(request, card), errors };
			} catch (error) {
				if (!(error instanceof HttpError)) throw error;
				return { errors: [{ message: error.message, error: error.status === 404 ? 'Not Found' : 'Bad Request' }] };
			}
		});
		return {
			status: 200,
			body: {
				meta: { ...writeMeta(request, []), importResult: { handledDataCards: body.length, savedDataCards: saved, notSavedDataCards: body.length - saved } },
				data,
			},
		};
	});

	router.delete('/dc/{templateCode}/data/{dataCardId}', (request) => {
		const template = requireTemplate(request.params.templateCode);
		const card = requireCard(template, request.params.dataCardId);
		if (card.deleted) fail(409, `Data card ${card.id} is already in the trash can`);
		const before = snapshot(card);
		card.deleted = true;
		changed(card, 'deleted', before, []);
		return { status: 200, body: apiResponse(`Data card ${card.id} moved to the trash can`, store.now()) };
	});

	// Attributes ----------------------------------------------------------------------------------

	const attributeOf = (template: TemplateDef, code: string) => template.attributes.find((attribute) => attribute.code === code);

	router.get('/dc/{templateCode}/data/{dataCardId}/{attributeCode}', (request) => {
		// The spec lists 403 "Resource not found" for this endpoint, not 404.
		const template = store.templates.get(request.params.templateCode);
		const card = template ? findCard(template, request.params.dataCardId) : undefined;
		const attribute = template ? attributeOf(template, request.params.attributeCode) : undefined;
		if (!template || !card || !attribute) fail(403, 'Resource not found');
		return { status: 200, body: renderElement(card, attribute, renderContext(request)) };
	});

	const attributeWrite = (mode: 'replace' | 'add' | 'clear') => (request: ApiRequest) => {
		const template = requireTemplate(request.params.templateCode);
		const card = requireCard(template, request.params.dataCardId);
		const attribute = attributeOf(template, request.params.attributeCode);
		if (!attribute) fail(404, `Attribute ${request.params.attributeCode} not found from template: ${template.code}`);
		if (card.deleted) fail(400, `Data card ${card.id} is in the trash can`);
		let values: unknown = [];
		if (mode !== 'clear') {
			const body = jsonBody(request);
			if (!isObject(body) || !Array.isArray(body.values)) fail(400, 'Invalid JSON: expected {"values": [...]}');
			values = body.values;
		}
		const before = snapshot(card);
		const error = writeAttribute(card, attribute, values, writeContext(request), mode === 'add' ? 'add' : 'replace');
		if (error) fail(400, error.message);
		const attributes = changedAttributes(before, card);
		if (attributes.length) changed(card, 'updated', before, attributes);
		const verb = mode === 'add' ? 'added to' : mode === 'clear' ? 'cleared' : 'updated';
		return { status: 200, body: apiResponse(mode === 'add' ? `Value ${verb} attribute ${attribute.code}` : `Attribute ${attribute.code} ${verb}`, store.now()) };
	};
	router.put('/dc/{templateCode}/data/{dataCardId}/{attributeCode}', attributeWrite('replace'));
	router.post('/dc/{templateCode}/data/{dataCardId}/{attributeCode}', attributeWrite('add'));
	router.delete('/dc/{templateCode}/data/{dataCardId}/{attributeCode}', attributeWrite('clear'));

	router.post('/dc/{templateCode}/data/{dataCardId}/{attributeCode}/file', (request) => {
		const template = requireTemplate(request.params.templateCode);
		const card = requireCard(template, request.params.dataCardId);
		const attribute = attributeOf(template, request.params.attributeCode);
		if (!attribute) fail(404, `Attribute ${request.params.attributeCode} not found from template: ${template.code}`);
		if (attribute.type !== 'external-reference' || !attribute.file) fail(400, `Attribute ${attribute.code} does not take files`);
		if (card.deleted) fail(400, `Data card ${card.id} is in the trash can`);
		const boundary = boundaryOf(String(request.headers['content-type'] ?? ''));
		if (!boundary) fail(400, 'Expected a multipart/form-data body with fileUpload and fileName');
		const parts = parseMultipart(request.rawBody, boundary);
		const upload = parts.find((part) => part.name === 'fileUpload');
		const fileName = parts.find((part) => part.name === 'fileName')?.data.toString('utf8').trim();
		if (!upload) fail(400, 'fileUpload is required');
		if (!fileName) fail(400, 'fileName is required');
		if (upload.data.length > app.maxUploadBytes) fail(413, `The file is larger than ${app.maxUploadBytes} bytes`);
		const location = store.newFileLocation(card.id);
		store.files.set(location, {
			location,
			name: fileName,
			contentType: upload.contentType ?? 'application/octet-stream',
			data: upload.data,
			cardId: card.id,
			attribute: attribute.code,
		});
		const before = snapshot(card);
		const value = { name: fileName, location };
		card.data[attribute.code] = attribute.multiValue ? [...(card.data[attribute.code] ?? []), value] : [value];
		changed(card, 'updated', before, [attribute.code]);
		return { status: 200, body: apiResponse(`File ${fileName} uploaded as ${location}`, store.now()) };
	});

	router.get('/dc/{templateCode}/data/{dataCardId}/{attributeCode}/file/{locationOfExternalReferenceData}', (request) => {
		const template = requireTemplate(request.params.templateCode);
		const card = requireCard(template, request.params.dataCardId);
		const file = store.files.get(request.params.locationOfExternalReferenceData);
		if (!file || file.cardId !== card.id || file.attribute !== request.params.attributeCode) {
			fail(404, `File not found: ${request.params.locationOfExternalReferenceData}`);
		}
		return {
			status: 200,
			raw: file.data,
			// The spec documents downloads as application/octet-stream, whatever was uploaded.
			contentType: 'application/octet-stream',
			headers: { 'Content-Disposition': `attachment; filename="${file.name.replace(/"/g, '')}"` },
		};
	});
}
