/**
 * Poll requests: how one probe asks the others to look at an entity now. The trap receiver
 * asks for an immediate re-poll of the node a trap concerns, so that trap and poll agree.
 *
 * Contract: `request(entity)` is delivered synchronously to every subscriber of `requests$`
 * (probes filter for the entities they own and poll at once, without doubling a poll in
 * flight). Requests are hints: nobody listening is not an error.
 */
import { Subject, type Observable } from 'rxjs';
import type { EntityId } from './observation.js';

export interface PollRequests {
  request(entity: EntityId, reason?: string): void;
  readonly requests$: Observable<{ entity: EntityId; reason?: string }>;
}

export function createPollRequests(): PollRequests {
  const subject = new Subject<{ entity: EntityId; reason?: string }>();
  return {
    request: (entity, reason) => subject.next({ entity, reason }),
    requests$: subject.asObservable(),
  };
}
