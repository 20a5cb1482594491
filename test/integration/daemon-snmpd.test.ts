/**
 * The daemon end to end against a real Debian snmpd on loopback: the snmp-system probe reports
 * the node up; snmpd stopped → the node goes down after N intervals and a WebSocket client
 * receives that patch; snmpd started again → up.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { startSnmpd } from '../setup/snmpd.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';
import { WsTestClient, patchSets } from '../setup/ws-client.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

describe('integration: daemon + real snmpd', function () {
  this.timeout(60_000);
  let snmpd: Awaited<ReturnType<typeof startSnmpd>> | undefined;
  let daemon: Daemon | undefined;
  let cfg: TempConfig | undefined;
  let ws: WsTestClient | undefined;

  before(async function () {
    try {
      snmpd = await startSnmpd({ community: 'vigie-it', sysName: 'it-snmpd' });
    } catch (err) {
      if (process.env.CI) throw err;
      console.warn(`SKIPPED: real snmpd unavailable: ${(err as Error).message}`);
      this.skip();
    }
  });

  after(async () => {
    await ws?.close();
    await daemon?.stop();
    await snmpd?.stop();
    cfg?.cleanup();
  });

  it('reports the node up, down after the failure threshold, and up again — live over WebSocket', async () => {
    cfg = writeTempConfig({
      probes: [{
        kind: 'snmp-system', name: 'it', interval: '500ms', hysteresis: { down: 2, up: 1 },
        target: { host: '127.0.0.1', port: snmpd!.port, community: 'vigie-it', timeoutMs: 300, retries: 0 },
      }],
    });
    daemon = await startDaemon({ configFile: cfg.file, logDestination: quiet });
    ws = await WsTestClient.connect(daemon.url, ['topology']);
    const snap = await ws.waitFor((m) => m.topic === 'topology' && m.snapshot !== undefined, 2000, 'topology snapshot');
    const node = 'node:it-snmpd';
    const inSnapshot = (snap.snapshot as { nodes: { id: string; state: string }[] }).nodes.find((n) => n.id === node);
    if (inSnapshot?.state !== 'up') await ws.waitFor((m) => patchSets(m, node, 'up'), 5000, `${node} up`);

    const res = await fetch(`${daemon.url}/api/topology`);
    const topo = (await res.json()) as { nodes: { id: string; state: string }[] };
    expect(topo.nodes.find((n) => n.id === node)?.state).to.equal('up');

    await snmpd!.stop();
    const stoppedAt = Date.now();
    await ws.waitFor((m) => patchSets(m, node, "down"), 8000, `${node} down`);
    // 2 failures needed: not before the second poll after the stop (≥ 1 interval + a timeout).
    expect(Date.now() - stoppedAt).to.be.greaterThan(500);

    await snmpd!.start();
    await ws.waitFor((m) => m.topic === 'topology' && patchSets(m, node, 'up') && (m.seq ?? 0) > 0 && ws!.messages.indexOf(m) > ws!.messages.findIndex((x) => patchSets(x, node, 'down')), 8000, `${node} up again`);

    const seqs = ws.messages.filter((m) => m.topic === 'topology' && m.patch).map((m) => m.seq!);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], 'consecutive patch seq').to.equal(seqs[i - 1]! + 1);

    // The store writer flushes every second: poll the history until both transitions are stored.
    let changes: (string | undefined)[] = [];
    for (let i = 0; i < 20 && !(changes.includes('down') && changes.filter((c) => c === 'up').length >= 2); i++) {
      await new Promise((r) => setTimeout(r, 250));
      const { events } = (await (await fetch(`${daemon.url}/api/events?entity=${encodeURIComponent(node)}`)).json()) as { events: { type: string; data?: { to?: string } }[] };
      changes = events.filter((e) => e.type === 'state-change').map((e) => e.data?.to);
    }
    expect(changes, 'stored state changes, newest first').to.deep.equal(['up', 'down', 'up']);
  });
});
