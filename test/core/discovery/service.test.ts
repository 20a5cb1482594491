/**
 * Periodic discovery as a service, in virtual time: observations per round, a vanished link
 * retired with `gone`, a silent device's links kept, and the config checks the daemon runs first.
 */
import { expect } from 'chai';
import pino from 'pino';
import type { Subscription } from 'rxjs';
import { VirtualClock, recordedSnmp } from '../../../plugins/sdk/testkit/index.js';
import { createPollRequests, createPortDirectory, isVigieError, type Observation, type ProbeContext, type SnmpClient } from '../../../plugins/sdk/index.js';
import { checkDiscoveryConfig, discoveryPlugin, type DiscoveryConfig } from '../../../core/discovery/service.js';
import { fakeDevice, type FakePort } from './fixtures.js';

const INTERVAL = 60_000;

const config: DiscoveryConfig = {
  seeds: ['192.0.2.1'], allow: ['192.0.2.0/24'], version: '2c', community: 'secret', intervalMs: INTERVAL,
  depth: 10, concurrency: 4, timeoutMs: 500, retries: 0, deviceTimeoutMs: 5000,
};

/** a (192.0.2.1) — b (192.0.2.2) — c (192.0.2.3); b also sees d (198.51.100.4, outside the allow-list). */
function site(opts: { bcCut?: boolean } = {}) {
  const n = (chassis: string, sysName: string, port: string, address: string) => ({ chassis, sysName, port, addresses: [address] });
  const bPorts: FakePort[] = [
    { ifIndex: 1, name: 'p1', lldp: [n('02:00:00:00:00:0a', 'a', 'p1', '192.0.2.1')] },
    { ifIndex: 3, name: 'p3', lldp: [n('02:00:00:00:00:0d', 'd', 'p9', '198.51.100.4')] },
  ];
  if (!opts.bcCut) bPorts.push({ ifIndex: 2, name: 'p2', lldp: [n('02:00:00:00:00:0c', 'c', 'p1', '192.0.2.3')] });
  return {
    '192.0.2.1': fakeDevice({ sysName: 'a', chassis: '02:00:00:00:00:0a', ports: [{ ifIndex: 1, name: 'p1', lldp: [n('02:00:00:00:00:0b', 'b', 'p1', '192.0.2.2')] }] }),
    '192.0.2.2': fakeDevice({ sysName: 'b', chassis: '02:00:00:00:00:0b', ports: bPorts }),
    '192.0.2.3': fakeDevice({
      sysName: 'c', chassis: '02:00:00:00:00:0c',
      ports: opts.bcCut ? [] : [{ ifIndex: 1, name: 'p1', lldp: [n('02:00:00:00:00:0b', 'b', 'p2', '192.0.2.2')] }],
    }),
  };
}

function start(clock: VirtualClock, snmp: SnmpClient) {
  const out: Observation[] = [];
  const errors: unknown[] = [];
  const kind = discoveryPlugin.services!.discovery;
  const ctx: ProbeContext<DiscoveryConfig> = {
    id: 'discovery/lldp', kind: 'discovery', name: 'lldp', config, intervalMs: 0,
    log: pino({ level: 'silent' }), scheduler: clock, clients: { snmp, poll: createPollRequests(), ports: createPortDirectory() },
  };
  const sub: Subscription = kind.create(config as never, ctx as never).subscribe({ next: (o) => out.push(o), error: (e) => errors.push(e) });
  return { out, errors, sub };
}

const since = (out: Observation[], from: number) => out.slice(from);
const linksIn = (os: Observation[]) => os.filter((o) => o.kind === 'topology' && o.element === 'link').map((o) => o.entity).sort();
const goneIn = (os: Observation[]) => os.filter((o) => o.kind === 'topology' && o.element === 'gone').map((o) => o.entity).sort();

const AB = 'link:port:a/p1--port:b/p1';
const BC = 'link:port:b/p2--port:c/p1';
const BD = 'link:port:b/p3--port:d/p9';

