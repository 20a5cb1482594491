/**
 * The web page's protocol logic (web/live-state.js), driven by a real server: a client that
 * misses a patch detects the gap, asks for a resync and ends up equal to the model.
 */
import { expect } from 'chai';
import { startHarness, TestClient, type Harness } from './helpers.js';

// A plain browser module without type declarations: imported through a variable so tsc leaves it alone.
const LIVE_STATE = '../../../web/live-state.js';
const { createLiveState, handle } = (await import(LIVE_STATE)) as {
  createLiveState(): any;
  handle(state: any, msg: any): 'snapshot' | 'patch' | 'stale' | 'gap' | 'error' | 'unknown';
};

function ids(map: Map<string, unknown>): string[] {
  return [...map.keys()].sort();
}

describe('web live state (snapshot + patches, gap → resync)', () => {
  let h: Harness;
  let c: TestClient | undefined;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await c?.close();
    await h.close();
  });

  it('applies snapshot and patches until it equals the model', async () => {
    h.model.upsertNode('node:a', { name: 'a', kind: 'switch' });
    c = await TestClient.connect(h.server.url);
    c.send({ op: 'subscribe', topics: ['topology'] });
    const state = createLiveState();
    expect(handle(state, await c.next())).to.equal('snapshot');
    h.model.upsertLink({ a: { node: 'node:a', port: 'port:a/1' }, b: { node: 'node:b', port: 'port:b/1' } });
    h.model.setState('port:a/1', 'down', 1);
    h.model.remove('node:b');
    while (state.topology.seq !== h.model.currentSeq) expect(handle(state, await c.next())).to.equal('patch');
    const snap = h.model.snapshot();
    expect(ids(state.topology.nodes)).to.deep.equal(snap.nodes.map((n) => n.id).sort());
    expect(ids(state.topology.ports)).to.deep.equal(snap.ports.map((p) => p.id).sort());
    expect(ids(state.topology.links)).to.deep.equal([]);
    expect(state.topology.ports.get('port:a/1').state).to.equal('down');
  });

  it('detects a missed patch, resyncs, and converges', async () => {
    h.model.upsertNode('node:a', { name: 'a', kind: 'switch' });
    c = await TestClient.connect(h.server.url);
    c.send({ op: 'subscribe', topics: ['topology'] });
    const state = createLiveState();
    handle(state, await c.next());
    h.model.upsertNode('node:lost', { name: 'lost', kind: 'server' });
    h.model.upsertNode('node:seen', { name: 'seen', kind: 'server' });
    await c.next(); // dropped on purpose: the client never applies it
    const outcome = handle(state, await c.next());
    expect(outcome).to.equal('gap');
    c.send({ op: 'resync', topic: 'topology' });
    h.model.upsertNode('node:meanwhile', { name: 'meanwhile', kind: 'server' });
    // patches racing the resync are ignored until the snapshot arrives
    let msg = await c.next();
    while (!('snapshot' in msg)) {
      expect(handle(state, msg)).to.equal('stale');
      msg = await c.next();
    }
    expect(handle(state, msg)).to.equal('snapshot');
    while (state.topology.seq !== h.model.currentSeq) expect(handle(state, await c.next())).to.equal('patch');
    expect(ids(state.topology.nodes)).to.deep.equal(['node:a', 'node:lost', 'node:meanwhile', 'node:seen']);
  });

  it('keeps the newest events first, and refuses patches before a snapshot', async () => {
    const state = createLiveState();
    expect(handle(state, { topic: 'events', seq: 1, patch: { id: 'x' } })).to.equal('stale');
    expect(handle(state, { topic: 'events', seq: 4, snapshot: [{ id: 'b' }, { id: 'a' }] })).to.equal('snapshot');
    expect(handle(state, { topic: 'events', seq: 5, patch: { id: 'c' } })).to.equal('patch');
    expect(handle(state, { topic: 'events', seq: 5, patch: { id: 'c' } })).to.equal('stale');
    expect(state.events.list.map((e: any) => e.id)).to.deep.equal(['c', 'b', 'a']);
    expect(handle(state, { error: { code: 'E_WS_MESSAGE', message: 'no' } })).to.equal('error');
    expect(handle(state, { topic: 'weather', seq: 1, patch: {} })).to.equal('unknown');
  });
});
