/**
 * Positions for nodes nothing else can place, from `clusterLayout` (one cluster per site, fast and
 * deterministic, no cytoscape layout run): the whole map when nothing has a position yet, else just
 * the new nodes (and the links between them), their drawing then moved right of what is already on
 * the map. Placed nodes never move.
 */
import type cytoscape from 'cytoscape';
import { clusterLayout } from './cluster-layout.js';
import { layoutSiteOf } from './elements.js';

/** Runs the cluster layout on `nodes` (plain, not site boxes) and sets their positions; returns their bounds. */
function runClusterLayout(cy: cytoscape.Core, nodes: cytoscape.NodeCollection): { x1: number; y1: number; x2: number; y2: number } {
  const input = nodes.map((n) => ({ id: n.id(), group: layoutSiteOf({ site: n.data('site') as string }) }));
  const links: Array<[string, string]> = [];
  nodes.edgesWith(nodes).forEach((e) => {
    links.push([e.data('source') as string, e.data('target') as string]);
  });
  const positions = clusterLayout(input, links);
  const b = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (const p of positions.values()) {
    b.x1 = Math.min(b.x1, p.x);
    b.y1 = Math.min(b.y1, p.y);
    b.x2 = Math.max(b.x2, p.x);
    b.y2 = Math.max(b.y2, p.y);
  }
  cy.batch(() => nodes.positions((n) => positions.get(n.id()) ?? { x: 0, y: 0 }));
  return b;
}

/** Lays out every plain node (the first visit, nothing saved yet). */
export function layoutAll(cy: cytoscape.Core): void {
  runClusterLayout(cy, cy.nodes().not('.site'));
}

/** Lays out `nodes` (not placed yet) among themselves, then moves them right of the placed ones. */
export function layoutNew(cy: cytoscape.Core, nodes: cytoscape.NodeCollection, placed: cytoscape.NodeCollection): void {
  if (nodes.empty()) return;
  const free = runClusterLayout(cy, nodes);
  let taken = { x2: 0, y1: 0 };
  if (placed.nonempty()) {
    taken = { x2: -Infinity, y1: Infinity };
    placed.forEach((n) => {
      const p = n.position();
      taken.x2 = Math.max(taken.x2, p.x);
      taken.y1 = Math.min(taken.y1, p.y);
    });
  }
  const dx = taken.x2 + 200 - free.x1;
  const dy = taken.y1 - free.y1;
  cy.batch(() => nodes.positions((n) => ({ x: n.position('x') + dx, y: n.position('y') + dy })));
}
