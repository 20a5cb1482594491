/**
 * Discovery against real LLDP: four network namespaces (a triangle of switches s1, s2, s3 and a
 * leaf l1 on s1) wired with veth pairs, each running lldpd as an AgentX subagent of snmpd
 * (test/lab/netns.ts). `vigie discover` (the CLI) must find exactly the lab's cables with the
 * right interface names on both ends; an allow-list without s3 must leave s3 unpolled (and
 * untouched: its snmpd counts no packet) with its links kept; and the daemon with `discovery:`
 * must drop a link cut with `ip link set down` from /api/topology within its interval.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { REPO_ROOT } from '../../core/host/registry.js';
import type { DiscoveredTopology } from '../../core/discovery/types.js';
import { startLabOrSkip, type Lab, type LabCable } from '../lab/netns.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';

const VIGIE = path.join(REPO_ROOT, 'bin', 'vigie.js');
const quiet = new Writable({ write: (_c, _e, cb) => cb() });

function vigie(args: string[], timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIE, ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vigie ${args[0]} did not finish in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `node:a/port|node:b/port`, ends in order: how cables and discovered links are compared. */
const cableKey = (c: LabCable) => {
  const [x, y] = [`node:${c.a.node}/${c.a.port}`, `node:${c.b.node}/${c.b.port}`].sort();
  return `${x}|${y}`;
};
const linkKey = (l: { a: { node: string; port?: string }; b: { node: string; port?: string } }) => {
  const [x, y] = [`${l.a.node}/${l.a.port}`, `${l.b.node}/${l.b.port}`].sort();
  return `${x}|${y}`;
};

describe('integration: LLDP discovery in network namespaces (lldpd + snmpd AgentX)', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let daemon: Daemon | undefined;
  let cfg: TempConfig | undefined;

  before(async function () {
    this.timeout(60_000);
    lab = await startLabOrSkip(this);
  });

  after(async () => {
    await daemon?.stop();
    cfg?.cleanup();
    await lab?.destroy();
  });

  const seed = () => `${lab!.device('s1').mgmt}:${lab!.device('s1').port}`;

  it('vigie discover from s1 finds exactly the lab: 4 nodes, 4 links, port names on both ends', async () => {
    const r = await vigie(['discover', '--seed', seed(), '--allow', lab!.managementCidr, '--community', lab!.community, '--json', '--timeout', '1s']);
    expect(r.status, r.stderr).to.equal(0);
    const topo = JSON.parse(r.stdout) as DiscoveredTopology;
    expect(topo.nodes.map((n) => n.id).sort()).to.deep.equal(['node:l1', 'node:s1', 'node:s2', 'node:s3']);
    expect(topo.nodes.every((n) => n.polled), JSON.stringify(topo.nodes)).to.equal(true);
    for (const n of topo.nodes) expect(n.address).to.equal(lab!.device(n.name).mgmt);
    expect(topo.links.map(linkKey).sort()).to.deep.equal(lab!.cables.map(cableKey).sort());
    expect(topo.links.every((l) => l.protocols.includes('lldp'))).to.equal(true);
    expect(topo.contacted.sort()).to.deep.equal(lab!.devices.map((d) => `${d.mgmt}:${d.port}`).sort());
    // Progress: one line per device on stderr; the community never printed.
    expect(r.stderr).to.match(new RegExp(`\\[\\d/4\\] s2 \\(${lab!.device('s2').mgmt.replace(/\./g, '\\.')}:\\d+\\) 2 neighbours`));
    expect(r.stderr.split('\n').filter((l) => /^\[\d\/\d\]/.test(l))).to.have.length(4);
    expect(r.stdout + r.stderr).to.not.include(lab!.community);
  });

  it('an allow-list without s3: s3 is an unpolled node with its links, and its agent receives nothing', async () => {
    const allow = ['s1', 's2', 'l1'].map((d) => `${lab!.device(d).mgmt}/32`);
    const before = await lab!.snmpInPkts('s3');
    const r = await vigie(['discover', '--seed', seed(), '--allow', ...allow, '--community', lab!.community, '--json', '--timeout', '1s']);
    const after = await lab!.snmpInPkts('s3');
    expect(r.status, r.stderr).to.equal(0);
    const topo = JSON.parse(r.stdout) as DiscoveredTopology;
    const s3 = topo.nodes.find((n) => n.id === 'node:s3')!;
    expect(s3.polled).to.equal(false);
    expect(s3.reason).to.match(/outside the allow-list/);
    expect(s3.address, 'its advertised management address is shown').to.equal(lab!.device('s3').mgmt);
    expect(topo.links.map(linkKey).sort(), 'every link kept, named from the polled ends').to.deep.equal(lab!.cables.map(cableKey).sort());
    expect(topo.contacted.some((c) => c.startsWith(`${lab!.device('s3').mgmt}:`))).to.equal(false);
    expect(after - before, "s3's snmpd saw only our own counter GET").to.equal(1);
  });

  it('the daemon with discovery: drops a link cut with ip link set down within its interval, and brings it back', async () => {
    const intervalMs = 2000;
    cfg = writeTempConfig({
      discovery: { seeds: [seed()], allow: [lab!.managementCidr], community: lab!.community, interval: intervalMs, timeout: '500ms', retries: 0, deviceTimeout: '5s' },
    });
    daemon = await startDaemon({ configFile: cfg.file, logDestination: quiet });
    type Topo = { links: { id: string; origin?: string; a: { node: string; port?: string }; b: { node: string; port?: string } }[] };
    const topology = async () => (await (await fetch(`${daemon!.url}/api/topology`)).json()) as Topo;
    const waitFor = async (what: string, ms: number, ok: (t: Topo) => boolean): Promise<Topo> => {
      const deadline = Date.now() + ms;
      let t = await topology();
      while (!ok(t)) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; links: ${t.links.map((l) => l.id).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
        t = await topology();
      }
      return t;
    };
    const portEnd = (e: { node: string; port?: string }) => e.port ?? e.node;
    const keyOf = (l: Topo['links'][number]) => [portEnd(l.a), portEnd(l.b)].sort().join('|');
    const want = lab!.cables.map((c) => [`port:${c.a.node}/${c.a.port}`, `port:${c.b.node}/${c.b.port}`].sort().join('|')).sort();

    const full = await waitFor('the four lab links', 15_000, (t) => t.links.length === 4);
    expect(full.links.map(keyOf).sort()).to.deep.equal(want);
    expect(full.links.map((l) => l.origin)).to.deep.equal(['lldp', 'lldp', 'lldp', 'lldp']);

    const cut = lab!.cables.find((c) => c.a.node === 's2' && c.b.node === 's3')!;
    const cutKey = [`port:s2/${cut.a.port}`, `port:s3/${cut.b.port}`].sort().join('|');
    await lab!.setPort('s2', cut.a.port, false);
    const cutAt = Date.now();
    const afterCut = await waitFor(`the s2–s3 link gone`, 3 * intervalMs + 5000, (t) => !t.links.some((l) => keyOf(l) === cutKey));
    expect(Date.now() - cutAt, 'gone within two intervals (a round may start just before lldpd notices)').to.be.lessThan(2 * intervalMs + 2500);
    expect(afterCut.links.map(keyOf).sort()).to.deep.equal(want.filter((k) => k !== cutKey));

    await lab!.setPort('s2', cut.a.port, true);
    await waitFor('the s2–s3 link back', 10_000, (t) => t.links.some((l) => keyOf(l) === cutKey));
  });
});
