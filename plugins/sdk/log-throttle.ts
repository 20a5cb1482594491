/**
 * Rate-limited warnings for bad input, for listeners (trap receiver, HEP collector, RTCP-XR
 * endpoint), with time passed in (the probe's scheduler clock).
 *
 * Contract: `allow(key, now)` is true at most once per `windowMs` for a key (a fixed reason such
 * as `auth-key`, never packet content) and counts the occurrences it suppressed in between;
 * `take(key)` reads and resets that count, so the next line can say how many were suppressed. A
 * flood of bad datagrams thus gives one line per reason per window, not one per datagram. At most
 * `maxKeys` keys are remembered: expired ones are forgotten first (`sweep(now)`), and past the cap
 * a new key is not logged.
 */
export class LogThrottle {
  private readonly lastAt = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly maxKeys = 1_000,
  ) {}

  /** True when `key` may be logged now; otherwise counts one suppressed occurrence. */
  allow(key: string, now: number): boolean {
    const last = this.lastAt.get(key);
    if (last !== undefined && now - last < this.windowMs) {
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      return false;
    }
    if (last === undefined && this.lastAt.size >= this.maxKeys) this.sweep(now);
    if (last === undefined && this.lastAt.size >= this.maxKeys) return false;
    this.lastAt.set(key, now);
    return true;
  }

  /** Occurrences suppressed since the key was last allowed; resets the count. */
  take(key: string): number {
    const n = this.suppressed.get(key) ?? 0;
    this.suppressed.delete(key);
    return n;
  }

  /** Forgets keys whose window has passed. */
  sweep(now: number): void {
    for (const [key, at] of this.lastAt) {
      if (now - at >= this.windowMs) {
        this.lastAt.delete(key);
        this.suppressed.delete(key);
      }
    }
  }
}
