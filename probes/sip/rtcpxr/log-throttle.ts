/**
 * Rate-limited warnings for bad input, time passed in: `allow(key, now)` is true at most once per
 * `windowMs` for a key and counts what it suppressed in between (`take(key)` reads and resets it),
 * so a flood of bad datagrams gives one line a minute per reason, not one per datagram. At most
 * `maxKeys` keys are remembered (expired ones are forgotten first; past that, new keys are not logged).
 */
export class LogThrottle {
  private readonly lastAt = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly maxKeys = 1_000,
  ) {}

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

  take(key: string): number {
    const n = this.suppressed.get(key) ?? 0;
    this.suppressed.delete(key);
    return n;
  }

  sweep(now: number): void {
    for (const [key, at] of this.lastAt) {
      if (now - at >= this.windowMs) {
        this.lastAt.delete(key);
        this.suppressed.delete(key);
      }
    }
  }
}
