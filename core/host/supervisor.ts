/**
 * Runs one probe or service instance isolated from every other.
 *
 * Contract of `supervise(instance, opts)`: a cold observable of the instance's observations
 * (each tagged with `source`), plus the supervisor's own events on entity `probe:<id>`:
 * - `probe-failed` when the instance errors, completes, or throws while being created; it is then
 *   restarted after an exponential backoff (initial × 2^n, capped; reset after a run that lasted
 *   longer than the cap). The returned observable itself never errors.
 * - `probe-stalled` once when a probe (not a service) has emitted nothing for `stallIntervals`
 *   of its intervals, and `probe-recovered` when it speaks again.
 * All timing is on `opts.scheduler`.
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { EventObservation, Observation, Severity } from '../../plugins/sdk/index.js';

export interface SupervisedInstance {
  /** `<kind>/<name>` */
  id: string;
  /** Builds the instance's observable; may throw. */
  create: () => Observable<Observation>;
  /** For stall detection; services pass undefined (never stalled). */
  intervalMs?: number;
}

export interface SupervisorHooks {
  onRunning?(id: string, running: boolean): void;
  onRestart?(id: string, error: Error): void;
  onStalled?(id: string, stalled: boolean): void;
}

export interface SupervisorOptions {
  scheduler: SchedulerLike;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  stallIntervals?: number;
  hooks?: SupervisorHooks;
}

export function probeEntity(id: string): string {
  return `probe:${id}`;
}

export function supervise(instance: SupervisedInstance, opts: SupervisorOptions): Observable<Observation> {
  const { scheduler, initialBackoffMs = 1000, maxBackoffMs = 60_000, stallIntervals = 3, hooks = {} } = opts;
  return new Observable<Observation>((out) => {
    let inner: Subscription | undefined;
    let retry: Subscription | undefined;
    let failures = 0;
    let startedAt = 0;
    let lastSeen = scheduler.now();
    let stalled = false;
    let closed = false;

    const event = (type: string, severity: Severity, message: string, data: Record<string, unknown>): EventObservation => ({
      kind: 'event', at: scheduler.now(), entity: probeEntity(instance.id), source: instance.id, type, severity, message, data,
    });

    const fail = (raw: unknown): void => {
      if (closed) return;
      const err = raw instanceof Error ? raw : new Error(String(raw));
      inner?.unsubscribe();
      inner = undefined;
      if (scheduler.now() - startedAt > maxBackoffMs) failures = 0;
      const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** failures);
      failures += 1;
      hooks.onRunning?.(instance.id, false);
      hooks.onRestart?.(instance.id, err);
      out.next(event('probe-failed', 'major', `probe ${instance.id} failed: ${err.message}; restarting in ${delay} ms`, {
        error: err.message, code: (err as { code?: string }).code, attempt: failures, retryInMs: delay,
      }));
      retry = scheduler.schedule(() => {
        retry = undefined;
        start();
      }, delay);
    };

    const start = (): void => {
      if (closed) return;
      startedAt = scheduler.now();
      lastSeen = startedAt;
      let source$: Observable<Observation>;
      try {
        source$ = instance.create();
      } catch (e) {
        fail(e);
        return;
      }
      hooks.onRunning?.(instance.id, true);
      inner = source$.subscribe({
        next: (o) => {
          lastSeen = scheduler.now();
          if (stalled) {
            stalled = false;
            hooks.onStalled?.(instance.id, false);
            out.next(event('probe-recovered', 'info', `probe ${instance.id} reports again`, {}));
          }
          out.next(o.source ? o : { ...o, source: instance.id });
        },
        error: fail,
        complete: () => fail(new Error('the probe completed; probes must run until unsubscribed')),
      });
    };

    const stallCheck = instance.intervalMs
      ? scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
          const limit = stallIntervals * instance.intervalMs!;
          if (!stalled && inner && scheduler.now() - lastSeen >= limit) {
            stalled = true;
            hooks.onStalled?.(instance.id, true);
            out.next(event('probe-stalled', 'warning', `probe ${instance.id} has been silent for ${stallIntervals} intervals (${limit} ms)`, {
              silentForMs: scheduler.now() - lastSeen,
            }));
          }
          this.schedule(undefined, instance.intervalMs);
        }, instance.intervalMs)
      : undefined;

    start();
    return () => {
      closed = true;
      stallCheck?.unsubscribe();
      retry?.unsubscribe();
      inner?.unsubscribe();
      hooks.onRunning?.(instance.id, false);
    };
  });
}
