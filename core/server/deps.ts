/**
 * What the HTTP/WebSocket server needs from the daemon, and how it is started.
 * The daemon builds these once and passes them to `startServer` (see `server.ts`).
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { TopologyModel } from '../topology/model.js';
import type { Store, StoredEvent } from '../store/port.js';

/**
 * The live event stream. Contract: `recent(limit)` returns at most `limit` events, newest first,
 * and already includes every event that `events$` has emitted (so a snapshot taken from `recent`
 * followed by the events emitted afterwards misses nothing and repeats nothing).
 */
export interface EventFeed {
  recent(limit: number): StoredEvent[];
  events$: Observable<StoredEvent>;
}

export interface ServerDeps {
  topology: TopologyModel;
  events: EventFeed;
  store: Store;
  /** The daemon's metrics registry; the server registers its own metrics in it. */
  registry: Registry;
  /** Merged into `GET /api/health` after `{status, uptime_s, version}` (so it may override them). */
  health(): Record<string, unknown>;
  log: Logger;
}

export interface ServerOptions {
  host: string;
  /** 0 = a free port (read the chosen one from the result). */
  port: number;
  /** Folder served at `/` (default `<repo>/web/dist`); `false`: no web app, only the API (config `server.web: false`). */
  webRoot?: string | false;
  /** Ping interval; a client that has not answered the previous ping is terminated. Default 15000. */
  wsHeartbeatMs?: number;
  /** A client whose socket has more than this many bytes waiting is closed with 4008. Default 4 MiB. */
  wsMaxBufferedBytes?: number;
  /** Scheduler of the heartbeat and shutdown timers (default: RxJS asyncScheduler). */
  scheduler?: SchedulerLike;
}

export interface RunningServer {
  /** `http://host:port` */
  url: string;
  port: number;
  /** Closes every WebSocket client and the listener; resolves once every socket has ended. */
  close(): Promise<void>;
}

export { startServer } from './server.js';
