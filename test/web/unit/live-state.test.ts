/**
 * The browser's live copy (web/src/live/live-state.ts), driven by a real server: snapshot then
 * patches converge to the model; a missed patch is a gap, patches are ignored until the resync
 * snapshot; events keep the newest first and each new one is reported once.
 */
import { expect } from 'chai';
import { applyMessage, createLiveState, EVENTS_KEPT } from '../../../web/src/live/live-state.js';
import { startHarness, TestClient, type Harness } from '../../core/server/helpers.js';

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
    c = undefined;
    await h.close();
  });

  it('applies a snapshot then patches until it equals the model, naming what changed', async () => {
    h.model.upsertNode('node:a', { name: 'a', kind: 'switch' });
    c = await TestClient.connect(h.server.url);
    c.send({ op: 'subscribe', topics: ['topology'] });
    const state = createLiveState();
    const first = applyMessage(state, await c.next());
    expect(first.outcome).to.equal('snapshot');
    expect(first.changed).to.deep.include({ nodes: ['node:a'], snapshot: true });
    h.model.upsertLink({ a: { node: 'node:a', port: 'port:a/1' }, b: { node: 'node:b', port: 'port:b/1' } });
    h.model.setState('port:a/1', 'down', 1);
    h.model.remove('node:b');
    const touched = new Set<string>();
    while (state.topology.seq !== h.model.currentSeq) {
      const applied = applyMessage(state, await c.next());
      expect(applied.outcome).to.equal('patch');
      for (const id of [...applied.changed!.nodes, ...applied.changed!.ports, ...applied.changed!.links]) touched.add(id);
    }
    const snap = h.model.snapshot();
    expect(ids(state.topology.nodes)).to.deep.equal(snap.nodes.map((n) => n.id).sort());
    expect(ids(state.topology.ports)).to.deep.equal(snap.ports.map((p) => p.id).sort());
    expect(ids(state.topology.links)).to.deep.equal([]);
    expect(state.topology.ports.get('port:a/1')!.state).to.equal('down');
    expect(touched.has('node:b')).to.equal(true);
    expect(touched.has('port:a/1')).to.equal(true);
  });

  it('detects a missed patch, ignores patches until the resync snapshot, and converges', async () => {
    h.model.upsertNode('node:a', { name: 'a', kind: 'switch' });
    c = await TestClient.connect(h.server.url);
    c.send({ op: 'subscribe', topics: ['topology'] });
    const state = createLiveState();
    applyMessage(state, await c.next());
    h.model.upsertNode('node:lost', { name: 'lost', kind: 'server' });
    h.model.upsertNode('node:seen', { name: 'seen', kind: 'server' });
    await c.next(); // dropped on purpose: the client never applies it
    expect(applyMessage(state, await c.next())).to.deep.equal({ outcome: 'gap', topic: 'topology' });
    expect(state.topology.nodes.has('node:lost')).to.equal(false);
    c.send({ op: 'resync', topic: 'topology' });
    h.model.upsertNode('node:meanwhile', { name: 'meanwhile', kind: 'server' });
    let msg = await c.next();
    while (!('snapshot' in msg)) {
      expect(applyMessage(state, msg).outcome).to.equal('stale');
      msg = await c.next();
    }
    expect(applyMessage(state, msg).outcome).to.equal('snapshot');
    while (state.topology.seq !== h.model.currentSeq) expect(applyMessage(state, await c.next()).outcome).to.equal('patch');
    expect(ids(state.topology.nodes)).to.deep.equal(['node:a', 'node:lost', 'node:meanwhile', 'node:seen']);
  });

  it('keeps the newest events first, reports each new event once, refuses patches before a snapshot', () => {
    const state = createLiveState();
    expect(applyMessage(state, { topic: 'events', seq: 1, patch: { id: 'x' } }).outcome).to.equal('stale');
    const snap = applyMessage(state, { topic: 'events', seq: 4, snapshot: [{ id: 'b', at: 2 }, { id: 'a', at: 1 }] });
    expect(snap.outcome).to.equal('snapshot');
    expect(snap.events!.map((e) => e.id)).to.deep.equal(['a', 'b']); // oldest first
    expect(applyMessage(state, { topic: 'events', seq: 5, patch: { id: 'c', at: 3 } }).events!.map((e) => e.id)).to.deep.equal(['c']);
    expect(applyMessage(state, { topic: 'events', seq: 5, patch: { id: 'c' } }).outcome).to.equal('stale');
    expect(state.events.list.map((e) => e.id)).to.deep.equal(['c', 'b', 'a']);
    // a resync snapshot reports only the events this client had not seen
    const again = applyMessage(state, { topic: 'events', seq: 9, snapshot: [{ id: 'e', at: 5 }, { id: 'd', at: 4 }, { id: 'c', at: 3 }, { id: 'b', at: 2 }] });
    expect(again.events!.map((e) => e.id)).to.deep.equal(['d', 'e']);
    expect(applyMessage(state, { error: { code: 'E_WS_MESSAGE', message: 'no' } }).outcome).to.equal('error');
    expect(applyMessage(state, { topic: 'weather', seq: 1, patch: {} }).outcome).to.equal('unknown');
    expect(applyMessage(state, 'nonsense').outcome).to.equal('unknown');
  });

  it('keeps at most EVENTS_KEPT events', () => {
    const state = createLiveState();
    applyMessage(state, { topic: 'events', seq: 0, snapshot: [] });
    for (let i = 1; i <= EVENTS_KEPT + 5; i++) applyMessage(state, { topic: 'events', seq: i, patch: { id: i, at: i } });
    expect(state.events.list).to.have.length(EVENTS_KEPT);
    expect(state.events.list[0].id).to.equal(EVENTS_KEPT + 5);
  });
});
