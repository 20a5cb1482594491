/**
 * The embedded store: SQLite (better-sqlite3) in one file on disk, zero set-up, the default adapter.
 *
 * - WAL journal with `synchronous = FULL`: a write whose promise resolved survives a crash or a
 *   power cut, and a process killed mid-write leaves the file consistent (the torn transaction
 *   is simply absent on the next open);
 * - one transaction per batch, prepared statements;
 * - times are stored to the millisecond (`Math.floor(at)`);
 * - retention: prunes on open and then at most once per `PRUNE_EVERY_MS` on writes, using the
 *   injectable clock `now`; a failed automatic prune is logged, never turned into a failed write;
 * - SQLite errors become `VigieError('E_STORE')` with the original as `cause`; every operation
 *   after `close` rejects with `E_STORE_CLOSED`.
 *
 * better-sqlite3 is synchronous: each call blocks the event loop for the duration of its
 * statement (a 50,000-sample batch takes tens of ms), which is why the daemon batches writes.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { SEVERITIES, VigieError, isVigieError, type EntityId } from '../../plugins/sdk/index.js';
import type { TopologySnapshot } from '../topology/types.js';
import type { EventFilter, MapLayouts, MapPosition, Sample, SeriesPoint, Store, StoredEvent, StoreOptions } from './port.js';
import { prepareDatabase } from './embedded-schema.js';
import { checkEvents, checkLayout, checkSamples, checkSeriesQuery, eventLimit, prefixEnd, severityRank } from './validate.js';

export const DEFAULT_STORE_PATH = './data/vigie.db';
export const DEFAULT_RETENTION_MS = 30 * 24 * 3600 * 1000;
export const PRUNE_EVERY_MS = 3600 * 1000;

export interface EmbeddedStoreOptions extends Partial<StoreOptions> {
  /** Database file (default `./data/vigie.db`); its directory is created. */
  path?: string;
  /** Clock for retention, epoch ms (default `Date.now`). */
  now?: () => number;
  log?: Logger;
}

interface EventRow {
  id: string; at: number; entity: string; type: string; severity: number;
  message: string; source: string | null; data: string | null;
}

type Statement = Database.Statement<unknown[], unknown>;

export class EmbeddedStore implements Store {
  readonly name = 'embedded';
  readonly path: string;
  private readonly db: Database.Database;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly log?: Logger;
  private closed = false;
  private lastPruneAt = Number.NEGATIVE_INFINITY;
  /** `entity \0 metric` → series id; cleared when a transaction fails or prune drops series. */
  private readonly seriesIds = new Map<string, number>();
  private readonly eventQueries = new Map<string, Statement>();
  private readonly st: Record<
    'findSeries' | 'insertSeries' | 'insertSample' | 'insertEvent' | 'series' | 'metrics' | 'saveTopology'
    | 'loadTopology' | 'pruneSamples' | 'pruneEvents' | 'pruneSeries' | 'layouts' | 'putPosition' | 'deletePosition', Statement
  >;

  /** Opens (creating if needed) the store and prunes what is past the retention. */
  static async open(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    return new EmbeddedStore(options);
  }

