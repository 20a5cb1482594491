/**
 * The simulator's generated router: cabled to switches with LLDP seen from both ends, and, read
 * over real SNMP by the SDK's own readers (the `router` kind's), BGP sessions that follow the
 * clock — the flapping peer goes idle, active and established again on its timeline — plus the
 * route count, CPU and storage.
 */
import { expect } from 'chai';
import pino from 'pino';
import { firstValueFrom } from 'rxjs';
import { vbString, type SnmpClient, type SnmpSession } from '../../../plugins/sdk/index.js';
import { readBgp } from '../../../plugins/sdk/snmp/device/bgp.js';
import { readProcessors, readStorage } from '../../../plugins/sdk/snmp/device/resources.js';
import { readRouteCount } from '../../../plugins/sdk/snmp/device/routes.js';
import { createSnmpClient } from '../../../plugins/sdk/snmp/net-snmp-client.js';
import {
  bgpPeerAt, generateSite, ROUTER_BGP_PEERS, ROUTER_UPLINKS, siteCables, startSimulator, type RunningSimulator,
} from '../../../plugins/simulator/index.js';

const LLDP_REM_SYSNAME = '1.0.8802.1.1.2.1.4.1.1.9';
const FLAPPING = ROUTER_BGP_PEERS.find((p) => p.flap)!;
const log = pino({ level: 'silent' });

describe('simulator: generated router', () => {
  it('is cabled to switches on its uplinks, each cable in LLDP at both ends; switches are unchanged by it', () => {
    const spec = { switches: 6, portsPerSwitch: 4, seed: 3 };
    const plain = generateSite(spec);
    const site = generateSite({ ...spec, routers: 1 });
    expect(site.map((d) => d.kind)).to.deep.equal([...Array(6).fill('switch'), 'router']);
    const router = site[6];
    expect(router.name).to.equal('sim-rtr-01');
    expect(router.links).to.have.length(ROUTER_UPLINKS);
    expect(new Set(router.links.map((l) => l.remote)).size, 'two different switches').to.equal(ROUTER_UPLINKS);
    const byName = new Map(site.map((d) => [d.name, d]));
    for (const l of router.links) {
      const local = Number(l.localPort.slice(3));
      expect(vbString(router.recording.get(`${LLDP_REM_SYSNAME}.0.${local}.1`))).to.equal(l.remote);
      const sw = byName.get(l.remote)!;
      expect(sw.links).to.deep.include({ localPort: l.remotePort, remote: router.name, remotePort: l.localPort });
      expect(vbString(sw.recording.get(`${LLDP_REM_SYSNAME}.0.${l.remotePort.slice(3)}.1`))).to.equal(router.name);
    }
    expect(siteCables(spec), 'the switch cabling does not move').to.deep.equal(siteCables({ ...spec, routers: 1 }).slice(0, siteCables(spec).length));
    expect(plain.map((d) => d.links.filter((l) => !l.remote.startsWith('sim-rtr')))).to.deep.equal(site.slice(0, 6).map((d) => d.links.filter((l) => !l.remote.startsWith('sim-rtr'))));
  });

  it('bgpPeerAt: a steady peer stays established and counts; the flapping one follows its cycle', () => {
    const steady = ROUTER_BGP_PEERS.find((p) => !p.flap)!;
    const [a, b] = [bgpPeerAt(steady, 10), bgpPeerAt(steady, 20)];
    expect([a.state, b.state]).to.deep.equal([6, 6]);
    expect(b.establishedTimeS - a.establishedTimeS).to.equal(10);
    expect(b.inUpdates + b.outUpdates).to.be.above(a.inUpdates + a.outUpdates);
    const f = FLAPPING.flap!;
    const before = bgpPeerAt(FLAPPING, f.firstAtS - 1);
    const idle = bgpPeerAt(FLAPPING, f.firstAtS + 1);
    const active = bgpPeerAt(FLAPPING, f.firstAtS + f.idleS + 1);
    const back = bgpPeerAt(FLAPPING, f.firstAtS + f.idleS + f.activeS + 5);
    const again = bgpPeerAt(FLAPPING, f.firstAtS + f.periodS + 1);
    expect([before.state, idle.state, active.state, back.state, again.state]).to.deep.equal([6, 1, 3, 6, 1]);
    expect(idle.inUpdates, 'frozen while down').to.equal(active.inUpdates);
    expect(back.establishedTimeS).to.equal(5);
    expect(back.transitions).to.equal(FLAPPING.transitions + 1);
    expect(back.inUpdates, 'counters restart with the session').to.be.below(before.inUpdates);
    expect([...idle.lastError]).to.deep.equal([4, 0]);
    expect([...before.lastError]).to.deep.equal([0, 0]);
  });

  describe('over SNMP, read by the router kind\'s readers', function () {
    this.timeout(20_000);
    let sim: RunningSimulator | undefined;
    let client: SnmpClient | undefined;
    let session: SnmpSession;
    let clock = Date.UTC(2026, 0, 1);
    const startedAt = clock;
    before(async () => {
      sim = await startSimulator({ basePort: 0, site: { switches: 2, portsPerSwitch: 4, seed: 1, routers: 1 } }, log, () => clock);
      const r = sim.devices.find((d) => d.kind === 'router')!;
      client = createSnmpClient();
      session = client.session({ host: r.host, port: r.port, version: '2c', community: r.community, timeoutMs: 1000, retries: 1 });
    });
    after(async () => {
      client?.close();
      await sim?.stop();
    });

    it('serves BGP peers whose state and counters follow the clock, routes, CPU and storage', async () => {
      const at = async (sec: number) => {
        clock = startedAt + sec * 1000;
        return firstValueFrom(readBgp(session));
      };
      const start = await at(0);
      expect(start.mib).to.equal('BGP4-MIB');
      expect(start.localAs).to.be.a('number');
      expect(start.peers.map((p) => p.peer).sort()).to.deep.equal(ROUTER_BGP_PEERS.map((p) => p.address).sort());
      expect(start.peers.every((p) => p.state === 'established')).to.equal(true);
      const f = FLAPPING.flap!;
      const down = (await at(f.firstAtS + 2)).peers.find((p) => p.peer === FLAPPING.address)!;
      expect(down.state).to.equal('idle');
      expect(down.lastError?.code).to.equal(4);
      expect((await at(f.firstAtS + f.idleS + 2)).peers.find((p) => p.peer === FLAPPING.address)!.state).to.equal('active');
      const later = await at(f.firstAtS + f.idleS + f.activeS + 3);
      const back = later.peers.find((p) => p.peer === FLAPPING.address)!;
      expect(back.state).to.equal('established');
      expect(back.fsmEstablishedTimeS).to.equal(3);
      const steady = later.peers.find((p) => p.peer === ROUTER_BGP_PEERS[0].address)!;
      expect(steady.inUpdates).to.be.above(start.peers.find((p) => p.peer === ROUTER_BGP_PEERS[0].address)!.inUpdates!);

      const routes = await firstValueFrom(readRouteCount(session));
      expect(routes?.source).to.equal('inetCidrRouteNumber');
      expect(routes?.count).to.be.above(100_000);
      const cpus = await firstValueFrom(readProcessors(session));
      expect(cpus).to.have.length(2);
      for (const c of cpus) expect(c.loadPct).to.be.within(0, 100);
      const storage = await firstValueFrom(readStorage(session));
      expect(storage.map((s) => s.class).sort()).to.deep.equal(['fixed-disk', 'ram']);
    });
  });
});
