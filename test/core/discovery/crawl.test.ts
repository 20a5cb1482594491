/**
 * The crawler in virtual time against synthetic agents (no socket): the allow-list is the only
 * gate (every request is counted per host), identity de-duplication, depth, concurrency and a
 * dead agent that delays nobody.
 */
import { expect } from 'chai';
import { defer, finalize, lastValueFrom, toArray, type Observable } from 'rxjs';
import { VirtualClock, recordedSnmp } from '../../../plugins/sdk/testkit/index.js';
import { isVigieError, type SnmpClient } from '../../../plugins/sdk/index.js';
import { AllowList } from '../../../core/discovery/cidr.js';
import { crawl, type CrawlOptions, type CrawlUpdate } from '../../../core/discovery/crawl.js';
import type { DiscoveredTopology } from '../../../core/discovery/types.js';
import { fakeDevice } from './fixtures.js';

/** Wraps a client to count requests per host and the hosts with a request in flight. */
function counted(inner: SnmpClient) {
  const requests = new Map<string, number>();
  const inFlight = new Map<string, number>();
  let maxBusyHosts = 0;
  const wrap = <T>(host: string, o: Observable<T>): Observable<T> =>
    defer(() => {
      requests.set(host, (requests.get(host) ?? 0) + 1);
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      maxBusyHosts = Math.max(maxBusyHosts, [...inFlight.values()].filter((n) => n > 0).length);
      return o.pipe(finalize(() => inFlight.set(host, inFlight.get(host)! - 1)));
    });
  const client: SnmpClient = {
    session: (t) => {
      const s = inner.session(t);
      return { get: (oids) => wrap(t.host, s.get(oids)), walk: (root, o) => wrap(t.host, s.walk(root, o)) };
    },
    close: () => inner.close(),
  };
  return { client, requests, maxBusyHosts: () => maxBusyHosts };
}

/**
 * A chain: a (192.0.2.1) — b (192.0.2.2) — c (192.0.2.3), b — d (198.51.100.4, another network),
 * a — e (advertises no address), and c reachable through a second address (192.0.2.33) that a
 * also advertises for it on a second cable.
 */
function site() {
  return {
    '192.0.2.1': fakeDevice({
      sysName: 'a', chassis: '02:00:00:00:00:0a',
      ports: [
        { ifIndex: 1, name: 'p1', lldp: [{ chassis: '02:00:00:00:00:0b', sysName: 'b', port: 'p1', addresses: ['192.0.2.2'] }] },
        { ifIndex: 2, name: 'p2', lldp: [{ chassis: '02:00:00:00:00:0e', sysName: 'e', port: 'eth0' }] },
        { ifIndex: 3, name: 'p3', lldp: [{ chassis: '02:00:00:00:00:0c', sysName: 'c', port: 'p3', addresses: ['192.0.2.33'] }] },
      ],
    }),
    '192.0.2.2': fakeDevice({
      sysName: 'b', chassis: '02:00:00:00:00:0b',
      ports: [
        { ifIndex: 1, name: 'p1', lldp: [{ chassis: '02:00:00:00:00:0a', sysName: 'a', port: 'p1', addresses: ['192.0.2.1'] }] },
        { ifIndex: 2, name: 'p2', lldp: [{ chassis: '02:00:00:00:00:0c', sysName: 'c', port: 'p1', addresses: ['192.0.2.3'] }] },
        { ifIndex: 3, name: 'p3', lldp: [{ chassis: '02:00:00:00:00:0d', sysName: 'd', port: 'p1', addresses: ['198.51.100.4'] }] },
      ],
    }),
    '192.0.2.3': fakeDevice({
      sysName: 'c', chassis: '02:00:00:00:00:0c',
      ports: [
        { ifIndex: 1, name: 'p1', lldp: [{ chassis: '02:00:00:00:00:0b', sysName: 'b', port: 'p2', addresses: ['192.0.2.2'] }] },
        { ifIndex: 3, name: 'p3', lldp: [{ chassis: '02:00:00:00:00:0a', sysName: 'a', port: 'p3', addresses: ['192.0.2.1'] }] },
      ],
    }),
    '198.51.100.4': fakeDevice({ sysName: 'd', chassis: '02:00:00:00:00:0d', ports: [] }),
  };
}

