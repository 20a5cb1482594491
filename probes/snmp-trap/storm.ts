/**
 * Storm protection for the trap receiver, with time passed in (the probe's scheduler clock).
 *
 * `SourceRateLimiter.admit(source, now)` is a token bucket per source address: a bucket holds at
 * most `burst` tokens, refills at `perSecond` tokens a second, and each admitted datagram takes
 * one; with no token left the datagram is refused. It runs before any decoding, so a flood costs
 * a map lookup per datagram, not a BER parse or an SNMPv3 key derivation. At most `maxSources`
 * buckets are kept: `sweep(now)` forgets buckets that have refilled (an idle source is the same
 * as a new one), and a new source past the cap evicts the oldest bucket. (Its warnings are
 * rate-limited by the SDK's `LogThrottle`.)
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
