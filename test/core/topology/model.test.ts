import { expect } from 'chai';
import { TopologyModel } from '../../../core/topology/model.js';
import type { TopologyPatch, TopologySnapshot } from '../../../core/topology/types.js';
import { linkId, portId } from '../../../plugins/sdk/index.js';

/** Applies patches to a snapshot the way a client does. */
function applyPatch(s: TopologySnapshot, p: TopologyPatch): TopologySnapshot {
  expect(p.seq).to.equal(s.seq + 1);
  const out = structuredClone(s);
  out.seq = p.seq;
  for (const op of p.ops) {
    const list = (op.type === 'node' ? out.nodes : op.type === 'port' ? out.ports : out.links) as { id: string }[];
    const id = op.op === 'remove' ? op.id : op.value.id;
    const i = list.findIndex((x) => x.id === id);
    if (op.op === 'remove') list.splice(i, 1);
    else if (i >= 0) list[i] = op.value;
    else list.push(op.value);
  }
  return out;
}

const sortById = (s: TopologySnapshot) => ({
  seq: s.seq,
  nodes: [...s.nodes].sort((a, b) => a.id.localeCompare(b.id)),
  ports: [...s.ports].sort((a, b) => a.id.localeCompare(b.id)),
  links: [...s.links].sort((a, b) => a.id.localeCompare(b.id)),
});

describe('topology model', () => {
  it('numbers patches consecutively and a client applying them holds the same state', () => {
    const m = new TopologyModel();
    let client = m.snapshot();
    const patches: TopologyPatch[] = [];
    m.patches$.subscribe((p) => {
      patches.push(p);
      client = applyPatch(client, p);
    });
    m.upsertNode('node:a', { name: 'a', kind: 'switch' });
    m.upsertNode('node:b', { name: 'b', kind: 'router', site: 'paris' });
    const pa = portId('node:a', 'eth1');
    const pb = portId('node:b', 'ge-0/0/1');
    m.upsertLink({ a: { node: 'node:a', port: pa }, b: { node: 'node:b', port: pb } }, 'config');
    m.setState('node:a', 'up', 10);
    m.setState('node:b', 'up', 10);
    m.setRate(pa, 'if.in.bps', 1e6);
    m.remove('node:b');
    expect(patches.map((p) => p.seq)).to.deep.equal(patches.map((_, i) => i + 1));
    expect(sortById(client)).to.deep.equal(sortById(m.snapshot()));
    expect(m.snapshot().links).to.have.length(0);
  });

  it('keeps the latest metrics of a trunk node (pushed live), not of other nodes', () => {
    const m = new TopologyModel();
    m.upsertNode('trunk:t1', { name: 't1', kind: 'trunk' });
    m.upsertNode('node:a', { name: 'a', kind: 'switch' });
    const seq = m.currentSeq;
    m.setRate('trunk:t1', 'sip.options.rtt_ms', 12.5);
    m.setRate('node:a', 'sys.uptime_s', 99);
    expect(m.currentSeq).to.equal(seq + 1);
    m.setRate('trunk:t1', 'sip.options.rtt_ms', 12.5);
    expect(m.currentSeq, 'an unchanged value is no patch').to.equal(seq + 1);
    m.upsertNode('trunk:t1', { name: 't1', kind: 'trunk', attrs: { uri: 'sip:x' } });
    const nodes = new Map(m.snapshot().nodes.map((n) => [n.id, n]));
    expect(nodes.get('trunk:t1')?.metrics).to.deep.equal({ 'sip.options.rtt_ms': 12.5 });
    expect(nodes.get('node:a')?.metrics).to.equal(undefined);
  });

  it('emits nothing when nothing changes', () => {
    const m = new TopologyModel();
    m.upsertNode('node:a', { name: 'a', kind: 'switch' });
    const seq = m.currentSeq;
    m.upsertNode('node:a', { name: 'a', kind: 'switch' });
    m.setState('node:a', 'unknown', 5);
    expect(m.currentSeq).to.equal(seq);
  });

  it('one link whichever side reports it; the link follows its end states', () => {
    const m = new TopologyModel();
    const a = { node: 'node:a', port: portId('node:a', 'eth1') };
    const b = { node: 'node:b', port: portId('node:b', 'eth2') };
    const id1 = m.upsertLink({ a, b });
    const id2 = m.upsertLink({ a: b, b: a });
    expect(id1).to.equal(id2).and.equal(linkId(a, b));
    expect(m.snapshot().links).to.have.length(1);
    m.setState('node:a', 'up', 1);
    m.setState('node:b', 'up', 1);
    expect(m.link(id1)!.state).to.equal('up');
    m.setState('node:b', 'down', 2);
    expect(m.link(id1)!.state).to.equal('down');
    m.setState(b.port, 'up', 3);
    expect(m.link(id1)!.state, 'an up port on a down node is still a down link').to.equal('down');
  });

  it('batch() groups several changes into one patch', () => {
    const m = new TopologyModel();
    const patches: TopologyPatch[] = [];
    m.patches$.subscribe((p) => patches.push(p));
    m.batch(() => {
      m.upsertNode('node:a', { name: 'a', kind: 'switch' });
      m.upsertNode('node:b', { name: 'b', kind: 'switch' });
    });
    expect(patches).to.have.length(1);
    expect(patches[0]!.ops).to.have.length(2);
  });

  it('restore keeps the seq monotonic', () => {
    const m = new TopologyModel();
    m.restore({ seq: 41, nodes: [{ id: 'node:a', name: 'a', kind: 'switch', state: 'up', attrs: {} }], ports: [], links: [] });
    let seen = 0;
    m.patches$.subscribe((p) => (seen = p.seq));
    m.setState('node:a', 'down', 1);
    expect(seen).to.equal(42);
  });
});
