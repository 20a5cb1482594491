/**
 * The seams between the parts of the browser app, so the map, the panels and the events view
 * are written and tested apart. `main.ts` builds one `AppContext` and hands it to each part.
 *
 * Contract:
 * - `live` is the browser's copy of the daemon's live topics (WebSocket snapshot + seq-numbered
 *   patches, resynchronised on a gap or a reconnect). Its maps are replaced or mutated only by the
 *   live client; readers never mutate them. `onTopology` listeners get the ids that changed in
 *   one applied patch (all ids after a snapshot); `onEvent` listeners get each new event once.
 *   Both return an unsubscribe function.
 * - `selection`: the node (or none) the user looks at; the map highlights it, the panel shows it.
 * - `focus(id)`: centre the map on a node and highlight it (search, a neighbour link in the panel).
 */
import type { TopoLink, TopoNode, TopoPort } from '../../core/topology/types.js';

export type { TopoLink, TopoNode, TopoPort };

/** One event as `/api/events` and the `events` topic give it. */
export interface LiveEvent {
  id?: string | number;
  at: number;
  entity: string;
  type: string;
  severity: 'info' | 'warning' | 'minor' | 'major' | 'critical' | string;
  message?: string;
  data?: Record<string, unknown>;
}

export type ConnectionState = 'connecting' | 'live' | 'resyncing' | 'offline';

export interface LiveView {
  readonly nodes: ReadonlyMap<string, TopoNode>;
  readonly ports: ReadonlyMap<string, TopoPort>;
  readonly links: ReadonlyMap<string, TopoLink>;
  /** Newest first, at most a few hundred. */
  readonly events: readonly LiveEvent[];
  readonly connection: ConnectionState;
  /** The topology seq applied last (undefined before the first snapshot). */
  readonly seq: number | undefined;
  onTopology(listener: (changed: { nodes: string[]; ports: string[]; links: string[]; snapshot: boolean }) => void): () => void;
  onEvent(listener: (event: LiveEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export interface AppContext {
  live: LiveView;
  selection: {
    readonly node: string | undefined;
    set(node: string | undefined): void;
    on(listener: (node: string | undefined) => void): () => void;
  };
  focus(node: string): void;
}
