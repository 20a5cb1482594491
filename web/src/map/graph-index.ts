/** Lookups over the map's graph: elements by id, and each node's neighbours. */
import type cytoscape from 'cytoscape';
import type { TopoLink } from '../context.js';

/** The elements with these ids (missing ones skipped). */
export function byIds(cy: cytoscape.Core, ids: Iterable<string>): cytoscape.Collection {
  const out = cy.collection();
  for (const id of ids) {
    const e = cy.getElementById(id);
    if (e.nonempty()) out.merge(e);
  }
  return out;
}

/** Each node's neighbours by link (both ends), for placing a new node next to them. */
export function neighbourIndex(links: Iterable<TopoLink>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (a: string, b: string) => {
    let l = out.get(a);
    if (!l) out.set(a, (l = []));
    l.push(b);
  };
  for (const l of links) {
    add(l.a.node, l.b.node);
    add(l.b.node, l.a.node);
  }
  return out;
}
