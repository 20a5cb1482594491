/** `vigie discover` as a command, against the simulator on loopback (reached through --map). */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../core/host/registry.js';
import type { DiscoveredTopology } from '../../../core/discovery/types.js';
import { siteLinks, startSimulator, type RunningSimulator } from '../../../plugins/simulator/index.js';

const VIGIE = path.join(REPO_ROOT, 'bin', 'vigie.js');

function vigie(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VIGIE, ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('cli: vigie discover (simulator on loopback)', function () {
  this.timeout(60_000);
  const COMMUNITY = 'disc-s3cret';
  let sim: RunningSimulator;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-discover-'));
  let base: string[];

  before(async () => {
    sim = await startSimulator({ basePort: 0, community: COMMUNITY, site: { switches: 5, portsPerSwitch: 4, seed: 5 } }, pino({ level: 'silent' }));
    const seed = sim.devices[0];
    base = ['discover', '--seed', `${seed.host}:${seed.port}`, '--community', COMMUNITY, '--timeout', '1s', '--map', ...sim.devices.map((d) => `${d.sysName}=${d.host}:${d.port}`)];
  });

  after(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--json prints every switch and cable; progress on stderr; the community never printed', async () => {
    const r = await vigie([...base, '--allow', '127.0.0.0/8', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const t = JSON.parse(r.stdout) as DiscoveredTopology;
    expect(t.nodes.filter((n) => n.polled).map((n) => n.name).sort()).to.deep.equal(sim.devices.map((d) => d.sysName).sort());
    const want = siteLinks(sim).map((l) => `node:${l.a.node}/${l.a.port}|node:${l.b.node}/${l.b.port}`).sort();
    expect(t.links.map((l) => `${l.a.node}/${l.a.port}|${l.b.node}/${l.b.port}`).sort()).to.deep.equal(want);
    const progress = r.stderr.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));
    expect(progress).to.have.length(sim.devices.length);
    expect(progress[0]).to.match(new RegExp(`^\\[1/\\d+\\] ${sim.devices[0].sysName} \\(127\\.0\\.0\\.1:${sim.devices[0].port}\\) \\d+ neighbours?$`));
    expect(r.stdout + r.stderr).to.not.include(COMMUNITY);
  });

  it('the readable form lists nodes and links; --write-config merges into an existing file', async () => {
    const file = path.join(dir, 'site.yaml');
    writeFileSync(file, '# hand-written\nlog:\n  level: warn # quiet please\n');
    const r = await vigie([...base, '--allow', '127.0.0.0/8', '--write-config', file, '-q']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^5 nodes \(5 polled, 0 not polled\), \d+ links/);
    expect(r.stdout).to.match(/Links:\n {2}sim-sw-\d+ +eth\d+ +<-> +sim-sw-\d+ +eth\d+ +\(lldp\)/);
    expect(r.stderr).to.match(/wrote .*site\.yaml: 5 (switch|snmp-system) probes added, 0 updated, \d+ links added/);
    expect(r.stdout + r.stderr).to.not.include(COMMUNITY);
    const text = readFileSync(file, 'utf8');
    expect(text).to.include('# hand-written').and.include('# quiet please');
    const doc = parse(text);
    expect(doc.log).to.deep.equal({ level: 'warn' });
    expect(doc.probes).to.have.length(5);
    expect(doc.probes[0].target).to.deep.include({ host: '127.0.0.1', community: COMMUNITY });
    expect(doc.topology.links).to.have.length(siteLinks(sim).length);
  });

  it('refuses a seed outside the allow-list (exit 2, nothing contacted)', async () => {
    const r = await vigie([...base, '--allow', '192.0.2.0/24']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/seed 127\.0\.0\.1:\d+ is outside the allow-list \(192\.0\.2\.0\/24\)/);
    expect(r.stdout).to.equal('');
  });
});
