/**
 * The reviewable summary of what a probe kind saw of one device over a few polls: what the
 * snmpsim golden files hold (not every observation, so a human can check each against the
 * corpus README's table).
 *
 * Contract of `summarise(observations)`; each part is present only when the kind emitted it:
 * - `node`: the polled node's id, kind and the states it got (`up` count, `down` count);
 * - `ports`: how many ports were announced, how many use 64-bit (HC) counters;
 * - `links`: links announced, the sorted names of their far ends (the end that is not the
 *   polled node), and the neighbour rows the node reports (`attrs.neighbours`: LLDP and CDP rows
 *   read, those without an identity);
 * - `fdb`: MAC addresses learnt behind the ports (sum of the ports' `attrs.macs`), when any;
 * - `bgp`: peers (from the node's `attrs.bgpPeers`, else the `bgp:` entities) and their count
 *   per FSM state;
 * - `routes`: the last `routes.count`;
 * - `inventory`: model and serial of the chassis (the node's `attrs.inventory`, ENTITY-MIB);
 * - `cpu`: the `cpu.load_pct.<n>` count (0 when only the average is given), `memory` when
 *   `mem.used_pct` is given, `storage`: the disks seen (`storage.used_pct.<name>`).
 */
import type { Observation, TopologyObservation } from '../../plugins/sdk/index.js';

export interface GoldenSummary {
  node: { id: string; kind: string; up: number; down: number };
  ports?: { count: number; hc: number };
  links?: { count: number; remotes: string[]; rows?: { lldp: number; cdp: number; unidentified: number } };
  fdb?: { macs: number };
  bgp?: { peers: number; byState: Record<string, number> };
  routes?: number;
  inventory?: { model?: string; serial?: string };
  cpu?: { processors: number };
  memory?: boolean;
  storage?: { disks: number };
}

type NodeObs = Extract<TopologyObservation, { element: 'node' }>;
type PortObs = Extract<TopologyObservation, { element: 'port' }>;
type LinkObs = Extract<TopologyObservation, { element: 'link' }>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The polled node: the entity of the node `state` observations. */
function polledNode(obs: Observation[]): string {
  const s = obs.find((o) => o.kind === 'state' && o.entity.startsWith('node:'));
  if (!s) throw new Error('no node state observed: the kind never polled the device');
  return s.entity;
}

/** Every attr ever announced for the node, later announcements winning. */
function nodeFacts(obs: Observation[], node: string): { kind: string; attrs: Record<string, unknown> } {
  let kind = 'unknown';
  const attrs: Record<string, unknown> = {};
  for (const o of obs) {
    if (o.kind !== 'topology' || o.element !== 'node' || o.entity !== node) continue;
    const n = (o as NodeObs).node;
    kind = n.kind;
    Object.assign(attrs, n.attrs ?? {});
  }
  return { kind, attrs };
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of items.map(key).sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/** The last facts announced for each port of the node. */
function portsOf(obs: Observation[], node: string): PortObs[] {
  const byId = new Map<string, PortObs>();
  for (const o of obs) if (o.kind === 'topology' && o.element === 'port' && (o as PortObs).port.node === node) byId.set(o.entity, o as PortObs);
  return [...byId.values()];
}

function portsPart(ports: PortObs[]): GoldenSummary['ports'] {
  if (ports.length === 0) return undefined;
  return { count: ports.length, hc: ports.filter((p) => p.port.attrs?.hc === true).length };
}

function linksPart(obs: Observation[], node: string, attrs: Record<string, unknown>): GoldenSummary['links'] {
  const byId = new Map<string, LinkObs>();
  for (const o of obs) if (o.kind === 'topology' && o.element === 'link') byId.set(o.entity, o as LinkObs);
  for (const o of obs) if (o.kind === 'topology' && o.element === 'gone') byId.delete(o.entity);
  const rows = attrs.neighbours as { lldp?: unknown; cdp?: unknown; unidentified?: unknown } | undefined;
  if (byId.size === 0 && !rows) return undefined;
  const remotes = [...byId.values()].map(({ link }) => {
    const far = link.a.node === node ? link.b : link.a;
    return far.node.replace(/^node:/, '');
  });
  const out: NonNullable<GoldenSummary['links']> = { count: byId.size, remotes: remotes.sort() };
  if (rows) out.rows = { lldp: Number(rows.lldp ?? 0), cdp: Number(rows.cdp ?? 0), unidentified: Number(rows.unidentified ?? 0) };
  return out;
}

function bgpPart(obs: Observation[], attrs: Record<string, unknown>): GoldenSummary['bgp'] {
  const peers = attrs.bgpPeers;
  if (Array.isArray(peers)) {
    return { peers: peers.length, byState: countBy(peers as { state?: unknown }[], (p) => String(p.state)) };
  }
  const last = new Map<string, string>();
  for (const o of obs) if (o.kind === 'state' && o.entity.startsWith('bgp:')) last.set(o.entity, o.state === 'up' ? 'established' : (o.reason ?? o.state));
  if (last.size === 0) return undefined;
  return { peers: last.size, byState: countBy([...last.values()], (s) => s) };
}

function lastMetric(obs: Observation[], node: string, name: string): number | undefined {
  let v: number | undefined;
  for (const o of obs) if (o.kind === 'metric' && o.entity === node && o.name === name) v = o.value;
  return v;
}

function metricNames(obs: Observation[], node: string, prefix: string): Set<string> {
  const out = new Set<string>();
  for (const o of obs) if (o.kind === 'metric' && o.entity === node && o.name.startsWith(prefix)) out.add(o.name.slice(prefix.length));
  return out;
}

export function summarise(obs: Observation[]): GoldenSummary {
  const node = polledNode(obs);
  const facts = nodeFacts(obs, node);
  const states = obs.filter((o) => o.kind === 'state' && o.entity === node);
  const summary: GoldenSummary = {
    node: {
      id: node,
      kind: facts.kind,
      up: states.filter((o) => o.kind === 'state' && o.state === 'up').length,
      down: states.filter((o) => o.kind === 'state' && o.state === 'down').length,
    },
  };
  const portObs = portsOf(obs, node);
  const ports = portsPart(portObs);
  if (ports) summary.ports = ports;
  const links = linksPart(obs, node, facts.attrs);
  if (links) summary.links = links;
  const macs = portObs.reduce((n, p) => n + (typeof p.port.attrs?.macs === 'number' ? p.port.attrs.macs : 0), 0);
  if (macs > 0) summary.fdb = { macs };
  const bgp = bgpPart(obs, facts.attrs);
  if (bgp) summary.bgp = bgp;
  const routes = lastMetric(obs, node, 'routes.count');
  if (routes !== undefined) summary.routes = routes;
  const inv = (facts.attrs.inventory ?? {}) as Record<string, unknown>;
  const model = str(inv.model);
  const serial = str(inv.serial);
  if (model || serial) summary.inventory = { ...(model ? { model } : {}), ...(serial ? { serial } : {}) };
  if (lastMetric(obs, node, 'cpu.load_pct') !== undefined) summary.cpu = { processors: metricNames(obs, node, 'cpu.load_pct.').size };
  if (lastMetric(obs, node, 'mem.used_pct') !== undefined) summary.memory = true;
  const disks = metricNames(obs, node, 'storage.used_pct.');
  if (disks.size) summary.storage = { disks: disks.size };
  return summary;
}
