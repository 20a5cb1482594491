/**
 * The OpenAPI document matches what is served: every route the router serves is documented,
 * every documented path is served, and real answers validate against the documented schemas.
 */
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { apiRoutes } from '../../../core/server/api.js';
import { MemoryFeed, MemoryStore, startHarness, TestClient, type Harness } from './helpers.js';
import { TopologyModel } from '../../../core/topology/model.js';

type Doc = { openapi: string; info: { description: string }; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } };

/** Documented path template → a concrete path that exists in the seeded harness. */
const EXAMPLES: Record<string, string> = {
  '/api/entities/{id}': '/api/entities/' + encodeURIComponent('node:sw-01'),
  '/api/series': '/api/series?entity=node%3Asw-01&metric=snmp.rtt_ms',
  '/api/search': '/api/search?q=sw',
  '/api/layout/{site}': '/api/layout/paris',
};

/** Request bodies of the documented writes. */
const BODIES: Record<string, unknown> = {
  '/api/layout/{site}': { positions: { 'node:sw-01': { x: 1.5, y: -2 }, 'node:gone': null } },
};

/** Rewrites OpenAPI component refs into JSON Schema `$defs` refs (of the document `base`, or local). */
function toDefs<T>(value: T, base = ''): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${base}#/$defs/`)) as T;
}

describe('server OpenAPI document', () => {
  let h: Harness;
  let doc: Doc;
  let ajv: Ajv2020;

  beforeEach(async () => {
    h = await startHarness();
    h.model.upsertNode('node:sw-01', { name: 'sw-01', kind: 'switch' });
    h.model.upsertLink({ a: { node: 'node:sw-01', port: 'port:sw-01/1' }, b: { node: 'node:sw-02', port: 'port:sw-02/1' } }, 'lldp');
    h.model.setState('port:sw-01/1', 'up', Date.now());
    h.store.samples.push({ entity: 'node:sw-01', metric: 'snmp.rtt_ms', at: Date.now() - 1000, value: 3 });
    h.store.stored.push({ id: 'e1', at: Date.now() - 10, entity: 'port:sw-01/1', type: 'linkUp', severity: 'info', message: 'up', data: { ifIndex: 1 } });
    const res = await fetch(h.server.url + '/api/openapi.json');
    expect(res.status).to.equal(200);
    doc = (await res.json()) as Doc;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'openapi', $defs: toDefs(doc.components.schemas) });
  });
  afterEach(async () => h.close());

  function validate(schema: any, body: unknown, what: string): void {
    // component refs point into the document; resolve them against the registered `$defs`
    const ok = ajv.validate(toDefs(schema, 'openapi') as object, body);
    expect(ok, `${what}: ${ajv.errorsText(ajv.errors)}`).to.equal(true);
  }

  it('is OpenAPI 3.1 and describes the WebSocket protocol', () => {
    expect(doc.openapi).to.match(/^3\.1\./);
    for (const word of ['/ws', 'subscribe', 'resync', 'snapshot', 'patch', 'seq', '4008']) expect(doc.info.description).to.include(word);
  });

  it('documents every route the server serves', () => {
    const deps = { topology: new TopologyModel(), events: new MemoryFeed(), store: new MemoryStore(), registry: new Registry(), health: () => ({}), log: pino({ level: 'silent' }) };
    const routes = apiRoutes(deps, Date.now());
    expect(routes.length).to.be.at.least(7);
    for (const r of routes) expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).to.be.an('object');
    for (const extra of ['/ws', '/']) expect(doc.paths[extra]?.get, extra).to.be.an('object');
  });

  it('serves every documented path, and its answers validate against the documented schema', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path === '/ws') {
        const c = await TestClient.connect(h.server.url);
        await c.close();
        continue;
      }
      const [method, op] = Object.entries(ops)[0] as [string, any];
      const init: RequestInit = { method: method.toUpperCase() };
      if (op.requestBody) {
        expect(BODIES[path], `an example body for ${method} ${path}`).to.not.equal(undefined);
        validate(op.requestBody.content['application/json'].schema, BODIES[path], `${path} request body`);
        init.body = JSON.stringify(BODIES[path]);
        init.headers = { 'content-type': 'application/json' };
      }
      const res = await fetch(h.server.url + (EXAMPLES[path] ?? path), init);
      expect(res.status, path).to.equal(200);
      const content = op.responses['200'].content;
      const [type, { schema }] = Object.entries(content)[0] as [string, { schema: unknown }];
      expect(res.headers.get('content-type'), path).to.include(type);
      const body = type === 'application/json' ? await res.json() : await res.text();
      validate(schema, body, path);
    }
  });

  it('documents the error answers, and they validate', async () => {
    const bad = await fetch(h.server.url + '/api/series?entity=x');
    expect(doc.paths['/api/series'].get.responses['400']).to.be.an('object');
    validate({ $ref: '#/components/schemas/Error' }, await bad.json(), '400');
    const missing = await fetch(h.server.url + '/api/entities/node%3Anone');
    expect(doc.paths['/api/entities/{id}'].get.responses['404']).to.be.an('object');
    validate({ $ref: '#/components/schemas/Error' }, await missing.json(), '404');
  });

  it('declares the query parameters each route reads', () => {
    const names = (p: string) => (doc.paths[p].get.parameters ?? []).map((x: any) => x.name).sort();
    expect(names('/api/series')).to.deep.equal(['entity', 'from', 'metric', 'step', 'to']);
    expect(names('/api/events')).to.deep.equal(['entity', 'entityPrefix', 'from', 'limit', 'severity', 'to', 'type']);
    expect(names('/api/entities/{id}')).to.deep.equal(['id']);
    expect(names('/api/search')).to.deep.equal(['limit', 'q']);
    expect(doc.paths['/api/layout/{site}'].put.parameters.map((x: any) => x.name)).to.deep.equal(['site']);
  });

  it('documents the layout write\'s refusals (400, 403), and they validate', async () => {
    const put = doc.paths['/api/layout/{site}'].put;
    for (const code of ['400', '403']) expect(put.responses[code], code).to.be.an('object');
    const bad = await fetch(h.server.url + '/api/layout/paris', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"positions":{"n":{"x":"a","y":1}}}' });
    expect(bad.status).to.equal(400);
    validate({ $ref: '#/components/schemas/Error' }, await bad.json(), '400');
    const forbidden = await fetch(h.server.url + '/api/layout/paris', { method: 'PUT', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{"positions":{}}' });
    expect(forbidden.status).to.equal(403);
    validate({ $ref: '#/components/schemas/Error' }, await forbidden.json(), '403');
    expect(ajv.validate(toDefs(put.requestBody.content['application/json'].schema, 'openapi') as object, { positions: { n: { x: 1 } } }), 'a position without y breaks the documented body').to.equal(false);
  });

  it('rejects an answer that breaks the schema (the validation is real)', () => {
    const ok = ajv.validate({ $ref: 'openapi#/$defs/Topology' }, { seq: 1, nodes: [{ id: 'n' }], ports: [], links: [] });
    expect(ok).to.equal(false);
  });
});
