/**
 * Virtual time for tests: an RxJS `VirtualTimeScheduler` whose `now()` is an epoch time
 * (`startAt + frame`), so probes stamp observations with plausible dates, and which can be
 * advanced step by step instead of only flushed to the end.
 */
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

/** 2026-01-01T00:00:00Z. */
export const DEFAULT_START_AT = Date.UTC(2026, 0, 1);

export class VirtualClock extends VirtualTimeScheduler {
  /** Epoch ms at frame 0. */
  readonly startAt: number;

  constructor(startAt: number = DEFAULT_START_AT) {
    super(VirtualAction, Infinity);
    this.startAt = startAt;
    // `now` is an instance property of rxjs' Scheduler, so it is assigned rather than overridden.
    this.now = () => this.startAt + this.frame;
  }

  /**
   * Runs, in time order, every action due up to `now() + ms` (including those they schedule
   * within that window), then leaves the clock at exactly `now() + ms`. `advance(0)` runs what
   * is due now. An error thrown by an action propagates (and the queue is cleared, as rxjs does).
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`VirtualClock.advance: ms must be >= 0, got ${ms}`);
    const target = this.frame + ms;
    const saved = this.maxFrames;
    this.maxFrames = target;
    try {
      this.flush();
    } finally {
      this.maxFrames = saved;
    }
    this.frame = Math.max(this.frame, target);
  }
}
