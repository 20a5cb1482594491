/**
 * The daemon's HTTP + WebSocket server: REST under `/api`, Prometheus `/metrics`, the WebSocket
 * at `/ws` and the web app's static files at `/`. See `deps.ts` for what it needs and
 * `openapi.ts` for what it answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { asyncScheduler, timer } from 'rxjs';
import { WebSocketServer } from 'ws';
import { apiRoutes } from './api.js';
import type { RunningServer, ServerDeps, ServerOptions } from './deps.js';
import { errorAnswer, notFound, originAllowed, Query, sendJson } from './http-util.js';
import { serverMetrics, type ServerMetrics } from './metrics.js';
import { matchRoute, type Route } from './router.js';
import { DEFAULT_WEB_ROOT, sendNotBuilt, serveStatic, webRootBuilt } from './static.js';
import { WsHub } from './ws-hub.js';
import { eventsTopic, topologyTopic } from './ws-topics.js';

export const DEFAULT_WS_HEARTBEAT_MS = 15_000;
export const DEFAULT_WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Client → server WebSocket messages are small operations. */
const WS_MAX_PAYLOAD = 64 * 1024;
/** How long `close()` lets in-flight HTTP requests and WebSocket close handshakes finish. */
const CLOSE_GRACE_MS = 2000;

async function handleRequest(req: IncomingMessage, res: ServerResponse, routes: Route[], webRoot: string | undefined, deps: ServerDeps, metrics: ServerMetrics): Promise<void> {
  let routeLabel = 'unmatched';
  try {
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) throw notFound(`no resource at ${raw}`);
    const url = new URL(`http://localhost${raw}`);
    const method = req.method ?? 'GET';
    const match = matchRoute(routes, method, url.pathname);
    if (match.kind === 'route') {
      routeLabel = match.route.path;
      await match.route.handler({ req, res, url, params: match.params, query: new Query(url.searchParams) });
    } else if (match.kind === 'method') {
      routeLabel = 'method-not-allowed';
      const allow = match.allowed.includes('GET') ? [...match.allowed, 'HEAD'] : match.allowed;
      sendJson(res, 405, { error: { code: 'E_HTTP_METHOD', message: `${method} is not allowed on ${url.pathname}` } }, { allow: allow.join(', ') });
    } else if (webRoot && (method === 'GET' || method === 'HEAD') && !url.pathname.startsWith('/api/') && (await serveStatic(webRoot, url.pathname, res))) {
      routeLabel = 'static';
    } else if (webRoot && (method === 'GET' || method === 'HEAD') && !url.pathname.startsWith('/api/') && !webRootBuilt(webRoot)) {
      routeLabel = 'static';
      sendNotBuilt(webRoot, res);
    } else {
      throw notFound(`no resource at ${url.pathname}`);
    }
  } catch (err) {
    const { status, body } = errorAnswer(err);
    if (status >= 500) deps.log.error({ err, url: req.url }, 'HTTP request failed');
    // a request body left unread (refused before or while reading it) cannot be skipped: close the connection
    if (!res.headersSent) sendJson(res, status, body, req.complete ? {} : { connection: 'close' });
    else res.destroy();
  } finally {
    metrics.httpRequests.inc({ method: req.method ?? '?', route: routeLabel, status: String(res.statusCode) });
  }
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startServer(opts: ServerOptions, deps: ServerDeps): Promise<RunningServer> {
  const scheduler = opts.scheduler ?? asyncScheduler;
  const metrics = serverMetrics(deps.registry);
  const routes = apiRoutes(deps, scheduler.now(), () => scheduler.now());
  const webRoot = opts.webRoot === false ? undefined : (opts.webRoot ?? DEFAULT_WEB_ROOT);
  const hub = new WsHub(
    [topologyTopic(deps.topology), eventsTopic(deps.events)],
    {
      heartbeatMs: opts.wsHeartbeatMs ?? DEFAULT_WS_HEARTBEAT_MS,
      maxBufferedBytes: opts.wsMaxBufferedBytes ?? DEFAULT_WS_MAX_BUFFERED_BYTES,
      scheduler,
      closeGraceMs: CLOSE_GRACE_MS,
    },
    metrics,
    deps.log,
  );
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: WS_MAX_PAYLOAD });
  let closing = false;

  const server = createServer((req, res) => void handleRequest(req, res, routes, webRoot, deps, metrics));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, '404 Not Found');
    if (closing) return refuseUpgrade(socket, '503 Service Unavailable');
    if (!originAllowed(req)) return refuseUpgrade(socket, '403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => hub.add(ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  deps.log.info({ url: `http://${host}:${port}` }, 'HTTP server listening');

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await hub.close();
      wss.close();
      const force = timer(CLOSE_GRACE_MS, scheduler).subscribe(() => server.closeAllConnections());
      await serverClosed;
      force.unsubscribe();
      deps.log.info('HTTP server closed');
    })();
    return closed;
  };

  return { url: `http://${host}:${port}`, port, close };
}
