/**
 * The whole `router` kind (switch poller + the router's reads) in virtual time with the test
 * kit's recorded SNMP client: a BGP peer changing state between two polls, update rates, the
 * `bgp`/`resources` switches, and a dead device.
 */
import { expect } from 'chai';
import plugin from '../../../probes/router/index.js';
import { recordedSnmp, runProbe, VirtualClock, type ProbeRun } from '../../../plugins/sdk/testkit/index.js';
import type { Observation } from '../../../plugins/sdk/index.js';
import type { RouterTarget } from '../../../plugins/sdk/snmp/device/router-poll.js';
import { requireCorpus } from '../../setup/corpus.js';
import { routerOwn } from './helpers.js';
import { EDGEOS_PEER } from './recorded-peers.js';

const kind = plugin.probes.router;
const INTERVAL_MS = 60_000;
const PEER = EDGEOS_PEER;
const PEER_STATE = `1.3.6.1.2.1.15.3.1.2.${PEER}`;

function start(recording: string, target: Partial<RouterTarget> = {}) {
  const clock = new VirtualClock();
  const snmp = recordedSnmp({ '127.0.0.1': recording }, clock, { latencyMs: 5 });
  const run = runProbe(kind, { host: '127.0.0.1', ...target }, { clock, clients: { snmp }, intervalMs: INTERVAL_MS, name: 'edge' });
  return { clock, snmp, run };
}

/** Observations emitted in the window [from, to). */
const between = (run: ProbeRun, from: number, to: number): Observation[] => run.observations.filter((o) => o.at >= from && o.at < to);
const peerEntity = (run: ProbeRun): string => {
  const s = run.observations.find((o) => o.kind === 'state' && o.entity.startsWith('bgp:'));
  if (!s) throw new Error('no BGP peer state observed');
  return s.entity;
};

describe('router probe (recorded devices, virtual time)', () => {
  it('edgeos: the BGP peer and the node share the node id and name; the node is a router', function () {
    const { run } = start(requireCorpus(this, 'edgeos'));
    run.advance(INTERVAL_MS / 2);
    run.stop();
    expect(run.errors).to.deep.equal([]);
    const nodes = run.of('topology').filter((o) => o.element === 'node');
    const withPeers = nodes.find((o) => o.element === 'node' && o.node.attrs?.bgpPeers);
    expect(withPeers, 'node attrs with bgpPeers').to.not.equal(undefined);
    const first = nodes[0];
    expect(withPeers!.entity).to.equal(first.entity);
    expect(withPeers!.element === 'node' && withPeers!.node.name).to.equal(first.element === 'node' && first.node.name);
    expect(peerEntity(run)).to.equal(`bgp:${first.entity.slice(5)}/${PEER}`);
    expect(run.of('metric').some((m) => m.entity === first.entity && m.name === 'routes.count' && m.value === 18)).to.equal(true);
  });

  it('a peer state change between two polls gives bgp-peer-change and the down state', function () {
    const { run, snmp, clock } = start(requireCorpus(this, 'edgeos'));
    run.advance(INTERVAL_MS / 2);
    const entity = peerEntity(run);
    snmp.setValue('127.0.0.1', PEER_STATE, { type: 'Integer', value: 1 });
    const t1 = clock.now();
    run.advance(INTERVAL_MS);
    const second = between(run, t1, clock.now());
    const ev = second.filter((o): o is Extract<Observation, { kind: 'event' }> => o.kind === 'event' && o.type === 'bgp-peer-change');
    expect(ev).to.have.length(1);
    expect(ev[0]).to.deep.include({ entity, severity: 'major' });
    expect(ev[0].data).to.include({ from: 'established', to: 'idle' });
    expect(second.filter((o) => o.kind === 'state' && o.entity === entity)).to.deep.equal([
      { kind: 'state', at: ev[0].at, entity, state: 'down', reason: 'idle' },
    ]);
    snmp.setValue('127.0.0.1', PEER_STATE, { type: 'Integer', value: 6 });
    const t2 = clock.now();
    run.advance(INTERVAL_MS);
    const third = between(run, t2, clock.now());
    expect(third.filter((o) => o.kind === 'event' && o.type === 'bgp-peer-change').map((o) => (o as { severity: string }).severity)).to.deep.equal(['info']);
    expect(third.filter((o) => o.kind === 'state' && o.entity === entity).map((o) => (o as { state: string }).state)).to.deep.equal(['up']);
    run.stop();
    expect(run.errors).to.deep.equal([]);
  });

  it('update counters become rates after two polls', function () {
    const { run, snmp, clock } = start(requireCorpus(this, 'edgeos'));
    run.advance(INTERVAL_MS / 2);
    const entity = peerEntity(run);
    expect(run.of('metric').filter((m) => m.name.startsWith('bgp.updates.'))).to.deep.equal([]);
    snmp.setValue('127.0.0.1', `1.3.6.1.2.1.15.3.1.10.${PEER}`, { type: 'Counter32', value: 6 + 1200 });
    snmp.setValue('127.0.0.1', `1.3.6.1.2.1.15.3.1.11.${PEER}`, { type: 'Counter32', value: 1 + 60 });
    const t1 = clock.now();
    run.advance(INTERVAL_MS);
    run.stop();
    const rates = between(run, t1, clock.now()).filter((o) => o.kind === 'metric' && o.entity === entity && o.name.startsWith('bgp.updates.'));
    expect(rates.map((o) => [(o as { name: string }).name, (o as { value: number }).value])).to.deep.equal([
      ['bgp.updates.in_per_s', 20],
      ['bgp.updates.out_per_s', 1],
    ]);
  });

  it('bgp: false and resources: false leave only the route count of the router part', function () {
    const { run } = start(requireCorpus(this, 'edgeos'), { bgp: false, resources: false });
    run.advance(INTERVAL_MS / 2);
    run.stop();
    expect(run.errors).to.deep.equal([]);
    expect(run.observations.filter(routerOwn).map((o) => (o.kind === 'metric' ? o.name : o.kind))).to.deep.equal(['routes.count']);
  });

  it('a dead device: no router observations, the node reported down, the probe keeps running', function () {
    const { run, snmp } = start(requireCorpus(this, 'edgeos'));
    snmp.setDown('127.0.0.1', true);
    run.advance(3 * INTERVAL_MS);
    run.stop();
    expect(run.errors).to.deep.equal([]);
    expect(run.observations.filter(routerOwn)).to.deep.equal([]);
    expect(run.of('state').some((s) => s.entity.startsWith('node:') && s.state === 'down')).to.equal(true);
  });
});
