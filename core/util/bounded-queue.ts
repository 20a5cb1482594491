/**
 * A FIFO queue with a fixed capacity that drops its oldest items to make room, counting them.
 * Push, take-from-front and give-back are amortised O(1) per item (a head index over an array,
 * compacted when half of it is spent), so a full 100,000-item queue stays cheap.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  /** Items dropped because the queue was full, since creation. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends, dropping the oldest item first when full. */
  push(item: T): void {
    if (this.length >= this.capacity) this.dropOldest(1);
    this.items.push(item);
  }

  /**
   * Appends unless the queue already holds `limit` items (default: the capacity); a refused
   * item is not counted here (the caller knows why it refused). Returns whether it was kept.
   */
  offer(item: T, limit = this.capacity): boolean {
    if (this.length >= Math.min(limit, this.capacity)) return false;
    this.items.push(item);
    return true;
  }

  /** Removes and returns up to `n` items from the front (oldest first). */
  take(n: number): T[] {
    const count = Math.min(n, this.length);
    const out = this.items.slice(this.head, this.head + count);
    for (let i = 0; i < count; i++) this.items[this.head + i] = undefined as T; // release references
    this.head += count;
    this.compact();
    return out;
  }

  /**
   * Puts items taken earlier back at the front (their order kept), e.g. a batch whose write
   * failed. If that overflows the capacity, the oldest of them are dropped and counted.
   */
  giveBack(batch: readonly T[]): void {
    const room = this.capacity - this.length;
    const keep = batch.length > room ? batch.slice(batch.length - Math.max(room, 0)) : batch;
    this.dropped += batch.length - keep.length;
    if (keep.length === 0) return;
    if (this.head >= keep.length) {
      this.head -= keep.length;
      for (let i = 0; i < keep.length; i++) this.items[this.head + i] = keep[i] as T;
    } else {
      this.items = [...keep, ...this.items.slice(this.head)];
      this.head = 0;
    }
  }

  private dropOldest(n: number): void {
    const count = Math.min(n, this.length);
    for (let i = 0; i < count; i++) this.items[this.head + i] = undefined as T; // release references
    this.head += count;
    this.dropped += count;
    this.compact();
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
