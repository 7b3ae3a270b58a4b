// Plain read-only collections with the same list/get shape: subscriptions, users, locations.
import { notFound } from '../errors';
import type { Resource } from '../data';
import type { FieldSpec } from '../filter';
import { compileFilter } from '../filter';
import type { RateLimitBucket } from '../types';
import type { ApiContext, ApiResult, RouteDef } from './common';
import { EQ_OPS, STRING_OPS, TIME_OPS, pageOf, parsePaging, sortItems } from './common';

type Kind = 'subscriptions' | 'users' | 'locations';

interface CollectionSpec {
	kind: Kind;
	base: string;
	defaultLimit: number;
	maxLimit: number;
	listBucket: RateLimitBucket;
	getBucket: RateLimitBucket;
	filters: Record<string, FieldSpec<Resource>>;
	sortable: string[];
	notFoundMessage: string;
}

const field = (name: string, ops: FieldSpec<Resource>['ops']): FieldSpec<Resource> => ({
	get: (r) => r[name],
	ops,
});

function fields(
	spec: Record<string, FieldSpec<Resource>['ops']>,
): Record<string, FieldSpec<Resource>> {
	return Object.fromEntries(Object.entries(spec).map(([name, ops]) => [name, field(name, ops)]));
}

const SPECS: CollectionSpec[] = [
	{
		kind: 'subscriptions',
		base: '/subscriptions/v1/subscriptions',
		defaultLimit: 50,
		maxLimit: 200,
		listBucket: 'subscriptions.list',
		getBucket: 'subscriptions.get',
		filters: fields({
			id: EQ_OPS,
			key: STRING_OPS,
			subscriptionType: EQ_OPS,
			subscriptionStatus: EQ_OPS,
			tier: EQ_OPS,
			productType: EQ_OPS,
			sku: STRING_OPS,
			isEval: EQ_OPS,
			startTime: TIME_OPS,
			endTime: TIME_OPS,
			createdAt: TIME_OPS,
			updatedAt: TIME_OPS,
		}),
		sortable: ['key', 'subscriptionType', 'startTime', 'endTime', 'createdAt', 'updatedAt'],
		notFoundMessage: 'Subscription not found',
	},
	{
		kind: 'users',
		base: '/identity/v1/users',
		defaultLimit: 300,
		maxLimit: 600,
		listBucket: 'users.list',
		getBucket: 'users.get',
		filters: fields({
			id: EQ_OPS,
			username: STRING_OPS,
			firstName: STRING_OPS,
			lastName: STRING_OPS,
			userStatus: EQ_OPS,
			createdAt: TIME_OPS,
			updatedAt: TIME_OPS,
			lastLogin: TIME_OPS,
		}),
		sortable: [],
		notFoundMessage: 'User not found',
	},
	{
		kind: 'locations',
		base: '/locations/v1/locations',
		defaultLimit: 100,
		maxLimit: 2000,
		listBucket: 'locations.list',
		getBucket: 'locations.get',
		filters: fields({
			id: EQ_OPS,
			name: STRING_OPS,
			city: STRING_OPS,
			country: STRING_OPS,
			locationType: EQ_OPS,
		}),
		sortable: [],
		notFoundMessage: 'Location not found',
	},
];

function list(spec: CollectionSpec) {
	return (ctx: ApiContext): ApiResult => {
		const paging = parsePaging(ctx.query, spec.defaultLimit, spec.maxLimit);
		const matches = compileFilter(ctx.query.get('filter'), spec.filters);
		const items = sortItems(
			ctx.state.data[spec.kind](ctx.workspace.id).filter(matches),
			ctx.query,
			spec.sortable,
		);
		return { body: pageOf(items, paging) };
	};
}

function get(spec: CollectionSpec) {
	return (ctx: ApiContext): ApiResult => {
		const item = ctx.state.data.find(ctx.workspace.id, spec.kind, ctx.params.id);
		if (!item) throw notFound(spec.notFoundMessage, `hpe.greenlake.${spec.kind}`);
		return { body: item };
	};
}

export const collectionRoutes: RouteDef[] = SPECS.flatMap((spec): RouteDef[] => [
	{ method: 'GET', pattern: spec.base, bucket: spec.listBucket, handler: list(spec) },
	{ method: 'GET', pattern: `${spec.base}/{id}`, bucket: spec.getBucket, handler: get(spec) },
]);
