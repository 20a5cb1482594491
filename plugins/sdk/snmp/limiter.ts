/**
 * `ConcurrencyLimiter`: caps work in flight, in total and per key (an SNMP target).
 *
 * Contract of `run(key, work)`:
 * - `work()` is subscribed once a slot is free: fewer than `total` works run, and fewer than
 *   the key's cap (`perKey`, or the lower cap `restrict(key, n)` set) share `key`;
 * - keys take turns: when a slot frees, of the keys that have a waiter and are under their cap,
 *   the one served least recently starts its oldest waiter. So a target with a thousand queued
 *   requests (a huge switch) delays a target with one queued request by at most one turn, and a
 *   key at its cap never blocks a waiter of another key;
 * - the slot is held until the work completes, errors, or is unsubscribed; unsubscribing a
 *   waiter removes it from the queue without ever starting it;
 * - the returned observable is cold and mirrors the work's notifications.
 *
 * `acquire(key, start)` is the same without an observable (the SNMP client's per-request path):
 * `start(ticket)` is called once a slot is free (maybe at once, synchronously); the caller calls
 * `ticket.release()` once the work ends, or to leave the queue before it started. Same rules.
 *
 * `restrict(key, cap)` lowers one key's cap (the SNMP client restricts a target that timed out to
 * one request at a time, so a dead agent holds one slot, not `perKey`); `restrict(key)` lifts it.
 * Since each SNMP request ends at its own timeout, a slow agent delays others by at most that.
 */
import { Observable, defer, finalize, type Subscription } from 'rxjs';

/** One request for a slot (see `acquire`). */
export class Ticket {
  /** True while the ticket holds a slot. */
  held = false;
  private over = false;
  constructor(
    readonly key: string,
    private readonly limiter: ConcurrencyLimiter,
    private readonly onStart: (t: Ticket) => void,
  ) {}

  /** Frees the slot, or leaves the queue if the work has not started. Idempotent. */
  release(): void {
    if (this.over) return;
    this.over = true;
    if (this.held) {
      this.held = false;
      this.limiter.releaseSlot(this.key);
    } else this.limiter.dequeue(this);
  }

  /** Called by the limiter when the slot is granted (a released ticket is never queued). */
  start(): void {
    this.held = true;
    this.onStart(this);
  }
}

type Waiter = Ticket;

export class ConcurrencyLimiter {
  private active = 0;
  private queued = 0;
  private readonly activeByKey = new Map<string, number>();
  /** Waiters per key, oldest first; a key is present only while it has waiters. */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly caps = new Map<string, number>();
  /** Keys with waiters, in arrival order (ties of `servedAt` go to the earlier). */
  private readonly turn: string[] = [];
  /** When each key was last served (a counter); a key never served goes first. Forgotten with the key's last work. */
  private readonly servedAt = new Map<string, number>();
  private served = 0;
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
    return this.queued;
  }

  /** Lowers the cap of one key (at least 1), or lifts it when `cap` is undefined. */
  restrict(key: string, cap?: number): void {
    if (cap === undefined) {
      if (this.caps.delete(key)) this.pump();
      return;
    }
    this.caps.set(key, Math.max(1, Math.min(this.perKey, Math.floor(cap))));
  }

  /** The cap in force for a key. */
  capOf(key: string): number {
    return this.caps.get(key) ?? this.perKey;
  }

  run<T>(key: string, work: () => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      const ticket = this.acquire(key, (t) => {
        inner = defer(work)
          .pipe(finalize(() => t.release()))
          .subscribe(subscriber);
      });
      return () => {
        inner?.unsubscribe();
        ticket.release();
      };
    });
  }

  /** Queues `start` for a slot of `key` (see the module comment); release the ticket when done. */
  acquire(key: string, start: (t: Ticket) => void): Ticket {
    const t = new Ticket(key, this, start);
    this.enqueue(t);
    this.pump();
    return t;
  }

  private enqueue(w: Waiter): void {
    let q = this.queues.get(w.key);
    if (!q) {
      this.queues.set(w.key, (q = []));
      this.turn.push(w.key);
    }
    q.push(w);
    this.queued++;
  }

  /** Removes a waiter that has not started (no-op otherwise); for `Ticket.release`. */
  dequeue(w: Waiter): void {
    const q = this.queues.get(w.key);
    const i = q ? q.indexOf(w) : -1;
    if (!q || i < 0) return;
    q.splice(i, 1);
    this.queued--;
    if (q.length === 0) this.dropKey(w.key);
  }

  private dropKey(key: string): void {
    this.queues.delete(key);
    const i = this.turn.indexOf(key);
    if (i >= 0) this.turn.splice(i, 1);
  }

  /** Frees a slot of `key`; for `Ticket.release`. */
  releaseSlot(key: string): void {
    this.active--;
    const n = (this.activeByKey.get(key) ?? 1) - 1;
    if (n > 0) this.activeByKey.set(key, n);
    else {
      this.activeByKey.delete(key);
      if (!this.queues.has(key)) this.servedAt.delete(key);
    }
    this.pump();
  }

  /** The next waiter to start: of the keys under their cap, the one served least recently (new keys first). */
  private nextEligible(): Waiter | undefined {
    if (this.active >= this.total) return undefined;
    let best: string | undefined;
    let bestAt = Infinity;
    for (const key of this.turn) {
      if ((this.activeByKey.get(key) ?? 0) >= this.capOf(key)) continue;
      const at = this.servedAt.get(key) ?? -1;
      if (at < bestAt) [best, bestAt] = [key, at];
    }
    if (best === undefined) return undefined;
    const q = this.queues.get(best)!;
    const w = q.shift()!;
    this.queued--;
    if (q.length === 0) this.dropKey(best);
    this.servedAt.set(best, ++this.served);
    return w;
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
