/**
 * Topology → cytoscape element data. Pure (no cytoscape import), tested in Node.
 * Node ids are entity ids; a node with a site has parent `site:<name>`; edge ids are link ids.
 */
import type { TopoLink, TopoNode, TopoPort } from '../context.js';
import { asKind, asState, type MapKind, type MapState } from './palette.js';
import { linkSpeed, linkUtil, speedWidth, utilColour } from './scale.js';

export const SITE_PREFIX = 'site:';
/** The layout key of nodes without a site: the API's (`NO_SITE` of core/server/layout.ts). */
export const NO_SITE = '-';

export function siteNodeId(site: string): string {
  return `${SITE_PREFIX}${site}`;
}

export function layoutSiteOf(node: { site?: string }): string {
  return node.site && node.site.trim() ? node.site : NO_SITE;
}

export interface NodeData {
  id: string;
  name: string;
  kind: MapKind;
  state: MapState;
  site: string;
  parent?: string;
  label: string;
  address: string;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  state: MapState;
  /** 0–100, -1 when unknown (cytoscape data must stay numeric for mappers). */
  util: number;
  speed: number;
  colour: string;
  width: number;
  sourceLabel: string;
  targetLabel: string;
}

export function nodeData(n: TopoNode): NodeData {
  const state = asState(n.state);
  const d: NodeData = {
    id: n.id,
    name: n.name ?? n.id,
    kind: asKind(n.kind),
    state,
    site: n.site ?? '',
    label: `${n.name ?? n.id}`,
    address: n.address ?? '',
  };
  if (n.site) d.parent = siteNodeId(n.site);
  return d;
}

function portLabel(id: string | undefined, ports: ReadonlyMap<string, TopoPort>): string {
  if (!id) return '';
  const p = ports.get(id);
  if (p) return p.name;
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : '';
}

export function edgeData(l: TopoLink, ports: ReadonlyMap<string, TopoPort>): EdgeData {
  const util = linkUtil(l, ports);
  const speed = linkSpeed(l, ports);
  return {
    id: l.id,
    source: l.a.node,
    target: l.b.node,
    state: asState(l.state),
    util: util === undefined ? -1 : Math.round(Math.min(100, Math.max(0, util)) * 10) / 10,
    speed: speed ?? 0,
    colour: utilColour(util),
    width: speedWidth(speed),
    sourceLabel: portLabel(l.a.port, ports),
    targetLabel: portLabel(l.b.port, ports),
  };
}

/** The links whose rendering depends on a port (its name, rates or speed). */
export function linksOfPorts(portIds: Iterable<string>, links: ReadonlyMap<string, TopoLink>): Set<string> {
  const wanted = new Set(portIds);
  const out = new Set<string>();
  if (wanted.size === 0) return out;
  for (const l of links.values()) {
    if ((l.a.port && wanted.has(l.a.port)) || (l.b.port && wanted.has(l.b.port))) out.add(l.id);
  }
  return out;
}

/** Shallow equality of two data objects (to skip no-op cytoscape updates). */
export function sameData(a: object, b: object): boolean {
  const ka = Object.keys(a) as Array<keyof typeof a>;
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
