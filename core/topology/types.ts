/**
 * The topology as the map sees it, and the patches that keep a client's copy current.
 * A client that applies every patch in `seq` order to a snapshot holds the model's state.
 */
import type { EntityId, EntityState, NodeKind } from '../../plugins/sdk/index.js';

export interface TopoNode {
  id: EntityId;
  name: string;
  kind: NodeKind;
  state: EntityState;
  site?: string;
  address?: string;
  /** Epoch ms of the last state change. */
  since?: number;
  attrs: Record<string, unknown>;
  /**
   * Latest metric values by name, kept for nodes whose kind is in `LIVE_METRIC_KINDS` (trunks:
   * the telephony view shows their RTT, registration, ASR, MOS, ... live). Other nodes' metrics
   * change every poll and are read from `/api/series`, so they are not pushed to every map.
   */
  metrics?: Record<string, number>;
}

/** Node kinds whose latest metrics are kept on the node (and so pushed live). */
export const LIVE_METRIC_KINDS: ReadonlySet<string> = new Set(['trunk']);

export interface TopoPort {
  id: EntityId;
  node: EntityId;
  name: string;
  state: EntityState;
  /** Latest metric values by name (`if.in.bps`, `if.out.bps`, `if.util.pct`, ...). */
  rates: Record<string, number>;
  attrs: Record<string, unknown>;
}

export interface TopoLink {
  id: EntityId;
  a: { node: EntityId; port?: EntityId };
  b: { node: EntityId; port?: EntityId };
  state: EntityState;
  /** Where the link comes from: `config`, `lldp`, `cdp`, ... */
  origin?: string;
  rates: Record<string, number>;
  attrs: Record<string, unknown>;
}

export interface TopologySnapshot {
  seq: number;
  nodes: TopoNode[];
  ports: TopoPort[];
  links: TopoLink[];
}

export type PatchOp =
  | { op: 'upsert'; type: 'node'; value: TopoNode }
  | { op: 'upsert'; type: 'port'; value: TopoPort }
  | { op: 'upsert'; type: 'link'; value: TopoLink }
  | { op: 'remove'; type: 'node' | 'port' | 'link'; id: EntityId };

/** One change set; `seq` is the model's sequence after applying it (consecutive, starting at 1). */
export interface TopologyPatch {
  seq: number;
  ops: PatchOp[];
}
