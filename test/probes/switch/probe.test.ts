/**
 * The switch kind's behaviour in virtual time: port selection by GETs of the selected rows,
 * discovery cadence, port states (admin down is not an alarm), identity across two addresses,
 * links from both ends of a generated site, a neighbour that disappears, poll requests, the
 * per-poll deadline, a dead agent, and the `extras` hook the router kind uses.
 */
import { expect } from 'chai';
import { of } from 'rxjs';
import { defineProbe, createPollRequests, linkId, nodeId, portId, type Observation } from '../../../plugins/sdk/index.js';
import { pollSwitch, SwitchTargetSchema, type SwitchPollContext } from '../../../plugins/sdk/snmp/device/switch-poll.js';
import { loadSnmprec, recordedSnmp, runProbe, VirtualClock } from '../../../plugins/sdk/testkit/index.js';
import { generateSite } from '../../../plugins/simulator/site.js';
import { requireCorpus } from '../../setup/corpus.js';
import { between, lastPorts, metrics, MINUTE, runSwitch, spyClient, topo, type Spy } from './helpers.js';

const HOST = '127.0.0.1';
const LLDP_REM = '1.0.8802.1.1.2.1.4.1.1.';

describe('switch kind: behaviour (virtual time)', function () {
  it('per-port selection: only the selected ports, their counters by GET of their rows, no column walks of counters', function () {
    const file = requireCorpus(this, 'ios_2960x');
    const spy: Spy = { gets: [], walks: [] };
    const clock = new VirtualClock();
    const inner = recordedSnmp({ [HOST]: file }, clock, { latencyMs: 5 });
    const run = runSwitch({}, { host: HOST, ports: ['Gi1/0/5?', '!Gi1/0/50'] }, { clock, client: spyClient(inner, spy) });
    run.advance(1000);
    run.advance(MINUTE);
    const ports = [...lastPorts(run.observations).values()].map((p) => p.name).sort();
    expect(ports).to.deep.equal(['Gi1/0/51', 'Gi1/0/52']);
    const counterWalks = spy.walks.filter((w) => /^1\.3\.6\.1\.2\.1\.(2\.2\.1\.(1[0-9]|20)|31\.1\.1\.1\.(6|10))$/.test(w));
    expect(counterWalks, 'counters never walked').to.deep.equal([]);
    const asked = new Set(spy.gets.flat().filter((o) => o.startsWith('1.3.6.1.2.1.31.1.1.1.6.')).map((o) => Number(o.split('.').at(-1))));
    expect([...asked].sort()).to.deep.equal([10151, 10152]);
    expect(metrics(run.observations, 'if.in.bps').map((m) => m.entity).sort()).to.deep.equal([portId('node:sw', 'Gi1/0/51'), portId('node:sw', 'Gi1/0/52')]);
    run.stop();
  });

  it('re-reads names, neighbours, FDB and inventory every discoveryEvery polls only', function () {
    const file = requireCorpus(this, 'procurve_e2910');
    const spy: Spy = { gets: [], walks: [] };
    const clock = new VirtualClock();
    const run = runSwitch({}, { host: HOST, discoveryEvery: 3 }, { clock, client: spyClient(recordedSnmp({ [HOST]: file }, clock, { latencyMs: 5 }), spy) });
    const lldpWalksAfter = () => spy.walks.filter((w) => w.startsWith(LLDP_REM)).length;
    const entityWalks = () => spy.walks.filter((w) => w.startsWith('1.3.6.1.2.1.47.')).length;
    const counts: number[][] = [];
    run.advance(1000);
    counts.push([lldpWalksAfter(), entityWalks()]);
    for (let i = 0; i < 3; i++) {
      run.advance(MINUTE);
      counts.push([lldpWalksAfter(), entityWalks()]);
    }
    const per = counts[0];
    expect(per[0]).to.be.greaterThan(0);
    expect(counts).to.deep.equal([per, per, per, [per[0] * 2, per[1] * 2]]);
    run.stop();
  });

  it('port states: oper up → up, admin up/oper down → down, admin down → unknown with adminDown, never down', function () {
    const run = runSwitch({ [HOST]: requireCorpus(this, 'ios_2960x') }, { host: HOST });
    run.advance(1000);
    const ports = lastPorts(run.observations);
    const states = run.of('state').filter((s) => s.entity.startsWith('port:'));
    expect(states.length).to.equal(ports.size);
    for (const s of states) {
      const a = ports.get(s.entity)!.attrs!;
      if (a.operStatus === 'up') expect(s.state).to.equal('up');
      else if (a.adminStatus === 'down') {
        expect(s).to.deep.include({ state: 'unknown', reason: 'administratively down' });
        expect(a.adminDown).to.equal(true);
      } else expect(s.state).to.equal('down');
    }
    expect(states.filter((s) => s.state === 'unknown').length).to.be.greaterThan(0);
    run.stop();
  });

  it('one device reached through two addresses is one node (LLDP chassis id, else sysName), with the same port and link ids', function () {
    const base = loadSnmprec(requireCorpus(this, 'procurve_e2910'));
    const chassis = base.withValues([
      { oid: '1.0.8802.1.1.2.1.3.1.0', type: 'Integer', value: 4 },
      { oid: '1.0.8802.1.1.2.1.3.2.0', type: 'OctetString', value: Buffer.from('0024a8c0ffee', 'hex') },
    ]);
    const named = base.withValues([{ oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: Buffer.from('edge-sw-7') }]);
    for (const [rec, expected] of [
      [chassis, 'node:00:24:a8:c0:ff:ee'],
      [named, 'node:edge-sw-7'],
    ] as const) {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ '127.0.0.1': rec, '127.0.0.2': rec }, clock, { latencyMs: 5 });
      const a = runSwitch({}, { host: '127.0.0.1' }, { clock, snmp, name: 'via-mgmt' });
      const b = runSwitch({}, { host: '127.0.0.2' }, { clock, snmp, name: 'via-loopback' });
      clock.advance(1000);
      const ids = (r: typeof a) => new Set(r.observations.map((o) => o.entity));
      expect(topo(a.observations, 'node').find((n) => n.node.address === '127.0.0.1')?.entity).to.equal(expected);
      expect(topo(b.observations, 'node').find((n) => n.node.address === '127.0.0.2')?.entity).to.equal(expected);
      expect([...ids(a)].sort()).to.deep.equal([...ids(b)].sort());
      a.stop();
      b.stop();
    }
  });

  it('a generated site polled from every switch: each cable is one link id, reported by both ends', function () {
    const site = generateSite({ switches: 6, portsPerSwitch: 6, seed: 3 });
    const clock = new VirtualClock();
    const snmp = recordedSnmp(Object.fromEntries(site.map((s, i) => [`127.0.0.${i + 10}`, s.recording])), clock, { latencyMs: 5 });
    const runs = site.map((s, i) => runSwitch({}, { host: `127.0.0.${i + 10}` }, { clock, snmp, name: s.name }));
    clock.advance(1000);
    const cables = new Set(site.flatMap((s) => s.links.map((l) => linkId({ node: nodeId(s.name), port: portId(nodeId(s.name), l.localPort) }, { node: nodeId(l.remote), port: portId(nodeId(l.remote), l.remotePort) }))));
    const seen = new Map<string, number>();
    for (const r of runs) for (const l of topo(r.observations, 'link')) seen.set(l.entity, (seen.get(l.entity) ?? 0) + 1);
    expect([...seen.keys()].sort()).to.deep.equal([...cables].sort());
    expect([...seen.values()].every((n) => n === 2)).to.equal(true);
    runs.forEach((r) => r.stop());
  });

  it('a neighbour that disappears gives `gone` for its link at the next neighbour read (a poll request forces it)', function () {
    const file = requireCorpus(this, 'junos_qfx5100');
    const clock = new VirtualClock();
    let hidden = false;
    const client = spyClient(recordedSnmp({ [HOST]: file }, clock, { latencyMs: 5 }), { gets: [], walks: [] }, (oid) => hidden && oid.startsWith(LLDP_REM) && oid.endsWith('.35688385.518.4'));
    const poll = createPollRequests();
    const run = runSwitch({}, { host: HOST }, { clock, client, poll });
    run.advance(1000);
    const links = topo(run.observations, 'link');
    expect(links).to.have.length(2);
    hidden = true;
    clock.advance(10_000);
    const before = run.observations.length;
    poll.request(portId('node:sw', 'xe-0/0/1'), 'linkDown');
    clock.advance(1000);
    const after = run.observations.slice(before);
    expect(after.length, 'the request polled at once').to.be.greaterThan(0);
    const gone = topo(after, 'gone');
    expect(gone.map((g) => g.entity)).to.deep.equal([links.find((l) => l.link.b.node === 'node:deviceb')!.entity]);
    poll.request('node:someone-else');
    clock.advance(1000);
    expect(run.observations.length - before, 'requests for other nodes are ignored').to.equal(after.length);
    run.stop();
  });

  it('a dead agent: state down with the reason, a placeholder node, no parts; it comes back with its real identity', function () {
    const file = requireCorpus(this, 'procurve_e2910');
    const run = runSwitch({ [HOST]: file }, { host: HOST, identity: 'closet-7', timeoutMs: 1000, retries: 1 });
    run.snmp.setDown(HOST, true);
    run.advance(2000);
    expect(run.observations.map((o) => `${o.kind}:${o.entity}`)).to.deep.equal(['topology:node:closet-7', 'state:node:closet-7']);
    expect(run.of('state')[0].reason).to.match(/no answer after 2000 ms/);
    run.snmp.setDown(HOST, false);
    run.advance(MINUTE);
    expect(run.of('state').filter((s) => s.entity === 'node:closet-7').map((s) => s.state)).to.deep.equal(['down', 'up']);
    expect(topo(run.observations, 'port').length).to.be.greaterThan(20);
    run.stop();
  });

  it('a poll that outlives its deadline is cut: the unfinished parts are named, stay due, and the probe goes on', function () {
    const file = requireCorpus(this, 'dlink_dgs-3627g');
    const clock = new VirtualClock();
    const spy: Spy = { gets: [], walks: [] };
    const client = spyClient(recordedSnmp({ [HOST]: file }, clock, { latencyMs: 400 }), spy);
    const run = runSwitch({}, { host: HOST, deadlineMs: 1500 }, { clock, client });
    const start = clock.now();
    run.advance(MINUTE - 1);
    const first = run.observations.filter((o) => o.kind === 'event' && o.type === 'poll-deadline');
    expect(first).to.have.length(1);
    const cut = (first[0] as Extract<Observation, { kind: 'event' }>).data!.parts as string[];
    expect(cut).to.include('neighbours');
    expect(first[0].at - start).to.equal(1500);
    expect(run.observations.filter((o) => o.at > start + 1500), 'nothing after the cut').to.deep.equal([]);
    expect(run.errors).to.deep.equal([]);
    // The next poll is not a discovery poll, yet it reads the neighbours again: they stayed due.
    spy.walks.length = 0;
    run.advance(MINUTE);
    expect(spy.walks.some((w) => w.startsWith(LLDP_REM))).to.equal(true);
    expect(topo(run.observations, 'link').length).to.equal(17);
    run.stop();
  });

  it('extras run inside each answered poll with the node id, under the same deadline', function () {
    const file = requireCorpus(this, 'routeros_rb750gr3');
    const seen: SwitchPollContext[] = [];
    const routerish = defineProbe({
      description: 'test',
      configSchema: SwitchTargetSchema,
      defaultIntervalMs: MINUTE,
      create: (t, ctx) =>
        pollSwitch(t, ctx, {
          nodeKind: 'router',
          extras: (p) => {
            seen.push(p);
            return of<Observation>({ kind: 'metric', at: p.now(), entity: p.node, name: 'route.count', value: 8 });
          },
        }),
    });
    const clock = new VirtualClock();
    const run = runProbe(routerish, { host: HOST }, { clock, clients: { snmp: recordedSnmp({ [HOST]: file }, clock, { latencyMs: 5 }) }, name: 'r1', intervalMs: MINUTE });
    clock.advance(1000);
    clock.advance(MINUTE);
    expect(seen.map((p) => [p.node, p.pollNo, p.discovery])).to.deep.equal([
      ['node:r1', 0, true],
      ['node:r1', 1, false],
    ]);
    expect(metrics(run.observations, 'route.count')).to.have.length(2);
    expect(topo(run.observations, 'node').find((n) => n.entity === 'node:r1')?.node.kind).to.equal('router');
    expect(between(run.observations, clock.now(), Infinity)).to.deep.equal([]);
    run.stop();
  });
});
