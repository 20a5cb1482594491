/**
 * The topics a WebSocket client can subscribe to. Contract of a topic: `snapshot()` gives the
 * current state and its `seq`; `changes$` emits every later change with `seq` = previous + 1
 * (a jump only when the source itself jumps, e.g. a topology restore, which the hub answers with
 * a fresh snapshot). `changes$` is hot: subscribe once, before the first snapshot is taken.
 */
import { map, share, type Observable } from 'rxjs';
import type { TopologyModel } from '../topology/model.js';
import type { EventFeed } from './deps.js';

export const EVENTS_SNAPSHOT_SIZE = 200;

export interface TopicChange {
  seq: number;
  patch: unknown;
}

export interface Topic {
  readonly name: string;
  snapshot(): { seq: number; snapshot: unknown };
  readonly changes$: Observable<TopicChange>;
}

/** seq = the model's seq; snapshot = `model.snapshot()`; patch = the ops of one TopologyPatch. */
export function topologyTopic(model: TopologyModel): Topic {
  return {
    name: 'topology',
    snapshot: () => {
      const snapshot = model.snapshot();
      return { seq: snapshot.seq, snapshot };
    },
    changes$: model.patches$.pipe(map((p) => ({ seq: p.seq, patch: p.ops }))),
  };
}

/**
 * The server numbers events itself, from the moment `changes$` is first subscribed:
 * snapshot = the latest 200 events (newest first) at the current seq, patch = one event.
 */
export function eventsTopic(feed: EventFeed): Topic {
  let seq = 0;
  return {
    name: 'events',
    snapshot: () => ({ seq, snapshot: feed.recent(EVENTS_SNAPSHOT_SIZE) }),
    changes$: feed.events$.pipe(
      map((event) => ({ seq: ++seq, patch: event })),
      share(),
    ),
  };
}
