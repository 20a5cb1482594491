/**
 * Correlation, first version: raw states → confirmed states (per-entity hysteresis, configurable
 * per probe) → `state-change` events and the topology's state; events de-duplicated within a
 * window. Incidents, dependencies, flapping and maintenance plug in around `EntityStateMachine`
 * transitions in a later version.
 *
 * Contract: `observe` is synchronous; every confirmed transition calls `sink.setState` once and
 * `sink.event` once with a `state-change` event; a repeated event (same entity, type and
 * message within `dedupWindowMs`) is not passed on but counted.
 */
import type { EntityId, EntityState, EventObservation, Severity, StateObservation } from '../../plugins/sdk/index.js';
import { EntityStateMachine, type Hysteresis, type Transition } from './state-machine.js';

export interface CorrelatorSink {
  setState(entity: EntityId, state: EntityState, at: number): void;
  event(e: EventObservation): void;
}

export interface CorrelatorOptions {
  defaults: Hysteresis;
  /** Per-source thresholds (`<kind>/<name>` → hysteresis), from each probe's config. */
  perSource?: Record<string, Hysteresis>;
  /** Default 60 s. */
  dedupWindowMs?: number;
  onSuppressed?(e: EventObservation): void;
}

const SEVERITY_OF: Record<string, Severity> = { down: 'major', degraded: 'warning', unknown: 'minor', up: 'info' };
const DEDUP_MAX_KEYS = 50_000;

export class Correlator {
  private readonly machines = new Map<EntityId, EntityStateMachine>();
  private readonly lastEvent = new Map<string, number>();

  constructor(private readonly opts: CorrelatorOptions, private readonly sink: CorrelatorSink) {}

  stateOf(entity: EntityId): EntityState {
    return this.machines.get(entity)?.state ?? 'unknown';
  }

  observe(o: StateObservation): Transition | undefined {
    const h = (o.source && this.opts.perSource?.[o.source]) || this.opts.defaults;
    let m = this.machines.get(o.entity);
    if (!m) {
      m = new EntityStateMachine(h);
      this.machines.set(o.entity, m);
    }
    const t = m.feed(o.state, o.reason);
    if (!t) return undefined;
    this.sink.setState(o.entity, t.to, o.at);
    this.event({
      kind: 'event', at: o.at, entity: o.entity, source: o.source, type: 'state-change', severity: SEVERITY_OF[t.to] ?? 'info',
      message: `${o.entity} is ${t.to} (was ${t.from})${t.reason ? `: ${t.reason}` : ''}`,
      data: { from: t.from, to: t.to, confirmedAfter: t.count, reason: t.reason },
    });
    return t;
  }

  /** Passes an event on unless the same one was passed within the de-duplication window. */
  event(e: EventObservation): void {
    const window = this.opts.dedupWindowMs ?? 60_000;
    const key = `${e.entity}\u0000${e.type}\u0000${e.message}`;
    const last = this.lastEvent.get(key);
    if (last !== undefined && e.at - last < window && e.type !== 'state-change') {
      this.opts.onSuppressed?.(e);
      return;
    }
    if (this.lastEvent.size >= DEDUP_MAX_KEYS) this.evictOlderThan(e.at - window);
    this.lastEvent.set(key, e.at);
    this.sink.event(e);
  }

  private evictOlderThan(t: number): void {
    for (const [k, at] of this.lastEvent) if (at < t) this.lastEvent.delete(k);
    if (this.lastEvent.size >= DEDUP_MAX_KEYS) this.lastEvent.clear();
  }
}
