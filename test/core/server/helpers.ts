/**
 * Test doubles and harness for the server tests: an in-memory Store, an event feed, a server on
 * 127.0.0.1 port 0 with a real TopologyModel, and a WebSocket client that queues its messages.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import WebSocket from 'ws';
import { SEVERITIES, VigieError, type EntityId } from '../../../plugins/sdk/index.js';
import type { EventFeed, RunningServer, ServerOptions } from '../../../core/server/deps.js';
import { startServer } from '../../../core/server/index.js';
import type { EventFilter, MapLayouts, MapPosition, Sample, SeriesPoint, Store, StoredEvent } from '../../../core/store/port.js';
import { checkLayout } from '../../../core/store/validate.js';
import type { TopologySnapshot } from '../../../core/topology/types.js';
import { TopologyModel } from '../../../core/topology/model.js';

/** An in-memory Store honouring the port's contract closely enough for the server. */
export class MemoryStore implements Store {
  readonly name = 'memory';
  samples: Sample[] = [];
  stored: StoredEvent[] = [];
  closed = false;
  /** Every querySeries call, to check the window the server asked for. */
  seriesCalls: { entity: EntityId; metric: string; from: number; to: number; step: number }[] = [];

  private check(): void {
    if (this.closed) throw new VigieError('E_STORE_CLOSED', 'store closed');
  }

  async writeSamples(samples: Sample[]): Promise<void> {
    this.check();
    this.samples.push(...samples);
  }

  async querySeries(entity: EntityId, metric: string, from: number, to: number, step: number): Promise<SeriesPoint[]> {
    this.check();
    this.seriesCalls.push({ entity, metric, from, to, step });
    const buckets = new Map<number, number[]>();
    for (const s of this.samples) {
      if (s.entity !== entity || s.metric !== metric || s.at < from || s.at >= to) continue;
      const t = Math.floor(s.at / step) * step; // the port's contract: buckets aligned to epoch
      buckets.set(t, [...(buckets.get(t) ?? []), s.value]);
    }
    return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({
      t, avg: v.reduce((x, y) => x + y, 0) / v.length, min: Math.min(...v), max: Math.max(...v), count: v.length,
    }));
  }

  async metrics(entity: EntityId): Promise<string[]> {
    this.check();
    return [...new Set(this.samples.filter((s) => s.entity === entity).map((s) => s.metric))].sort();
  }

  async writeEvents(events: StoredEvent[]): Promise<void> {
    this.check();
    this.stored.push(...events.map((e, i) => ({ id: e.id ?? `ev-${this.stored.length + i}`, ...e })));
  }

  async events(f: EventFilter): Promise<StoredEvent[]> {
    this.check();
    const minSev = f.severity ? SEVERITIES.indexOf(f.severity) : 0;
    return this.stored
      .filter((e) => (f.entity === undefined || e.entity === f.entity)
        && (f.entityPrefix === undefined || e.entity.startsWith(f.entityPrefix))
        && (f.type === undefined || e.type === f.type)
        && SEVERITIES.indexOf(e.severity) >= minSev
        && (f.from === undefined || e.at >= f.from)
        && (f.to === undefined || e.at <= f.to))
      .sort((a, b) => b.at - a.at)
      .slice(0, f.limit ?? 100);
  }

  /** site → node → position; `layoutSaves` counts the calls. */
  layout = new Map<string, Map<string, MapPosition>>();
  layoutSaves = 0;

  async layouts(): Promise<MapLayouts> {
    this.check();
    const out: MapLayouts = {};
    for (const [site, nodes] of this.layout) if (nodes.size) Object.defineProperty(out, site, { value: Object.fromEntries(nodes), enumerable: true });
    return out;
  }

  async saveLayout(site: string, positions: Record<EntityId, MapPosition | null>): Promise<void> {
    this.check();
    checkLayout(site, positions);
    this.layoutSaves++;
    const nodes = this.layout.get(site) ?? new Map<string, MapPosition>();
    for (const [node, p] of Object.entries(positions)) {
      if (p === null) nodes.delete(node);
      else nodes.set(node, { x: p.x, y: p.y });
    }
    this.layout.set(site, nodes);
  }

  async saveTopology(_s: TopologySnapshot): Promise<void> {}
  async loadTopology(): Promise<TopologySnapshot | undefined> {
    return undefined;
  }
  async prune(): Promise<number> {
    return 0;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** The live feed: `publish` remembers the event (newest first in `recent`) then emits it. */
export class MemoryFeed implements EventFeed {
  private readonly list: StoredEvent[] = [];
  private readonly subject = new Subject<StoredEvent>();
  readonly events$ = this.subject.asObservable();
  recent(limit: number): StoredEvent[] {
    return this.list.slice(0, limit);
  }
  publish(e: StoredEvent): void {
    this.list.unshift(e);
    this.subject.next(e);
  }
}

export interface Harness {
  server: RunningServer;
  model: TopologyModel;
  store: MemoryStore;
  feed: MemoryFeed;
  registry: Registry;
  webRoot: string;
  close(): Promise<void>;
}

/** A small web root with an index, a script, a dot-file, and a secret file next to (outside) it. */
export function makeWebRoot(): { root: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-web-'));
  const root = join(dir, 'web');
  mkdirSync(root);
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'app.js'), 'export const x = 1;\n');
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, '.env'), 'HIDDEN');
  return { root, dir };
}

export async function startHarness(opts: Partial<ServerOptions> = {}, health: () => Record<string, unknown> = () => ({})): Promise<Harness> {
  const model = new TopologyModel();
  const store = new MemoryStore();
  const feed = new MemoryFeed();
  const registry = new Registry();
  const { root, dir } = makeWebRoot();
  const server = await startServer(
    { host: '127.0.0.1', port: 0, webRoot: root, ...opts },
    { topology: model, events: feed, store, registry, health, log: pino({ level: 'silent' }) },
  );
  return {
    server, model, store, feed, registry, webRoot: root,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type WsMessage = Record<string, any>;

/** A `ws` client that queues every message so a test can await them one by one. */
export class TestClient {
  readonly ws: WebSocket;
  private readonly queue: WsMessage[] = [];
  private waiter: (() => void) | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data) => {
      this.queue.push(JSON.parse(data.toString()) as WsMessage);
      this.waiter?.();
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => {
      this.waiter?.();
      resolve({ code, reason: reason.toString() });
    }));
    this.ws.on('error', () => {});
  }

  static async connect(serverUrl: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const c = new TestClient(serverUrl.replace(/^http/, 'ws') + '/ws', options);
    await c.opened;
    return c;
  }

  /** Messages received and not yet taken with `next`. */
  get queueLength(): number {
    return this.queue.length;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The next message, failing after `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<WsMessage> {
    const deadline = Date.now() + timeoutMs;
    while (!this.queue.length) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('connection closed while waiting for a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift()!;
  }

  /** True when no message arrives within `ms`. */
  async quiet(ms = 100): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.length === 0;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed;
  }
}

/** Polls `fn` until it returns true or the time is up. */
export async function eventually(fn: () => boolean | Promise<boolean>, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A metric's value in the registry (sum over matching label sets). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return NaN;
  const { values } = await m.get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)).reduce((s, v) => s + v.value, 0);
}
