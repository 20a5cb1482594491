/**
 * `GET /api/entities/{id}`: one entity of the topology (a node with its ports and links, a port
 * with its links, or a link), the metric names the store knows for it and its recent events.
 * An id the model does not hold is still known when the store has metrics or events for it
 * (e.g. a trunk); otherwise it is a 404.
 */
import { entityType, type EntityId } from '../../plugins/sdk/index.js';
import type { Store, StoredEvent } from '../store/port.js';
import type { TopologyModel } from '../topology/model.js';
import { notFound } from './http-util.js';

export const ENTITY_EVENTS_LIMIT = 50;

export interface EntityView {
  id: EntityId;
  type: string;
  /** The model's node, port or link; null for an entity known only from the store. */
  entity: unknown;
  ports?: unknown[];
  links?: unknown[];
  metrics: string[];
  events: StoredEvent[];
}

async function recentEvents(store: Store, id: EntityId, withPortsOf?: string): Promise<StoredEvent[]> {
  const own = await store.events({ entity: id, limit: ENTITY_EVENTS_LIMIT });
  if (!withPortsOf) return own;
  const ports = await store.events({ entityPrefix: `port:${withPortsOf}/`, limit: ENTITY_EVENTS_LIMIT });
  return [...own, ...ports].sort((a, b) => b.at - a.at).slice(0, ENTITY_EVENTS_LIMIT);
}

export async function entityView(id: EntityId, topology: TopologyModel, store: Store): Promise<EntityView> {
  const type = entityType(id);
  const metrics = await store.metrics(id);
  const node = topology.node(id);
  if (node) {
    return {
      id, type, entity: node, ports: topology.portsOf(id), links: topology.linksOf(id), metrics,
      events: await recentEvents(store, id, id.slice('node:'.length)),
    };
  }
  const port = topology.port(id);
  if (port) {
    const links = topology.linksOf(port.node).filter((l) => l.a.port === id || l.b.port === id);
    return { id, type, entity: port, links, metrics, events: await recentEvents(store, id) };
  }
  const link = topology.link(id);
  if (link) return { id, type, entity: link, metrics, events: await recentEvents(store, id) };
  const events = await recentEvents(store, id);
  if (!metrics.length && !events.length) throw notFound(`unknown entity '${id}'`);
  return { id, type, entity: null, metrics, events };
}
