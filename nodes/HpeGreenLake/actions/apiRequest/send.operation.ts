import type { IDataObject, IHttpRequestMethods, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, jsonParse, updateDisplayOptions } from 'n8n-workflow';

import { waitForAsyncOperation } from '../../../shared/transport/asyncOperation';
import { pageItems, paginate } from '../../../shared/transport/pagination';
import { greenLakeRequest } from '../../../shared/transport/request';
import type { OperationContext } from '../common';
import { limitProperty, requestDefaults, toItems } from '../common';

const METHODS: IHttpRequestMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A repeatable name/value list (query parameters, headers), read back by `pairs()`. */
function nameValuePairs(displayName: string, name: string, itemDisplayName: string, itemName: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: `Add ${itemDisplayName}`,
		default: {},
		options: [
			{
				displayName: itemDisplayName,
				name: itemName,
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	};
}

const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'GET',
		options: METHODS.map((method) => ({ name: method, value: method })),
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		default: '/devices/v1/devices',
		placeholder: '/devices/v1/devices',
		description:
			"Relative to the credential's Base URL, or a full https URL on a GreenLake API host (the token is never sent elsewhere)",
	},
	{
		displayName: 'Pagination',
		name: 'pagination',
		type: 'options',
		default: 'off',
		displayOptions: { show: { method: ['GET'] } },
		options: [
			{ name: 'Off', value: 'off', description: 'One request, as sent' },
			{ name: 'Return All', value: 'all', description: 'Follow offset/limit to the end at the endpoint\'s maximum page size' },
			{ name: 'Up to a Limit', value: 'limit', description: 'Follow offset/limit until Limit items' },
		],
	},
	{ ...limitProperty, displayOptions: { show: { method: ['GET'], pagination: ['limit'] } } },
	nameValuePairs('Query Parameters', 'query', 'Parameter', 'parameter'),
	{
		displayName: 'Query Parameters (JSON)',
		name: 'queryJson',
		type: 'json',
		default: '',
		description: 'More query parameters as a JSON object, merged over the ones above',
	},
	nameValuePairs('Headers', 'headers', 'Header', 'header'),
	{
		displayName: 'Body (JSON)',
		name: 'body',
		type: 'json',
		default: '',
		displayOptions: { show: { method: ['POST', 'PUT', 'PATCH', 'DELETE'] } },
	},
	{
		displayName: 'Options',
		name: 'sendOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Body Content Type',
				name: 'contentType',
				type: 'options',
				default: 'application/json',
				options: [
					{ name: 'JSON', value: 'application/json' },
					{ name: 'JSON Merge Patch', value: 'application/merge-patch+json', description: 'What GreenLake PATCH endpoints expect' },
				],
			},
			{
				displayName: 'Full Response',
				name: 'fullResponse',
				type: 'boolean',
				default: false,
				description: 'Whether to output status code and headers with the body (one item per request)',
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 0,
				description: 'Override the page size used for pagination (0 = the endpoint\'s documented maximum)',
			},
			{
				displayName: 'Split Items',
				name: 'splitItems',
				type: 'boolean',
				default: true,
				description: 'Whether to output each element of a list response\'s "items" as its own item',
			},
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description: 'Whether to follow a 202 + Location answer until the asynchronous operation ends, and output its final status',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['apiRequest'], operation: ['send'] } }, properties);

function parseJsonParameter(ctx: OperationContext, name: string, label: string, itemIndex: number): IDataObject | IDataObject[] | undefined {
	const raw = ctx.fn.getNodeParameter(name, itemIndex, '');
	if (raw === '' || raw === undefined || raw === null) return undefined;
	if (typeof raw === 'object') return raw as IDataObject;
	const text = String(raw).trim();
	if (text === '') return undefined;
	return jsonParse<IDataObject>(text, {
		errorMessage: `${label} is not valid JSON`,
	});
}

function pairs(ctx: OperationContext, name: string, key: string, itemIndex: number): IDataObject {
	const collection = ctx.fn.getNodeParameter(name, itemIndex, {}) as IDataObject;
	const result: IDataObject = {};
	for (const entry of (collection[key] as IDataObject[] | undefined) ?? []) {
		if (entry.name) result[String(entry.name)] = entry.value;
	}
	return result;
}

/** RFC 9110 field name ("token") and field value characters; Node's HTTP client refuses anything else. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Set by the node itself: the token, and the host the token is meant for. */
const RESERVED_HEADERS = new Set(['authorization', 'host']);

