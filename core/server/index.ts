/** The daemon's HTTP + WebSocket server: `startServer(opts, deps)`. */
export { startServer, DEFAULT_WS_HEARTBEAT_MS, DEFAULT_WS_MAX_BUFFERED_BYTES } from './server.js';
export type { EventFeed, RunningServer, ServerDeps, ServerOptions } from './deps.js';
export { WS_CLOSE_TOO_SLOW } from './ws-hub.js';
export { openApiDocument, WS_PROTOCOL } from './openapi.js';
