/**
 * The OpenAPI 3.1 document of the daemon's HTTP API and WebSocket protocol. Served at
 * `/api/openapi.json`; `test/core/server/openapi.test.ts` checks that every served route is here
 * and that real answers validate against these schemas.
 */

export const WS_PROTOCOL = `## WebSocket protocol (\`/ws\`)

Connect to \`/ws\` (same origin as the page; other paths are refused). Every message is one JSON object.

Client → server:
- \`{"op":"subscribe","topics":["topology","events"]}\`: for each topic the server sends a snapshot
  \`{"topic","seq","snapshot"}\`, then patches \`{"topic","seq","patch"}\` whose \`seq\` is consecutive
  per topic (snapshot seq + 1, + 2, ...). Subscribing again to a topic sends a fresh snapshot.
- \`{"op":"unsubscribe","topics":[...]}\`: stops the patches of those topics.
- \`{"op":"resync","topic":"topology"}\`: sent by a client that saw a gap in \`seq\`; answered with a fresh snapshot.

Topics:
- \`topology\`: \`seq\` is the topology model's sequence; the snapshot is the same object as
  \`GET /api/topology\`; a patch is the list of operations of one change set:
  \`{"op":"upsert","type":"node"|"port"|"link","value":{...}}\` or \`{"op":"remove","type":...,"id":...}\`.
- \`events\`: \`seq\` is numbered by the server; the snapshot is the latest 200 events (newest first);
  a patch is one event.

Errors (bad JSON, unknown op or topic) are answered with \`{"error":{"code":"E_WS_MESSAGE","message":...}}\`;
the connection stays open. The server pings every 15 s and terminates a client that did not answer
the previous ping. A client too slow to keep up (too many bytes waiting on its socket) is closed
with code 4008 and reason \`too slow: ...\`; it should reconnect and subscribe again. On shutdown the
server closes with 1001. A reconnecting client just subscribes again.`;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const json = (description: string, schema: unknown) => ({ description, content: { 'application/json': { schema } } });
const queryParam = (name: string, description: string, schema: unknown, required = false) => ({ name, in: 'query', required, description, schema });
const timeSchema = { type: 'string', description: 'epoch milliseconds or an ISO 8601 date-time' };

const ENTITY_STATES = ['up', 'down', 'degraded', 'unknown', 'unreachable', 'maintenance'];
const NODE_KINDS = ['switch', 'router', 'server', 'trunk', 'room', 'database', 'ups', 'unknown'];
const SEVERITY = { type: 'string', enum: ['info', 'warning', 'minor', 'major', 'critical'] };
const LINK_END = { type: 'object', required: ['node'], properties: { node: { type: 'string' }, port: { type: 'string' } } };
const NUMBER_MAP = { type: 'object', additionalProperties: { type: 'number' } };

