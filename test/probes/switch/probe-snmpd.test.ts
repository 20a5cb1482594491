/**
 * The `switch` kind in real time, through the real SNMP client, against a real snmpd (Debian's
 * net-snmp serves IF-MIB ifTable/ifXTable from this Linux machine's interfaces): the ports it
 * reports must be this machine's (`/sys/class/net`), with 64-bit counters, the kernel's admin
 * and oper states, and a loopback in-rate consistent with `/sys/class/net/lo/statistics`; the
 * same over SNMPv3 authPriv (SHA-256 + AES); a wrong v3 key is a `down` node, never a crash,
 * and no key ever shows in observations or log lines.
 *
 * Timing: net-snmp reloads its interface table on a 3 s timer (nsCacheTimeout, checked below),
 * so a poll reads counters up to ~3 s old, and two polls 1 s apart would often read the same
 * ones (a 0 rate) and then 3 s of traffic at once. The runs here poll every 4 s (every window
 * holds a reload) and the rates are checked against rx_bytes deltas widened by that age; over
 * consecutive windows the bits add up to the rx_bytes delta within the same slack.
 * Note also that net-snmp gives `lo` an ifSpeed of 10 Mb/s: a loopback busier than 1.5 × that
 * (1.875 MB/s) gets no rate at all (port-rates.ts drops implausible rates), so the traffic made
 * here stays small.
 */
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { asyncScheduler, firstValueFrom, type Subscription } from 'rxjs';
import plugin from '../../../probes/switch/index.js';
import { createSnmpClient } from '../../../plugins/sdk/snmp/net-snmp-client.js';
import { createPollRequests, createPortDirectory, type Observation, type ProbeContext, type SnmpClient } from '../../../plugins/sdk/index.js';
import type { SwitchTarget } from '../../../plugins/sdk/snmp/device/switch-poll.js';
import { startSnmpdOrSkip, type SnmpdHandle, type SnmpdV3User } from '../../setup/snmpd.js';

const kind = plugin.probes['switch'];
const SYS_NET = '/sys/class/net';
const NODE = 'node:switch-test';
const COUNTERS_INTERVAL_MS = 4000;
/** How old the counters a poll reads may be: net-snmp's ifTable cache (3 s, auto-reloaded) plus timer slack. */
const SNAPSHOT_AGE_MS = 4000;
const V3_USER: SnmpdV3User = { user: 'vigie-switch', authKey: 'sw-auth-Kx7q2v9p', privKey: 'sw-priv-Rm4t8z1w', authProtocol: 'SHA-256', privProtocol: 'AES' };
const WRONG = { authKey: 'wrong-auth-Zq5k3j', privKey: 'wrong-priv-Yv8n6h' };
const SECRETS = [V3_USER.authKey, V3_USER.privKey, WRONG.authKey, WRONG.privKey];

type Metric = Extract<Observation, { kind: 'metric' }>;
type PortTopo = Extract<Observation, { kind: 'topology'; element: 'port' }>;
type State = Extract<Observation, { kind: 'state' }>;

/** A probe instance running in real time, with every log line it and its SNMP client wrote. */
interface LiveRun {
  observations: Observation[];
  errors: unknown[];
  logLines: string[];
  startedAt: number;
  waitFor(what: string, pred: () => boolean, timeoutMs: number, hint?: () => string): Promise<void>;
  stop(): void;
}