describe('discovery: the periodic service', () => {
  it('announces nodes and links each round (source lldp/<instance>), retires a vanished link, keeps a silent device’s', () => {
    const clock = new VirtualClock();
    const phases = { before: recordedSnmp(site(), clock, { latencyMs: 5 }), cut: recordedSnmp(site({ bcCut: true }), clock, { latencyMs: 5 }) };
    let phase: keyof typeof phases = 'before';
    const snmp: SnmpClient = { session: (t) => phases[phase].session(t), close: () => undefined };
    const run = start(clock, snmp);

    clock.advance(1000);
    expect(run.errors).to.deep.equal([]);
    const nodes = run.out.filter((o) => o.kind === 'topology' && o.element === 'node');
    expect(nodes.map((o) => o.entity).sort()).to.deep.equal(['node:a', 'node:b', 'node:c', 'node:d']);
    expect(linksIn(run.out)).to.deep.equal([AB, BC, BD]);
    const link = run.out.find((o) => o.kind === 'topology' && o.element === 'link')!;
    expect(link.source, 'the origin shown on the map').to.equal('lldp/lldp');
    const d = nodes.find((o) => o.entity === 'node:d')!;
    expect(d.kind === 'topology' && d.element === 'node' && d.node.attrs?.discovery).to.match(/not polled: outside the allow-list/);
    expect(run.out.filter((o) => o.kind === 'event').map((o) => o.kind === 'event' && o.message)).to.deep.equal([
      'discovery: 4 nodes (3 polled), 3 links; 3 new, 0 gone',
    ]);

    // Round 2: nothing changed → links repeated (the model ignores repeats), no node facts, no event.
    let mark = run.out.length;
    clock.advance(INTERVAL);
    expect(linksIn(since(run.out, mark))).to.deep.equal([AB, BC, BD]);
    expect(since(run.out, mark).filter((o) => o.kind === 'event' || (o.kind === 'topology' && o.element === 'node'))).to.deep.equal([]);

    // Round 3: the b–c cable is cut: both ends answer without it → gone.
    phase = 'cut';
    mark = run.out.length;
    clock.advance(INTERVAL);
    expect(goneIn(since(run.out, mark))).to.deep.equal([BC]);
    expect(linksIn(since(run.out, mark))).to.deep.equal([AB, BD]);

    // Round 4: b stops answering: its link to d (seen by b only) is kept, nothing retired.
    phases.cut.setDown('192.0.2.2', true);
    mark = run.out.length;
    clock.advance(INTERVAL);
    expect(goneIn(since(run.out, mark))).to.deep.equal([]);
    run.sub.unsubscribe();
  });

  it('a round that cannot run is a warning event, and the next round tries again', async () => {
    const clock = new VirtualClock();
    const snmp = recordedSnmp(site(), clock, { latencyMs: 5 });
    const kind = discoveryPlugin.services!.discovery;
    // A name (resolved from /etc/hosts, no DNS traffic) whose address is outside the allow-list.
    const bad = { ...config, seeds: ['localhost'] };
    const out: Observation[] = [];
    const ctx = { id: 'discovery/lldp', kind: 'discovery', name: 'lldp', config: bad, intervalMs: 0, log: pino({ level: 'silent' }), scheduler: clock, clients: { snmp, poll: createPollRequests(), ports: createPortDirectory() } };
    const sub = kind.create(bad as never, ctx as never).subscribe((o) => out.push(o));
    const failures = () => out.filter((o) => o.kind === 'event' && o.type === 'discovery-failed');
    const settle = async (n: number) => {
      for (let i = 0; i < 100 && failures().length < n; i++) {
        await new Promise((r) => setTimeout(r, 10));
        clock.advance(0);
      }
    };
    clock.advance(0);
    await settle(1);
    clock.advance(INTERVAL);
    await settle(2);
    sub.unsubscribe();
    expect(failures()).to.have.length(2);
    const first = failures()[0];
    expect(first.kind === 'event' && first.message).to.match(/seed 127\.0\.0\.1:161 is outside the allow-list/);
    expect(snmp.requests, 'nothing sent').to.equal(0);
  });

  it('checkDiscoveryConfig refuses what the schema cannot see: a seed outside the allow-list, a bad CIDR, v3 without a user block', () => {
    const refuse = (c: DiscoveryConfig, re: RegExp) => {
      let caught: unknown;
      try {
        checkDiscoveryConfig(c);
      } catch (e) {
        caught = e;
      }
      expect(isVigieError(caught), `${JSON.stringify(c)} accepted`).to.equal(true);
      expect((caught as Error).message).to.match(re);
    };
    refuse({ ...config, seeds: ['198.51.100.1:161'] }, /seed 198\.51\.100\.1:161 is outside the allow-list/);
    refuse({ ...config, allow: ['192.0.2.0/40'] }, /prefix length/);
    refuse({ ...config, version: '3' }, /discovery\.v3 is missing/);
    refuse({ ...config, map: { x: 'host:99999' } }, /HOST\[:PORT\]/);
    expect(() => checkDiscoveryConfig({ ...config, seeds: ['192.0.2.1:16161', 'router.example:161'] })).to.not.throw();
  });
});
