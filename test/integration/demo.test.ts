/**
 * `npm start`'s demo, as a user runs it: the default config, a child process, the simulated
 * site probed by the daemon. /api/topology reaches ≥ 10 nodes and ≥ 9 links, the nodes come up,
 * and SIGTERM exits 0 within 5 s.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../core/host/registry.js';
import { freePort } from '../setup/free-port.js';

interface Topo { nodes: { id: string; state: string }[]; links: { id: string; state: string }[] }

describe('integration: the demo (npm start with the default config)', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  let output = '';
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the demo topology and stops cleanly on SIGTERM', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-demo-'));
    const port = await freePort();
    child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigie.js'), 'start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, VIGIE_SERVER_PORT: String(port), VIGIE_STORE_PATH: path.join(dir, 'demo.db'), VIGIE_LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    let topo: Topo | undefined;
    let healthAt: number | undefined;
    while (Date.now() - started < 30_000) {
      if (child.exitCode !== null) throw new Error(`vigie start exited with ${child.exitCode}:\n${output}`);
      try {
        if (!healthAt && (await fetch(`${url}/api/health`)).ok) healthAt = Date.now() - started;
        topo = (await (await fetch(`${url}/api/topology`)).json()) as Topo;
        if (topo.nodes.length >= 10 && topo.links.length >= 9 && topo.nodes.filter((n) => n.state === 'up').length >= 10) break;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(healthAt, `/api/health answered (log:\n${output})`).to.be.a('number').and.below(15_000);
    expect(topo!.nodes.length).to.be.at.least(10);
    expect(topo!.links.length).to.be.at.least(9);
    expect(topo!.nodes.filter((n) => n.state === 'up').length, 'simulated devices probed and up').to.be.at.least(10);

    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code, output).to.equal(0);
    expect(Date.now() - t0).to.be.below(5000);
  });
});
