/**
 * A tiny router. Hand-written rather than a web framework because the API is a handful of
 * routes (GET, and one PUT): matching templates segment by segment is ~30 lines, and the route templates are the
 * very strings the OpenAPI document uses (`/api/entities/{id}`), so a test can check that every
 * served route is documented.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badParam, type Query } from './http-util.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters, URL-decoded. */
  params: Record<string, string>;
  query: Query;
}

export interface Route {
  method: 'GET' | 'PUT';
  /** OpenAPI path template: literal segments and `{name}` segments (one URL-encoded segment each). */
  path: string;
  handler(ctx: RouteContext): Promise<void>;
}

export type RouteMatch =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  /** The path exists but not for this method. */
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

function matchPath(template: string, pathname: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const m = /^\{(\w+)\}$/.exec(w);
    if (!m) {
      if (w !== got[i]) return undefined;
      continue;
    }
    if (got[i] === '') return undefined;
    try {
      params[m[1]] = decodeURIComponent(got[i]);
    } catch {
      throw badParam(m[1], 'is not a valid URL-encoded value');
    }
  }
  return params;
}

/** Finds the route for a method and raw (still encoded) pathname; throws a 400 for a malformed parameter. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'route', route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { kind: 'method', allowed } : { kind: 'none' };
}
