/**
 * The observation bus: merges every instance's stream into one bounded queue, drained in chunks
 * on the scheduler, and routes each observation by kind to its sink.
 *
 * Memory is bounded: the queue holds at most `bufferLimit` observations; past it, metrics are
 * dropped (and counted); states, events and topology facts are kept up to twice the limit,
 * then dropped and counted too. Producers are never blocked, so a flood from one probe cannot
 * stall the others' emission; it can only lose its own metrics, visibly.
 */
import { type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { BoundedQueue } from '../util/bounded-queue.js';
import type {
  EventObservation, MetricObservation, Observation, ObservationKind, StateObservation, TopologyObservation,
} from '../../plugins/sdk/index.js';

export interface BusSinks {
  metric(o: MetricObservation): void;
  state(o: StateObservation): void;
  event(o: EventObservation): void;
  topology(o: TopologyObservation): void;
}

export interface BusOptions {
  bufferLimit: number;
  scheduler: SchedulerLike;
  /** Observations routed per scheduler tick (default 2000). */
  drainChunk?: number;
  onDrop?(kind: ObservationKind): void;
  onRouted?(kind: ObservationKind): void;
  /** Called when a sink throws: the observation is lost but the bus keeps going. */
  onSinkError?(err: unknown, o: Observation): void;
}

export interface BusStats {
  queued: number;
  routed: number;
  dropped: Record<ObservationKind, number>;
}

export class ObservationBus {
  private readonly queue: BoundedQueue<Observation>;
  private scheduled?: Subscription;
  private readonly stats_: BusStats = { queued: 0, routed: 0, dropped: { metric: 0, state: 0, event: 0, topology: 0 } };

  constructor(private readonly opts: BusOptions, private readonly sinks: BusSinks) {
    this.queue = new BoundedQueue(opts.bufferLimit * 2);
  }

  /** Subscribes to a stream and enqueues what it emits; unsubscribe the result to detach. */
  attach(source$: Observable<Observation>): Subscription {
    return source$.subscribe({ next: (o) => this.push(o) });
  }

  push(o: Observation): void {
    if (!this.queue.offer(o, o.kind === 'metric' ? this.opts.bufferLimit : this.queue.capacity)) {
      this.stats_.dropped[o.kind] += 1;
      this.opts.onDrop?.(o.kind);
      return;
    }
    if (!this.scheduled) this.scheduled = this.opts.scheduler.schedule(() => this.tick(), 0);
  }

  /** Routes everything queued now, synchronously (used at shutdown and by tests). */
  drain(): void {
    this.scheduled?.unsubscribe();
    this.scheduled = undefined;
    while (this.queue.length > 0) this.routeChunk(Number.MAX_SAFE_INTEGER);
  }

  stats(): BusStats {
    return { ...this.stats_, queued: this.queue.length, dropped: { ...this.stats_.dropped } };
  }

  private tick(): void {
    this.scheduled = undefined;
    this.routeChunk(this.opts.drainChunk ?? 2000);
    if (this.queue.length > 0) this.scheduled = this.opts.scheduler.schedule(() => this.tick(), 0);
  }

  private routeChunk(max: number): void {
    for (const o of this.queue.take(max)) {
      try {
        this.route(o);
        this.stats_.routed += 1;
        this.opts.onRouted?.(o.kind);
      } catch (err) {
        this.opts.onSinkError?.(err, o);
      }
    }
  }

  private route(o: Observation): void {
    switch (o.kind) {
      case 'metric': return this.sinks.metric(o);
      case 'state': return this.sinks.state(o);
      case 'event': return this.sinks.event(o);
      case 'topology': return this.sinks.topology(o);
    }
  }
}
