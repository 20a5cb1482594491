/**
 * The daemon's batched writer in front of any `Store`.
 *
 * Contract:
 * - `pushSample`/`pushEvent` never block and never throw: items go into two bounded queues
 *   (`maxQueued` each); when a queue is full its oldest item is dropped and counted;
 * - queued items are written every `flushIntervalMs` on the given RxJS scheduler (virtual time in
 *   tests), or as soon as `batchSize` items are queued, in batches of at most `batchSize`, one
 *   write at a time, oldest first;
 * - a failed write puts its batch back at the front and is retried on the next tick (nothing is
 *   lost unless the queue limit forces drops); failures are logged at most once per `logEveryMs`;
 * - an invalid item (non-finite time or value, unknown severity, event data that is not JSON)
 *   is dropped at push time, counted, so it can never poison a batch;
 * - events get an id at push time when they have none, so a retried batch is idempotent;
 * - `flush()` writes everything queued and rejects with the store's error if a write fails
 *   (the items stay queued); `close()` stops automatic writes (an explicit `flush()` still works).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { asyncScheduler, interval, type SchedulerLike, type Subscription } from 'rxjs';
import type { Logger } from 'pino';
import type { Sample, Store, StoredEvent } from './port.js';
import { BoundedQueue } from '../util/bounded-queue.js';
import { checkEvents, checkSamples } from './validate.js';

export interface StoreWriterOptions {
  /** Timer scheduler (default `asyncScheduler`); also the clock of the log rate limit. */
  scheduler?: SchedulerLike;
  /** Default 1000 ms. */
  flushIntervalMs?: number;
  /** Largest batch handed to the store, and the queue length that triggers an early write. Default 5000. */
  batchSize?: number;
  /** Limit of each queue (samples, events). Default 100,000. */
  maxQueued?: number;
  log?: Logger;
  /** At most one failure/drop log line per this many ms (default 60,000). */
  logEveryMs?: number;
  /** Called with the duration, in seconds, of each successful store write. */
  onWriteLatency?: (seconds: number) => void;
  /** Clock for latency, ms (default `performance.now`). */
  clock?: () => number;
}

export interface StoreWriterStats {
  queuedSamples: number;
  queuedEvents: number;
  /** Dropped because a queue was full, or invalid at push time. */
  droppedSamples: number;
  droppedEvents: number;
  /** Samples plus events written successfully. */
  written: number;
  /** Failed store writes (each is retried). */
  failures: number;
}

