/**
 * Phased ticks: a polling schedule for probes that poll many instances (thousands of SIP trunks,
 * switches...) without every instance waking the event loop on its own.
 *
 * Why: `timer(0, intervalMs)` per instance puts each instance at whatever phase it happened to
 * start at, and every send is its own timer wake-up. Like Zabbix, which derives each item's check
 * time from a hash of its id, `phasedTicks` gives each instance a fixed phase from a stable hash of
 * its key, so instances are spread evenly over the interval, the same way on every restart and
 * every host. Phases are rounded down to slots (100 ms by default), so every instance of one slot
 * targets the same absolute millisecond and Node runs them in one timer wake-up (it runs every
 * timer due in one pass), rather than one wake-up per send.
 *
 * Contract of `phasedTicks({ key, intervalMs, scheduler, slotMs })` (a cold observable):
 * - emits 0 at once on subscribe (delay 0 on `scheduler`, as `timer(0, …)` does), so the state
 *   is known at start;
 * - then emits 1, 2, ... on the instance's grid: the times t (in `scheduler.now()` ms) with
 *   t ≡ `phaseOf(key, intervalMs, slotMs)` (mod `intervalMs`);
 * - tick 1 is the first grid point strictly more than `intervalMs / 2` after tick 0, so that gap
 *   is in (intervalMs/2, 3·intervalMs/2] (never a second check right after the first);
 * - each later tick is the grid point strictly after both the current `scheduler.now()` and the
 *   previous target (`nextGridPoint`), computed afresh at each tick: no drift; a tick that runs
 *   late skips the grid points it missed (no catch-up burst), one that runs early is not doubled;
 * - an `intervalMs` that is not a finite number ≥ 1 ends it with `VigieError('E_CONFIG')`;
 * - unsubscribing cancels the pending tick. It never completes.
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { VigieError } from './errors.js';

/** Default width of a phase slot, in ms. */
export const DEFAULT_PHASE_SLOT_MS = 100;

export interface PhasedTicksOptions {
  /** Stable identity of the instance (e.g. `ctx.id`): same key, same phase. */
  key: string;
  /** The polling interval, ms (finite, ≥ 1). */
  intervalMs: number;
  /** The scheduler ticks are timed on (`ctx.scheduler`). */
  scheduler: SchedulerLike;
  /** Phase resolution, ms (default 100); see `phaseOf` for the clamping. */
  slotMs?: number;
}

/**
 * 32-bit hash of `key`: FNV-1a over its UTF-8 bytes, then the MurmurHash3 finaliser (so that the
 * low bits, which the modulo keeps, depend on every byte). Stable across runs and hosts: changing
 * it moves every instance's phase.
 */
function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The phase of `key` in [0, intervalMs): `keyHash(key) mod ⌊intervalMs⌋`, rounded down to a
 * multiple of `slotMs`. Clamping: a `slotMs` that is not finite, ≤ 1, or ≥ `intervalMs` means no
 * slots (1 ms resolution), since a slot as wide as the interval would put every key at phase 0.
 * When `slotMs` does not divide the interval, the last slot is narrower (and holds fewer keys).
 * Throws a RangeError when `intervalMs` is not a finite number ≥ 1 (a programming error).
 */
export function phaseOf(key: string, intervalMs: number, slotMs: number = DEFAULT_PHASE_SLOT_MS): number {
  if (!Number.isFinite(intervalMs) || intervalMs < 1) throw new RangeError(`phaseOf: intervalMs must be a finite number >= 1, got ${intervalMs}`);
  const slot = Number.isFinite(slotMs) && slotMs > 1 && slotMs < intervalMs ? slotMs : 1;
  const raw = keyHash(key) % Math.floor(intervalMs);
  return Math.floor(raw / slot) * slot;
}

/**
 * The first grid point strictly after `now`: the smallest t > now with t ≡ phase (mod
 * intervalMs). `now` equal to a grid point gives the next one. Throws a RangeError when
 * `intervalMs` is not a finite number > 0.
 */
export function nextGridPoint(now: number, phase: number, intervalMs: number): number {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`nextGridPoint: intervalMs must be a finite number > 0, got ${intervalMs}`);
  const offset = (((now - phase) % intervalMs) + intervalMs) % intervalMs;
  return now - offset + intervalMs;
}

/** Ticks 0 (at once), then 1, 2, ... on the key's phase grid; see the contract above. */
export function phasedTicks(opts: PhasedTicksOptions): Observable<number> {
  const { key, intervalMs, scheduler, slotMs } = opts;
  return new Observable<number>((subscriber) => {
    if (!Number.isFinite(intervalMs) || intervalMs < 1) {
      subscriber.error(new VigieError('E_CONFIG', `phasedTicks: intervalMs must be a finite number >= 1 ms, got ${intervalMs}`, { key, intervalMs }));
      return undefined;
    }
    const phase = phaseOf(key, intervalMs, slotMs);
    let pending: Subscription | undefined;
    let n = 0;
    let target: number | undefined;
    const tick = (): void => {
      if (subscriber.closed) return;
      subscriber.next(n++);
      if (subscriber.closed) return; // unsubscribed from within next: schedule nothing more
      const now = scheduler.now();
      // Tick 1: more than half an interval after tick 0; later ticks: the next grid point after
      // both now (a late tick skips what it missed) and the previous target (an early one is not doubled).
      target = target === undefined ? nextGridPoint(now + intervalMs / 2, phase, intervalMs) : nextGridPoint(Math.max(now, target), phase, intervalMs);
      pending = scheduler.schedule(tick, target - now);
    };
    pending = scheduler.schedule(tick, 0);
    // Only the pending action is held (an executed one is dropped, not accumulated).
    return () => pending?.unsubscribe();
  });
}