/** Headers as entered, refused (naming the Headers field) when Node could not send them or they would override ours. */
function headerPairs(ctx: OperationContext, itemIndex: number): IDataObject {
	const headers = pairs(ctx, 'headers', 'header', itemIndex);
	for (const [name, value] of Object.entries(headers)) {
		const refuse = (problem: string, fix: string) =>
			new NodeOperationError(ctx.fn.getNode(), `Headers: ${problem}`, { description: fix, itemIndex });
		if (!HEADER_NAME.test(name)) {
			throw refuse(
				`"${name.replace(/[^\x20-\x7e]/g, '?')}" is not a valid header name`,
				'A header name has letters, digits and !#$%&\'*+-.^_`|~ only: no spaces, colons or line breaks.',
			);
		}
		if (RESERVED_HEADERS.has(name.toLowerCase())) {
			throw refuse(`"${name}" is set by the node`, 'Remove it: the node sends the credential\'s token itself, to the Base URL host.');
		}
		if (!HEADER_VALUE.test(String(value ?? ''))) {
			throw refuse(`the value of "${name}" contains a line break or control character`, 'Remove line breaks and control characters from the header value.');
		}
	}
	return headers;
}

export async function execute(ctx: OperationContext, itemIndex: number): Promise<INodeExecutionData[]> {
	const node = ctx.fn.getNode();
	const method = String(ctx.fn.getNodeParameter('method', itemIndex, 'GET')).toUpperCase() as IHttpRequestMethods;
	if (!METHODS.includes(method)) {
		throw new NodeOperationError(node, `Method "${method}" is not supported`, { description: `Use one of ${METHODS.join(', ')}.`, itemIndex });
	}
	const path = String(ctx.fn.getNodeParameter('path', itemIndex, '')).trim();
	const options = ctx.fn.getNodeParameter('sendOptions', itemIndex, {}) as IDataObject;
	let queryJson: IDataObject | IDataObject[] | undefined;
	let body: IDataObject | IDataObject[] | undefined;
	try {
		queryJson = parseJsonParameter(ctx, 'queryJson', 'Query Parameters (JSON)', itemIndex);
		body = method === 'GET' ? undefined : parseJsonParameter(ctx, 'body', 'Body (JSON)', itemIndex);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, { description: 'Check the JSON syntax (quotes around names, no trailing commas).', itemIndex });
	}
	if (Array.isArray(queryJson)) {
		throw new NodeOperationError(node, 'Query Parameters (JSON) must be a JSON object', { itemIndex });
	}
	const request = {
		...requestDefaults(ctx, itemIndex),
		method,
		url: path,
		qs: { ...pairs(ctx, 'query', 'parameter', itemIndex), ...(queryJson ?? {}) },
		headers: {
			...(body !== undefined ? { 'Content-Type': String(options.contentType ?? 'application/json') } : {}),
			...headerPairs(ctx, itemIndex),
		},
		body,
	};
	const splitItems = options.splitItems !== false;
	const pagination = method === 'GET' ? String(ctx.fn.getNodeParameter('pagination', itemIndex, 'off')) : 'off';

	if (pagination !== 'off' && !options.fullResponse) {
		const limit = pagination === 'limit' ? (ctx.fn.getNodeParameter('limit', itemIndex, 50) as number) : undefined;
		if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
			throw new NodeOperationError(node, `Limit must be a whole number of at least 1 (got ${limit})`, { itemIndex });
		}
		const pageSize = Number(options.pageSize) > 0 ? Number(options.pageSize) : undefined;
		const results: INodeExecutionData[] = [];
		for await (const page of paginate(ctx.fn, ctx.session, request, { returnAll: pagination === 'all', limit, pageSize })) {
			if (splitItems) results.push(...toItems(page, itemIndex));
			else results.push(...toItems([{ items: page }], itemIndex));
		}
		return results;
	}

	const response = await greenLakeRequest(ctx.fn, ctx.session, request);
	if (options.waitForCompletion && response.statusCode === 202) {
		const operation = await waitForAsyncOperation(ctx.fn, ctx.session, response, request);
		return toItems([operation], itemIndex);
	}
	if (options.fullResponse) {
		return toItems([{ statusCode: response.statusCode, headers: response.headers, body: response.body as IDataObject }], itemIndex);
	}
	const responseBody = response.body;
	if (splitItems && responseBody && typeof responseBody === 'object' && Array.isArray((responseBody as IDataObject).items)) {
		return toItems(pageItems(responseBody), itemIndex);
	}
	if (Array.isArray(responseBody)) return toItems(responseBody as IDataObject[], itemIndex);
	if (responseBody === undefined || responseBody === '' || responseBody === null) {
		return toItems([{ statusCode: response.statusCode }], itemIndex);
	}
	return toItems([typeof responseBody === 'object' ? (responseBody as IDataObject) : { body: responseBody as string }], itemIndex);
}

export const send = { description, execute };