export class StoreWriter {
  private readonly samples: BoundedQueue<Sample>;
  private readonly events: BoundedQueue<StoredEvent>;
  private readonly scheduler: SchedulerLike;
  private readonly batchSize: number;
  private readonly logEveryMs: number;
  private readonly clock: () => number;
  private readonly timer: Subscription;
  private invalidSamples = 0;
  private invalidEvents = 0;
  private written = 0;
  private failures = 0;
  /** Set by a failed write, cleared by the next tick: no early writes while the store is failing. */
  private failing = false;
  private closed = false;
  private inFlight: Promise<unknown> | undefined;
  private readonly lastLog = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly store: Store, private readonly options: StoreWriterOptions = {}) {
    const maxQueued = options.maxQueued ?? 100_000;
    this.samples = new BoundedQueue(maxQueued);
    this.events = new BoundedQueue(maxQueued);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.batchSize = Math.max(1, options.batchSize ?? 5000);
    this.logEveryMs = options.logEveryMs ?? 60_000;
    this.clock = options.clock ?? (() => performance.now());
    this.timer = interval(options.flushIntervalMs ?? 1000, this.scheduler).subscribe(() => this.tick());
  }

  pushSample(sample: Sample): void {
    try {
      checkSamples([sample]);
    } catch (err) {
      this.invalidSamples++;
      this.warn('invalid-sample', { err }, 'store writer: invalid sample dropped');
      return;
    }
    const before = this.samples.dropped;
    this.samples.push(sample);
    if (this.samples.dropped > before) this.warnDrops();
    this.maybeWriteEarly(this.samples.length);
  }

  pushEvent(event: StoredEvent): void {
    try {
      checkEvents([event]);
      if (event.data !== undefined) JSON.stringify(event.data);
    } catch (err) {
      this.invalidEvents++;
      this.warn('invalid-event', { err }, 'store writer: invalid event dropped');
      return;
    }
    const before = this.events.dropped;
    this.events.push(event.id === undefined ? { ...event, id: randomUUID() } : event);
    if (this.events.dropped > before) this.warnDrops();
    this.maybeWriteEarly(this.events.length);
  }

  /** Writes everything queued (waiting for a write in progress first); rejects if a write fails. */
  async flush(): Promise<void> {
    while (this.samples.length > 0 || this.events.length > 0 || this.inFlight) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      const error = await this.writeAll();
      if (error !== undefined) throw error;
    }
  }

  stats(): StoreWriterStats {
    return {
      queuedSamples: this.samples.length,
      queuedEvents: this.events.length,
      droppedSamples: this.samples.dropped + this.invalidSamples,
      droppedEvents: this.events.dropped + this.invalidEvents,
      written: this.written,
      failures: this.failures,
    };
  }

  /** Stops the timer and early writes; queued items stay until `flush()`. Idempotent. */
  close(): void {
    this.closed = true;
    this.timer.unsubscribe();
  }

  private tick(): void {
    this.failing = false;
    if (!this.inFlight && (this.samples.length > 0 || this.events.length > 0)) void this.writeAll();
  }

  private maybeWriteEarly(queued: number): void {
    if (queued >= this.batchSize && !this.failing && !this.closed && !this.inFlight) void this.writeAll();
  }

  /** Starts (or joins) the write loop; resolves to the error that stopped it, if any. Never rejects. */
  private writeAll(): Promise<unknown> {
    if (!this.inFlight) {
      this.inFlight = this.writeLoop().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async writeLoop(): Promise<unknown> {
    while (this.samples.length > 0 || this.events.length > 0) {
      const sampleError = await this.writeBatch('samples', this.samples, (b) => this.store.writeSamples(b));
      if (sampleError !== undefined) return sampleError;
      const eventError = await this.writeBatch('events', this.events, (b) => this.store.writeEvents(b));
      if (eventError !== undefined) return eventError;
    }
    return undefined;
  }

  private async writeBatch<T>(kind: string, queue: BoundedQueue<T>, write: (batch: T[]) => Promise<void>): Promise<unknown> {
    if (queue.length === 0) return undefined;
    const batch = queue.take(this.batchSize);
    const started = this.clock();
    try {
      await write(batch);
    } catch (err) {
      queue.giveBack(batch);
      this.failures++;
      this.failing = true;
      this.warn('write-failed', { err, kind, batch: batch.length, ...this.stats() }, 'store writer: write failed, will retry');
      return err ?? new Error('store write failed');
    }
    this.written += batch.length;
    this.options.onWriteLatency?.((this.clock() - started) / 1000);
    if (this.lastLog.has('write-failed')) {
      this.lastLog.delete('write-failed');
      this.options.log?.info({ ...this.stats() }, 'store writer: writes recovered');
    }
    return undefined;
  }

  private warnDrops(): void {
    this.warn('dropped', { ...this.stats() }, 'store writer: queue full, oldest items dropped');
  }

  /** Logs at most once per `logEveryMs` per key, reporting how many lines were suppressed. */
  private warn(key: string, fields: Record<string, unknown>, message: string): void {
    const log = this.options.log;
    const now = this.scheduler.now();
    const last = this.lastLog.get(key);
    if (last && now - last.at < this.logEveryMs) {
      last.suppressed++;
      return;
    }
    this.lastLog.set(key, { at: now, suppressed: 0 });
    log?.warn({ ...fields, suppressed: last?.suppressed ?? 0 }, message);
  }
}
