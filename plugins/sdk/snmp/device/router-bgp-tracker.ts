/**
 * `BgpTracker`: turns successive BGP readings of one router into observations.
 *
 * Contract of `observe(node, at, reading, uptime?)` (one call per poll that read the BGP table):
 * - per peer, entity `bgpPeerId(node, peer)`: a `state` (`up` when established; `unknown`,
 *   reason `administratively stopped`, when bgpPeerAdminStatus is stop; otherwise `down` with the
 *   FSM state as the reason), metrics `bgp.established_s` (time in established, 0 when not
 *   established), `bgp.updates.in_per_s` and `bgp.updates.out_per_s` (from the second poll on;
 *   no spike when the session was re-established, the agent restarted or a counter was reset);
 * - an `event` `bgp-peer-change` when a peer's FSM state differs from the previous poll's:
 *   severity `major` when it left established, `info` otherwise (reaching established, or moving
 *   between the other states); a peer that disappears from the table gives one such event
 *   (`to: 'removed'`) and a `state` `unknown`. The first poll gives no events;
 * - `peers` is the summary for the router node's `attrs.bgpPeers`.
 */
import { CounterRate } from '../../rate.js';
import type { EntityId, Observation, Severity } from '../../observation.js';
import { bgpPeerId, type BgpPeerRow, type BgpReading } from './bgp.js';

/** One peer in the router node's `attrs.bgpPeers`. */
export interface BgpPeerSummary {
  peer: string;
  remoteAs: number | null;
  state: BgpPeerRow['state'];
  /** Seconds in established, null when not established. */
  establishedFor: number | null;
}

/** More update messages per second than this is not a rate but a counter reset. */
const MAX_UPDATES_PER_S = 100_000;

interface PeerMemory {
  state: BgpPeerRow['state'];
  remoteAs?: number;
  inRate: CounterRate;
  outRate: CounterRate;
}

export class BgpTracker {
  private readonly peers = new Map<string, PeerMemory>();

  observe(node: EntityId, at: number, reading: BgpReading, uptime?: number): { observations: Observation[]; peers: BgpPeerSummary[] } {
    const out: Observation[] = [];
    const seen = new Set<string>();
    for (const row of reading.peers) {
      seen.add(row.peer);
      const entity = bgpPeerId(node, row.peer);
      let mem = this.peers.get(row.peer);
      if (!mem) {
        mem = { state: row.state, inRate: rate(), outRate: rate() };
        this.peers.set(row.peer, mem);
      } else if (mem.state !== row.state) {
        out.push(changeEvent(entity, at, row, mem.state));
      }
      mem.state = row.state;
      mem.remoteAs = row.remoteAs;
      out.push(stateOf(entity, at, row));
      out.push({ kind: 'metric', at, entity, name: 'bgp.established_s', value: row.state === 'established' ? (row.fsmEstablishedTimeS ?? 0) : 0 });
      const inPerS = feed(mem.inRate, row.inUpdates, at, uptime, row.establishedTransitions);
      if (inPerS !== undefined) out.push({ kind: 'metric', at, entity, name: 'bgp.updates.in_per_s', value: round3(inPerS) });
      const outPerS = feed(mem.outRate, row.outUpdates, at, uptime, row.establishedTransitions);
      if (outPerS !== undefined) out.push({ kind: 'metric', at, entity, name: 'bgp.updates.out_per_s', value: round3(outPerS) });
    }
    for (const [peer, mem] of this.peers) {
      if (seen.has(peer)) continue;
      this.peers.delete(peer);
      const entity = bgpPeerId(node, peer);
      const was = mem.state;
      out.push({
        kind: 'event',
        at,
        entity,
        type: 'bgp-peer-change',
        severity: was === 'established' ? 'major' : 'info',
        message: `BGP peer ${peer}${asText(mem.remoteAs)} is no longer configured (was ${was})`,
        data: { peer, from: was, to: 'removed', remoteAs: mem.remoteAs ?? null },
      });
      out.push({ kind: 'state', at, entity, state: 'unknown', reason: 'peer no longer configured' });
    }
    return { observations: out, peers: reading.peers.map(summary) };
  }
}

function rate(): CounterRate {
  return new CounterRate({ bits: 32, maxRate: MAX_UPDATES_PER_S });
}

function feed(r: CounterRate, value: number | undefined, at: number, uptime: number | undefined, transitions: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return r.update({ value: BigInt(value), at, uptime, discontinuity: transitions });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function asText(remoteAs: number | undefined): string {
  return remoteAs === undefined ? '' : ` (AS ${remoteAs})`;
}

function stateOf(entity: EntityId, at: number, row: BgpPeerRow): Observation {
  if (row.adminStatus === 'stop') return { kind: 'state', at, entity, state: 'unknown', reason: 'administratively stopped' };
  if (row.state === 'established') return { kind: 'state', at, entity, state: 'up' };
  return { kind: 'state', at, entity, state: 'down', reason: row.state };
}

function changeEvent(entity: EntityId, at: number, row: BgpPeerRow, from: BgpPeerRow['state']): Observation {
  const left = from === 'established';
  const severity: Severity = left ? 'major' : 'info';
  const what = left ? `left established, now ${row.state}` : row.state === 'established' ? `reached established (was ${from})` : `${from} → ${row.state}`;
  const err = left && row.lastError ? `; last error: ${row.lastError.text}` : '';
  const data: Record<string, unknown> = { peer: row.peer, from, to: row.state, remoteAs: row.remoteAs ?? null };
  if (row.lastError) data.lastError = row.lastError.text;
  return { kind: 'event', at, entity, type: 'bgp-peer-change', severity, message: `BGP peer ${row.peer}${asText(row.remoteAs)} ${what}${err}`, data };
}

function summary(row: BgpPeerRow): BgpPeerSummary {
  return {
    peer: row.peer,
    remoteAs: row.remoteAs ?? null,
    state: row.state,
    establishedFor: row.state === 'established' ? (row.fsmEstablishedTimeS ?? null) : null,
  };
}
