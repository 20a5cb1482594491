/** A probe that throws is restarted with backoff while the server keeps answering; /metrics shows it. */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { Observable } from 'rxjs';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { Type, definePlugin, defineProbe } from '../../plugins/sdk/index.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

let creations = 0;
const crashy = definePlugin({
  name: 'crashy', version: '1.0.0', sdk: '^1',
  probes: {
    crashy: defineProbe({
      description: 'throws while running',
      configSchema: Type.Object({ mode: Type.Union([Type.Literal('throw'), Type.Literal('error')]) }),
      defaultIntervalMs: 1000,
      create: (target) => new Observable((sub) => {
        creations += 1;
        sub.next({ kind: 'metric', at: Date.now(), entity: 'node:crashy', name: 'x', value: creations });
        if (target.mode === 'throw') throw new Error('probe threw');
        sub.error(new Error('probe errored'));
      }),
    }),
  },
});

describe('integration: a failing probe is isolated', function () {
  this.timeout(20_000);
  let daemon: Daemon | undefined;
  let cfg: TempConfig | undefined;
  after(async () => {
    await daemon?.stop();
    cfg?.cleanup();
  });

  it('restarts it with backoff, raises probe-failed, and the server keeps answering', async () => {
    cfg = writeTempConfig({ probes: [{ kind: 'crashy', name: 'c1', target: { mode: 'throw' } }, { kind: 'crashy', name: 'c2', target: { mode: 'error' } }] });
    daemon = await startDaemon({ configFile: cfg.file, logDestination: quiet, plugins: [crashy] });
    await new Promise((r) => setTimeout(r, 3500)); // backoff 1 s then 2 s: 2 restarts each
    const health = await fetch(`${daemon.url}/api/health`);
    expect(health.status).to.equal(200);
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    for (const id of ['crashy/c1', 'crashy/c2']) {
      const m = new RegExp(`vigie_probe_restarts_total\\{probe="${id.replace('/', '\\/')}"\\} (\\d+)`).exec(metrics);
      expect(m, `restart counter for ${id} in /metrics`).to.not.equal(null);
      expect(Number(m![1])).to.be.within(2, 3);
    }
    const { events: list } = (await (await fetch(`${daemon.url}/api/events?type=probe-failed`)).json()) as { events: { entity: string; message: string }[] };
    expect(list.some((e) => e.entity === 'probe:crashy/c1' && /probe threw/.test(e.message))).to.equal(true);
    expect(list.some((e) => e.entity === 'probe:crashy/c2' && /probe errored/.test(e.message))).to.equal(true);
  });
});
