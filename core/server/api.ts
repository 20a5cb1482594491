/**
 * The REST routes (`/api/...` and `/metrics`). Every answer is JSON except `/metrics`
 * (Prometheus text); errors are `{error:{code,message}}` (see `http-util.ts`). The map layout
 * routes are in `layout.ts`, search in `search.ts`.
 */
import { readFileSync } from 'node:fs';
import { SEVERITIES } from '../../plugins/sdk/index.js';
import { redactSecrets } from '../log.js';
import type { ServerDeps } from './deps.js';
import { entityView } from './entity.js';
import { layoutRoutes } from './layout.js';
import { badParam, sendJson } from './http-util.js';
import { openApiDocument } from './openapi.js';
import type { Route } from './router.js';
import { searchRoutes } from './search.js';
import { seriesWindow } from './series.js';

export const EVENTS_DEFAULT_LIMIT = 100;
export const EVENTS_MAX_LIMIT = 10_000;

/** The daemon's version, from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function apiRoutes(deps: ServerDeps, startedAt: number, now: () => number = Date.now): Route[] {
  const openapi = JSON.stringify(openApiDocument(VERSION));
  return [
    {
      method: 'GET',
      path: '/api/health',
      handler: async ({ res }) => {
        // redacted: whatever the daemon reports, a secret never leaves through the API
        sendJson(res, 200, redactSecrets({ status: 'ok', uptime_s: Math.floor((now() - startedAt) / 1000), version: VERSION, ...deps.health() }));
      },
    },
    {
      method: 'GET',
      path: '/api/topology',
      handler: async ({ res }) => sendJson(res, 200, deps.topology.snapshot()),
    },
    {
      method: 'GET',
      path: '/api/entities/{id}',
      handler: async ({ res, params }) => sendJson(res, 200, await entityView(params.id, deps.topology, deps.store)),
    },
    {
      method: 'GET',
      path: '/api/series',
      handler: async ({ res, query }) => {
        const entity = query.required('entity');
        const metric = query.required('metric');
        const { from, to, step } = seriesWindow(query, now());
        const points = await deps.store.querySeries(entity, metric, from, to, step);
        sendJson(res, 200, { entity, metric, from, to, step, points });
      },
    },
    {
      method: 'GET',
      path: '/api/events',
      handler: async ({ res, query }) => {
        const from = query.time('from');
        const to = query.time('to');
        if (from !== undefined && to !== undefined && from > to) throw badParam('from', `must not be after 'to' (from=${from}, to=${to})`);
        const events = await deps.store.events({
          entity: query.string('entity'),
          entityPrefix: query.string('entityPrefix'),
          type: query.string('type'),
          severity: query.oneOf('severity', SEVERITIES),
          from,
          to,
          limit: query.int('limit', 1, EVENTS_MAX_LIMIT) ?? EVENTS_DEFAULT_LIMIT,
        });
        sendJson(res, 200, { events });
      },
    },
    ...layoutRoutes(deps),
    ...searchRoutes(deps.topology),
    {
      method: 'GET',
      path: '/api/openapi.json',
      handler: async ({ res }) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(openapi), 'cache-control': 'no-cache' });
        res.end(openapi);
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async ({ res }) => {
        const text = await deps.registry.metrics();
        res.writeHead(200, { 'content-type': deps.registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        res.end(text);
      },
    },
  ];
}
