/**
 * `routerExtras`: the router's reads inside one poll (BGP, routes, resources), driven directly
 * with a recorded session in virtual time, as the switch poller's `extras` hook drives them.
 */
import { expect } from 'chai';
import { isVigieError, type Observation } from '../../../plugins/sdk/index.js';
import { recordedSnmp, VirtualClock, type RecordedSnmpClient } from '../../../plugins/sdk/testkit/index.js';
import { routerExtras, type RouterExtrasOptions } from '../../../plugins/sdk/snmp/device/router-poll.js';
import { requireCorpus } from '../../setup/corpus.js';
import { EDGEOS_PEER } from './recorded-peers.js';

const NODE = 'node:edge-1';
const PEER = EDGEOS_PEER;
const PEER_STATE = `1.3.6.1.2.1.15.3.1.2.${PEER}`;
const PEER_IN_UPDATES = `1.3.6.1.2.1.15.3.1.10.${PEER}`;
const PEER_OUT_UPDATES = `1.3.6.1.2.1.15.3.1.11.${PEER}`;

interface Rig {
  clock: VirtualClock;
  snmp: RecordedSnmpClient;
  /** Runs one poll's extras; returns what they emitted and the error they ended with. */
  poll(): { obs: Observation[]; error?: unknown };
}

function rig(recording: string, opts: Partial<RouterExtrasOptions> = {}): Rig {
  const clock = new VirtualClock();
  const snmp = recordedSnmp({ '127.0.0.1': recording }, clock, { latencyMs: 5 });
  const session = snmp.session({ host: '127.0.0.1', version: '2c', timeoutMs: 1000, retries: 0 });
  const extras = routerExtras({ nodeName: () => 'Edge-1', ...opts });
  return {
    clock,
    snmp,
    poll() {
      const obs: Observation[] = [];
      let error: unknown;
      extras({ node: NODE, session, now: () => clock.now() }).subscribe({ next: (o) => obs.push(o), error: (e) => (error = e) });
      clock.advance(30_000);
      return { obs, error };
    },
  };
}

const metric = (obs: Observation[], entity: string, name: string) =>
  obs.filter((o) => o.kind === 'metric' && o.entity === entity && o.name === name).map((o) => (o as { value: number }).value);
const bgpEntity = `bgp:edge-1/${PEER}`;