const schemas = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, param: { type: 'string', description: 'the faulty parameter (400 only)' } },
      },
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'uptime_s', 'version'],
    properties: { status: { type: 'string' }, uptime_s: { type: 'integer', minimum: 0 }, version: { type: 'string' } },
    additionalProperties: true,
  },
  TopoNode: {
    type: 'object',
    required: ['id', 'name', 'kind', 'state', 'attrs'],
    properties: {
      id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string', enum: NODE_KINDS }, state: { type: 'string', enum: ENTITY_STATES },
      site: { type: 'string' }, address: { type: 'string' }, since: { type: 'integer', description: 'epoch ms of the last state change' }, attrs: { type: 'object' },
      metrics: { ...NUMBER_MAP, description: 'latest metric values, kept for trunks (sip.options.rtt_ms, sip.calls.asr_pct, sip.mos.avg, ...)' },
    },
  },
  TopoPort: {
    type: 'object',
    required: ['id', 'node', 'name', 'state', 'rates', 'attrs'],
    properties: {
      id: { type: 'string' }, node: { type: 'string' }, name: { type: 'string' }, state: { type: 'string', enum: ENTITY_STATES },
      rates: NUMBER_MAP, attrs: { type: 'object' },
    },
  },
  TopoLink: {
    type: 'object',
    required: ['id', 'a', 'b', 'state', 'rates', 'attrs'],
    properties: {
      id: { type: 'string' }, a: LINK_END, b: LINK_END, state: { type: 'string', enum: ENTITY_STATES },
      origin: { type: 'string' }, rates: NUMBER_MAP, attrs: { type: 'object' },
    },
  },
  Topology: {
    type: 'object',
    required: ['seq', 'nodes', 'ports', 'links'],
    properties: {
      seq: { type: 'integer', minimum: 0 },
      nodes: { type: 'array', items: ref('TopoNode') },
      ports: { type: 'array', items: ref('TopoPort') },
      links: { type: 'array', items: ref('TopoLink') },
    },
  },
  PatchOp: {
    oneOf: [
      { type: 'object', required: ['op', 'type', 'value'], properties: { op: { const: 'upsert' }, type: { enum: ['node', 'port', 'link'] }, value: { type: 'object' } } },
      { type: 'object', required: ['op', 'type', 'id'], properties: { op: { const: 'remove' }, type: { enum: ['node', 'port', 'link'] }, id: { type: 'string' } } },
    ],
  },
  Event: {
    type: 'object',
    required: ['at', 'entity', 'type', 'severity', 'message'],
    properties: {
      id: { type: 'string' }, at: { type: 'integer' }, entity: { type: 'string' }, type: { type: 'string' }, severity: SEVERITY,
      message: { type: 'string' }, source: { type: 'string' }, data: { type: 'object' },
    },
  },
  EventList: { type: 'object', required: ['events'], properties: { events: { type: 'array', items: ref('Event') } } },
  SeriesPoint: {
    type: 'object',
    required: ['t', 'avg', 'min', 'max', 'count'],
    properties: { t: { type: 'integer' }, avg: { type: 'number' }, min: { type: 'number' }, max: { type: 'number' }, count: { type: 'integer' } },
  },
  Series: {
    type: 'object',
    required: ['entity', 'metric', 'from', 'to', 'step', 'points'],
    properties: {
      entity: { type: 'string' }, metric: { type: 'string' }, from: { type: 'integer' }, to: { type: 'integer' },
      step: { type: 'integer', minimum: 1, description: 'bucket size, ms' }, points: { type: 'array', items: ref('SeriesPoint') },
    },
  },
  Entity: {
    type: 'object',
    required: ['id', 'type', 'entity', 'metrics', 'events'],
    properties: {
      id: { type: 'string' },
      type: { type: 'string', description: 'node, port, link, trunk, ...' },
      entity: { description: 'the node, port or link; null for an entity known only from the store', oneOf: [ref('TopoNode'), ref('TopoPort'), ref('TopoLink'), { type: 'null' }] },
      ports: { type: 'array', items: ref('TopoPort'), description: 'nodes only' },
      links: { type: 'array', items: ref('TopoLink'), description: 'nodes and ports' },
      metrics: { type: 'array', items: { type: 'string' }, description: 'metric names with stored samples' },
      events: { type: 'array', items: ref('Event'), description: 'the latest events, newest first (a node includes its ports\' events)' },
    },
  },
  MapPosition: {
    type: 'object',
    required: ['x', 'y'],
    additionalProperties: false,
    properties: { x: { type: 'number', minimum: -1e7, maximum: 1e7 }, y: { type: 'number', minimum: -1e7, maximum: 1e7 } },
  },
  Layouts: {
    type: 'object',
    required: ['sites'],
    properties: {
      sites: {
        type: 'object',
        description: 'site → node id → position; nodes without a site are under the site `-`',
        additionalProperties: { type: 'object', additionalProperties: ref('MapPosition') },
      },
    },
  },
  LayoutUpdate: {
    type: 'object',
    required: ['positions'],
    additionalProperties: false,
    properties: {
      positions: {
        type: 'object',
        maxProperties: 5000,
        description: 'node id → position to save, or null to forget the node\'s position; other nodes of the site keep theirs',
        additionalProperties: { oneOf: [ref('MapPosition'), { type: 'null' }] },
      },
    },
  },
  LayoutSaved: {
    type: 'object',
    required: ['site', 'saved', 'removed'],
    properties: { site: { type: 'string' }, saved: { type: 'integer', minimum: 0 }, removed: { type: 'integer', minimum: 0 } },
  },
  SearchResult: {
    type: 'object',
    required: ['entity', 'node', 'label', 'match', 'value'],
    properties: {
      entity: { type: 'string', description: 'the matching entity: the node, or the port for a MAC' },
      node: { type: 'string', description: 'the node to show on the map' },
      label: { type: 'string', description: 'node name (and port name for a MAC)' },
      match: { type: 'string', enum: ['name', 'sysName', 'ip', 'serial', 'mac'] },
      value: { type: 'string', description: 'the value that matched; a MAC as aa:bb:cc:dd:ee:ff' },
    },
  },
  WsClientMessage: {
    oneOf: [
      { type: 'object', required: ['op', 'topics'], properties: { op: { enum: ['subscribe', 'unsubscribe'] }, topics: { type: 'array', items: { enum: ['topology', 'events'] } } } },
      { type: 'object', required: ['op', 'topic'], properties: { op: { const: 'resync' }, topic: { enum: ['topology', 'events'] } } },
    ],
  },
  WsServerMessage: {
    oneOf: [
      { type: 'object', required: ['topic', 'seq', 'snapshot'], properties: { topic: { type: 'string' }, seq: { type: 'integer' }, snapshot: {} } },
      { type: 'object', required: ['topic', 'seq', 'patch'], properties: { topic: { type: 'string' }, seq: { type: 'integer' }, patch: {} } },
      ref('Error'),
    ],
  },
};

