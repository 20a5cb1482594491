/**
 * `GET /api/search?q=&limit=`: finds devices by what a technician has in hand: a name or sysName,
 * an IP address, a serial number, or a MAC (the interface's own, or one learnt behind a switch
 * port: "where is this device plugged in?").
 *
 * Contract: matching is case-insensitive, on substrings; a MAC query matches whatever its separators
 * (`aa:bb`, `AA-BB`, `aabb.cc`), needs at least 4 hex digits, and its `value` is given as
 * `aa:bb:cc:dd:ee:ff`. Results are ranked exact match, then prefix, then substring; then name,
 * sysName, ip, serial, mac; MACs learnt behind a port rank access ports (fewer MACs) first.
 * A node appears once for its best name/sysName/ip/serial match; each port appears once per MAC.
 * Reads the live model without copying it.
 */
import type { EntityId } from '../../plugins/sdk/index.js';
import type { TopologyModel } from '../topology/model.js';
import type { TopoNode, TopoPort } from '../topology/types.js';
import type { Route } from './router.js';
import { badParam, sendJson } from './http-util.js';

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_MAX_QUERY = 200;

export type SearchMatch = 'name' | 'sysName' | 'ip' | 'serial' | 'mac';

export interface SearchResult {
  /** The entity that matched: the node, or the port for a MAC. */
  entity: EntityId;
  /** The node to show (focus) on the map. */
  node: EntityId;
  /** What to display: the node's name, with the port's for a MAC. */
  label: string;
  match: SearchMatch;
  /** The value that matched (a MAC normalised to `aa:bb:cc:dd:ee:ff`). */
  value: string;
}

const MATCH_ORDER: SearchMatch[] = ['name', 'sysName', 'ip', 'serial', 'mac'];
const MAC_MIN_HEX = 4;

interface Hit extends SearchResult {
  /** 0 exact, 1 prefix, 2 substring. */
  quality: number;
  /** Tie-break among MAC hits: MACs learnt on the port (0 for the port's own MAC). */
  crowd: number;
}

/** Lowercase hex digits of a MAC-like string, or undefined when it has other characters. */
export function macDigits(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (!/^[0-9a-f]+(?:[:.\- ][0-9a-f]+)*$/.test(t)) return undefined;
  return t.replace(/[:.\- ]/g, '');
}

/** `aa:bb:cc:dd:ee:ff` for 12 hex digits; other lengths are joined in pairs the same way. */
export function formatMac(digits: string): string {
  return digits.match(/.{1,2}/g)?.join(':') ?? digits;
}

function quality(haystack: string, needle: string): number | undefined {
  const i = haystack.indexOf(needle);
  if (i < 0) return undefined;
  return haystack.length === needle.length ? 0 : i === 0 ? 1 : 2;
}

function serialsOf(node: Readonly<TopoNode>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => { if (typeof v === 'string' && v.trim()) out.push(v.trim()); };
  add(node.attrs.serial);
  const inv = node.attrs.inventory as { serial?: unknown; components?: { serial?: unknown }[] } | undefined;
  if (inv && typeof inv === 'object') {
    add(inv.serial);
    if (Array.isArray(inv.components)) for (const c of inv.components) add(c?.serial);
  }
  return out;
}

function nodeHit(node: Readonly<TopoNode>, q: string): Hit | undefined {
  const candidates: [SearchMatch, unknown][] = [
    ['name', node.name], ['sysName', node.attrs.sysName], ['ip', node.address],
    ...serialsOf(node).map((s): [SearchMatch, string] => ['serial', s]),
  ];
  let best: Hit | undefined;
  for (const [match, value] of candidates) {
    if (typeof value !== 'string' || !value) continue;
    const qual = quality(value.toLowerCase(), q);
    if (qual === undefined) continue;
    const hit: Hit = { entity: node.id, node: node.id, label: node.name, match, value, quality: qual, crowd: 0 };
    if (!best || compare(hit, best) < 0) best = hit;
  }
  return best;
}

function portHits(port: Readonly<TopoPort>, nodeName: string, digits: string, out: Hit[]): void {
  const label = `${nodeName} ${port.name}`;
  const own = typeof port.attrs.mac === 'string' ? macDigits(port.attrs.mac) : undefined;
  const seen = new Set<string>();
  const consider = (mac: string, crowd: number) => {
    if (seen.has(mac)) return;
    const qual = quality(mac, digits);
    if (qual === undefined) return;
    seen.add(mac);
    out.push({ entity: port.id, node: port.node, label, match: 'mac', value: formatMac(mac), quality: qual, crowd });
  };
  if (own) consider(own, 0);
  const fdb = port.attrs.fdb;
  if (Array.isArray(fdb)) {
    const crowd = typeof port.attrs.macs === 'number' ? port.attrs.macs : fdb.length;
    for (const m of fdb) {
      const d = typeof m === 'string' ? macDigits(m) : undefined;
      if (d) consider(d, Math.max(1, crowd));
    }
  }
}

function compare(a: Hit, b: Hit): number {
  return a.quality - b.quality || MATCH_ORDER.indexOf(a.match) - MATCH_ORDER.indexOf(b.match) || a.crowd - b.crowd || a.label.localeCompare(b.label);
}

/** The best `limit` results for `query` (see the contract above). */
export function searchTopology(model: TopologyModel, query: string, limit: number): SearchResult[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: Hit[] = [];
  const names = new Map<EntityId, string>();
  for (const node of model.allNodes()) {
    names.set(node.id, node.name);
    const hit = nodeHit(node, q);
    if (hit) hits.push(hit);
  }
  // `10.0.1` is the start of an address, not a MAC (Cisco's dotted MACs have groups of 4)
  const digits = /^\d{1,3}(?:\.\d{0,3})+$/.test(q) ? undefined : macDigits(q);
  if (digits && digits.length >= MAC_MIN_HEX) {
    for (const port of model.allPorts()) portHits(port, names.get(port.node) ?? port.node, digits, hits);
  }
  return hits.sort(compare).slice(0, limit).map(({ entity, node, label, match, value }) => ({ entity, node, label, match, value }));
}

export function searchRoutes(model: TopologyModel): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/search',
      handler: async ({ res, query }) => {
        const q = query.required('q');
        if (q.length > SEARCH_MAX_QUERY) throw badParam('q', `must be at most ${SEARCH_MAX_QUERY} characters`);
        const limit = query.int('limit', 1, SEARCH_MAX_LIMIT) ?? SEARCH_DEFAULT_LIMIT;
        sendJson(res, 200, searchTopology(model, q, limit));
      },
    },
  ];
}
