/**
 * The map layout API: GET /api/layout, PUT /api/layout/{site} (merge, validation, size limits,
 * same-origin writes), against a real server and the in-memory store.
 */
import { expect } from 'chai';
import { request } from 'node:http';
import { LAYOUT_MAX_BODY_BYTES, LAYOUT_MAX_POSITIONS } from '../../../core/server/layout.js';
import { startHarness, type Harness } from './helpers.js';

interface Answer { status: number; body: any; headers: Record<string, string | string[] | undefined> }

/** A raw request (node:http), so the Origin and Content-Length headers are exactly the test's. */
function send(h: Harness, method: string, path: string, body?: string | Buffer, headers: Record<string, string | number> = {}): Promise<Answer> {
  const { hostname, port } = new URL(h.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text && res.headers['content-type']?.includes('json') ? JSON.parse(text) : text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const put = (h: Harness, site: string, body: unknown, headers: Record<string, string | number> = JSON_TYPE) =>
  send(h, 'PUT', `/api/layout/${encodeURIComponent(site)}`, typeof body === 'string' ? body : JSON.stringify(body), headers);

function expect400(r: Answer, mention: string): void {
  expect(r.status, JSON.stringify(r.body)).to.equal(400);
  expect(r.body.error.code).to.equal('E_HTTP_BAD_REQUEST');
  expect(r.body.error.message).to.include(mention);
}

describe('server map layout API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('saves positions per site, merges later saves, forgets a node on null, and answers them all', async () => {
    expect((await send(h, 'GET', '/api/layout')).body).to.deep.equal({ sites: {} });
    const first = await put(h, 'paris', { positions: { 'node:sw-01': { x: 10, y: 20 }, 'node:sw-02': { x: -5.5, y: 0 } } });
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.equal({ site: 'paris', saved: 2, removed: 0 });
    await put(h, 'Bâtiment A', { positions: { 'node:r1': { x: 1, y: 1 } } });
    const second = await put(h, 'paris', { positions: { 'node:sw-02': { x: 7, y: 8 }, 'node:sw-01': null } });
    expect(second.body).to.deep.equal({ site: 'paris', saved: 1, removed: 1 });
    const all = await send(h, 'GET', '/api/layout');
    expect(all.status).to.equal(200);
    expect(all.body).to.deep.equal({ sites: { paris: { 'node:sw-02': { x: 7, y: 8 } }, 'Bâtiment A': { 'node:r1': { x: 1, y: 1 } } } });
  });

  it('accepts a page of the same origin, refuses another origin with 403 and saves nothing', async () => {
    const host = new URL(h.server.url).host;
    const same = await put(h, 'paris', { positions: { 'node:a': { x: 1, y: 2 } } }, { ...JSON_TYPE, origin: `http://${host}` });
    expect(same.status).to.equal(200);
    for (const origin of ['http://evil.example', `http://${host}.evil.example`, 'null', 'http://127.0.0.1:1']) {
      const r = await put(h, 'paris', { positions: { 'node:a': { x: 99, y: 99 } } }, { ...JSON_TYPE, origin });
      expect(r.status, origin).to.equal(403);
      expect(r.body.error.code).to.equal('E_HTTP_FORBIDDEN');
      expect(r.body.error.message).to.include('Origin');
    }
    expect((await send(h, 'GET', '/api/layout')).body.sites.paris['node:a']).to.deep.equal({ x: 1, y: 2 });
    expect(h.store.layoutSaves).to.equal(1);
  });

  it('answers 400 naming the fault for invalid bodies, and saves nothing', async () => {
    const cases: [string, string | Record<string, unknown>, Record<string, string>?][] = [
      ['content-type', '{"positions":{}}', { 'content-type': 'text/plain' }],
      ['content-type', '{"positions":{}}', {}],
      ['not valid JSON', '{"positions":'],
      ['empty', ''],
      ['JSON object', '[1,2]'],
      ['JSON object', 'null'],
      ['"positions" must be an object', { positions: [1] }],
      ['"positions" must be an object', {}],
      ['unknown member "extra"', { positions: {}, extra: 1 }],
      ['positions.node:a.x must be a finite number', { positions: { 'node:a': { x: '1', y: 2 } } }],
      ['positions.node:a.y must be a finite number', { positions: { 'node:a': { x: 1 } } }],
      ['positions.node:a.x must be a finite number', '{"positions":{"node:a":{"x":1e400,"y":0}}}'],
      ['must be between', { positions: { 'node:a': { x: 1e8, y: 0 } } }],
      ['unknown member "z"', { positions: { 'node:a': { x: 1, y: 2, z: 3 } } }],
      ['must be {"x"', { positions: { 'node:a': 5 } }],
      ['node id', { positions: { '': { x: 1, y: 2 } } }],
      ['node id', { positions: { ['n'.repeat(600)]: { x: 1, y: 2 } } }],
    ];
    for (const [mention, body, headers] of cases) {
      const r = await put(h, 'paris', body, headers ?? JSON_TYPE);
      expect400(r, mention);
    }
    // a valid position next to an invalid one is not saved either
    expect400(await put(h, 'paris', { positions: { 'node:ok': { x: 1, y: 1 }, 'node:bad': { x: null, y: 1 } } }), 'node:bad');
    expect(h.store.layoutSaves).to.equal(0);
    expect((await send(h, 'GET', '/api/layout')).body).to.deep.equal({ sites: {} });
  });

  it('answers 400 for a bad site name', async () => {
    for (const site of [' paris', 'x'.repeat(201), 'a\u0001b']) {
      const r = await put(h, site, { positions: {} });
      expect400(r, 'site');
      expect(r.body.error.param).to.equal('site');
    }
    expect400(await send(h, 'PUT', '/api/layout/%ZZ', '{"positions":{}}', JSON_TYPE), 'site');
  });

  it('refuses oversized bodies with 400: by Content-Length before reading, by counting while reading, too many positions', async () => {
    const big = Buffer.alloc(LAYOUT_MAX_BODY_BYTES + 1, 0x20);
    // declared larger than allowed: refused on the headers, before any byte is read (so only a few are sent)
    const declared = await put(h, 'paris', '{}', { ...JSON_TYPE, 'content-length': LAYOUT_MAX_BODY_BYTES + 1 });
    expect400(declared, 'too large');
    expect(declared.headers.connection).to.equal('close');
    const chunked = await put(h, 'paris', big, { ...JSON_TYPE, 'transfer-encoding': 'chunked' });
    expect400(chunked, 'too large');
    const many = Object.fromEntries(Array.from({ length: LAYOUT_MAX_POSITIONS + 1 }, (_, i) => [`node:n${i}`, { x: i, y: i }]));
    expect400(await put(h, 'paris', { positions: many }), 'too many positions');
    expect(h.store.layoutSaves).to.equal(0);
    // the server still answers afterwards
    expect((await put(h, 'paris', { positions: { 'node:a': { x: 1, y: 1 } } })).status).to.equal(200);
  });

  it('keeps a node id `__proto__` as a plain key', async () => {
    const r = await put(h, 'paris', '{"positions":{"__proto__":{"x":1,"y":2}}}');
    expect(r.status).to.equal(200);
    expect(r.body.saved).to.equal(1);
    const all = await send(h, 'GET', '/api/layout');
    expect(Object.keys(all.body.sites.paris)).to.deep.equal(['__proto__']);
  });

  it('answers 405 for other methods (Allow: PUT) and 503 when the store is closed', async () => {
    const r = await send(h, 'GET', '/api/layout/paris');
    expect(r.status).to.equal(405);
    expect(r.headers.allow).to.equal('PUT');
    expect((await send(h, 'PUT', '/api/layout')).status).to.equal(405);
    await h.store.close();
    expect((await put(h, 'paris', { positions: { 'node:a': { x: 1, y: 1 } } })).status).to.equal(503);
    expect((await send(h, 'GET', '/api/layout')).status).to.equal(503);
  });
});
