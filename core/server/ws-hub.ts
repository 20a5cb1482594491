/**
 * The WebSocket side of the server: clients, their subscriptions, the snapshot-then-patches
 * protocol (see `WS_PROTOCOL` in `openapi.ts`), heartbeat and slow-client eviction.
 *
 * Contract: per client and topic, messages are a snapshot then patches with consecutive `seq`
 * (when the source jumps, the client gets a fresh snapshot instead of a gap). A client whose
 * socket holds more than `maxBufferedBytes` unsent bytes is closed with 4008, never buffered
 * without bound. A client that has not answered the previous ping is terminated.
 */
import { interval, timer, type SchedulerLike, type Subscription } from 'rxjs';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { ServerMetrics, WsDisconnectReason } from './metrics.js';
import type { Topic, TopicChange } from './ws-topics.js';

export const WS_CLOSE_TOO_SLOW = 4008;
export const WS_CLOSE_GOING_AWAY = 1001;

export interface WsHubOptions {
  heartbeatMs: number;
  maxBufferedBytes: number;
  scheduler: SchedulerLike;
  /** How long `close()` waits for clients to answer the close frame before terminating them. */
  closeGraceMs?: number;
}

interface Client {
  ws: WebSocket;
  alive: boolean;
  /** Topic → seq of the last snapshot or patch sent. */
  topics: Map<string, number>;
  /** Why the server is closing it (unset: the client went away by itself). */
  closeReason?: WsDisconnectReason;
  closed: Promise<void>;
}

type ClientMessage = { op?: unknown; topics?: unknown; topic?: unknown };

export class WsHub {
  private readonly clients = new Set<Client>();
  private readonly topics: Map<string, Topic>;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    topics: Topic[],
    private readonly opts: WsHubOptions,
    private readonly metrics: ServerMetrics,
    private readonly log: Logger,
  ) {
    this.topics = new Map(topics.map((t) => [t.name, t]));
    for (const topic of topics) {
      this.subscriptions.push(topic.changes$.subscribe({
        next: (change) => this.broadcast(topic, change),
        error: (err: unknown) => this.log.error({ err, topic: topic.name }, 'a WebSocket topic source failed; its clients get no more patches'),
      }));
    }
    this.subscriptions.push(interval(opts.heartbeatMs, opts.scheduler).subscribe(() => this.heartbeat()));
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over an upgraded connection. */
  add(ws: WebSocket): void {
    let resolveClosed!: () => void;
    const client: Client = { ws, alive: true, topics: new Map(), closed: new Promise((r) => (resolveClosed = r)) };
    this.clients.add(client);
    this.metrics.wsClients.inc();
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      this.metrics.wsMessages.inc({ direction: 'in' });
      this.onMessage(client, isBinary ? undefined : data.toString());
    });
    ws.on('error', (err) => {
      client.closeReason ??= 'error';
      this.log.debug({ err }, 'WebSocket client error');
    });
    ws.on('close', () => {
      this.clients.delete(client);
      this.metrics.wsClients.dec();
      this.metrics.wsDisconnects.inc({ reason: client.closeReason ?? 'client' });
      resolveClosed();
    });
  }

  /** Closes every client (1001), terminating those that do not finish the close handshake in time. */
  async close(): Promise<void> {
    for (const s of this.subscriptions) s.unsubscribe();
    const clients = [...this.clients];
    for (const c of clients) {
      c.closeReason ??= 'shutdown';
      c.ws.close(WS_CLOSE_GOING_AWAY, 'server shutting down');
    }
    const all = Promise.all(clients.map((c) => c.closed));
    await new Promise<void>((done) => {
      const grace = timer(this.opts.closeGraceMs ?? 1000, this.opts.scheduler).subscribe(() => {
        for (const c of this.clients) c.ws.terminate();
      });
      void all.then(() => {
        grace.unsubscribe();
        done();
      });
    });
  }

  private onMessage(client: Client, text: string | undefined): void {
    let msg: ClientMessage;
    try {
      msg = JSON.parse(text ?? '') as ClientMessage;
    } catch {
      this.sendError(client, 'a message must be a JSON object (text frame)');
      return;
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
      this.sendError(client, 'a message must be a JSON object');
      return;
    }
    switch (msg.op) {
      case 'subscribe':
      case 'unsubscribe': {
        const names = this.topicNames(client, msg.topics);
        if (!names) return;
        for (const name of names) {
          if (msg.op === 'subscribe') this.sendSnapshot(client, this.topics.get(name)!);
          else client.topics.delete(name);
        }
        return;
      }
      case 'resync': {
        const names = this.topicNames(client, [msg.topic]);
        if (names) this.sendSnapshot(client, this.topics.get(names[0])!);
        return;
      }
      default:
        this.sendError(client, `unknown op ${JSON.stringify(msg.op)} (expected subscribe, unsubscribe or resync)`);
    }
  }

  /** The topic names of a message, or undefined after answering with an error. */
  private topicNames(client: Client, value: unknown): string[] | undefined {
    if (!Array.isArray(value) || !value.length || !value.every((t) => typeof t === 'string')) {
      this.sendError(client, `topics must be a non-empty list of topic names (${[...this.topics.keys()].join(', ')})`);
      return undefined;
    }
    const unknown = value.filter((t) => !this.topics.has(t));
    if (unknown.length) {
      this.sendError(client, `unknown topic ${unknown.join(', ')} (known: ${[...this.topics.keys()].join(', ')})`);
      return undefined;
    }
    return value as string[];
  }

  private sendError(client: Client, message: string): void {
    this.send(client, JSON.stringify({ error: { code: 'E_WS_MESSAGE', message } }));
  }

  private sendSnapshot(client: Client, topic: Topic): void {
    const { seq, snapshot } = topic.snapshot();
    if (this.send(client, JSON.stringify({ topic: topic.name, seq, snapshot }))) client.topics.set(topic.name, seq);
  }

  private broadcast(topic: Topic, change: TopicChange): void {
    let text: string | undefined;
    for (const client of [...this.clients]) {
      const last = client.topics.get(topic.name);
      if (last === undefined || change.seq <= last) continue;
      if (change.seq !== last + 1) {
        this.sendSnapshot(client, topic);
        continue;
      }
      text ??= JSON.stringify({ topic: topic.name, seq: change.seq, patch: change.patch });
      if (this.send(client, text)) client.topics.set(topic.name, change.seq);
    }
  }

  /** Sends unless the client is closing or too slow (then closes it with 4008); true when sent. */
  private send(client: Client, text: string): boolean {
    const ws = client.ws;
    if (ws.readyState !== WebSocket.OPEN || client.closeReason) return false;
    const waiting = ws.bufferedAmount;
    if (waiting > this.opts.maxBufferedBytes) {
      this.metrics.wsDropped.inc();
      client.closeReason = 'slow';
      client.topics.clear();
      this.log.warn({ waiting, limit: this.opts.maxBufferedBytes }, 'closing a WebSocket client too slow to keep up');
      ws.close(WS_CLOSE_TOO_SLOW, `too slow: ${waiting} bytes waiting, limit ${this.opts.maxBufferedBytes}`);
      return false;
    }
    ws.send(text);
    this.metrics.wsMessages.inc({ direction: 'out' });
    return true;
  }

  private heartbeat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.closeReason ??= 'heartbeat';
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      if (client.ws.readyState === WebSocket.OPEN) client.ws.ping();
    }
  }
}
