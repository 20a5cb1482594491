/**
 * A generated site for the web bench: `nodes` nodes in `sites` sites and `links` port-to-port links,
 * deterministic for a seed. Each site is a tree (every node linked to an earlier one of its site,
 * so the site is connected), then extra links between random pairs (mostly in one site, one in ten
 * across sites) until `links` is reached. Kinds: mostly switches, a few routers, servers, UPSes;
 * every node starts `up`, every link port has a traffic rate so links have a utilisation.
 *
 * `populate(model, site)` writes it into a real TopologyModel in one batch (one patch).
 */
import type { TopologyModel } from '../../core/topology/model.js';
import type { NodeKind } from '../../plugins/sdk/index.js';

export interface BenchNode { id: string; name: string; kind: NodeKind; site: string }
export interface BenchLink { a: { node: string; port: string }; b: { node: string; port: string }; speed: number; util: number }
export interface BenchSite { nodes: BenchNode[]; links: BenchLink[] }

/** Mulberry32: a small seeded PRNG, so every run benches the same site. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS: [NodeKind, number][] = [['router', 0.05], ['server', 0.1], ['ups', 0.03]];
const SPEEDS = [100e6, 1e9, 10e9];

export function generateBenchSite(opts: { nodes: number; links: number; sites: number; seed?: number }): BenchSite {
  const rnd = prng(opts.seed ?? 1);
  const perSite = Math.ceil(opts.nodes / opts.sites);
  const nodes: BenchNode[] = [];
  for (let i = 0; i < opts.nodes; i++) {
    const site = `site-${String(Math.floor(i / perSite) + 1).padStart(2, '0')}`;
    let kind: NodeKind = 'switch';
    let r = rnd();
    for (const [k, p] of KINDS) {
      if (r < p) {
        kind = k;
        break;
      }
      r -= p;
    }
    const name = `${kind}-${String(i + 1).padStart(4, '0')}`;
    nodes.push({ id: `node:${name}`, name, kind, site });
  }
  const nextPort = new Map<string, number>();
  const port = (node: BenchNode) => {
    const k = (nextPort.get(node.id) ?? 0) + 1;
    nextPort.set(node.id, k);
    return `port:${node.name}/eth${k}`;
  };
  const seen = new Set<string>();
  const links: BenchLink[] = [];
  const link = (x: BenchNode, y: BenchNode): void => {
    const key = x.id < y.id ? `${x.id}|${y.id}` : `${y.id}|${x.id}`;
    if (x === y || seen.has(key) || links.length >= opts.links) return;
    seen.add(key);
    links.push({ a: { node: x.id, port: port(x) }, b: { node: y.id, port: port(y) }, speed: SPEEDS[Math.floor(rnd() * SPEEDS.length)], util: Math.round(rnd() * 1000) / 10 });
  };
  for (let i = 0; i < nodes.length; i++) {
    const first = Math.floor(i / perSite) * perSite;
    if (i > first) link(nodes[i], nodes[first + Math.floor(rnd() * (i - first))]);
  }
  // Sites joined to the next one (a backbone), then random extra links.
  for (let s = perSite; s < nodes.length; s += perSite) link(nodes[s - perSite], nodes[s]);
  for (let guard = 0; links.length < opts.links && guard < opts.links * 20; guard++) {
    const x = nodes[Math.floor(rnd() * nodes.length)];
    const sameSite = rnd() < 0.9;
    const base = Math.floor(nodes.indexOf(x) / perSite) * perSite;
    const y = sameSite ? nodes[Math.min(nodes.length - 1, base + Math.floor(rnd() * perSite))] : nodes[Math.floor(rnd() * nodes.length)];
    link(x, y);
  }
  return { nodes, links };
}

/** Writes the site into the model as one patch: nodes up, ports up with rates, links. */
export function populate(model: TopologyModel, site: BenchSite, at = Date.now()): void {
  model.batch(() => {
    for (const n of site.nodes) {
      model.upsertNode(n.id, { name: n.name, kind: n.kind, site: n.site });
      model.setState(n.id, 'up', at);
    }
    for (const l of site.links) {
      for (const end of [l.a, l.b]) {
        model.upsertPort(end.port, { node: end.node, name: end.port.slice(end.port.indexOf('/') + 1), attrs: { speed: l.speed } });
        model.setState(end.port, 'up', at);
      }
      const id = model.upsertLink({ a: l.a, b: l.b, attrs: { speed: l.speed } }, 'bench');
      const bps = (l.util / 100) * l.speed;
      for (const end of [l.a, l.b]) {
        model.setRate(end.port, 'if.in.bps', bps);
        model.setRate(end.port, 'if.out.bps', bps / 2);
        model.setRate(end.port, 'if.in.util_pct', l.util);
        model.setRate(end.port, 'if.out.util_pct', l.util / 2);
      }
      model.setState(id, 'up', at);
    }
  });
}
