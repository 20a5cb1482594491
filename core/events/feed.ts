/**
 * The live event feed: the newest events in memory (bounded ring) and a stream of new ones, for
 * the WebSocket `events` topic and the events view. The store keeps the full history.
 */
import { Subject, type Observable } from 'rxjs';
import { randomUUID } from 'node:crypto';
import type { EventObservation } from '../../plugins/sdk/index.js';
import type { StoredEvent } from '../store/port.js';

export class EventFeedBuffer {
  private readonly ring: StoredEvent[] = [];
  private readonly subject = new Subject<StoredEvent>();
  readonly events$: Observable<StoredEvent> = this.subject.asObservable();

  constructor(private readonly capacity = 1000) {}

  /** Seeds the ring (at start, from the store), oldest first. */
  seed(events: StoredEvent[]): void {
    for (const e of events) this.remember(e);
  }

  /** Publishes an event; returns it with its id, ready for the store. */
  publish(o: EventObservation): StoredEvent {
    const e: StoredEvent = {
      id: randomUUID(), at: o.at, entity: o.entity, type: o.type, severity: o.severity, message: o.message,
      ...(o.source ? { source: o.source } : {}), ...(o.data ? { data: o.data } : {}),
    };
    this.remember(e);
    this.subject.next(e);
    return e;
  }

  /** Newest first. */
  recent(limit: number): StoredEvent[] {
    return this.ring.slice(-limit).reverse();
  }

  complete(): void {
    this.subject.complete();
  }

  private remember(e: StoredEvent): void {
    this.ring.push(e);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
  }
}
