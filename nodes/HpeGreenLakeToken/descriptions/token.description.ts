import type { INodeProperties } from 'n8n-workflow';

import { workspaceProperties } from '../../shared/descriptions/workspace.description';

export type TokenOperation = 'generateToken' | 'inspectCachedToken';

/** 'once': one item for the whole execution; 'perItem': one item per input item. */
export type OutputMode = 'once' | 'perItem';

const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	default: 'once',
	options: [
		{
			name: 'Once per Execution',
			value: 'once',
			description:
				'One item for the whole execution, linked to every input item. Read it downstream with $(\'HPE GreenLake Token\').first().',
		},
		{
			name: 'One per Input Item',
			value: 'perItem',
			description:
				'One item for each input item, linked to it, so the item count stays the same. The token is still minted only once and then served from the cache.',
		},
	],
	description: 'How many items to output',
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'generateToken',
	options: [
		{
			name: 'Generate Token',
			value: 'generateToken',
			action: 'Generate an access token',
			description:
				'Get a valid access token for the workspace (from the cache when one lasts long enough, otherwise a new one)',
		},
		{
			name: 'Inspect Cached Token',
			value: 'inspectCachedToken',
			action: 'Inspect the cached access token',
			description:
				'Show the expiry and workspace of the token cached in this n8n process, without the token itself. Never mints.',
		},
	],
};

export const generateTokenOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: { show: { operation: ['generateToken'] } },
	options: [
		{
			displayName: 'Force Refresh',
			name: 'forceRefresh',
			type: 'boolean',
			default: false,
			description:
				'Whether to mint a new token even when the cached one is still valid. With Output "One per Input Item" the token is refreshed once per execution (for the first item of each workspace), not for every item.',
		},
		{
			displayName: 'Minimum Remaining Lifetime',
			name: 'minRemainingSeconds',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			description:
				'In seconds. Mint a new token when the cached one would expire sooner, so that a long downstream job gets a token that lasts. Must be below the token lifetime (GreenLake tokens live 900 seconds).',
		},
		outputOption,
	],
};

export const inspectCachedTokenOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: { show: { operation: ['inspectCachedToken'] } },
	options: [outputOption],
};

export const tokenNodeProperties: INodeProperties[] = [
	operationProperty,
	...workspaceProperties,
	generateTokenOptions,
	inspectCachedTokenOptions,
];
