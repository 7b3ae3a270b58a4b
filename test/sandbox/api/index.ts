// The route table of the platform APIs, compiled to regular expressions once.
import { auditRoutes } from './auditLogs';
import { collectionRoutes } from './collections';
import type { RouteDef } from './common';
import { deviceRoutes } from './devices';
import { eventRoutes } from './events';
import { workspaceRoutes } from './workspaces';

export const API_ROUTES: RouteDef[] = [
	...workspaceRoutes,
	...auditRoutes,
	...deviceRoutes,
	...collectionRoutes,
	...eventRoutes,
];

interface CompiledRoute {
	def: RouteDef;
	regex: RegExp;
	names: string[];
}

function compile(def: RouteDef): CompiledRoute {
	const names: string[] = [];
	const source = def.pattern
		.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
		.replace(/\{(\w+)\}/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
	return { def, regex: new RegExp(`^${source}/?$`), names };
}

const COMPILED = API_ROUTES.map(compile);

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

export interface RouteMatch {
	def: RouteDef;
	params: Record<string, string>;
}

/** The matching route, if any; `pattern` is also set when only the method differs (for route names). */
export function matchApiRoute(
	method: string,
	path: string,
): { match?: RouteMatch; pattern?: string } {
	let pattern: string | undefined;
	for (const route of COMPILED) {
		const m = route.regex.exec(path);
		if (!m) continue;
		pattern ??= route.def.pattern;
		if (route.def.method !== method) continue;
		const params: Record<string, string> = {};
		route.names.forEach((name, i) => (params[name] = safeDecode(m[i + 1])));
		return { match: { def: route.def, params }, pattern: route.def.pattern };
	}
	return { pattern };
}
