/**
 * The WebSocket client behind `LiveView`: connects to `/ws`, subscribes to the topology and the
 * events, applies the snapshot then the patches (`live-state.ts`), asks for a resync on a gap,
 * reconnects with a jittered exponential backoff, and reports its connection state.
 *
 * Contract: `connection` is `connecting` (socket opening), `resyncing` (open, waiting for a
 * topology snapshot), `live` (snapshot applied, patches flowing) or `offline` (closed, retry
 * scheduled). The socket and the timers are injected so the client is tested in Node.
 */
import type { ConnectionState, LiveEvent, LiveView, TopoLink, TopoNode, TopoPort } from '../context.js';
import { applyMessage, createLiveState, type LiveState, type TopologyChange } from './live-state.js';

/** The part of the browser's `WebSocket` the client uses. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: (ev: { code?: number }) => void): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}

export interface LiveClientOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  onWarning?: (message: string) => void;
}

export const TOPICS = ['topology', 'events'] as const;

type Listeners<T> = Set<(value: T) => void>;

function emit<T>(listeners: Listeners<T>, value: T): void {
  for (const l of [...listeners]) {
    try {
      l(value);
    } catch (err) {
      console.error('a live listener failed', err);
    }
  }
}

function subscribe<T>(listeners: Listeners<T>, l: (value: T) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export class LiveClient implements LiveView {
  private readonly state: LiveState = createLiveState();
  private readonly topoListeners: Listeners<TopologyChange> = new Set();
  private readonly eventListeners: Listeners<LiveEvent> = new Set();
  private readonly connListeners: Listeners<ConnectionState> = new Set();
  private socket: SocketLike | undefined;
  private retry: unknown;
  private backoff: number;
  private stopped = false;
  private conn: ConnectionState = 'connecting';
  private readonly opts: Required<Omit<LiveClientOptions, 'onWarning'>> & Pick<LiveClientOptions, 'onWarning'>;

  constructor(options: LiveClientOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      backoffMinMs: 500,
      backoffMaxMs: 15_000,
      ...options,
    };
    this.backoff = this.opts.backoffMinMs;
  }

  get nodes(): ReadonlyMap<string, TopoNode> {
    return this.state.topology.nodes;
  }
  get ports(): ReadonlyMap<string, TopoPort> {
    return this.state.topology.ports;
  }
  get links(): ReadonlyMap<string, TopoLink> {
    return this.state.topology.links;
  }
  get events(): readonly LiveEvent[] {
    return this.state.events.list;
  }
  get connection(): ConnectionState {
    return this.conn;
  }
  get seq(): number | undefined {
    return this.state.topology.seq;
  }

  onTopology(listener: (changed: TopologyChange) => void): () => void {
    return subscribe(this.topoListeners, listener);
  }
  onEvent(listener: (event: LiveEvent) => void): () => void {
    return subscribe(this.eventListeners, listener);
  }
  onConnection(listener: (state: ConnectionState) => void): () => void {
    return subscribe(this.connListeners, listener);
  }

  /** Opens the socket (again); a no-op while one is open or opening. */
  connect(): void {
    if (this.stopped || this.socket) return;
    if (this.retry !== undefined) this.opts.clearTimer(this.retry);
    this.retry = undefined;
    this.setConnection('connecting');
    const ws = this.opts.createSocket(this.opts.url);
    this.socket = ws;
    ws.addEventListener('open', () => {
      if (this.socket !== ws) return;
      this.backoff = this.opts.backoffMinMs;
      this.setConnection('resyncing');
      ws.send(JSON.stringify({ op: 'subscribe', topics: TOPICS }));
    });
    ws.addEventListener('message', (ev) => {
      if (this.socket === ws) this.onMessage(ws, ev.data);
    });
    ws.addEventListener('close', () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.scheduleReconnect();
    });
    ws.addEventListener('error', () => {
      // a 'close' follows; nothing to do here
    });
  }

  /** Closes the socket and stops reconnecting. */
  stop(): void {
    this.stopped = true;
    if (this.retry !== undefined) this.opts.clearTimer(this.retry);
    this.retry = undefined;
    const ws = this.socket;
    this.socket = undefined;
    ws?.close(1000, 'page closed');
    this.setConnection('offline');
  }

  private scheduleReconnect(): void {
    this.state.topology.seq = undefined;
    this.state.events.seq = undefined;
    this.setConnection('offline');
    if (this.stopped) return;
    const wait = this.backoff * (0.8 + this.opts.random() * 0.4);
    this.backoff = Math.min(this.backoff * 2, this.opts.backoffMaxMs);
    this.retry = this.opts.setTimer(() => {
      this.retry = undefined;
      this.connect();
    }, wait);
  }

  private onMessage(ws: SocketLike, data: unknown): void {
    let msg: unknown;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return;
    }
    const applied = applyMessage(this.state, msg);
    switch (applied.outcome) {
      case 'gap':
        if (applied.topic === 'topology') this.setConnection('resyncing');
        ws.send(JSON.stringify({ op: 'resync', topic: applied.topic }));
        return;
      case 'error':
        this.opts.onWarning?.(`the server refused a message: ${JSON.stringify((msg as { error?: unknown }).error)}`);
        return;
      case 'snapshot':
      case 'patch':
        if (applied.changed) {
          if (applied.outcome === 'snapshot') this.setConnection('live');
          emit(this.topoListeners, applied.changed);
        }
        for (const e of applied.events ?? []) emit(this.eventListeners, e);
        return;
      default:
        return;
    }
  }

  private setConnection(state: ConnectionState): void {
    if (state === this.conn) return;
    this.conn = state;
    emit(this.connListeners, state);
  }
}

/** The `/ws` URL of the page's own origin. */
export function wsUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}