  /** Synchronous open; prefer `EmbeddedStore.open`. Throws `E_STORE` on failure. */
  constructor(options: EmbeddedStoreOptions = {}) {
    this.path = resolve(options.path ?? DEFAULT_STORE_PATH);
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      db = new Database(this.path);
      prepareDatabase(db);
      this.db = db;
      this.st = this.prepareStatements(db);
      this.pruneSync(this.now() - this.retentionMs);
      this.lastPruneAt = this.now();
    } catch (e) {
      db?.close();
      throw this.wrap('open', e);
    }
  }

  async writeSamples(samples: Sample[]): Promise<void> {
    this.run('writeSamples', () => {
      checkSamples(samples);
      if (samples.length === 0) return;
      this.transaction(() => {
        for (const s of samples) this.st.insertSample.run(this.seriesId(s.entity, s.metric), Math.floor(s.at), s.value);
      });
    });
    this.maybePrune();
  }

  async querySeries(entity: EntityId, metric: string, from: number, to: number, step: number): Promise<SeriesPoint[]> {
    return this.run('querySeries', () => {
      checkSeriesQuery(from, to, step);
      if (!(from < to)) return [];
      const row = this.st.findSeries.get(entity, metric) as { id: number } | undefined;
      if (!row) return [];
      return this.st.series.all({ series: row.id, from, to, step }) as SeriesPoint[];
    });
  }

  async metrics(entity: EntityId): Promise<string[]> {
    return this.run('metrics', () => (this.st.metrics.all(entity) as { metric: string }[]).map((r) => r.metric));
  }

  async writeEvents(events: StoredEvent[]): Promise<void> {
    this.run('writeEvents', () => {
      checkEvents(events);
      const rows = events.map((e) => ({
        id: e.id ?? randomUUID(),
        at: Math.floor(e.at),
        entity: e.entity,
        type: e.type,
        severity: severityRank(e.severity),
        message: e.message,
        source: e.source ?? null,
        data: e.data === undefined ? null : JSON.stringify(e.data),
      }));
      if (rows.length === 0) return;
      this.transaction(() => {
        for (const r of rows) this.st.insertEvent.run(r);
      });
    });
    this.maybePrune();
  }

  async events(filter: EventFilter): Promise<StoredEvent[]> {
    return this.run('events', () => {
      const limit = eventLimit(filter);
      if (limit === 0) return [];
      const where: string[] = [];
      const params: Record<string, unknown> = { limit };
      if (filter.entity !== undefined) { where.push('entity = @entity'); params.entity = filter.entity; }
      if (filter.entityPrefix) {
        where.push('entity >= @prefix');
        params.prefix = filter.entityPrefix;
        const end = prefixEnd(filter.entityPrefix);
        if (end !== undefined) { where.push('entity < @prefixEnd'); params.prefixEnd = end; }
      }
      if (filter.type !== undefined) { where.push('type = @type'); params.type = filter.type; }
      if (filter.severity !== undefined) { where.push('severity >= @severity'); params.severity = severityRank(filter.severity); }
      if (filter.from !== undefined) { where.push('at >= @from'); params.from = filter.from; }
      if (filter.to !== undefined) { where.push('at <= @to'); params.to = filter.to; }
      const sql = `SELECT id, at, entity, type, severity, message, source, data FROM events
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, seq DESC LIMIT @limit`;
      let stmt = this.eventQueries.get(sql);
      if (!stmt) { stmt = this.db.prepare(sql); this.eventQueries.set(sql, stmt); }
      return (stmt.all(params) as EventRow[]).map(toEvent);
    });
  }

  async saveTopology(snapshot: TopologySnapshot): Promise<void> {
    this.run('saveTopology', () => { this.st.saveTopology.run(this.now(), JSON.stringify(snapshot)); });
  }

  async loadTopology(): Promise<TopologySnapshot | undefined> {
    return this.run('loadTopology', () => {
      const row = this.st.loadTopology.get() as { snapshot: string } | undefined;
      return row ? (JSON.parse(row.snapshot) as TopologySnapshot) : undefined;
    });
  }

  async layouts(): Promise<MapLayouts> {
    return this.run('layouts', () => {
      const out: MapLayouts = {};
      for (const r of this.st.layouts.all() as { site: string; node: string; x: number; y: number }[]) {
        // defined, not assigned: a site or node named `__proto__` stays a plain key
        if (!Object.hasOwn(out, r.site)) Object.defineProperty(out, r.site, { value: {}, enumerable: true, writable: true, configurable: true });
        Object.defineProperty(out[r.site], r.node, { value: { x: r.x, y: r.y }, enumerable: true, writable: true, configurable: true });
      }
      return out;
    });
  }

  async saveLayout(site: string, positions: Record<EntityId, MapPosition | null>): Promise<void> {
    this.run('saveLayout', () => {
      checkLayout(site, positions);
      const entries = Object.entries(positions);
      if (entries.length === 0) return;
      this.transaction(() => {
        for (const [node, p] of entries) {
          if (p === null) this.st.deletePosition.run(site, node);
          else this.st.putPosition.run(site, node, p.x, p.y);
        }
      });
    });
  }

  async prune(before: number): Promise<number> {
    return this.run('prune', () => this.pruneSync(before));
  }

  /** Closes the database; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } catch (e) {
      throw this.wrap('close', e);
    }
  }

  private prepareStatements(db: Database.Database): EmbeddedStore['st'] {
    return {
      findSeries: db.prepare('SELECT id FROM series WHERE entity = ? AND metric = ?'),
      insertSeries: db.prepare('INSERT INTO series (entity, metric) VALUES (?, ?)'),
      insertSample: db.prepare('INSERT INTO samples (series, at, value) VALUES (?, ?, ?)'),
      insertEvent: db.prepare(`INSERT INTO events (id, at, entity, type, severity, message, source, data)
        VALUES (@id, @at, @entity, @type, @severity, @message, @source, @data) ON CONFLICT (id) DO NOTHING`),
      // floor(at / step) * step, correct for negative times too (SQLite `%` truncates toward zero).
      series: db.prepare(`SELECT at - (((at % @step) + @step) % @step) AS t,
          avg(value) AS avg, min(value) AS min, max(value) AS max, count(*) AS count
        FROM samples WHERE series = @series AND at >= @from AND at < @to GROUP BY t ORDER BY t`),
      metrics: db.prepare(`SELECT metric FROM series s WHERE entity = ?
        AND EXISTS (SELECT 1 FROM samples WHERE series = s.id) ORDER BY metric`),
      saveTopology: db.prepare(`INSERT INTO topology (id, saved_at, snapshot) VALUES (1, ?, ?)
        ON CONFLICT (id) DO UPDATE SET saved_at = excluded.saved_at, snapshot = excluded.snapshot`),
      loadTopology: db.prepare('SELECT snapshot FROM topology WHERE id = 1'),
      layouts: db.prepare('SELECT site, node, x, y FROM layout ORDER BY site, node'),
      putPosition: db.prepare(`INSERT INTO layout (site, node, x, y) VALUES (?, ?, ?, ?)
        ON CONFLICT (site, node) DO UPDATE SET x = excluded.x, y = excluded.y`),
      deletePosition: db.prepare('DELETE FROM layout WHERE site = ? AND node = ?'),
      pruneSamples: db.prepare('DELETE FROM samples WHERE at < ?'),
      pruneEvents: db.prepare('DELETE FROM events WHERE at < ?'),
      pruneSeries: db.prepare('DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM samples WHERE series = series.id)'),
    };
  }

  /** Series id of (entity, metric), created on first use; call inside a transaction. */
  private seriesId(entity: string, metric: string): number {
    const key = `${entity}\0${metric}`;
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      const row = this.st.findSeries.get(entity, metric) as { id: number } | undefined;
      id = row ? row.id : Number(this.st.insertSeries.run(entity, metric).lastInsertRowid);
      this.seriesIds.set(key, id);
    }
    return id;
  }

  private transaction(fn: () => void): void {
    try {
      this.db.transaction(fn)();
    } catch (e) {
      this.seriesIds.clear(); // ids created by the rolled-back transaction no longer exist
      throw e;
    }
  }

  private pruneSync(before: number): number {
    if (Number.isNaN(before)) throw new VigieError('E_STORE', 'prune needs a time', { before });
    let removed = 0;
    this.transaction(() => {
      removed += this.st.pruneSamples.run(before).changes;
      removed += this.st.pruneEvents.run(before).changes;
      if (this.st.pruneSeries.run().changes > 0) this.seriesIds.clear();
    });
    if (removed > 0) this.log?.info({ removed, before }, 'store: pruned samples and events past retention');
    return removed;
  }

  /** Prunes past the retention if the last prune is an hour old; never fails the caller. */
  private maybePrune(): void {
    const now = this.now();
    if (this.closed || now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    try {
      this.pruneSync(now - this.retentionMs);
    } catch (e) {
      this.log?.warn({ err: this.wrap('prune', e) }, 'store: automatic prune failed');
    }
  }

  /** Runs a synchronous database operation, turning every failure into a coded error. */
  private run<T>(op: string, fn: () => T): T {
    if (this.closed) throw new VigieError('E_STORE_CLOSED', `store closed: cannot ${op}`, { op });
    try {
      return fn();
    } catch (e) {
      throw this.wrap(op, e);
    }
  }

  private wrap(op: string, e: unknown): VigieError {
    if (isVigieError(e)) return e;
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: unknown })?.code;
    return new VigieError('E_STORE', `embedded store ${op} failed: ${message}`, { op, path: this.path, sqlite: code }, { cause: e });
  }
}

function toEvent(r: EventRow): StoredEvent {
  const e: StoredEvent = {
    id: r.id, at: r.at, entity: r.entity, type: r.type,
    severity: SEVERITIES[r.severity] ?? 'info', message: r.message,
  };
  if (r.source !== null) e.source = r.source;
  if (r.data !== null) e.data = JSON.parse(r.data) as Record<string, unknown>;
  return e;
}
