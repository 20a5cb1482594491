/**
 * Helpers of the store contract suite: deterministic data, the expected downsampling computed
 * in plain TypeScript from the written samples, and a coded-rejection assertion.
 */
import { expect } from 'chai';
import { isVigieError, type ErrorCode, type Severity } from '../../../plugins/sdk/index.js';
import type { EventFilter, Sample, SeriesPoint, StoredEvent } from '../../../core/store/port.js';
import type { TopologySnapshot } from '../../../core/topology/types.js';

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
import { prng as rng } from '../../../plugins/sdk/testkit/live.js';
export { rng };

/** A recent hour boundary two hours ago: recent enough that no adapter's default retention drops it. */
export function baseTime(): number {
  const hour = 3_600_000;
  return Math.floor(Date.now() / hour) * hour - 2 * hour;
}

/** `count` samples of (entity, metric) at integer ms in [from, from + spanMs), random values. */
export function makeSamples(entity: string, metric: string, from: number, spanMs: number, count: number, seed: number): Sample[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => ({
    entity, metric, at: from + Math.floor(r() * spanMs), value: Math.round((r() * 2000 - 500) * 1000) / 1000,
  }));
}

/** The downsampling the contract promises, computed from the raw samples. */
export function expectedSeries(samples: readonly Sample[], entity: string, metric: string, from: number, to: number, step: number): SeriesPoint[] {
  const buckets = new Map<number, { sum: number; min: number; max: number; count: number }>();
  for (const s of samples) {
    if (s.entity !== entity || s.metric !== metric || s.at < from || s.at >= to) continue;
    const t = Math.floor(s.at / step) * step;
    const b = buckets.get(t);
    if (!b) buckets.set(t, { sum: s.value, min: s.value, max: s.value, count: 1 });
    else {
      b.sum += s.value; b.count++;
      b.min = Math.min(b.min, s.value); b.max = Math.max(b.max, s.value);
    }
  }
  return [...buckets.entries()].sort((x, y) => x[0] - y[0])
    .map(([t, b]) => ({ t, avg: b.sum / b.count, min: b.min, max: b.max, count: b.count }));
}

/** Same buckets, counts, min and max; averages equal up to float rounding. */
export function expectSeriesEqual(actual: SeriesPoint[], expected: SeriesPoint[]): void {
  expect(actual.map((p) => p.t), 'bucket starts').to.deep.equal(expected.map((p) => p.t));
  expect(actual.map((p) => p.count), 'counts').to.deep.equal(expected.map((p) => p.count));
  expect(actual.map((p) => p.min), 'minimums').to.deep.equal(expected.map((p) => p.min));
  expect(actual.map((p) => p.max), 'maximums').to.deep.equal(expected.map((p) => p.max));
  actual.forEach((p, i) => {
    const want = (expected[i] as SeriesPoint).avg;
    expect(p.avg, `average of bucket ${p.t}`).to.be.closeTo(want, 1e-9 * Math.max(1, Math.abs(want)));
  });
}

const SEVERITY_ORDER: Severity[] = ['info', 'warning', 'minor', 'major', 'critical'];
export const EVENT_ENTITIES = ['node:sw1', 'port:sw1/Gi1/0/1', 'port:sw1/Gi1/0/2', 'port:sw10/Gi1/0/1', 'trunk:carrier-a'];
const TYPES = ['linkDown', 'linkUp', 'reboot'];

/** `count` events at distinct times `base + i * 1000`, returned shuffled (so order must come from `at`). */
export function makeEvents(base: number, count: number, seed: number): StoredEvent[] {
  const r = rng(seed);
  const events: StoredEvent[] = Array.from({ length: count }, (_, i) => ({
    id: `ev-${seed}-${i}`,
    at: base + i * 1000,
    entity: EVENT_ENTITIES[Math.floor(r() * EVENT_ENTITIES.length)] as string,
    type: TYPES[Math.floor(r() * TYPES.length)] as string,
    severity: SEVERITY_ORDER[Math.floor(r() * SEVERITY_ORDER.length)] as Severity,
    message: `event ${i}`,
  }));
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [events[i], events[j]] = [events[j] as StoredEvent, events[i] as StoredEvent];
  }
  return events;
}

/** What an event query must return, computed from the written events. */
export function expectedEvents(events: readonly StoredEvent[], f: EventFilter): StoredEvent[] {
  const minRank = f.severity === undefined ? 0 : SEVERITY_ORDER.indexOf(f.severity);
  return events
    .filter((e) => (f.entity === undefined || e.entity === f.entity)
      && (!f.entityPrefix || e.entity.startsWith(f.entityPrefix))
      && (f.type === undefined || e.type === f.type)
      && SEVERITY_ORDER.indexOf(e.severity) >= minRank
      && (f.from === undefined || e.at >= f.from)
      && (f.to === undefined || e.at <= f.to))
    .sort((a, b) => b.at - a.at)
    .slice(0, Math.min(f.limit ?? 100, 10_000));
}

export function sampleTopology(seq: number): TopologySnapshot {
  return {
    seq,
    nodes: [
      { id: 'node:sw1', name: 'sw1', kind: 'switch', state: 'up', site: 'paris', address: '127.0.0.1', since: 1_700_000_000_000, attrs: { model: 'C9300', ports: 48 } },
      { id: 'node:r1', name: 'r1', kind: 'router', state: seq % 2 ? 'down' : 'up', attrs: {} },
    ],
    ports: [{ id: 'port:sw1/Gi1/0/1', node: 'node:sw1', name: 'Gi1/0/1', state: 'up', rates: { 'if.in.bps': 1234.5, 'if.util.pct': 0.7 }, attrs: { speed: 1e9 } }],
    links: [{
      id: 'link:node:r1--port:sw1/Gi1/0/1', a: { node: 'node:sw1', port: 'port:sw1/Gi1/0/1' }, b: { node: 'node:r1' },
      state: 'up', origin: 'lldp', rates: {}, attrs: { nested: { list: [1, 'two', null, true] } },
    }],
  };
}

/** Awaits a promise that must reject with a `VigieError` of `code`; returns the error. */
export async function expectRejects(promise: Promise<unknown>, code: ErrorCode, what: string): Promise<Error> {
  let outcome: unknown;
  try {
    await promise;
  } catch (e) {
    outcome = e;
  }
  expect(outcome, `${what} should reject`).to.be.instanceOf(Error);
  expect(isVigieError(outcome, code), `${what} should reject with ${code}, got ${String(outcome)}`).to.equal(true);
  return outcome as Error;
}
