/**
 * The browser's copy of the daemon's live topics (see `/api/openapi.json`): per topic a snapshot,
 * then patches with consecutive `seq`. Pure: no DOM, no socket, so it is tested in Node.
 *
 * Contract of `applyMessage(state, msg)`: it mutates `state` and answers what happened:
 * `snapshot`, `patch`, `stale` (already seen, or no snapshot yet), `gap` (a patch was missed: the
 * caller sends `resync`; patches are ignored until the new snapshot), `error` (the server refused a
 * message) or `unknown`. For the topology it also names the ids that changed; for events, the
 * events that are new to this client (oldest first), so a listener sees each event once.
 */
import type { LiveEvent, TopoLink, TopoNode, TopoPort } from '../context.js';
import type { PatchOp } from '../../../core/topology/types.js';

export const EVENTS_KEPT = 200;

export interface TopologyCopy {
  seq: number | undefined;
  nodes: Map<string, TopoNode>;
  ports: Map<string, TopoPort>;
  links: Map<string, TopoLink>;
}

export interface LiveState {
  topology: TopologyCopy;
  events: { seq: number | undefined; list: LiveEvent[] };
}

export type Outcome = 'snapshot' | 'patch' | 'stale' | 'gap' | 'error' | 'unknown';

export interface TopologyChange {
  nodes: string[];
  ports: string[];
  links: string[];
  snapshot: boolean;
}

export interface Applied {
  outcome: Outcome;
  topic?: 'topology' | 'events';
  /** Topology ids touched (all ids after a snapshot). */
  changed?: TopologyChange;
  /** Events new to this client, oldest first. */
  events?: LiveEvent[];
}

export function createLiveState(): LiveState {
  return {
    topology: { seq: undefined, nodes: new Map(), ports: new Map(), links: new Map() },
    events: { seq: undefined, list: [] },
  };
}

interface SnapshotBody {
  nodes?: TopoNode[];
  ports?: TopoPort[];
  links?: TopoLink[];
}

function applyTopologySnapshot(topo: TopologyCopy, snap: SnapshotBody): TopologyChange {
  topo.nodes = new Map((snap.nodes ?? []).map((n) => [n.id, n]));
  topo.ports = new Map((snap.ports ?? []).map((p) => [p.id, p]));
  topo.links = new Map((snap.links ?? []).map((l) => [l.id, l]));
  return { nodes: [...topo.nodes.keys()], ports: [...topo.ports.keys()], links: [...topo.links.keys()], snapshot: true };
}

function applyTopologyPatch(topo: TopologyCopy, ops: PatchOp[]): TopologyChange {
  const changed = { nodes: new Set<string>(), ports: new Set<string>(), links: new Set<string>() };
  for (const op of Array.isArray(ops) ? ops : []) {
    const type = op.type;
    const id = op.op === 'upsert' ? op.value.id : op.id;
    if (type === 'node') {
      if (op.op === 'upsert') topo.nodes.set(id, op.value as TopoNode);
      else topo.nodes.delete(id);
      changed.nodes.add(id);
    } else if (type === 'port') {
      if (op.op === 'upsert') topo.ports.set(id, op.value as TopoPort);
      else topo.ports.delete(id);
      changed.ports.add(id);
    } else if (type === 'link') {
      if (op.op === 'upsert') topo.links.set(id, op.value as TopoLink);
      else topo.links.delete(id);
      changed.links.add(id);
    }
  }
  return { nodes: [...changed.nodes], ports: [...changed.ports], links: [...changed.links], snapshot: false };
}

function eventKey(e: LiveEvent): string {
  return e.id !== undefined ? String(e.id) : `${e.at}|${e.entity}|${e.type}|${e.message ?? ''}`;
}

function applyEventsSnapshot(ev: LiveState['events'], list: LiveEvent[]): LiveEvent[] {
  const known = new Set(ev.list.map(eventKey));
  ev.list = (Array.isArray(list) ? list : []).slice(0, EVENTS_KEPT);
  return ev.list.filter((e) => !known.has(eventKey(e))).reverse();
}

function applyEvent(ev: LiveState['events'], event: LiveEvent): LiveEvent[] {
  ev.list.unshift(event);
  if (ev.list.length > EVENTS_KEPT) ev.list.length = EVENTS_KEPT;
  return [event];
}

/** Applies one server message to `state`; see the module comment for the answers. */
export function applyMessage(state: LiveState, msg: unknown): Applied {
  if (!msg || typeof msg !== 'object') return { outcome: 'unknown' };
  const m = msg as { error?: unknown; topic?: unknown; seq?: unknown; snapshot?: unknown; patch?: unknown };
  if (m.error) return { outcome: 'error' };
  if (m.topic !== 'topology' && m.topic !== 'events') return { outcome: 'unknown' };
  if (typeof m.seq !== 'number') return { outcome: 'unknown' };
  const topic = m.topic;
  const local = state[topic];
  if ('snapshot' in m) {
    const applied: Applied = topic === 'topology'
      ? { outcome: 'snapshot', topic, changed: applyTopologySnapshot(state.topology, (m.snapshot ?? {}) as SnapshotBody) }
      : { outcome: 'snapshot', topic, events: applyEventsSnapshot(state.events, m.snapshot as LiveEvent[]) };
    local.seq = m.seq;
    return applied;
  }
  if (!('patch' in m)) return { outcome: 'unknown' };
  if (local.seq === undefined || m.seq <= local.seq) return { outcome: 'stale', topic };
  if (m.seq !== local.seq + 1) {
    local.seq = undefined; // wait for the fresh snapshot
    return { outcome: 'gap', topic };
  }
  const applied: Applied = topic === 'topology'
    ? { outcome: 'patch', topic, changed: applyTopologyPatch(state.topology, m.patch as PatchOp[]) }
    : { outcome: 'patch', topic, events: applyEvent(state.events, m.patch as LiveEvent) };
  local.seq = m.seq;
  return applied;
}
