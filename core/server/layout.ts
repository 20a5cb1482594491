/**
 * The map layout API: `GET /api/layout` answers every saved position, `PUT /api/layout/{site}`
 * merges positions into one site's layout (the map saves what the user or the layout engine placed,
 * so the map never jumps between visits).
 *
 * Contract of a PUT: same-origin only (403 otherwise); body `{"positions": {nodeId: {x, y} | null}}`
 * (`null` forgets a node), sent as `application/json`, at most `LAYOUT_MAX_BODY_BYTES` and
 * `LAYOUT_MAX_POSITIONS` positions; coordinates finite and within ±`LAYOUT_MAX_COORD`; anything else
 * is a 400 naming what is wrong, and nothing is saved. Nodes without a site use the site `NO_SITE`.
 */
import type { MapPosition } from '../store/port.js';
import type { ServerDeps } from './deps.js';
import { badBody, badParam, checkWriteOrigin, readJsonBody, sendJson } from './http-util.js';
import type { Route } from './router.js';

export const LAYOUT_MAX_BODY_BYTES = 1024 * 1024;
export const LAYOUT_MAX_POSITIONS = 5000;
export const LAYOUT_MAX_COORD = 1e7;
export const LAYOUT_MAX_SITE_LENGTH = 200;
export const LAYOUT_MAX_NODE_ID_LENGTH = 512;
/** The layout site of nodes that have no site. */
export const NO_SITE = '-';

/** What a PUT answers. */
export interface LayoutSaved {
  site: string;
  /** Positions set. */
  saved: number;
  /** Positions forgotten (`null`). */
  removed: number;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The site path parameter, checked (400 naming `site`). */
export function parseSite(site: string): string {
  if (site.length > LAYOUT_MAX_SITE_LENGTH) throw badParam('site', `must be at most ${LAYOUT_MAX_SITE_LENGTH} characters`);
  if (CONTROL.test(site)) throw badParam('site', 'must not contain control characters');
  if (site.trim() !== site || !site) throw badParam('site', 'must not be empty or start or end with spaces');
  return site;
}

/** The positions of a PUT body, checked; throws a 400 naming the first fault. */
export function parseLayoutBody(body: unknown): Record<string, MapPosition | null> {
  if (!isObject(body)) throw badBody('the body must be a JSON object {"positions": {"<node id>": {"x": <number>, "y": <number>}}}');
  const extra = Object.keys(body).filter((k) => k !== 'positions');
  if (extra.length) throw badBody(`unknown member ${JSON.stringify(extra[0])}; the body has only "positions"`, extra[0]);
  const positions = body.positions;
  if (!isObject(positions)) throw badBody('"positions" must be an object of node id → {x, y} (or null to forget a node)', 'positions');
  const entries = Object.entries(positions);
  if (entries.length > LAYOUT_MAX_POSITIONS) throw badBody(`too many positions: ${entries.length}, at most ${LAYOUT_MAX_POSITIONS} per request`, 'positions');
  const out: Record<string, MapPosition | null> = {};
  for (const [node, p] of entries) {
    const where = `positions.${node}`;
    if (!node || node.length > LAYOUT_MAX_NODE_ID_LENGTH || CONTROL.test(node)) {
      throw badBody(`node id ${JSON.stringify(node.slice(0, 40))} must be 1 to ${LAYOUT_MAX_NODE_ID_LENGTH} characters without control characters`, 'positions');
    }
    let value: MapPosition | null = null;
    if (p !== null) {
      if (!isObject(p)) throw badBody(`${where} must be {"x": <number>, "y": <number>} or null`, where);
      const keys = Object.keys(p).filter((k) => k !== 'x' && k !== 'y');
      if (keys.length) throw badBody(`${where} has an unknown member ${JSON.stringify(keys[0])}; only x and y`, where);
      value = { x: coordinate(p.x, `${where}.x`), y: coordinate(p.y, `${where}.y`) };
    }
    // defined, not assigned: a node id `__proto__` stays a plain key
    Object.defineProperty(out, node, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function coordinate(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badBody(`${where} must be a finite number, got ${JSON.stringify(v) ?? String(v)}`, where);
  if (Math.abs(v) > LAYOUT_MAX_COORD) throw badBody(`${where} must be between -${LAYOUT_MAX_COORD} and ${LAYOUT_MAX_COORD}, got ${v}`, where);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function layoutRoutes(deps: ServerDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/layout',
      handler: async ({ res }) => sendJson(res, 200, { sites: await deps.store.layouts() }),
    },
    {
      method: 'PUT',
      path: '/api/layout/{site}',
      handler: async ({ req, res, params }) => {
        checkWriteOrigin(req);
        const site = parseSite(params.site);
        const positions = parseLayoutBody(await readJsonBody(req, LAYOUT_MAX_BODY_BYTES));
        await deps.store.saveLayout(site, positions);
        const values = Object.values(positions);
        const removed = values.filter((p) => p === null).length;
        const answer: LayoutSaved = { site, saved: values.length - removed, removed };
        sendJson(res, 200, answer);
      },
    },
  ];
}
