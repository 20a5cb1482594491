/**
 * The `snmp-system` probe in virtual time, against recorded devices (the test kit).
 */
import { expect } from 'chai';
import { throwError } from 'rxjs';
import plugin from '../../../probes/snmp-system/index.js';
import { recordedSnmp, runProbe, VirtualClock, type RecordedSnmpClient } from '../../../plugins/sdk/testkit/index.js';
import { SNMPv2_MIB, type SnmpClient } from '../../../plugins/sdk/index.js';
import { requireCorpus } from '../../setup/corpus.js';

const kind = plugin.probes['snmp-system'];
const HOST = '127.0.0.1';
const SYS_UPTIME = SNMPv2_MIB.sysUpTime;

describe('snmp-system probe (virtual time, recorded devices)', function () {
  let junos: string;
  let tpconductor: string;
  let clock: VirtualClock;
  let snmp: RecordedSnmpClient;

  before(function () {
    junos = requireCorpus(this, 'junos_qfx5100');
    tpconductor = requireCorpus(this, 'tpconductor');
  });
  beforeEach(() => {
    clock = new VirtualClock();
    snmp = recordedSnmp({ [HOST]: junos }, clock, { latencyMs: 7 });
  });

  it('declares the kind as the brief says', () => {
    expect(plugin.name).to.equal('snmp-system');
    expect(plugin.sdk).to.equal('^1');
    expect(kind.defaultIntervalMs).to.equal(30_000);
  });

  it('polls at once: node facts, up, RTT and uptime, under the instance name (the recording’s sysName is the placeholder <private>)', () => {
    const run = runProbe(kind, { host: HOST }, { clock, clients: { snmp } });
    run.advance(10);
    const entity = 'node:test';
    expect(run.errors).to.deep.equal([]);
    expect(run.observations.map((o) => o.kind)).to.deep.equal(['topology', 'state', 'metric', 'metric']);
    const [topo] = run.of('topology');
    expect(topo).to.deep.include({ entity, element: 'node' });
    if (topo.element !== 'node') throw new Error('not a node');
    expect(topo.node.kind).to.equal('switch');
    expect(topo.node.address).to.equal(HOST);
    expect(topo.node.attrs).to.include({ sysObjectID: '1.3.6.1.4.1.2636.1.1.1.4.82.5' });
    expect(String(topo.node.attrs?.sysDescr)).to.match(/^Juniper Networks/);
    expect(run.of('state')).to.deep.equal([{ kind: 'state', at: clock.now() - 3, entity, state: 'up' }]);
    const metrics = Object.fromEntries(run.of('metric').map((m) => [m.name, m.value]));
    expect(metrics['snmp.rtt_ms']).to.equal(7);
    expect(metrics['sys.uptime_s']).to.be.closeTo(3169229834 / 100, 0.02);
    run.stop();
  });

  it('polls every interval, repeats the node only when its facts change', () => {
    const run = runProbe(kind, { host: HOST }, { clock, clients: { snmp }, intervalMs: 10_000 });
    run.advance(35_000);
    expect(run.of('state')).to.have.length(4);
    expect(run.of('topology')).to.have.length(1);
    snmp.setValue(HOST, SNMPv2_MIB.sysLocation, { type: 'OctetString', value: Buffer.from('rack 12') });
    run.advance(10_000);
    const topo = run.of('topology');
    expect(topo).to.have.length(2);
    expect(topo[1].entity).to.equal('node:test');
    if (topo[1].element !== 'node') throw new Error('not a node');
    expect(topo[1].node.attrs?.sysLocation).to.equal('rack 12');
    const uptimes = run.of('metric').filter((m) => m.name === 'sys.uptime_s').map((m) => m.value);
    for (let i = 1; i < uptimes.length; i++) expect(uptimes[i] - uptimes[i - 1]).to.be.closeTo(10, 0.02);
    run.stop();
  });

  it('goes down with the reason on timeout, keeps running, comes back up', () => {
    const run = runProbe(kind, { host: HOST, timeoutMs: 1000, retries: 1 }, { clock, clients: { snmp } });
    run.advance(10);
    snmp.setDown(HOST, true);
    run.advance(62_000);
    const states = run.of('state');
    expect(states.map((s) => s.state)).to.deep.equal(['up', 'down', 'down']);
    expect(states[1].reason).to.match(/no answer|timeout/i);
    expect(states[1].at - states[0].at).to.equal(30_000 + 2000 - 7);
    snmp.setDown(HOST, false);
    run.advance(30_000);
    expect(run.of('state').map((s) => s.state)).to.deep.equal(['up', 'down', 'down', 'up']);
    expect(new Set(run.of('state').map((s) => s.entity))).to.deep.equal(new Set(['node:test']));
    expect(run.errors).to.deep.equal([]);
    run.stop();
  });

  it('raises a reboot event when sysUpTime goes back, not when it wraps at 2^32', () => {
    const run = runProbe(kind, { host: HOST }, { clock, clients: { snmp } });
    run.advance(10);
    snmp.setValue(HOST, SYS_UPTIME, { type: 'TimeTicks', value: 2 ** 32 - 1000 });
    run.advance(30_000);
    snmp.setValue(HOST, SYS_UPTIME, { type: 'TimeTicks', value: 2000 });
    run.advance(30_000);
    expect(run.of('event'), 'a wrap is not a reboot').to.deep.equal([]);
    const uptimes = run.of('metric').filter((m) => m.name === 'sys.uptime_s').map((m) => m.value);
    expect(uptimes.at(-1)).to.equal((2 ** 32 + 2000) / 100);
    snmp.setValue(HOST, SYS_UPTIME, { type: 'TimeTicks', value: 1500 });
    run.advance(30_000);
    const events = run.of('event');
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ type: 'reboot', severity: 'warning', entity: 'node:test' });
    expect(events[0].data).to.deep.equal({ previousUptimeS: (2 ** 32 + 2000) / 100, uptimeS: 15 });
    run.stop();
  });

  it('does not double a poll still in flight when the next is due', () => {
    const slow = recordedSnmp({ [HOST]: junos }, clock, { latencyMs: 45_000 });
    const run = runProbe(kind, { host: HOST, timeoutMs: 60_000 }, { clock, clients: { snmp: slow } });
    run.advance(44_000);
    expect(slow.requests).to.equal(1);
    run.advance(2_000);
    expect(run.of('state')).to.have.length(1);
    expect(slow.requests, 'the 30 s tick was dropped').to.equal(1);
    run.advance(14_000);
    expect(slow.requests).to.equal(2);
    run.stop();
  });

  it('uses the instance name when the agent has no sysName, the identity override always', () => {
    const tp = recordedSnmp({ [HOST]: tpconductor }, clock);
    const a = runProbe(kind, { host: HOST }, { clock, clients: { snmp: tp }, name: 'conductor-1' });
    const b = runProbe(kind, { host: HOST, identity: 'TP Conductor' }, { clock, clients: { snmp: tp }, name: 'x' });
    const c = runProbe(kind, { host: HOST, identity: 'core-sw' }, { clock, clients: { snmp }, name: 'y' });
    clock.advance(10);
    expect(a.of('state')[0].entity).to.equal('node:conductor-1');
    expect(b.of('state')[0].entity).to.equal('node:tp-conductor');
    expect(c.of('state')[0].entity).to.equal('node:core-sw');
    const [topo] = a.of('topology');
    if (topo.element !== 'node') throw new Error('not a node');
    expect(topo.node).to.deep.include({ name: 'conductor-1', kind: 'server' });
    [a, b, c].forEach((r) => r.stop());
  });

  it('never takes a bare IP sysName as the identity', () => {
    snmp.setValue(HOST, SNMPv2_MIB.sysName, { type: 'OctetString', value: Buffer.from('198.51.100.3') });
    const run = runProbe(kind, { host: HOST }, { clock, clients: { snmp }, name: 'edge-7' });
    run.advance(10);
    expect(run.of('state')[0].entity).to.equal('node:edge-7');
    run.stop();
  });

  it('before the first answer uses the instance name, then keeps the id of the first answer', () => {
    snmp.setValue(HOST, SNMPv2_MIB.sysName, { type: 'OctetString', value: Buffer.from('qfx-a') });
    snmp.setDown(HOST, true);
    const run = runProbe(kind, { host: HOST, timeoutMs: 500, retries: 0 }, { clock, clients: { snmp }, name: 'lab-sw' });
    run.advance(1000);
    expect(run.observations.map((o) => [o.kind, o.entity])).to.deep.equal([
      ['topology', 'node:lab-sw'],
      ['state', 'node:lab-sw'],
    ]);
    expect(run.of('state')[0].state).to.equal('down');
    snmp.setDown(HOST, false);
    run.advance(30_000);
    const after = run.observations.slice(2);
    expect(after[0]).to.deep.include({ kind: 'topology', entity: 'node:lab-sw', element: 'gone' });
    expect(after[1]).to.deep.include({ kind: 'topology', entity: 'node:qfx-a', element: 'node' });
    expect(after[2]).to.deep.include({ kind: 'state', entity: 'node:qfx-a', state: 'up' });
    snmp.setValue(HOST, SNMPv2_MIB.sysName, { type: 'OctetString', value: Buffer.from('renamed') });
    snmp.setDown(HOST, true);
    run.advance(30_000);
    snmp.setDown(HOST, false);
    run.advance(30_000);
    const ids = new Set(run.observations.slice(3).map((o) => o.entity));
    expect(ids).to.deep.equal(new Set(['node:qfx-a']));
    const last = run.of('topology').at(-1)!;
    if (last.element !== 'node') throw new Error('not a node');
    expect(last.node.name, 'the display name follows sysName').to.equal('renamed');
    run.stop();
  });

  it('stops polling and abandons the request in flight when unsubscribed', () => {
    const slow = recordedSnmp({ [HOST]: junos }, clock, { latencyMs: 5_000 });
    const run = runProbe(kind, { host: HOST, timeoutMs: 10_000 }, { clock, clients: { snmp: slow } });
    run.advance(1000);
    run.stop();
    expect(clock.actions.filter((a) => !a.closed).length, 'timers left behind').to.equal(0);
    run.advance(120_000);
    expect(run.observations).to.deep.equal([]);
    expect(slow.requests).to.equal(1);
  });

  it('sends a programming error (not an SNMP failure) to subscriber.error', () => {
    const broken: SnmpClient = {
      session: () => ({ get: () => throwError(() => new TypeError('bug')), walk: () => throwError(() => new TypeError('bug')) }),
      close: () => undefined,
    };
    const run = runProbe(kind, { host: HOST }, { clock, clients: { snmp: broken } });
    run.advance(0);
    expect(run.errors).to.have.length(1);
    expect(run.errors[0]).to.be.instanceOf(TypeError);
  });
});
