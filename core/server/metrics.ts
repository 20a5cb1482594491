/**
 * The server's own Prometheus metrics, registered in the daemon's registry. A metric already
 * registered under the same name (a server restarted on the same registry) is reused.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export type WsDisconnectReason = 'client' | 'heartbeat' | 'slow' | 'shutdown' | 'error';

export interface ServerMetrics {
  wsClients: Gauge<string>;
  wsMessages: Counter<'direction'>;
  wsDropped: Counter<string>;
  wsDisconnects: Counter<'reason'>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
}

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function serverMetrics(registry: Registry): ServerMetrics {
  const registers = [registry];
  return {
    wsClients: reuse(registry, 'vigie_ws_clients', () => new Gauge({ name: 'vigie_ws_clients', help: 'WebSocket clients connected', registers })),
    wsMessages: reuse(registry, 'vigie_ws_messages_total', () => new Counter({
      name: 'vigie_ws_messages_total', help: 'WebSocket messages, by direction (in = from clients, out = to clients)', labelNames: ['direction'] as const, registers,
    })),
    wsDropped: reuse(registry, 'vigie_ws_dropped_messages_total', () => new Counter({
      name: 'vigie_ws_dropped_messages_total', help: 'WebSocket messages not sent because the client was too slow and got disconnected', registers,
    })),
    wsDisconnects: reuse(registry, 'vigie_ws_disconnects_total', () => new Counter({
      name: 'vigie_ws_disconnects_total', help: 'WebSocket disconnects, by reason (client, heartbeat, slow, shutdown, error)', labelNames: ['reason'] as const, registers,
    })),
    httpRequests: reuse(registry, 'vigie_http_requests_total', () => new Counter({
      name: 'vigie_http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames: ['method', 'route', 'status'] as const, registers,
    })),
  };
}
