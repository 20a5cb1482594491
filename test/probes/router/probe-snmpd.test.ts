/**
 * The `router` kind in real time, through the real SNMP client, against a real snmpd (Debian's
 * net-snmp serves HOST-RESOURCES-MIB and UCD-SNMP-MIB from this Linux machine): it must report
 * this machine's CPU load, memory and disks with plausible values.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { expect } from 'chai';
import pino from 'pino';
import { asyncScheduler, type Subscription } from 'rxjs';
import plugin from '../../../probes/router/index.js';
import { createSnmpClient } from '../../../plugins/sdk/snmp/net-snmp-client.js';
import { createPollRequests, createPortDirectory, type Observation, type ProbeContext, type SnmpClient } from '../../../plugins/sdk/index.js';
import type { RouterTarget } from '../../../plugins/sdk/snmp/device/router-poll.js';
import { startSnmpdOrSkip, type SnmpdHandle } from '../../setup/snmpd.js';

const kind = plugin.probes.router;
const INTERVAL_MS = 1000;

type Metric = Extract<Observation, { kind: 'metric' }>;

function memTotalBytes(): number {
  const m = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!m) throw new Error('no MemTotal in /proc/meminfo');
  return Number(m[1]) * 1024;
}

describe('router probe against a real snmpd (this machine)', function () {
  this.timeout(40_000);
  let agent: SnmpdHandle;
  let client: SnmpClient | undefined;
  let sub: Subscription | undefined;
  const observations: Observation[] = [];
  const errors: unknown[] = [];

  before(async function () {
    agent = await startSnmpdOrSkip(this, { sysName: 'router-test' });
    client = createSnmpClient();
    const target: RouterTarget = { host: '127.0.0.1', port: agent.port, version: '2c', community: 'public', timeoutMs: 500, retries: 0 };
    const ctx: ProbeContext<RouterTarget> = {
      id: 'router/snmpd',
      kind: 'router',
      name: 'snmpd',
      config: target,
      intervalMs: INTERVAL_MS,
      log: pino({ level: 'silent' }),
      scheduler: asyncScheduler,
      clients: { snmp: client, poll: createPollRequests(), ports: createPortDirectory() },
    };
    sub = kind.create(target, ctx).subscribe({ next: (o) => observations.push(o), error: (e) => errors.push(e) });
  });

  after(async () => {
    sub?.unsubscribe();
    client?.close();
    await agent?.stop();
  });

  const latest = (name: string): number | undefined => {
    const m = observations.filter((o): o is Metric => o.kind === 'metric' && o.name === name);
    return m.length ? m[m.length - 1].value : undefined;
  };

  async function waitFor(what: string, pred: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (errors.length) throw new Error(`probe failed while waiting for ${what}: ${String(errors[0])}`);
      if (Date.now() > deadline) {
        const names = [...new Set(observations.filter((o): o is Metric => o.kind === 'metric').map((o) => o.name))];
        throw new Error(`timed out waiting for ${what}; metrics so far: ${names.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('announces the node as a router, up', async () => {
    await waitFor('the node', () => observations.some((o) => o.kind === 'state' && o.entity.startsWith('node:') && o.state === 'up'));
    const node = observations.find((o) => o.kind === 'topology' && o.element === 'node');
    expect(node && node.kind === 'topology' && node.element === 'node' && node.node.kind).to.equal('router');
  });

  it('memory: mem.total_bytes within 10 % of /proc/meminfo MemTotal, used between 0 and total', async () => {
    await waitFor('mem.total_bytes', () => latest('mem.total_bytes') !== undefined);
    const total = latest('mem.total_bytes')!;
    const expected = memTotalBytes();
    expect(Math.abs(total - expected) / expected).to.be.below(0.1);
    const used = latest('mem.used_bytes')!;
    expect(used).to.be.greaterThan(0).and.below(total);
    expect(latest('mem.used_pct')).to.be.within(0, 100);
  });

  it('storage: the root file system matches statfs("/") within 10 %', async () => {
    await waitFor('storage.total_bytes.root', () => latest('storage.total_bytes.root') !== undefined);
    const fs = statfsSync('/');
    const expectedTotal = fs.blocks * fs.bsize;
    const total = latest('storage.total_bytes.root')!;
    expect(Math.abs(total - expectedTotal) / expectedTotal).to.be.below(0.1);
    const expectedUsed = (fs.blocks - fs.bfree) * fs.bsize;
    const used = latest('storage.used_bytes.root')!;
    expect(Math.abs(used - expectedUsed)).to.be.below(0.1 * expectedTotal);
    expect(latest('storage.used_pct.root')).to.be.within(0, 100);
  });

  it('load averages close to os.loadavg()', async () => {
    await waitFor('load.1', () => latest('load.1') !== undefined);
    const [l1, l5, l15] = loadavg();
    expect(Math.abs(latest('load.1')! - l1)).to.be.below(2 + l1);
    expect(Math.abs(latest('load.5')! - l5)).to.be.below(2 + l5);
    expect(Math.abs(latest('load.15')! - l15)).to.be.below(2 + l15);
  });

  it('CPU load in [0, 100] (from ssCpuRaw until net-snmp has a minute of hrProcessorLoad)', async () => {
    // net-snmp refreshes its CPU counters every 5 s, so two distinct samples take up to ~11 s.
    await waitFor('cpu.load_pct', () => latest('cpu.load_pct') !== undefined, 25_000);
    expect(latest('cpu.load_pct')).to.be.within(0, 100);
    expect(latest('cpu.user_pct')).to.be.within(0, 100);
  });

  it('no BGP peers on a Linux host, no failed router reads, and no probe failure', () => {
    expect(observations.filter((o) => o.entity.startsWith('bgp:'))).to.deep.equal([]);
    const incomplete = observations.filter((o) => o.kind === 'event' && o.type === 'poll-incomplete' && /extras/.test(o.message));
    expect(incomplete).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
