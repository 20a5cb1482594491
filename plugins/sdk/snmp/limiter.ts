/**
 * `ConcurrencyLimiter`: caps work in flight, in total and per key (an SNMP target).
 *
 * Contract of `run(key, work)`:
 * - `work()` is subscribed once a slot is free: fewer than `total` works run, and fewer than
 *   `perKey` of them share `key`; waiters start in arrival order, skipping those whose key is
 *   at its cap (so a slow target never blocks a waiter for another target behind it);
 * - the slot is held until the work completes, errors, or is unsubscribed; unsubscribing a
 *   waiter removes it from the queue without ever starting it;
 * - the returned observable is cold and mirrors the work's notifications.
 * Since each SNMP request ends at its own timeout, a slow agent delays others by at most that.
 */
import { Observable, defer, finalize, type Subscription } from 'rxjs';

interface Waiter {
  key: string;
  start(): void;
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly activeByKey = new Map<string, number>();
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(
    readonly total: number,
    readonly perKey: number = total,
  ) {
    if (!(total >= 1) || !(perKey >= 1)) throw new RangeError('concurrency limits must be at least 1');
  }

  /** Works running now. */
  get inFlight(): number {
    return this.active;
  }

  /** Works waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  run<T>(key: string, work: () => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let held = false;
      let inner: Subscription | undefined;
      const release = (): void => {
        if (!held) return;
        held = false;
        this.releaseSlot(key);
      };
      const waiter: Waiter = {
        key,
        start: () => {
          held = true;
          inner = defer(work).pipe(finalize(release)).subscribe(subscriber);
        },
      };
      this.queue.push(waiter);
      this.pump();
      return () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        inner?.unsubscribe();
        release();
      };
    });
  }

  private releaseSlot(key: string): void {
    this.active--;
    const n = (this.activeByKey.get(key) ?? 1) - 1;
    if (n > 0) this.activeByKey.set(key, n);
    else this.activeByKey.delete(key);
    this.pump();
  }

  private nextEligible(): Waiter | undefined {
    if (this.active >= this.total) return undefined;
    const i = this.queue.findIndex((w) => (this.activeByKey.get(w.key) ?? 0) < this.perKey);
    return i < 0 ? undefined : this.queue.splice(i, 1)[0];
  }

  /** Starts every waiter that may start; re-entrant calls (a work ending synchronously) fold into the loop. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let w = this.nextEligible(); w; w = this.nextEligible()) {
        this.active++;
        this.activeByKey.set(w.key, (this.activeByKey.get(w.key) ?? 0) + 1);
        w.start();
      }
    } finally {
      this.pumping = false;
    }
  }
}