const stdErrors = { '400': errorResponse('a bad parameter (named in the message and in `param`)'), '500': errorResponse('server failure') };
const storeErrors = { ...stdErrors, '503': errorResponse('the store is unavailable') };

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie daemon API',
      version,
      description: `REST API of the Vigie daemon. Errors are \`{"error":{"code","message"}}\` with a matching status code.\n\n${WS_PROTOCOL}`,
    },
    paths: {
      '/api/health': { get: { summary: 'Daemon health', operationId: 'health', responses: { '200': json('health', ref('Health')), ...stdErrors } } },
      '/api/topology': { get: { summary: 'Topology snapshot', operationId: 'topology', responses: { '200': json('the model snapshot', ref('Topology')) } } },
      '/api/entities/{id}': {
        get: {
          summary: 'One entity with its metrics and recent events',
          operationId: 'entity',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'URL-encoded entity id, e.g. `node%3Asw-01`', schema: { type: 'string' } }],
          responses: { '200': json('the entity', ref('Entity')), '404': errorResponse('unknown entity'), ...storeErrors },
        },
      },
      '/api/series': {
        get: {
          summary: 'A metric series, downsampled',
          operationId: 'series',
          parameters: [
            queryParam('entity', 'entity id', { type: 'string' }, true),
            queryParam('metric', 'metric name, e.g. `if.in.bps`', { type: 'string' }, true),
            queryParam('from', 'start (default: `to` minus one hour)', timeSchema),
            queryParam('to', 'end (default: now)', timeSchema),
            queryParam('step', 'bucket size in ms (default: a readable size giving at most ~500 points; at most 10,000 points)', { type: 'integer', minimum: 1 }),
          ],
          responses: { '200': json('the series', ref('Series')), ...storeErrors },
        },
      },
      '/api/events': {
        get: {
          summary: 'Stored events, newest first',
          operationId: 'events',
          parameters: [
            queryParam('entity', 'exact entity id', { type: 'string' }),
            queryParam('entityPrefix', 'entity id prefix, e.g. `port:sw-01/`', { type: 'string' }),
            queryParam('type', 'event type, e.g. `linkDown`', { type: 'string' }),
            queryParam('severity', 'minimum severity', SEVERITY),
            queryParam('from', 'earliest time', timeSchema),
            queryParam('to', 'latest time', timeSchema),
            queryParam('limit', 'at most this many (default 100)', { type: 'integer', minimum: 1, maximum: 10000 }),
          ],
          responses: { '200': json('events', ref('EventList')), ...storeErrors },
        },
      },
      '/api/layout': {
        get: {
          summary: 'Saved map positions, by site',
          operationId: 'layouts',
          responses: { '200': json('every saved position', ref('Layouts')), ...storeErrors },
        },
      },
      '/api/layout/{site}': {
        put: {
          summary: 'Save map positions of one site (merged into what is saved)',
          operationId: 'saveLayout',
          description: 'Same-origin only: a request whose `Origin` is not this server is refused (403). The body is JSON '
            + '(`content-type: application/json`) of at most 1 MiB and 5,000 positions; coordinates are finite, within ±1e7. '
            + 'An invalid body is a 400 naming the fault, and nothing is saved.',
          parameters: [{ name: 'site', in: 'path', required: true, description: 'URL-encoded site name (1–200 characters); `-` for nodes without a site', schema: { type: 'string', minLength: 1, maxLength: 200 } }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('LayoutUpdate') } } },
          responses: {
            '200': json('what was saved', ref('LayoutSaved')),
            '403': errorResponse('the request comes from a page of another origin'),
            ...storeErrors,
          },
        },
      },
      '/api/search': {
        get: {
          summary: 'Find devices by name, sysName, IP, serial or MAC',
          operationId: 'search',
          description: 'Case-insensitive substring match on node names, sysName, address and inventory serials, and on '
            + 'port MACs and MACs learnt behind switch ports (any separator, at least 4 hex digits). Best first: exact, '
            + 'then prefix, then substring matches; MACs learnt on access ports (fewer MACs) before uplinks.',
          parameters: [
            queryParam('q', 'what to look for (1–200 characters)', { type: 'string', minLength: 1, maxLength: 200 }, true),
            queryParam('limit', 'at most this many (default 20)', { type: 'integer', minimum: 1, maximum: 200 }),
          ],
          responses: { '200': json('matches, best first', { type: 'array', items: ref('SearchResult') }), ...stdErrors },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', operationId: 'openapi', responses: { '200': json('OpenAPI 3.1 document', { type: 'object' }) } } },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          operationId: 'metrics',
          responses: { '200': { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/ws': {
        get: {
          summary: 'WebSocket: live topology and events',
          operationId: 'websocket',
          description: WS_PROTOCOL,
          responses: {
            '101': { description: 'switching to the WebSocket protocol' },
            '403': { description: 'the Origin header does not match the host' },
          },
        },
      },
      '/': {
        get: {
          summary: 'The web app (static files under the web root)',
          operationId: 'webApp',
          description: 'The built web app (`web/dist`, made by `npm run build:web`; `npm start` builds it first).',
          responses: {
            '200': { description: 'index.html and its assets', content: { 'text/html': { schema: { type: 'string' } } } },
            '404': { description: 'no such file' },
            '503': { description: 'the web app is not built: an HTML page naming `npm run build:web`', content: { 'text/html': { schema: { type: 'string' } } } },
          },
        },
      },
    },
    components: { schemas },
  };
}
