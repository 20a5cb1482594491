/**
 * What changes with time on a generated router, beyond the traffic counters the SDK's live model
 * advances: BGP sessions (one of which flaps on a fixed timeline), CPU load, memory and the route
 * count. Pure functions of the seconds since the simulator started, so a run is reproducible
 * and tests can ask for any instant.
 *
 * - `bgpPeerAt(peer, sec)`: the bgpPeerTable values of one session at `sec`. A steady peer stays
 *   established; its established time and update counters grow. A peer with `flap` stays
 *   established until `flap.firstAtS`, then repeats a cycle of `flap.periodS` seconds: `idleS` in
 *   idle(1), `activeS` in active(3), the rest established(6). Leaving established freezes the
 *   update counters, sets bgpPeerLastError to Hold Timer Expired (4/0) and counts the time since
 *   it left; re-establishing restarts the counters from 0 and adds one established transition.
 * - `dynamicLive(base, values)`: a `LiveModel` answering the OIDs of `values` from their
 *   functions and every other OID as `base` does.
 */
import type { Varbind } from '../sdk/index.js';
import type { LiveModel } from '../sdk/testkit/live.js';

/** One simulated BGP session of a router. */
export interface SimBgpPeer {
  /** The peer's IPv4 address (the bgpPeerTable index); only data, never contacted. */
  address: string;
  localAddress: string;
  remoteAs: number;
  /** Seconds the session has been established when the simulator starts. */
  establishedS: number;
  /** bgpPeerFsmEstablishedTransitions when the simulator starts. */
  transitions: number;
  /** UPDATE messages per second received and sent while established. */
  inPerS: number;
  outPerS: number;
  /** A session that keeps dropping: see the file comment. */
  flap?: { firstAtS: number; periodS: number; idleS: number; activeS: number };
}

/** BGP4-MIB bgpPeerState values. */
export const BGP_STATE = { idle: 1, active: 3, established: 6 } as const;

export interface BgpPeerNow {
  state: number;
  /** bgpPeerFsmEstablishedTime: seconds in established, or since it was last left. */
  establishedTimeS: number;
  transitions: number;
  inUpdates: number;
  outUpdates: number;
  /** bgpPeerLastError: two octets, code and subcode (0/0: none). */
  lastError: Buffer;
}

const TWO32 = 2 ** 32;
const NO_ERROR = Buffer.from([0, 0]);
const HOLD_TIMER_EXPIRED = Buffer.from([4, 0]);

function counters(p: SimBgpPeer, sessionS: number): Pick<BgpPeerNow, 'inUpdates' | 'outUpdates'> {
  return { inUpdates: Math.floor(p.inPerS * sessionS) % TWO32, outUpdates: Math.floor(p.outPerS * sessionS) % TWO32 };
}

export function bgpPeerAt(p: SimBgpPeer, sec: number): BgpPeerNow {
  const s = Math.max(0, sec);
  const steady = (): BgpPeerNow => ({
    state: BGP_STATE.established,
    establishedTimeS: Math.floor(p.establishedS + s),
    transitions: p.transitions,
    lastError: NO_ERROR,
    ...counters(p, p.establishedS + s),
  });
  const f = p.flap;
  if (!f || s < f.firstAtS) return steady();
  const t = s - f.firstAtS;
  const cycle = Math.floor(t / f.periodS);
  const u = t - cycle * f.periodS;
  const downS = f.idleS + f.activeS;
  /** The length of the session that ended at the start of this cycle. */
  const lastSessionS = cycle === 0 ? p.establishedS + f.firstAtS : f.periodS - downS;
  if (u < downS) {
    return {
      state: u < f.idleS ? BGP_STATE.idle : BGP_STATE.active,
      establishedTimeS: Math.floor(u),
      transitions: p.transitions + cycle,
      lastError: HOLD_TIMER_EXPIRED,
      ...counters(p, lastSessionS),
    };
  }
  return {
    state: BGP_STATE.established,
    establishedTimeS: Math.floor(u - downS),
    transitions: p.transitions + cycle + 1,
    lastError: HOLD_TIMER_EXPIRED,
    ...counters(p, u - downS),
  };
}

/** Values that follow time, by exact OID: each function gets the seconds since the start. */
export type DynamicValues = ReadonlyMap<string, (sec: number) => Varbind['value']>;

export function dynamicLive(base: LiveModel, values: DynamicValues): LiveModel {
  return {
    profile: base.profile,
    valueOf(vb, elapsedMs) {
      const f = values.get(vb.oid);
      return f ? { ...vb, value: f(Math.max(0, elapsedMs) / 1000) } : base.valueOf(vb, elapsedMs);
    },
  };
}

/** A smooth value around `mean`, ±`swing`, with a period of `periodS` seconds. */
export function wave(mean: number, swing: number, periodS: number, phase = 0): (sec: number) => number {
  return (sec) => Math.round(mean + swing * Math.sin((2 * Math.PI * sec) / periodS + phase));
}