function runLive(target: SwitchTarget, name: string, intervalMs: number): LiveRun {
  const logLines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  const client: SnmpClient = createSnmpClient({ log });
  const ctx: ProbeContext<SwitchTarget> = {
    id: `switch/${name}`,
    kind: 'switch',
    name,
    config: target,
    intervalMs,
    log: log.child({ probe: `switch/${name}` }),
    scheduler: asyncScheduler,
    clients: { snmp: client, poll: createPollRequests(), ports: createPortDirectory() },
  };
  const run: LiveRun = {
    observations: [],
    errors: [],
    logLines,
    startedAt: Date.now(),
    async waitFor(what, pred, timeoutMs, hint) {
      const deadline = Date.now() + timeoutMs;
      while (!pred()) {
        if (run.errors.length) throw new Error(`probe failed while waiting for ${what}: ${String(run.errors[0])}`);
        if (Date.now() > deadline) {
          const seen = [...new Set(run.observations.map((o) => `${o.kind}${o.kind === 'metric' ? ` ${o.name}` : ''}`))].join(', ');
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${hint ? ` (${hint()})` : ''}; seen so far: ${seen || 'nothing'}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => {
      sub.unsubscribe();
      client.close();
    },
  };
  const sub: Subscription = kind.create(target, ctx).subscribe({ next: (o) => run.observations.push(o), error: (e) => run.errors.push(e) });
  return run;
}

/** This machine's network interfaces (entries of /sys/class/net that are interfaces, not e.g. bonding_masters). */
function machineInterfaces(): string[] {
  return readdirSync(SYS_NET).filter((n) => existsSync(join(SYS_NET, n, 'ifindex'))).sort();
}
const sysfs = (ifName: string, file: string): string => readFileSync(join(SYS_NET, ifName, file), 'utf8').trim();

/**
 * The IF-MIB oper status net-snmp derives for an interface: up when the kernel flags it RUNNING,
 * which it does for operstate `up` and `unknown` (lo, tunnels); down otherwise.
 */
function expectedOper(ifName: string): 'up' | 'down' {
  return ['up', 'unknown'].includes(sysfs(ifName, 'operstate')) ? 'up' : 'down';
}
/** IFF_UP in the interface flags: ifAdminStatus up. */
const expectedAdmin = (ifName: string): 'up' | 'down' => ((Number(sysfs(ifName, 'flags')) & 0x1) !== 0 ? 'up' : 'down');

const portName = (entity: string): string => entity.slice(`port:${NODE.slice(5)}/`.length);
const portStates = (obs: Observation[], port: string): State[] => obs.filter((o): o is State => o.kind === 'state' && o.entity === `port:${NODE.slice(5)}/${port}`);
const metricsOf = (obs: Observation[], entity: string, name: string): Metric[] => obs.filter((o): o is Metric => o.kind === 'metric' && o.entity === entity && o.name === name);

/** Last facts emitted per port name. */
function lastPorts(obs: Observation[]): Map<string, PortTopo['port']> {
  const out = new Map<string, PortTopo['port']>();
  for (const o of obs) if (o.kind === 'topology' && o.element === 'port') out.set(portName(o.entity), o.port);
  return out;
}

/**
 * Watches this machine every 50 ms: lo's rx_bytes (`at(t)` interpolates) and the interface list
 * (other programs may add or remove interfaces while the test runs, e.g. veth pairs of a lab).
 */
class MachineWatch {
  private readonly samples: { t: number; rx: number }[] = [];
  /** The interface list each time it changed, first one included. */
  private readonly lists: { t: number; names: string[] }[] = [];
  private readonly timer = setInterval(() => this.sample(), 50);
  constructor() {
    this.sample();
  }
  private sample(): void {
    const t = Date.now();
    this.samples.push({ t, rx: Number(sysfs('lo', 'statistics/rx_bytes')) });
    const names = machineInterfaces();
    const last = this.lists[this.lists.length - 1];
    if (!last || last.names.join() !== names.join()) this.lists.push({ t, names });
  }
  at(t: number): number {
    const s = this.samples;
    const i = s.findIndex((x) => x.t >= t);
    if (i <= 0) return s[i === 0 ? 0 : s.length - 1].rx;
    const a = s[i - 1];
    const b = s[i];
    return a.rx + ((b.rx - a.rx) * (t - a.t)) / Math.max(1, b.t - a.t);
  }
  /** Bytes per second received on lo over [from, to]. */
  rate(from: number, to: number): number {
    return (this.at(to) - this.at(from)) / ((to - from) / 1000);
  }
  /** Every interface list the machine had during [from, to]. */
  listsDuring(from: number, to: number): string[][] {
    const start = this.lists.filter((l) => l.t <= from).at(-1) ?? this.lists[0];
    return [start, ...this.lists.filter((l) => l.t > from && l.t <= to)].map((l) => l.names);
  }
  /** Interfaces present all along (their state can be compared with the probe's at any time). */
  stable(): string[] {
    return this.lists.reduce<string[]>((acc, l) => acc.filter((n) => l.names.includes(n)), this.lists[0].names);
  }
  /** Ms since the first sample. */
  age(): number {
    return Date.now() - this.samples[0].t;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** NET-SNMP-AGENT-MIB nsCacheTimeout of the ifTable cache (seconds), when the agent tells it. */
const IFTABLE_CACHE_TIMEOUT_OID = '1.3.6.1.4.1.8072.1.5.3.1.2.1.3.6.1.2.1.2.2';

/** The rate bounds below assume net-snmp's counters are at most that old; check the agent agrees. */
async function assertIfTableCacheAtMost(port: number, maxMs: number): Promise<void> {
  const client = createSnmpClient();
  try {
    const session = client.session({ host: '127.0.0.1', port, version: '2c', community: 'public', timeoutMs: 1000, retries: 1 });
    const [vb] = await firstValueFrom(session.get([IFTABLE_CACHE_TIMEOUT_OID]));
    if (typeof vb?.value === 'number') expect(vb.value * 1000, 'snmpd ifTable cache timeout (nsCacheTimeout)').to.be.at.most(maxMs);
  } finally {
    client.close();
  }
}

/** Some UDP traffic on loopback: 50 datagrams of 1000 bytes a second between two local sockets. */
async function loopbackTraffic(): Promise<{ stop(): void }> {
  const rx: Socket = createSocket('udp4');
  const tx: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => rx.bind(0, '127.0.0.1', resolve));
  const { port } = rx.address();
  rx.on('message', () => undefined);
  const payload = Buffer.alloc(1000, 0x61);
  const timer = setInterval(() => tx.send(payload, port, '127.0.0.1'), 20);
  return {
    stop: () => {
      clearInterval(timer);
      tx.close();
      rx.close();
    },
  };
}

describe('switch probe against a real snmpd (this machine\'s interfaces)', function () {
  this.timeout(90_000);
  let agent: SnmpdHandle;
  let base: SwitchTarget;
  let v2: LiveRun | undefined;
  let v3: LiveRun | undefined;
  let wrong: LiveRun | undefined;
  let rx: MachineWatch | undefined;
  let traffic: { stop(): void } | undefined;

  before(async function () {
    agent = await startSnmpdOrSkip(this, { sysName: 'switch-test', v3Users: [V3_USER] });
    base = { host: '127.0.0.1', port: agent.port, timeoutMs: 1000, retries: 1 };
    await assertIfTableCacheAtMost(agent.port, SNAPSHOT_AGE_MS - 1000);
    const sampler = (rx = new MachineWatch());
    traffic = await loopbackTraffic();
    // The watch's history must reach back SNAPSHOT_AGE_MS before the first poll.
    await new Promise((r) => setTimeout(r, Math.max(0, SNAPSHOT_AGE_MS - sampler.age())));
  });

  after(async () => {
    for (const r of [v2, v3, wrong]) r?.stop();
    traffic?.stop();
    rx?.stop();
    await agent?.stop();
  });

  /** The ports a run announced first are the machine's interfaces as they were around that first poll. */
  const expectMachinePorts = (run: LiveRun): void => {
    const ups = run.observations.filter((o) => o.kind === 'state' && o.entity === NODE && o.state === 'up').map((o) => o.at);
    const firstPoll = run.observations.filter((o): o is PortTopo => o.kind === 'topology' && o.element === 'port' && (ups.length < 2 || o.at < ups[1]));
    expect(firstPoll, 'no port announced by the first poll').to.not.deep.equal([]);
    const names = firstPoll.map((o) => portName(o.entity)).sort().join(', ');
    const lists = rx!.listsDuring(run.startedAt - SNAPSHOT_AGE_MS, firstPoll[0].at).map((l) => l.join(', '));
    expect(lists, 'the ports are this machine\'s interfaces (/sys/class/net) at discovery time').to.include(names);
  };

  describe('SNMPv2c', () => {
    before(async () => {
      v2 = runLive({ ...base, version: '2c', community: 'public' }, 'v2c', COUNTERS_INTERVAL_MS);
      // Four polls: three rate windows for lo.
      await v2.waitFor('four polls of lo', () => portStates(v2!.observations, 'lo').length >= 4, 25_000);
    });

    it('announces the node up, by its sysName', () => {
      const obs = v2!.observations;
      expect(obs.find((o) => o.kind === 'state' && o.entity === NODE)).to.deep.include({ state: 'up' });
      const node = obs.find((o) => o.kind === 'topology' && o.element === 'node');
      expect(node?.entity).to.equal(NODE);
    });

    it('reports exactly the interfaces of /sys/class/net, by name and ifIndex, all with 64-bit counters', () => {
      const ports = lastPorts(v2!.observations);
      expectMachinePorts(v2!);
      for (const name of rx!.stable()) {
        const p = ports.get(name)!;
        expect(p.node, name).to.equal(NODE);
        expect(p.attrs?.ifName, name).to.equal(name);
        expect(p.attrs?.ifIndex, name).to.equal(Number(sysfs(name, 'ifindex')));
      }
      for (const [name, p] of ports) expect(p.attrs?.hc, `${name}: ifHCInOctets is a Counter64`).to.equal(true);
    });

    it('gives each port the kernel\'s admin and oper state, and a state observation by the port rule', () => {
      const ports = lastPorts(v2!.observations);
      for (const name of rx!.stable()) {
        const admin = expectedAdmin(name);
        const oper = expectedOper(name);
        const attrs = ports.get(name)?.attrs ?? {};
        expect(attrs.adminStatus, `${name} admin (flags ${sysfs(name, 'flags')})`).to.equal(admin);
        expect(attrs.operStatus, `${name} oper (operstate ${sysfs(name, 'operstate')})`).to.equal(oper);
        expect(attrs.adminDown, name).to.equal(admin === 'down');
        const last = portStates(v2!.observations, name).at(-1);
        const want = oper === 'up' ? { state: 'up' } : admin === 'down' ? { state: 'unknown', reason: 'administratively down' } : { state: 'down', reason: 'oper status down' };
        expect(last, name).to.deep.include(want);
      }
    });

    it('gives lo an in-rate > 0 consistent with the rx_bytes deltas of /sys/class/net/lo', async () => {
      const lo = `port:${NODE.slice(5)}/lo`;
      const hint = () => `lo received ${Math.round(rx!.rate(Date.now() - 4000, Date.now()))} B/s lately; above 1.875 MB/s (1.5 × the 10 Mb/s ifSpeed net-snmp gives lo) the probe drops the rate as implausible`;
      await v2!.waitFor('an if.in.bps on lo', () => metricsOf(v2!.observations, lo, 'if.in.bps').length > 0, 5 * COUNTERS_INTERVAL_MS, hint);
      const polls = portStates(v2!.observations, 'lo').map((s) => s.at);
      const rates = metricsOf(v2!.observations, lo, 'if.in.bps');
      const window = (m: Metric): [number, number] => {
        const i = polls.indexOf(m.at);
        expect(i, 'a rate comes with the poll that read it, never on the first').to.be.greaterThan(0);
        return [polls[i - 1], polls[i]];
      };
      // A poll stamped `at` read a snapshot taken in [at - SNAPSHOT_AGE_MS, at]: bytes in a window are bounded by rx_bytes deltas.
      const bounds = (from: number, to: number): [number, number] => [
        Math.max(0, rx!.at(to - SNAPSHOT_AGE_MS) - rx!.at(from)) * 8,
        (rx!.at(to) - rx!.at(from - SNAPSHOT_AGE_MS)) * 8,
      ];
      for (const m of rates) {
        const [from, to] = window(m);
        const [low, high] = bounds(from, to).map((b) => b / ((to - from) / 1000));
        expect(m.value, `lo in-rate over [${from - polls[0]}, ${to - polls[0]}] ms`).to.be.within(low, high);
      }
      expect(Math.max(...rates.map((m) => m.value)), 'lo carries the test\'s own UDP traffic').to.be.greaterThan(0);
      // Over consecutive windows the snapshot age matters less: their bits add up to the rx_bytes delta.
      const run: Metric[] = [];
      for (const m of rates) if (run.length === 0 || window(m)[0] === run[run.length - 1].at) run.push(m);
      const from = window(run[0])[0];
      const to = run[run.length - 1].at;
      const bits = run.reduce((sum, m) => { const [a, b] = window(m); return sum + (m.value * (b - a)) / 1000; }, 0);
      const [low, high] = bounds(from, to);
      expect(bits, `bits received on lo over ${run.length} windows (${to - from} ms)`).to.be.within(low * 0.999, high * 1.001);
      const util = metricsOf(v2!.observations, lo, 'if.in.util_pct');
      expect(util.length, 'lo has a speed (10 Mb/s from net-snmp), so a utilisation').to.equal(rates.length);
      util.forEach((u, k) => expect(u.value).to.be.closeTo((rates[k].value / 10e6) * 100, 1e-6));
    });

    it('reads errors and discards of every port, polls without incomplete parts, and never fails', () => {
      const obs = v2!.observations;
      for (const name of rx!.stable()) {
        for (const metric of ['if.in.errors', 'if.out.errors', 'if.in.discards', 'if.out.discards']) {
          const m = metricsOf(obs, `port:${NODE.slice(5)}/${name}`, metric);
          expect(m.length, `${name} ${metric}`).to.be.at.least(1);
          m.forEach((x) => expect(x.value, `${name} ${metric}`).to.be.at.least(0));
        }
      }
      expect(obs.filter((o) => o.kind === 'event'), 'no poll-incomplete, poll-deadline or reboot').to.deep.equal([]);
      expect(obs.filter((o) => o.kind === 'state' && o.entity === NODE && o.state !== 'up')).to.deep.equal([]);
      expect(v2!.errors).to.deep.equal([]);
    });
  });

  describe('SNMPv3 authPriv (SHA-256 + AES)', () => {
    const v3Target = (keys: { authKey: string; privKey: string }): SwitchTarget => ({
      ...base,
      version: '3',
      v3: { user: V3_USER.user, level: 'authPriv', authProtocol: 'sha256', authKey: keys.authKey, privProtocol: 'aes', privKey: keys.privKey },
    });

    it('gives the same ports, states and counters as v2c', async () => {
      v3 = runLive(v3Target(V3_USER), 'v3', COUNTERS_INTERVAL_MS);
      await v3.waitFor('two polls of lo over v3', () => portStates(v3!.observations, 'lo').length >= 2, 20_000);
      const ports = lastPorts(v3.observations);
      expectMachinePorts(v3);
      const byV2 = lastPorts(v2?.observations ?? []);
      for (const name of rx!.stable()) {
        expect(ports.get(name), name).to.deep.equal(byV2.get(name));
        expect(portStates(v3.observations, name).at(-1)?.state, name).to.equal(portStates(v2?.observations ?? [], name).at(-1)?.state);
        expect(metricsOf(v3.observations, `port:${NODE.slice(5)}/${name}`, 'if.in.errors').length, `${name}: counters read over v3`).to.be.at.least(1);
      }
      expect(v3.observations.filter((o) => o.kind === 'event')).to.deep.equal([]);
      expect(v3.errors).to.deep.equal([]);
    });

    it('a wrong key: the node is down with a reason, no port data, no crash', async () => {
      wrong = runLive({ ...v3Target(WRONG), timeoutMs: 500, retries: 0 }, 'v3-wrong', 1000);
      await wrong.waitFor('two down states', () => wrong!.observations.filter((o) => o.kind === 'state' && o.state === 'down').length >= 2, 15_000);
      const obs = wrong.observations;
      expect(obs.filter((o) => o.kind === 'state' && o.state === 'up')).to.deep.equal([]);
      expect(obs.filter((o) => o.kind === 'topology' && o.element === 'port')).to.deep.equal([]);
      const down = obs.find((o): o is State => o.kind === 'state' && o.state === 'down')!;
      expect(down.entity).to.equal('node:v3-wrong');
      expect(down.reason).to.be.a('string').and.not.equal('');
      expect(wrong.errors).to.deep.equal([]);
    });

    it('no key, right or wrong, appears in any observation or log line', function () {
      const runs = [v3, wrong].filter((r): r is LiveRun => r !== undefined);
      if (runs.length < 2) this.skip();
      for (const r of runs) {
        expect(r.logLines.length, 'the runs did log (debug level)').to.be.greaterThan(0);
        const text = JSON.stringify(r.observations) + r.logLines.join('');
        for (const s of SECRETS) expect(text.includes(s), `a key leaked: ${s.slice(0, 3)}…`).to.equal(false);
      }
    });
  });
});
