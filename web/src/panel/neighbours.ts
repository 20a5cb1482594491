/**
 * The neighbours of a node, from the links (no DOM): for each link touching the node, the node at
 * the other end, both port names and the link's state. A link to itself is skipped.
 */
import type { TopoLink, TopoNode, TopoPort } from '../context.js';

export interface Neighbour {
  link: string;
  node: string;
  name: string;
  state: string;
  localPort?: string;
  remotePort?: string;
  origin?: string;
}

function portName(ports: ReadonlyMap<string, TopoPort>, id: string | undefined): string | undefined {
  if (!id) return undefined;
  return ports.get(id)?.name ?? id.slice(id.indexOf('/') + 1);
}

export function neighboursOf(
  nodeId: string,
  links: Iterable<TopoLink>,
  nodes: ReadonlyMap<string, TopoNode>,
  ports: ReadonlyMap<string, TopoPort>,
): Neighbour[] {
  const out: Neighbour[] = [];
  for (const l of links) {
    const local = l.a.node === nodeId ? l.a : l.b.node === nodeId ? l.b : undefined;
    if (!local) continue;
    const remote = local === l.a ? l.b : l.a;
    if (remote.node === nodeId) continue;
    out.push({
      link: l.id,
      node: remote.node,
      name: nodes.get(remote.node)?.name ?? remote.node.replace(/^node:/, ''),
      state: l.state,
      localPort: portName(ports, local.port),
      remotePort: portName(ports, remote.port),
      origin: typeof l.attrs?.protocol === 'string' ? l.attrs.protocol : l.origin,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }) || (a.localPort ?? '').localeCompare(b.localPort ?? '', undefined, { numeric: true }));
}
