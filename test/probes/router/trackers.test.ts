/**
 * The router's stateful observation builders, on hand-made readings: BGP peer states, change
 * events and update rates (`BgpTracker`); CPU, memory, storage and load metrics (`ResourceMetrics`).
 */
import { expect } from 'chai';
import type { Observation } from '../../../plugins/sdk/index.js';
import type { BgpPeerRow } from '../../../plugins/sdk/snmp/device/bgp.js';
import { BgpTracker } from '../../../plugins/sdk/snmp/device/router-bgp-tracker.js';
import { ResourceMetrics, storageMetricName } from '../../../plugins/sdk/snmp/device/router-resource-metrics.js';
import type { StorageRow } from '../../../plugins/sdk/snmp/device/resources.js';

const NODE = 'node:edge-1';
const T0 = Date.UTC(2026, 0, 1);

function peer(over: Partial<BgpPeerRow> = {}): BgpPeerRow {
  return { peer: '192.0.2.1', state: 'established', adminStatus: 'start', remoteAs: 64500, fsmEstablishedTimeS: 3600, establishedTransitions: 1, inUpdates: 1000, outUpdates: 500, mib: 'BGP4-MIB', ...over };
}
const metrics = (obs: Observation[], name: string) => obs.filter((o) => o.kind === 'metric' && o.name === name).map((o) => (o as { value: number }).value);
const states = (obs: Observation[]) => obs.filter((o) => o.kind === 'state').map((o) => (o.kind === 'state' ? [o.entity, o.state, o.reason] : []));
const events = (obs: Observation[]) => obs.filter((o): o is Extract<Observation, { kind: 'event' }> => o.kind === 'event');

describe('BgpTracker', () => {
  it('maps FSM and admin states to up / down (reason = FSM state) / unknown, without events on the first poll', () => {
    const t = new BgpTracker();
    const { observations, peers } = t.observe(NODE, T0, {
      peers: [peer(), peer({ peer: '192.0.2.2', state: 'active' }), peer({ peer: '192.0.2.3', state: 'idle', adminStatus: 'stop' })],
    });
    expect(states(observations)).to.deep.equal([
      ['bgp:edge-1/192.0.2.1', 'up', undefined],
      ['bgp:edge-1/192.0.2.2', 'down', 'active'],
      ['bgp:edge-1/192.0.2.3', 'unknown', 'administratively stopped'],
    ]);
    expect(events(observations)).to.deep.equal([]);
    expect(metrics(observations, 'bgp.established_s')).to.deep.equal([3600, 0, 0]);
    expect(metrics(observations, 'bgp.updates.in_per_s'), 'no rate from one sample').to.deep.equal([]);
    expect(peers[0]).to.deep.equal({ peer: '192.0.2.1', remoteAs: 64500, state: 'established', establishedFor: 3600 });
    expect(peers[1].establishedFor).to.equal(null);
  });

  it('gives update rates from the second poll on', () => {
    const t = new BgpTracker();
    t.observe(NODE, T0, { peers: [peer()] }, 100);
    const { observations } = t.observe(NODE, T0 + 60_000, { peers: [peer({ inUpdates: 1600, outUpdates: 530, fsmEstablishedTimeS: 3660 })] }, 6100);
    expect(metrics(observations, 'bgp.updates.in_per_s')).to.deep.equal([10]);
    expect(metrics(observations, 'bgp.updates.out_per_s')).to.deep.equal([0.5]);
  });

  it('a peer leaving established: major event and down; coming back: info event, and no rate spike from the reset counters', () => {
    const t = new BgpTracker();
    t.observe(NODE, T0, { peers: [peer()] });
    const down = t.observe(NODE, T0 + 60_000, { peers: [peer({ state: 'idle', lastError: { code: 6, subcode: 2, text: 'Cease (6/2)' }, inUpdates: 1000 })] });
    const [leave] = events(down.observations);
    expect(leave).to.include({ type: 'bgp-peer-change', severity: 'major', entity: 'bgp:edge-1/192.0.2.1' });
    expect(leave.message).to.match(/left established, now idle.*Cease \(6\/2\)/);
    expect(leave.data).to.include({ from: 'established', to: 'idle' });
    expect(states(down.observations)).to.deep.equal([['bgp:edge-1/192.0.2.1', 'down', 'idle']]);
    // Re-established: bgpPeerInUpdates starts again from 0 and the transitions count goes up.
    const up = t.observe(NODE, T0 + 120_000, { peers: [peer({ inUpdates: 3, outUpdates: 2, establishedTransitions: 2, fsmEstablishedTimeS: 20 })] });
    expect(events(up.observations).map((e) => [e.severity, e.data?.from, e.data?.to])).to.deep.equal([['info', 'idle', 'established']]);
    expect(metrics(up.observations, 'bgp.updates.in_per_s')).to.deep.equal([]);
    const later = t.observe(NODE, T0 + 180_000, { peers: [peer({ inUpdates: 63, outUpdates: 2, establishedTransitions: 2 })] });
    expect(metrics(later.observations, 'bgp.updates.in_per_s')).to.deep.equal([1]);
  });

  it('a counter reset without a transition change is not read as a 32-bit wrap', () => {
    const t = new BgpTracker();
    t.observe(NODE, T0, { peers: [peer({ inUpdates: 5_000_000 })] });
    const { observations } = t.observe(NODE, T0 + 60_000, { peers: [peer({ inUpdates: 10 })] });
    expect(metrics(observations, 'bgp.updates.in_per_s')).to.deep.equal([]);
  });

  it('a peer that disappears gives one event and an unknown state', () => {
    const t = new BgpTracker();
    t.observe(NODE, T0, { peers: [peer(), peer({ peer: '192.0.2.9', state: 'idle' })] });
    const { observations } = t.observe(NODE, T0 + 60_000, { peers: [peer({ peer: '192.0.2.9', state: 'idle' })] });
    const ev = events(observations);
    expect(ev.map((e) => [e.entity, e.severity, e.data?.to])).to.deep.equal([['bgp:edge-1/192.0.2.1', 'major', 'removed']]);
    expect(states(observations)).to.deep.include(['bgp:edge-1/192.0.2.1', 'unknown', 'peer no longer configured']);
    const again = t.observe(NODE, T0 + 120_000, { peers: [peer({ peer: '192.0.2.9', state: 'idle' })] });
    expect(events(again.observations)).to.deep.equal([]);
  });
});