/** The site, with c answering at its second address too. */
function siteWithSecondAddress() {
  const s = site();
  return { ...s, '192.0.2.33': s['192.0.2.3'] };
}

const agent = { version: '2c' as const, community: 'secret', timeoutMs: 500, retries: 0 };

function run(client: SnmpClient, clock: VirtualClock, opts: Partial<CrawlOptions>) {
  const updates: { at: number; u: CrawlUpdate }[] = [];
  let error: unknown;
  crawl(client, { seeds: [{ host: '192.0.2.1', port: 161 }], allow: new AllowList(['192.0.2.0/24']), agent, scheduler: clock, ...opts }).subscribe({
    next: (u) => updates.push({ at: clock.now() - clock.startAt, u }),
    error: (e) => (error = e),
  });
  clock.advance(60_000);
  const done = updates.find((x) => x.u.type === 'done')?.u as Extract<CrawlUpdate, { type: 'done' }> | undefined;
  return { updates, error, topology: done?.topology as DiscoveredTopology };
}

const linkKeys = (t: DiscoveredTopology) => t.links.map((l) => `${l.a.node}/${l.a.port}|${l.b.node}/${l.b.port}`);

describe('discovery: crawl (virtual time, synthetic agents)', () => {
  it('follows management addresses inside the allow-list only; outside ones are shown, never contacted', () => {
    const clock = new VirtualClock();
    const c = counted(recordedSnmp(siteWithSecondAddress(), clock, { latencyMs: 5 }));
    const { topology: t } = run(c.client, clock, {});
    // c is reached at the address a advertises first (192.0.2.33); b's 192.0.2.3 for it is not needed.
    expect([...c.requests.keys()].sort()).to.deep.equal(['192.0.2.1', '192.0.2.2', '192.0.2.33']);
    const byId = Object.fromEntries(t.nodes.map((n) => [n.id, n]));
    expect(byId['node:d']).to.include({ polled: false, reason: 'outside the allow-list (198.51.100.4)', address: '198.51.100.4' });
    expect(byId['node:e']).to.include({ polled: false, reason: 'no management address' });
    expect(['node:a', 'node:b', 'node:c'].map((id) => byId[id].polled)).to.deep.equal([true, true, true]);
    expect(linkKeys(t)).to.deep.equal(['node:a/p1|node:b/p1', 'node:a/p2|node:e/eth0', 'node:a/p3|node:c/p3', 'node:b/p2|node:c/p1', 'node:b/p3|node:d/p1']);
  });

  it('contacts a device once even when it advertises two addresses (identity, not address)', () => {
    const clock = new VirtualClock();
    const c = counted(recordedSnmp(siteWithSecondAddress(), clock, { latencyMs: 5 }));
    const { topology: t } = run(c.client, clock, { concurrency: 1 });
    // c is advertised as 192.0.2.33 (by a) and 192.0.2.3 (by b): one of them is contacted, one node results.
    expect(t.nodes.filter((n) => n.id === 'node:c')).to.have.length(1);
    expect(t.contacted.filter((x) => x === '192.0.2.3:161' || x === '192.0.2.33:161')).to.have.length(1);
    expect(new Set(t.nodes.find((n) => n.id === 'node:c')!.addresses).size).to.equal(1);
  });

  it('refuses a seed outside the allow-list before sending anything', () => {
    const clock = new VirtualClock();
    const c = counted(recordedSnmp(siteWithSecondAddress(), clock));
    const { error, updates } = run(c.client, clock, { allow: new AllowList(['198.51.100.0/24']) });
    expect(isVigieError(error, 'E_DISCOVERY')).to.equal(true);
    expect((error as Error).message).to.match(/seed 192\.0\.2\.1:161 is outside the allow-list \(198\.51\.100\.0\/24\)/);
    expect(updates).to.deep.equal([]);
    expect(c.requests.size).to.equal(0);
  });

  it('depth 1 polls the seed and its direct neighbours only', () => {
    const clock = new VirtualClock();
    const c = counted(recordedSnmp(siteWithSecondAddress(), clock, { latencyMs: 5 }));
    const { topology: t } = run(c.client, clock, { depth: 1, allow: new AllowList(['192.0.2.0/24', '198.51.100.0/24']) });
    expect(t.nodes.filter((n) => n.polled).map((n) => n.name).sort()).to.deep.equal(['a', 'b', 'c']);
    expect(t.nodes.find((n) => n.id === 'node:d')!.reason).to.match(/depth/);
    expect(c.requests.has('198.51.100.4')).to.equal(false);
  });

  it('a dead agent fails alone at its deadline; the others finish at their own pace, within the concurrency', () => {
    const clock = new VirtualClock();
    const devices: Record<string, ReturnType<typeof fakeDevice>> = siteWithSecondAddress();
    // b also advertises a dead neighbour inside the allow-list.
    devices['192.0.2.2'] = fakeDevice({
      sysName: 'b', chassis: '02:00:00:00:00:0b',
      ports: [
        { ifIndex: 1, name: 'p1', lldp: [{ chassis: '02:00:00:00:00:0a', sysName: 'a', port: 'p1', addresses: ['192.0.2.1'] }] },
        { ifIndex: 2, name: 'p2', lldp: [{ chassis: '02:00:00:00:00:0c', sysName: 'c', port: 'p1', addresses: ['192.0.2.3'] }] },
        { ifIndex: 4, name: 'p4', lldp: [{ chassis: '02:00:00:00:00:0f', sysName: 'dead', port: 'p1', addresses: ['192.0.2.15'] }] },
      ],
    });
    const c = counted(recordedSnmp(devices, clock, { latencyMs: 20 }));
    const { updates, topology: t } = run(c.client, clock, { concurrency: 2, deviceTimeoutMs: 10_000, agent: { ...agent, timeoutMs: 3000, retries: 1 } });
    const device = updates.filter((x) => x.u.type === 'device') as { at: number; u: Extract<CrawlUpdate, { type: 'device' }> }[];
    const dead = device.find((x) => x.u.address === '192.0.2.15:161')!;
    expect(dead.u.error).to.match(/timeout|no answer/i);
    expect(dead.at, 'the dead agent gives up after its own timeout and retry').to.equal(device.find((x) => x.u.name === 'b')!.at + 6000);
    for (const x of device.filter((d) => d.u.name)) expect(x.at, `${x.u.name} is not held up`).to.be.lessThan(1000);
    expect(c.maxBusyHosts()).to.be.at.most(2);
    expect(t.nodes.find((n) => n.id === 'node:dead')).to.include({ polled: false, reason: 'no answer at 192.0.2.15:161' });
    expect(t.failures.map((f) => f.address)).to.deep.equal(['192.0.2.15:161']);
  });

  it('emits a progress update per contacted agent, then the topology', async () => {
    const clock = new VirtualClock();
    const snmp = recordedSnmp(siteWithSecondAddress(), clock, { latencyMs: 5 });
    const all = lastValueFrom(crawl(snmp, { seeds: [{ host: '192.0.2.1', port: 161 }], allow: new AllowList(['192.0.2.0/24']), agent, scheduler: clock }).pipe(toArray()));
    clock.advance(10_000);
    const updates = await all;
    const devices = updates.filter((u) => u.type === 'device');
    expect(devices.map((u) => u.type === 'device' && `${u.done}/${u.total}`)).to.deep.equal(['1/3', '2/3', '3/3']);
    expect(updates.at(-1)!.type).to.equal('done');
  });
});
