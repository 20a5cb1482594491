/** The topology is restored from the store at start, before any probe runs, and seq never goes back. */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Observable } from 'rxjs';
import { stringify } from 'yaml';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { Type, definePlugin, defineProbe, nodeId } from '../../plugins/sdk/index.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

const oneShot = definePlugin({
  name: 'one-shot', version: '1.0.0', sdk: '^1',
  probes: {
    'one-shot': defineProbe({
      description: 'reports one node once, then stays quiet',
      configSchema: Type.Object({ name: Type.String() }),
      defaultIntervalMs: 60_000,
      create: (t, ctx) => new Observable((sub) => {
        const at = ctx.scheduler.now();
        sub.next({ kind: 'topology', at, entity: nodeId(t.name), element: 'node', node: { name: t.name, kind: 'router' } });
        sub.next({ kind: 'state', at, entity: nodeId(t.name), state: 'up' });
      }),
    }),
  },
});

describe('integration: topology restored at start', function () {
  this.timeout(30_000);
  let daemon: Daemon | undefined;
  let cfg: TempConfig | undefined;
  after(async () => {
    await daemon?.stop();
    cfg?.cleanup();
  });

  it('a second daemon on the same store serves the first one\'s topology before any probe has run', async () => {
    cfg = writeTempConfig({ correlation: { hysteresis: { down: 1, up: 1 } }, probes: [{ kind: 'one-shot', name: 'r1', target: { name: 'edge-1' } }] });
    daemon = await startDaemon({ configFile: cfg.file, logDestination: quiet, plugins: [oneShot] });
    for (let i = 0; i < 40 && daemon.topology.node('node:edge-1')?.state !== 'up'; i++) await new Promise((r) => setTimeout(r, 50));
    const seq1 = daemon.topology.currentSeq;
    expect(daemon.topology.node('node:edge-1')?.state).to.equal('up');
    await daemon.stop();

    const second = path.join(cfg.dir, 'second.yaml');
    writeFileSync(second, stringify({ server: { host: '127.0.0.1', port: 0 }, store: { path: path.join(cfg.dir, 'vigie.db') }, log: { level: 'warn' } }));
    daemon = await startDaemon({ configFile: second, logDestination: quiet });
    const topo = (await (await fetch(`${daemon.url}/api/topology`)).json()) as { seq: number; nodes: { id: string; kind: string; state: string }[] };
    expect(topo.nodes.find((n) => n.id === 'node:edge-1')).to.include({ kind: 'router', state: 'up' });
    expect(topo.seq).to.be.at.least(seq1);
  });
});
