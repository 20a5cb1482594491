/**
 * Rate-limited logging of bad input: at most one line per key (a fixed reason such as
 * `auth-key` or `sip-unparsable`, never packet content) per window, the next line saying how
 * many were suppressed meanwhile. Keys come from a small fixed set, so memory stays bounded.
 */
export class LogThrottle {
  private readonly lastAt = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(private readonly windowMs = 60_000) {}

  /**
   * Calls `log(suppressedBefore)` when `key` was not logged within the window before `now`
   * (scheduler time); otherwise counts the occurrence as suppressed.
   */
  run(key: string, now: number, log: (suppressedBefore: number) => void): void {
    const last = this.lastAt.get(key);
    if (last !== undefined && now - last < this.windowMs) {
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      return;
    }
    this.lastAt.set(key, now);
    const n = this.suppressed.get(key) ?? 0;
    this.suppressed.delete(key);
    log(n);
  }
}
