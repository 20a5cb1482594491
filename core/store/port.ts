/**
 * The store port: domain operations only. Adapters (`embedded`, later `mongodb`) implement it and
 * must pass the contract suite in `test/core/store/contract.ts`.
 *
 * Contract:
 * - writes are accepted in batches and are durable once the returned promise resolves; a batch
 *   is all or nothing (an invalid sample or event, e.g. a non-finite value, rejects the whole
 *   batch with `E_STORE` and stores none of it); times are kept to the millisecond;
 * - `querySeries` returns points in time order, downsampled to one point per `step` ms
 *   (average, min, max of the raw samples in the bucket, bucket start as `t`); it covers
 *   `from <= at < to`, the bucket of a sample is `floor(at / step) * step` (so the first bucket
 *   may start before `from`), and `step` must be a positive integer (else `E_STORE`);
 * - `events` returns the newest first; its `from`/`to` are both inclusive; an event written
 *   again with an id the store already holds is stored once;
 * - samples and events older than the retention are deleted by `prune` (the daemon calls it
 *   periodically; adapters may also prune on their own);
 * - map layouts (node positions per site) are kept until replaced or removed, never pruned;
 *   `saveLayout` merges into the site's layout (`null` removes a node's position), all or nothing
 *   (`checkLayout` in `validate.ts`: a non-finite coordinate, an empty site or node id → `E_STORE`);
 * - after `close` every operation rejects with `E_STORE_CLOSED`.
 */
import type { EntityId, Severity } from '../../plugins/sdk/index.js';
import type { TopologySnapshot } from '../topology/types.js';

export interface Sample {
  entity: EntityId;
  metric: string;
  /** Epoch ms. */
  at: number;
  value: number;
}

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  avg: number;
  min: number;
  max: number;
  count: number;
}

export interface StoredEvent {
  /** Assigned by the store when absent. */
  id?: string;
  at: number;
  entity: EntityId;
  type: string;
  severity: Severity;
  message: string;
  source?: string;
  data?: Record<string, unknown>;
}

export interface EventFilter {
  entity?: EntityId;
  /** Entity id prefix, e.g. `port:sw1/` for every port of sw1. */
  entityPrefix?: string;
  type?: string;
  /** Minimum severity. */
  severity?: Severity;
  from?: number;
  to?: number;
  /** Default 100, at most 10,000. */
  limit?: number;
}

/** A node's position on the map (the map's model coordinates). */
export interface MapPosition {
  x: number;
  y: number;
}

/** The saved positions of one site's nodes: node id → position. */
export type SiteLayout = Record<EntityId, MapPosition>;

/** Every site's saved positions: site → node id → position. */
export type MapLayouts = Record<string, SiteLayout>;

export interface Store {
  readonly name: string;
  writeSamples(samples: Sample[]): Promise<void>;
  querySeries(entity: EntityId, metric: string, from: number, to: number, step: number): Promise<SeriesPoint[]>;
  /** Metric names that have samples for an entity, sorted. */
  metrics(entity: EntityId): Promise<string[]>;
  writeEvents(events: StoredEvent[]): Promise<void>;
  events(filter: EventFilter): Promise<StoredEvent[]>;
  saveTopology(snapshot: TopologySnapshot): Promise<void>;
  loadTopology(): Promise<TopologySnapshot | undefined>;
  /** Every saved map layout (sites with no position left are absent). */
  layouts(): Promise<MapLayouts>;
  /** Merges positions into a site's layout: a position sets the node's, `null` removes it, other nodes stay. */
  saveLayout(site: string, positions: Record<EntityId, MapPosition | null>): Promise<void>;
  /** Deletes samples and events older than `before` (epoch ms); returns how many rows went. */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Retention of samples and events, ms (default 30 days). */
  retentionMs: number;
}
