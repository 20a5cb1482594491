/**
 * Test helper: feeds hand-built SIP texts, as a capture agent would mirror them, through a
 * `CallTracker` and a `KpiWindow`, with one clock for wire and scheduler time, and reads the
 * flushed metrics per trunk.
 */
import { expect } from 'chai';
import type { MetricObservation } from '../../../../plugins/sdk/index.js';
import { CallTracker, type CallTrackerOptions, type TrackerEvent } from '../../../../probes/sip/calls/call-tracker.js';
import { KpiWindow } from '../../../../probes/sip/calls/kpi-window.js';
import { parseObservedSip } from '../../../../probes/sip/calls/sip-observed.js';
import { TrunkMap, type TrunkRule } from '../../../../probes/sip/calls/trunk-map.js';

export const T0 = Date.UTC(2026, 0, 1, 12);

function endpoint(s: string): { address: string; port: number } {
  const i = s.lastIndexOf(':');
  return { address: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
}

export class CallScenario {
  now = T0;
  readonly tracker: CallTracker;
  readonly kpis: KpiWindow;
  readonly events: TrackerEvent[] = [];

  constructor(trunks: TrunkRule[], opts: Partial<CallTrackerOptions> = {}) {
    const map = TrunkMap.compile(trunks);
    this.tracker = new CallTracker(map, { setupTimeoutMs: 180_000, maxCallDurationMs: 4 * 3600_000, maxCalls: 1000, ...opts });
    this.kpis = new KpiWindow(map.names);
  }

  /** One mirrored message from `src` to `dst` (`ip:port`) at the current time. */
  send(text: string, src: string, dst: string): this {
    const parsed = parseObservedSip(text);
    if (!parsed.ok) throw new Error(`test SIP text does not parse: ${parsed.reason}`);
    this.feed(this.tracker.observe({ msg: parsed.msg, at: this.now, src: endpoint(src), dst: endpoint(dst) }, this.now));
    return this;
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  sweep(): this {
    this.feed(this.tracker.sweep(this.now));
    return this;
  }

  /** Flushes the window: metric values by trunk, then by metric name. */
  flush(): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    for (const m of this.kpis.flush(this.now, this.tracker.concurrent()) as MetricObservation[]) {
      const trunk = m.entity.replace(/^trunk:/, '');
      if (!out.has(trunk)) out.set(trunk, new Map());
      out.get(trunk)!.set(m.name, m.value);
    }
    return out;
  }

  ended(): TrackerEvent['call'][] {
    return this.events.filter((e) => e.type === 'end').map((e) => e.call);
  }

  private feed(events: TrackerEvent[]): void {
    for (const e of events) {
      this.events.push(e);
      if (e.type === 'setup') this.kpis.setup(e.call);
      else this.kpis.ended(e.call);
    }
  }
}

/** The metrics of one trunk from a flush, failing clearly when the trunk emitted nothing. */
export function metricsOf(flush: Map<string, Map<string, number>>, trunk: string): Map<string, number> {
  const m = flush.get(trunk);
  expect(m, `metrics of trunk ${trunk}`).to.not.equal(undefined);
  return m!;
}
