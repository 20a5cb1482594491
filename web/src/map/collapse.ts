/**
 * Collapsed sites, as data: a site's summary (how many nodes, per state, the worst state) and the
 * edges between what is visible once some sites are collapsed (a link with an end inside a
 * collapsed site is drawn from the site, links inside one collapsed site disappear, parallel ones
 * merge, keeping the worst state and the highest utilisation). Pure, tested in Node.
 */
import type { TopoLink, TopoNode } from '../context.js';
import { asState, STATE_GLYPHS, STATE_SEVERITY, worstState, type MapState } from './palette.js';

export interface SiteSummary {
  site: string;
  count: number;
  worst: MapState;
  byState: Partial<Record<MapState, number>>;
  label: string;
}

export function summariseSite(site: string, nodes: Iterable<TopoNode>): SiteSummary {
  const byState: Partial<Record<MapState, number>> = {};
  let count = 0;
  for (const n of nodes) {
    if (n.site !== site) continue;
    count++;
    const s = asState(n.state);
    byState[s] = (byState[s] ?? 0) + 1;
  }
  const worst = count ? worstState(Object.keys(byState)) : 'unknown';
  const notUp = (Object.keys(byState) as MapState[])
    .filter((s) => s !== 'up')
    .sort((a, b) => STATE_SEVERITY[b] - STATE_SEVERITY[a])
    .map((s) => `${STATE_GLYPHS[s]} ${byState[s]} ${s}`);
  const label = `${site} — ${count} node${count === 1 ? '' : 's'}${notUp.length ? `\n${notUp.join(', ')}` : `\n${STATE_GLYPHS.up} all up`}`;
  return { site, count, worst, byState, label };
}

export interface MetaEdge {
  id: string;
  source: string;
  target: string;
  state: MapState;
  /** Highest utilisation of the merged links, -1 when unknown. */
  util: number;
  count: number;
}

/**
 * The edges drawn instead of `links` touching a collapsed site. `repOf(nodeId)` gives the visible
 * element standing for a node (the node itself, or `site:<name>` when its site is collapsed);
 * `utilOf(link)` the link's utilisation (-1 unknown). Links between two visible nodes are not
 * returned (they are drawn as themselves).
 */
export function metaEdges(
  links: Iterable<TopoLink>,
  repOf: (nodeId: string) => string | undefined,
  utilOf: (link: TopoLink) => number,
): MetaEdge[] {
  const out = new Map<string, MetaEdge>();
  for (const l of links) {
    const a = repOf(l.a.node);
    const b = repOf(l.b.node);
    if (!a || !b || a === b) continue;
    if (a === l.a.node && b === l.b.node) continue;
    const [s, t] = a < b ? [a, b] : [b, a];
    const id = `meta:${s}|${t}`;
    const st = asState(l.state);
    const u = utilOf(l);
    const e = out.get(id);
    if (!e) out.set(id, { id, source: s, target: t, state: st, util: u, count: 1 });
    else {
      e.count++;
      e.util = Math.max(e.util, u);
      e.state = worstState([e.state, st]);
    }
  }
  return [...out.values()];
}
