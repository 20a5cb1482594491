/**
 * The browser's copy of the live topics, kept current by the WebSocket protocol of the daemon
 * (see `/api/openapi.json`): a snapshot per topic, then patches with consecutive `seq`.
 * Pure: no DOM, no socket, so it is tested in Node (`test/core/server/live-state.test.ts`).
 *
 * `handle(msg)` answers what happened: `snapshot`, `patch`, `stale` (already seen, or no
 * snapshot yet), `gap` (a patch was missed: the caller sends `resync` and patches are ignored
 * until the new snapshot), `error` (the server refused a message) or `unknown`.
 */

export const EVENTS_KEPT = 200;

export function createLiveState() {
  return {
    topology: { seq: undefined, nodes: new Map(), ports: new Map(), links: new Map() },
    events: { seq: undefined, list: [] },
  };
}

function applyTopologySnapshot(topo, snap) {
  topo.nodes = new Map(snap.nodes.map((n) => [n.id, n]));
  topo.ports = new Map(snap.ports.map((p) => [p.id, p]));
  topo.links = new Map(snap.links.map((l) => [l.id, l]));
}

function applyTopologyPatch(topo, ops) {
  for (const op of ops) {
    const map = op.type === 'node' ? topo.nodes : op.type === 'port' ? topo.ports : topo.links;
    if (op.op === 'upsert') map.set(op.value.id, op.value);
    else if (op.op === 'remove') map.delete(op.id);
  }
}

const TOPICS = {
  topology: { snapshot: applyTopologySnapshot, patch: applyTopologyPatch },
  events: {
    snapshot: (ev, list) => {
      ev.list = list.slice(0, EVENTS_KEPT);
    },
    patch: (ev, event) => {
      ev.list.unshift(event);
      if (ev.list.length > EVENTS_KEPT) ev.list.length = EVENTS_KEPT;
    },
  },
};

/** Applies one server message to `state`; see the module comment for the answers. */
export function handle(state, msg) {
  if (msg && msg.error) return 'error';
  const topic = msg && TOPICS[msg.topic];
  if (!topic || typeof msg.seq !== 'number') return 'unknown';
  const local = state[msg.topic];
  if ('snapshot' in msg) {
    topic.snapshot(local, msg.snapshot);
    local.seq = msg.seq;
    return 'snapshot';
  }
  if (!('patch' in msg)) return 'unknown';
  if (local.seq === undefined || msg.seq <= local.seq) return 'stale';
  if (msg.seq !== local.seq + 1) {
    local.seq = undefined; // wait for the fresh snapshot
    return 'gap';
  }
  topic.patch(local, msg.patch);
  local.seq = msg.seq;
  return 'patch';
}
