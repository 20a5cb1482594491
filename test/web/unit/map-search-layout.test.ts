/**
 * The map's client-side search fallback (name, sysName, IP, serial, MAC with any separator) and
 * the layout store (GET once; PUTs debounced and grouped per site; failed saves retried).
 */
import { expect } from 'chai';
import type { TopoNode, TopoPort } from '../../../web/src/context.js';
import { LayoutStore, type FetchLike } from '../../../web/src/map/layout-store.js';
import { normaliseMac, searchLocal } from '../../../web/src/search/local-search.js';

const nodes: TopoNode[] = [
  { id: 'node:sw-1', name: 'sw-1', kind: 'switch', state: 'up', address: '198.18.0.1', attrs: { sysName: 'core-a', serial: 'FOC1234X' } },
  { id: 'node:sw-10', name: 'sw-10', kind: 'switch', state: 'up', address: '198.18.0.10', attrs: { inventory: { serial: 'ZZ-99' } } },
  { id: 'node:rtr', name: 'edge-rtr', kind: 'router', state: 'down', address: '192.0.2.1', attrs: {} },
];
const ports: TopoPort[] = [
  { id: 'port:sw-1/eth1', node: 'node:sw-1', name: 'eth1', state: 'up', rates: {}, attrs: { mac: '02:76:73:00:01:01' } },
];

describe('web map search (client-side fallback)', () => {
  it('ranks an exact name before a prefix match', () => {
    const r = searchLocal('sw-1', nodes, ports);
    expect(r.map((x) => x.node)).to.deep.equal(['node:sw-1', 'node:sw-10']);
    expect(r[0]).to.include({ entity: 'node:sw-1', match: 'name', label: 'sw-1' });
  });

  it('finds by serial (own attr or inventory), sysName and address', () => {
    expect(searchLocal('foc1234', nodes)[0]).to.include({ node: 'node:sw-1', match: 'serial', value: 'FOC1234X' });
    expect(searchLocal('ZZ-99', nodes)[0]).to.include({ node: 'node:sw-10', match: 'serial' });
    expect(searchLocal('core-a', nodes)[0]).to.include({ node: 'node:sw-1', match: 'sysName' });
    expect(searchLocal('192.0.2.1', nodes)[0]).to.include({ node: 'node:rtr', match: 'ip' });
    expect(searchLocal('nothing-like-it', nodes)).to.deep.equal([]);
    expect(searchLocal('  ', nodes)).to.deep.equal([]);
  });

  it('finds a port MAC whatever the separator, pointing at its node', () => {
    for (const q of ['02:76:73:00:01:01', '0276.7300.0101', '02-76-73-00-01-01', '027673000101']) {
      const r = searchLocal(q, nodes, ports);
      expect(r, q).to.have.length(1);
      expect(r[0]).to.include({ entity: 'port:sw-1/eth1', node: 'node:sw-1', match: 'mac', label: 'sw-1 eth1' });
    }
    expect(normaliseMac('sw-1')).to.equal(undefined);
    expect(normaliseMac('AA:BB')).to.equal('aabb');
  });

  it('honours the limit', () => {
    expect(searchLocal('sw', nodes, ports, 1)).to.have.length(1);
  });
});

describe('web map layout store', () => {
  function fakeFetch(status = 200, body: unknown = {}) {
    const calls: Array<{ url: string; method: string; body?: any }> = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, method: init?.method ?? 'GET', body: init?.body ? JSON.parse(init.body) : undefined });
      return { ok: status < 300, status, json: async () => body };
    };
    return { fetch, calls };
  }

  it('loads saved positions of every site, ignoring malformed ones', async () => {
    const { fetch } = fakeFetch(200, { sites: { hq: { 'node:a': { x: 1, y: 2 }, 'node:bad': { x: 'no' } }, _: { 'node:b': { x: -3, y: 4.5 } } } });
    const m = await new LayoutStore({ fetch }).load();
    expect([...m]).to.deep.equal([['node:a', { x: 1, y: 2 }], ['node:b', { x: -3, y: 4.5 }]]);
  });

  it('treats a missing route or a network failure as no saved layout', async () => {
    expect((await new LayoutStore({ fetch: fakeFetch(404).fetch }).load()).size).to.equal(0);
    const failing: FetchLike = async () => {
      throw new Error('offline');
    };
    expect((await new LayoutStore({ fetch: failing }).load()).size).to.equal(0);
  });

  it('debounces saves and sends one merged PUT per site', async () => {
    const { fetch, calls } = fakeFetch();
    const timers: Array<() => void> = [];
    const store = new LayoutStore({ fetch, setTimer: (fn) => timers.push(fn), clearTimer: () => undefined });
    store.save('hq', [['node:a', { x: 1.234, y: 2 }]]);
    store.save('hq', [['node:a', { x: 5, y: 6 }], ['node:b', { x: 7, y: 8 }]]);
    store.save('branch one', [['node:c', { x: 0, y: 0 }]]);
    expect(calls).to.have.length(0);
    await store.flush();
    expect(calls.map((c) => [c.method, c.url])).to.deep.equal([['PUT', '/api/layout/hq'], ['PUT', '/api/layout/branch%20one']]);
    expect(calls[0].body).to.deep.equal({ positions: { 'node:a': { x: 5, y: 6 }, 'node:b': { x: 7, y: 8 } } });
  });

  it('keeps failed saves for the next attempt and warns once', async () => {
    let status = 503;
    const calls: string[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push(`${init?.method} ${url} ${init?.body}`);
      return { ok: status < 300, status, json: async () => ({}) };
    };
    const warnings: string[] = [];
    const store = new LayoutStore({ fetch, setTimer: () => 0, clearTimer: () => undefined, onWarning: (m) => warnings.push(m) });
    store.save('hq', [['node:a', { x: 1, y: 1 }]]);
    await store.flush();
    await store.flush();
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/hq.*503/);
    status = 200;
    store.save('hq', [['node:b', { x: 2, y: 2 }]]);
    await store.flush();
    expect(JSON.parse(calls.at(-1)!.split(' ').slice(2).join(' '))).to.deep.equal({ positions: { 'node:a': { x: 1, y: 1 }, 'node:b': { x: 2, y: 2 } } });
    const n = calls.length;
    await store.flush();
    expect(calls.length).to.equal(n);
  });
});
