/**
 * `npm start`'s demo, as a user runs it: the default config in a child process, the simulated
 * site polled by the daemon. Only the ports change (the config is copied with the simulator's,
 * the probes' and the trap receiver's UDP ports moved to free ones, so a running demo or another
 * test cannot clash). Checked through the HTTP API:
 * - the generated switches are `switch` nodes and the generated router a `router` node, all up;
 * - the links between them are exactly the generated cabling, found by LLDP (no double link),
 *   plus the declared links of the config;
 * - after two polls every cabled port has traffic rates > 0;
 * - the router's BGP peers are observed (node attrs, and a state per peer entity);
 * - a linkDown sent with the simulator's `sendTrap` becomes an event on the port;
 * - SIGTERM exits 0 within 5 s.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../core/host/registry.js';
import { generateSite, ROUTER_BGP_PEERS, siteCables, type SiteSpec } from '../../plugins/simulator/index.js';
import { sendTrap } from '../../plugins/simulator/traps.js';
import { freePort } from '../setup/free-port.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';

interface TopoNode { id: string; kind: string; state: string; metrics?: Record<string, number> }
interface TopoPort { id: string; node: string; state: string; rates?: Record<string, number> }
interface TopoLink { id: string; state: string; a: { node: string; port?: string }; b: { node: string; port?: string }; attrs?: Record<string, unknown> }
interface Topo { nodes: TopoNode[]; ports: TopoPort[]; links: TopoLink[] }
interface EventRow { entity: string; type: string; data?: Record<string, unknown> }

interface ProbeEntry { kind: string; name: string; target: Record<string, unknown> }
interface DemoConfig {
  plugins: string[];
  services: { kind: string; config: { basePort: number; site: SiteSpec; recordings: unknown[]; sipTrunks?: Record<string, unknown>[] } }[];
  probes: ProbeEntry[];
  topology?: { links?: { a: { node: string; port?: string }; b: { node: string; port?: string } }[] };
  server?: Record<string, unknown>;
  store?: Record<string, unknown>;
  log?: Record<string, unknown>;
}

const DEFAULT_CONFIG = path.join(REPO_ROOT, 'config', 'default.yaml');

function bindUdp(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(undefined));
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

/** `count` consecutive UDP ports that were free on 127.0.0.1 a moment ago. */
async function freeUdpRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const sockets = await Promise.all([...Array(count).keys()].map((k) => bindUdp(base + k)));
    await Promise.all(sockets.map((s) => (s ? new Promise<void>((r) => s.close(() => r())) : undefined)));
    if (sockets.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free UDP ports on 127.0.0.1`);
}

const portKey = (node: string, port?: string) => `${node.replace(/^node:/, '')}/${port?.replace(/^port:[^/]*\//, '') ?? ''}`;
const linkKey = (a: string, b: string) => [a, b].sort().join('|');

describe('integration: the demo (npm start with the default config)', function () {
  this.timeout(90_000);
  let child: ChildProcess | undefined;
  let temp: TempConfig | undefined;
  let output = '';
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    temp?.cleanup();
  });

  it('serves the generated site (switches, router, LLDP links, rates, BGP), takes a trap, and stops cleanly on SIGTERM', async () => {
    const demo = parse(readFileSync(DEFAULT_CONFIG, 'utf8')) as DemoConfig;
    const sim = demo.services.find((s) => s.kind === 'simulator')!;
    const spec = sim.config.site;
    const site = generateSite(spec);
    const deviceCount = site.length + sim.config.recordings.length;
    const oldBase = sim.config.basePort;
    const base = await freeUdpRange(deviceCount);
    const trapPort = await freeUdpRange(1);
    const httpPort = await freePort();

    // The same config with other ports: the simulator's range, each SNMP probe's port, the trap receiver's.
    sim.config.basePort = base;
    // The SIP trunk, its HEP collector and RTCP-XR endpoint move too; calls come faster, KPIs every 2 s.
    const [sipPort, hepPort, xrPort] = [await freeUdpRange(1), await freeUdpRange(1), await freeUdpRange(1)];
    const simTrunk = sim.config.sipTrunks![0];
    Object.assign(simTrunk, { port: sipPort, hep: `127.0.0.1:${hepPort}`, rtcpXr: `127.0.0.1:${xrPort}`, callsPerMinute: 60 });
    const trunkName = simTrunk.name as string;
    for (const p of demo.probes) {
      if (p.kind === 'snmp-trap') p.target.port = trapPort;
      else if (p.kind === 'sip-trunk') p.target.uri = `sip:127.0.0.1:${sipPort}`;
      else if (p.kind === 'sip-hep') Object.assign(p, { interval: '2s', target: { ...p.target, listen: `127.0.0.1:${hepPort}`, trunks: [{ name: trunkName, addresses: [`127.0.0.1:${sipPort}`] }] } });
      else if (p.kind === 'sip-rtcpxr') Object.assign(p.target, { listen: `127.0.0.1:${xrPort}` });
      else p.target.port = (p.target.port as number) - oldBase + base;
    }
    demo.plugins = demo.plugins.map((spec) => (spec.startsWith('.') ? path.resolve(path.dirname(DEFAULT_CONFIG), spec) : spec));
    delete demo.store;
    temp = writeTempConfig({ ...demo, server: { ...demo.server, port: httpPort }, log: { ...demo.log, level: 'info' } });

    child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigie.js'), 'start', '--config', temp.file], {
      cwd: REPO_ROOT,
      env: { ...process.env, VIGIE_LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${httpPort}`;
    const get = async <T>(p: string): Promise<T> => (await (await fetch(`${url}${p}`)).json()) as T;

    const switches = site.filter((d) => d.kind === 'switch').map((d) => `node:${d.name}`);
    const routers = site.filter((d) => d.kind === 'router').map((d) => `node:${d.name}`);
    expect(switches, 'the demo site has switches').to.have.length(spec.switches);
    expect(routers, 'the demo site has a generated router').to.have.length.at.least(1);
    const cables = siteCables(spec);
    const names = site.map((d) => d.name);
    const cabled = new Set(cables.map((c) => linkKey(`${names[c.a]}/eth${c.pa}`, `${names[c.b]}/eth${c.pb}`)));
    const cabledPorts = cables.flatMap((c) => [`port:${names[c.a]}/eth${c.pa}`, `port:${names[c.b]}/eth${c.pb}`]);
    const declared = (demo.topology?.links ?? []).length;

    const started = Date.now();
    let topo: Topo | undefined;
    let healthAt: number | undefined;
    const trunk = `trunk:${trunkName}`;
    const trunkReady = (t: Topo) => {
      const n = t.nodes.find((x) => x.id === trunk);
      // the simulated trunk's answer delay drifts: over 80 ms on average it is (rightly) degraded
      return (n?.state === 'up' || n?.state === 'degraded') && n.metrics?.['sip.register.ok'] === 1 && n.metrics['sip.calls.attempts'] !== undefined;
    };
    const ready = (t: Topo) => {
      if (!trunkReady(t)) return false;
      const up = new Set(t.nodes.filter((n) => n.state === 'up').map((n) => n.id));
      const rated = new Set(t.ports.filter((p) => (p.rates?.['if.in.bps'] ?? 0) > 0 && (p.rates?.['if.out.bps'] ?? 0) > 0).map((p) => p.id));
      return [...switches, ...routers].every((n) => up.has(n)) && t.links.length >= cables.length + declared && cabledPorts.every((p) => rated.has(p));
    };
    while (Date.now() - started < 45_000) {
      if (child.exitCode !== null) throw new Error(`vigie start exited with ${child.exitCode}:\n${output}`);
      try {
        if (!healthAt && (await fetch(`${url}/api/health`)).ok) healthAt = Date.now() - started;
        topo = await get<Topo>('/api/topology');
        if (ready(topo)) break;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(healthAt, `/api/health answered (log:\n${output.slice(-4000)})`).to.be.a('number').and.below(15_000);
    const t = topo!;
    const kindOf = new Map(t.nodes.map((n) => [n.id, n]));
    for (const s of switches) expect(kindOf.get(s), s).to.deep.include({ kind: 'switch', state: 'up' });
    for (const r of routers) expect(kindOf.get(r), r).to.deep.include({ kind: 'router', state: 'up' });

    // Links: the generated cabling once each (LLDP, seen from both ends, is one link), plus the declared ones.
    const lldp = t.links.filter((l) => l.attrs?.protocol === 'lldp');
    const found = lldp.map((l) => linkKey(portKey(l.a.node, l.a.port), portKey(l.b.node, l.b.port)));
    expect(new Set(found).size, 'no double LLDP link').to.equal(found.length);
    expect(new Set(found), 'LLDP links = the generated cabling').to.deep.equal(cabled);
    const trunkLinks = t.links.filter((l) => l.a.node.startsWith('trunk:') || l.b.node.startsWith('trunk:'));
    expect(t.links.length - trunkLinks.length, 'LLDP links plus the declared ones, nothing else').to.equal(cables.length + declared);

    // The SIP trunk: up, registered (digest), attached to the router it leaves through, with call KPIs from HEP.
    const trunkNode = kindOf.get(trunk);
    expect(trunkNode, `${trunk} (log:\n${output.slice(-3000)})`).to.deep.include({ kind: 'trunk' });
    expect(trunkNode!.state, 'the trunk answers').to.be.oneOf(['up', 'degraded']);
    expect(trunkNode!.metrics?.['sip.options.rtt_ms'], 'OPTIONS RTT').to.be.a('number');
    expect(trunkNode!.metrics?.['sip.register.ok'], 'registered').to.equal(1);
    expect(trunkNode!.metrics?.['sip.calls.attempts'], 'calls seen by the HEP collector').to.be.a('number');
    expect(trunkLinks.map((l) => [l.a.node, l.b.node].sort().join(' '))).to.deep.equal([[trunk, routers[0]].sort().join(' ')]);
    expect(lldp.some((l) => routers.includes(l.a.node) || routers.includes(l.b.node)), 'the router is linked to the switches').to.equal(true);
    expect(lldp.every((l) => l.state === 'up')).to.equal(true);

    // Two polls: every cabled port has rates.
    const ports = new Map(t.ports.map((p) => [p.id, p]));
    for (const id of cabledPorts) {
      const rates = ports.get(id)?.rates ?? {};
      expect(rates['if.in.bps'], `${id} in rate`).to.be.above(0);
      expect(rates['if.out.bps'], `${id} out rate`).to.be.above(0);
    }

    // BGP: the router's peers on its node, and a state observed per peer.
    const router = routers[0];
    const node = await get<{ entity: { attrs: { bgpPeers?: { peer: string; state: string; remoteAs: number }[]; bgpLocalAs?: number } } }>(
      `/api/entities/${encodeURIComponent(router)}`,
    );
    const peers = node.entity.attrs.bgpPeers ?? [];
    expect(peers.map((p) => p.peer).sort()).to.deep.equal(ROUTER_BGP_PEERS.map((p) => p.address).sort());
    for (const p of ROUTER_BGP_PEERS) expect(peers.find((x) => x.peer === p.address)?.remoteAs).to.equal(p.remoteAs);
    for (const p of ROUTER_BGP_PEERS) {
      const id = `bgp:${router.slice(5)}/${p.address}`;
      const e = await get<{ metrics: string[]; events: EventRow[] }>(`/api/entities/${encodeURIComponent(id)}`);
      expect(e.metrics, id).to.include('bgp.established_s');
      expect(e.events.some((ev) => ev.type === 'state-change' && ev.data?.to === 'up'), `${id} observed up`).to.equal(true);
    }

    // A trap from the simulator lands on the port its source names (127.0.0.1 → sim-sw-01 in the config).
    const trapSource = (demo.probes.find((p) => p.kind === 'snmp-trap')!.target.sources as { address: string; identity: string }[])[0];
    await sendTrap({ host: '127.0.0.1', port: trapPort, version: '2c', type: 'linkDown', ifIndex: 3, ifName: 'eth3' });
    const trapEntity = `port:${trapSource.identity}/eth3`;
    let trapEvents: EventRow[] = [];
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      trapEvents = (await get<{ events: EventRow[] }>('/api/events?type=linkDown')).events;
      if (trapEvents.some((e) => e.entity === trapEntity)) break;
    }
    expect(trapEvents.map((e) => e.entity), 'the linkDown trap is an event on the port').to.include(trapEntity);

    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code, output.slice(-4000)).to.equal(0);
    expect(Date.now() - t0).to.be.below(5000);
  });
});