function disk(index: number, descr: string, totalBytes: number, usedBytes: number, cls: StorageRow['class'] = 'fixed-disk'): StorageRow {
  return { index, class: cls, descr, allocationUnit: 4096, totalBytes, usedBytes, usedPct: Math.round((usedBytes / totalBytes) * 10000) / 100 };
}

describe('ResourceMetrics', () => {
  it('CPU from hrProcessorLoad: the average and one metric per processor, in index order', () => {
    const obs = new ResourceMetrics().observe(NODE, T0, { processors: [{ index: 196609, loadPct: 30 }, { index: 196608, loadPct: 10 }] });
    expect(metrics(obs, 'cpu.load_pct')).to.deep.equal([20]);
    expect(metrics(obs, 'cpu.load_pct.0')).to.deep.equal([10]);
    expect(metrics(obs, 'cpu.load_pct.1')).to.deep.equal([30]);
  });

  it('CPU from ssCpuRaw counters (second poll on) when there is no hrProcessorLoad', () => {
    const m = new ResourceMetrics();
    const raw = (user: number, system: number, idle: number, wait: number) => ({ ucd: { cpuRaw: { user, nice: 0, system, idle, wait } } });
    expect(metrics(m.observe(NODE, T0, raw(1000, 500, 10_000, 0)), 'cpu.load_pct')).to.deep.equal([]);
    const obs = m.observe(NODE, T0 + 10_000, raw(1300, 600, 10_550, 50));
    expect(metrics(obs, 'cpu.load_pct')).to.deep.equal([40]);
    expect(metrics(obs, 'cpu.user_pct')).to.deep.equal([30]);
    expect(metrics(obs, 'cpu.iowait_pct')).to.deep.equal([5]);
  });

  it('memory from UCD: used = total − available − buffers − cached', () => {
    const obs = new ResourceMetrics().observe(NODE, T0, { ucd: { memory: { totalRealKb: 2000, availRealKb: 1000, bufferKb: 200, cachedKb: 300, totalSwapKb: 1000, availSwapKb: 750 } } });
    expect(metrics(obs, 'mem.total_bytes')).to.deep.equal([2000 * 1024]);
    expect(metrics(obs, 'mem.used_bytes')).to.deep.equal([500 * 1024]);
    expect(metrics(obs, 'mem.used_pct')).to.deep.equal([25]);
    expect(metrics(obs, 'swap.used_pct')).to.deep.equal([25]);
  });

  it('memory from hrStorage without UCD: the RAM row minus net-snmp buffers and cache; disks by sanitised name', () => {
    const storage = [
      disk(1, 'Physical memory', 1000, 800, 'ram'),
      disk(6, 'Memory buffers', 1000, 100, 'other'),
      disk(7, 'Cached memory', 300, 300, 'other'),
      disk(10, 'Swap space', 500, 0, 'virtual-memory'),
      disk(31, '/', 4000, 1000),
      disk(32, '/var/log', 4000, 2000),
      disk(33, '/root', 100, 50),
      disk(34, '/ROOT', 100, 25),
    ];
    const obs = new ResourceMetrics().observe(NODE, T0, { storage });
    expect(metrics(obs, 'mem.used_bytes')).to.deep.equal([400]);
    expect(metrics(obs, 'mem.used_pct')).to.deep.equal([40]);
    expect(metrics(obs, 'storage.used_pct.root')).to.deep.equal([25]);
    expect(metrics(obs, 'storage.used_pct.root_33')).to.deep.equal([50]);
    expect(metrics(obs, 'storage.used_pct.root_34')).to.deep.equal([25]);
    expect(metrics(obs, 'storage.used_bytes.var_log')).to.deep.equal([2000]);
    expect(obs.some((o) => o.name.includes('swap') || o.name.includes('memory'))).to.equal(false);
  });

  it('names storage for metrics', () => {
    expect(storageMetricName('/')).to.equal('root');
    expect(storageMetricName('/opt/vyatta/config')).to.equal('opt_vyatta_config');
    expect(storageMetricName('/root.dev')).to.equal('root_dev');
    expect(storageMetricName('C:\\ Label:System  Serial Number 5c3a')).to.equal('c');
    expect(storageMetricName('system disk')).to.equal('system_disk');
  });
});
