/**
 * Storm protection for the trap receiver, with time passed in (the probe's scheduler clock).
 *
 * `SourceRateLimiter.admit(source, now)` is a token bucket per source address: a bucket holds at
 * most `burst` tokens, refills at `perSecond` tokens a second, and each admitted datagram takes
 * one; with no token left the datagram is refused. It runs before any decoding, so a flood costs
 * a map lookup per datagram, not a BER parse or an SNMPv3 key derivation. At most `maxSources`
 * buckets are kept: `sweep(now)` forgets buckets that have refilled (an idle source is the same
 * as a new one), and a new source past the cap evicts the oldest bucket.
 *
 * `LogThrottle.allow(key, now)` is true at most once per `windowMs` for a key, and counts the
 * occurrences it suppressed in between (`take(key)` reads and resets them), so a storm of bad
 * input gives one warning a minute, not one per datagram.
 */

interface Bucket {
  tokens: number;
  last: number;
}

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxSources = 10_000,
  ) {}

  admit(source: string, now: number): boolean {
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) {
        this.sweep(now);
        if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value as string);
      }
      b = { tokens: this.burst, last: now };
      this.buckets.set(source, b);
    } else if (now > b.last) {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.last) * this.perSecond) / 1000);
      b.last = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets the buckets that are full again by `now`. */
  sweep(now: number): void {
    for (const [source, b] of this.buckets) {
      if (b.tokens + ((now - b.last) * this.perSecond) / 1000 >= this.burst) this.buckets.delete(source);
    }
  }

  get sources(): number {
    return this.buckets.size;
  }
}

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