describe('routerExtras (recorded devices)', () => {
  it('edgeos: route count, BGP peer, node attrs, CPU/memory/storage/load in one poll', function () {
    const r = rig(requireCorpus(this, 'edgeos'));
    const { obs, error } = r.poll();
    expect(error).to.equal(undefined);
    expect(metric(obs, NODE, 'routes.count')).to.deep.equal([18]);
    const node = obs.find((o) => o.kind === 'topology');
    expect(node).to.deep.include({ entity: NODE, element: 'node' });
    expect((node as { node: unknown }).node).to.deep.equal({
      name: 'Edge-1',
      kind: 'router',
      attrs: { bgpPeers: [{ peer: PEER, remoteAs: 65000, state: 'established', establishedFor: 164372 }], bgpLocalAs: 65200 },
    });
    expect(obs.filter((o) => o.kind === 'state')).to.deep.equal([{ kind: 'state', at: r.clock.now() - 30_000 + 10, entity: bgpEntity, state: 'up' }]);
    expect(metric(obs, bgpEntity, 'bgp.established_s')).to.deep.equal([164372]);
    expect(metric(obs, NODE, 'cpu.load_pct')).to.deep.equal([6]);
    expect(metric(obs, NODE, 'mem.total_bytes')).to.deep.equal([2036504 * 1024]);
    expect(metric(obs, NODE, 'load.1')).to.deep.equal([0.14]);
    expect(obs.filter((o) => o.kind === 'metric' && o.name.startsWith('storage.used_pct.'))).to.have.length(10);
  });

  it('a peer leaving established between two polls: bgp-peer-change (major) and state down; coming back: info and up', function () {
    const r = rig(requireCorpus(this, 'edgeos'));
    r.poll();
    r.snmp.setValue('127.0.0.1', PEER_STATE, { type: 'Integer', value: 3 });
    r.snmp.setValue('127.0.0.1', `1.3.6.1.2.1.15.3.1.14.${PEER}`, { type: 'OctetString', value: Buffer.from([4, 0]) });
    const down = r.poll().obs;
    const events = down.filter((o) => o.kind === 'event');
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ entity: bgpEntity, type: 'bgp-peer-change', severity: 'major' });
    expect((events[0] as { message: string }).message).to.match(/172\.16\.200\.1 \(AS 65000\) left established, now active; last error: Hold Timer Expired \(4\/0\)/);
    expect(down.filter((o) => o.kind === 'state').map((o) => [o.entity, (o as { state: string }).state, (o as { reason?: string }).reason])).to.deep.equal([
      [bgpEntity, 'down', 'active'],
    ]);
    expect(metric(down, bgpEntity, 'bgp.established_s')).to.deep.equal([0]);
    r.snmp.setValue('127.0.0.1', PEER_STATE, { type: 'Integer', value: 6 });
    const up = r.poll().obs;
    expect(up.filter((o) => o.kind === 'event').map((o) => (o as { severity: string }).severity)).to.deep.equal(['info']);
    expect(up.filter((o) => o.kind === 'state').map((o) => (o as { state: string }).state)).to.deep.equal(['up']);
    expect(r.poll().obs.filter((o) => o.kind === 'event'), 'no event without a change').to.deep.equal([]);
  });

  it('update counters become rates after two polls', function () {
    const r = rig(requireCorpus(this, 'edgeos'));
    expect(metric(r.poll().obs, bgpEntity, 'bgp.updates.in_per_s')).to.deep.equal([]);
    r.clock.advance(30_000); // polls 60 s apart
    r.snmp.setValue('127.0.0.1', PEER_IN_UPDATES, { type: 'Counter32', value: 6 + 600 });
    r.snmp.setValue('127.0.0.1', PEER_OUT_UPDATES, { type: 'Counter32', value: 1 + 30 });
    const obs = r.poll().obs;
    expect(metric(obs, bgpEntity, 'bgp.updates.in_per_s')).to.deep.equal([10]);
    expect(metric(obs, bgpEntity, 'bgp.updates.out_per_s')).to.deep.equal([0.5]);
  });

  it('bgp: false and resources: false skip those reads', function () {
    const r = rig(requireCorpus(this, 'edgeos'), { bgp: false, resources: false });
    const before = r.snmp.requests;
    const { obs } = r.poll();
    expect(obs.map((o) => (o.kind === 'metric' ? o.name : o.kind))).to.deep.equal(['routes.count']);
    expect(r.snmp.requests - before, 'sysUpTime and the two route scalars only').to.equal(3);
  });

  it('a device without BGP or resources gives only what it has, and no node attrs', function () {
    const r = rig(requireCorpus(this, 'vrp_route'));
    const { obs, error } = r.poll();
    expect(error).to.equal(undefined);
    expect(obs.map((o) => (o.kind === 'metric' ? `${o.name}=${o.value}` : o.kind))).to.deep.equal(['routes.count=5']);
  });

  it('no node attrs while the node name is unknown; peers still observed', function () {
    const r = rig(requireCorpus(this, 'edgeos'), { nodeName: () => undefined });
    const { obs } = r.poll();
    expect(obs.filter((o) => o.kind === 'topology')).to.deep.equal([]);
    expect(obs.filter((o) => o.kind === 'state')).to.have.length(1);
  });

  it('a dead agent: nothing emitted, the extras end with E_SNMP naming the failed reads', function () {
    const r = rig(requireCorpus(this, 'edgeos'));
    r.snmp.setDown('127.0.0.1', true);
    const { obs, error } = r.poll();
    expect(obs).to.deep.equal([]);
    expect(isVigieError(error, 'E_SNMP')).to.equal(true);
    expect((error as Error).message).to.match(/router reads incomplete: .*bgp: .*no answer/);
  });
});
