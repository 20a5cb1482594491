/**
 * A bounded map whose entries expire, with time passed in (the probe's scheduler clock), for the
 * collector's short-lived state: answered transactions, issued entity-tags, recent report bodies.
 * Contract: `get(key, now)` is `undefined` once `now >= expiresAt`; `set` past `maxEntries` first
 * drops the expired entries, then the oldest inserted; `sweep(now)` drops the expired.
 */
export class TtlMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: K, now: number): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (now >= e.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  has(key: K, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  set(key: K, value: V, expiresAt: number, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      this.sweep(now);
      while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  sweep(now: number): void {
    for (const [k, e] of this.entries) if (now >= e.expiresAt) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}
