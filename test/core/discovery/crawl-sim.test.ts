/**
 * The crawler against the SNMP simulator over real UDP on loopback: a generated site of
 * LLDP-cabled switches. The simulated devices all listen on 127.0.0.1 at different ports and
 * advertise no management address, so the crawl reaches them through `map` (sysName → port).
 */
import { expect } from 'chai';
import pino from 'pino';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { createSnmpClient } from '../../../plugins/sdk/snmp/net-snmp-client.js';
import type { SnmpClient } from '../../../plugins/sdk/index.js';
import { siteLinks, startSimulator, type RunningSimulator } from '../../../plugins/simulator/index.js';
import { AllowList } from '../../../core/discovery/cidr.js';
import { crawl, crawlTopology, type CrawlOptions } from '../../../core/discovery/crawl.js';

const log = pino({ level: 'silent' });

describe('discovery crawl against the simulator (loopback UDP)', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let snmp: SnmpClient;
  let options: CrawlOptions;

  before(async () => {
    sim = await startSimulator({ basePort: 0, community: 'sim-secret', site: { switches: 7, portsPerSwitch: 5, seed: 11 } }, log);
    snmp = createSnmpClient();
    const first = sim.devices[0];
    options = {
      seeds: [{ host: first.host, port: first.port }],
      allow: new AllowList(['127.0.0.0/8']),
      agent: { version: '2c', community: 'sim-secret', timeoutMs: 1000, retries: 0 },
      map: Object.fromEntries(sim.devices.map((d) => [d.sysName, { host: d.host, port: d.port }])),
      concurrency: 3,
    };
  });

  after(async () => {
    snmp?.close();
    await sim?.stop();
  });

  const expectedLinks = () =>
    siteLinks(sim)
      .map((l) => `node:${l.a.node}/${l.a.port}|node:${l.b.node}/${l.b.port}`)
      .sort();

  it('finds every switch and every cable of the site, each link once with both port names', async () => {
    const topo = await firstValueFrom(crawlTopology(snmp, options));
    expect(topo.nodes.map((n) => n.id).sort()).to.deep.equal(sim.devices.map((d) => `node:${d.sysName}`).sort());
    expect(topo.nodes.every((n) => n.polled)).to.equal(true);
    expect(topo.links.map((l) => `${l.a.node}/${l.a.port}|${l.b.node}/${l.b.port}`).sort()).to.deep.equal(expectedLinks());
    expect(topo.links.every((l) => l.protocols.join() === 'lldp')).to.equal(true);
    expect(topo.failures).to.deep.equal([]);
    // Each agent contacted exactly once.
    expect(new Set(topo.contacted).size).to.equal(topo.contacted.length);
    expect(topo.contacted).to.have.length(sim.devices.length);
  });

  it('reports progress once per device, counting up to the total', async () => {
    const updates = await lastValueFrom(crawl(snmp, options).pipe(toArray()));
    const devices = updates.filter((u) => u.type === 'device');
    expect(devices).to.have.length(sim.devices.length);
    expect(devices.map((u) => (u.type === 'device' ? u.done : 0))).to.deep.equal([...Array(sim.devices.length).keys()].map((i) => i + 1));
    const last = devices.at(-1)!;
    expect(last.type === 'device' && last.total).to.equal(sim.devices.length);
    expect(updates.at(-1)!.type).to.equal('done');
  });

  it('stops at the depth limit: neighbours one hop further are unpolled nodes with their links', async () => {
    const topo = await firstValueFrom(crawlTopology(snmp, { ...options, depth: 0 }));
    const seedName = `node:${sim.devices[0].sysName}`;
    const polled = topo.nodes.filter((n) => n.polled).map((n) => n.id);
    expect(polled).to.deep.equal([seedName]);
    const seedLinks = siteLinks(sim).filter((l) => `node:${l.a.node}` === seedName || `node:${l.b.node}` === seedName);
    expect(topo.links).to.have.length(seedLinks.length);
    for (const n of topo.nodes.filter((x) => !x.polled)) expect(n.reason).to.match(/depth/);
    expect(topo.contacted).to.have.length(1);
  });

  it('a device that does not answer fails alone; its neighbours are still reached through others', async () => {
    const victim = sim.devices[1];
    sim.setDown(victim.name, true);
    try {
      const topo = await firstValueFrom(crawlTopology(snmp, { ...options, deviceTimeoutMs: 3000 }));
      const node = topo.nodes.find((n) => n.id === `node:${victim.sysName}`)!;
      expect(node.polled).to.equal(false);
      expect(node.reason).to.match(/no answer/);
      expect(topo.failures.map((f) => f.address)).to.deep.equal([`${victim.host}:${victim.port}`]);
      // Everything still connected to the seed without crossing the victim is polled.
      const reachable = new Set([sim.devices[0].sysName]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const l of siteLinks(sim)) {
          for (const [x, y] of [[l.a.node, l.b.node], [l.b.node, l.a.node]]) {
            if (reachable.has(x) && y !== victim.sysName && !reachable.has(y)) grew = reachable.add(y).size > 0;
          }
        }
      }
      expect(topo.nodes.filter((n) => n.polled).map((n) => n.name).sort()).to.deep.equal([...reachable].sort());
    } finally {
      sim.setDown(victim.name, false);
    }
  });
});
