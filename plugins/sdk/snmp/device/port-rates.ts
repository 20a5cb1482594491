/**
 * Per-port rates from IF-MIB counters, through the SDK's `CounterRate` (one per port, counter
 * and width).
 *
 * Contract of `PortRates.update(c, at, ctx)`: returns the metrics of the port that have a rate
 * this time, by metric name:
 * - `if.in.bps`, `if.out.bps`: octets × 8 per second;
 * - `if.in.pps`, `if.out.pps`: unicast + multicast + broadcast packets per second (HC
 *   counters), or unicast + non-unicast (32-bit ifTable); missing parts count as none, but no
 *   unicast rate means no pps;
 * - `if.in.errors`, `if.out.errors`, `if.in.discards`, `if.out.discards`: per second;
 * - `if.in.util_pct`, `if.out.util_pct`: bps / speed × 100, when the speed is known and not 0.
 * No rate on the first sample, after a reboot (`ctx.uptimeTicks` went back: pass the unwrapped
 * uptime), after a change of the port's ifCounterDiscontinuityTime, after a counter changed
 * width (HC appeared or vanished), or when a backwards step is implausible as a wrap (above
 * 1.5 × line rate when the speed is known). 32- and 64-bit wraps give the true rate.
 */
import { CounterRate } from '../../rate.js';
import type { CounterName, PortCounters } from './interfaces.js';

export type PortMetric =
  | 'if.in.bps' | 'if.out.bps' | 'if.in.pps' | 'if.out.pps' | 'if.in.errors' | 'if.out.errors'
  | 'if.in.discards' | 'if.out.discards' | 'if.in.util_pct' | 'if.out.util_pct';

/** The order metrics are emitted in. */
export const PORT_METRICS: readonly PortMetric[] = [
  'if.in.bps', 'if.out.bps', 'if.in.pps', 'if.out.pps', 'if.in.errors', 'if.out.errors',
  'if.in.discards', 'if.out.discards', 'if.in.util_pct', 'if.out.util_pct',
];

export interface RateContext {
  /** Agent uptime in hundredths, unwrapped (keeps growing past 2^32). */
  uptimeTicks?: number;
  speedBps?: number;
}

/** Smallest Ethernet frame on the wire (64 bytes + preamble and gap), for the packet-rate bound. */
const MIN_FRAME_BITS = 84 * 8;

export class PortRates {
  private readonly series = new Map<string, { bits: 32 | 64; max?: number; rate: CounterRate }>();

  update(c: PortCounters, at: number, ctx: RateContext = {}): Partial<Record<PortMetric, number>> {
    const speed = ctx.speedBps && ctx.speedBps > 0 ? ctx.speedBps : undefined;
    const rate = (name: CounterName, maxPerSec?: number): number | undefined => {
      const v = c.counters[name];
      if (!v) return undefined;
      const key = `${c.ifIndex}/${name}`;
      let s = this.series.get(key);
      // A new width or speed starts a new series (the bound on a plausible wrap depends on the speed).
      if (!s || s.bits !== v.bits || s.max !== maxPerSec) {
        this.series.set(key, (s = { bits: v.bits, max: maxPerSec, rate: new CounterRate({ bits: v.bits, maxRate: maxPerSec }) }));
      }
      return s.rate.update({ value: v.value, at, uptime: ctx.uptimeTicks, discontinuity: c.discontinuity });
    };
    const octetMax = speed ? (speed / 8) * 1.5 : undefined;
    const pktMax = speed ? (speed / MIN_FRAME_BITS) * 1.5 : undefined;
    const out: Partial<Record<PortMetric, number>> = {};
    const inOct = rate('inOctets', octetMax);
    const outOct = rate('outOctets', octetMax);
    const pps = (ucast: CounterName, others: CounterName[]): number | undefined => {
      const u = rate(ucast, pktMax);
      const rest = others.map((n) => rate(n, pktMax));
      return u === undefined ? undefined : rest.reduce<number>((sum, r) => sum + (r ?? 0), u);
    };
    const hcPkts = c.counters.inMcast !== undefined || c.counters.inBcast !== undefined;
    const inPps = pps('inUcast', hcPkts ? ['inMcast', 'inBcast'] : ['inNUcast']);
    const outPps = pps('outUcast', hcPkts ? ['outMcast', 'outBcast'] : ['outNUcast']);
    const set = (m: PortMetric, v: number | undefined): void => {
      if (v !== undefined && Number.isFinite(v)) out[m] = v;
    };
    set('if.in.bps', inOct === undefined ? undefined : inOct * 8);
    set('if.out.bps', outOct === undefined ? undefined : outOct * 8);
    set('if.in.pps', inPps);
    set('if.out.pps', outPps);
    set('if.in.errors', rate('inErrors', pktMax));
    set('if.out.errors', rate('outErrors', pktMax));
    set('if.in.discards', rate('inDiscards', pktMax));
    set('if.out.discards', rate('outDiscards', pktMax));
    if (speed) {
      set('if.in.util_pct', out['if.in.bps'] === undefined ? undefined : (out['if.in.bps'] / speed) * 100);
      set('if.out.util_pct', out['if.out.bps'] === undefined ? undefined : (out['if.out.bps'] / speed) * 100);
    }
    return out;
  }

  /** Forgets a port (it vanished, or its ifIndex was renumbered). */
  forget(ifIndex: number): void {
    for (const k of [...this.series.keys()]) if (k.startsWith(`${ifIndex}/`)) this.series.delete(k);
  }
}
