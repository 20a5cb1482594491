/**
 * The Vigie side of the scale run of `bench/sip`: N `sip-trunk` probes (`sipTrunkProbe`, the
 * daemon's way: real time on `asyncScheduler`, every trunk on the shared UDP engine of
 * 127.0.0.1) in this one process, which run.ts pins to one core. All are subscribed at once, as
 * the daemon does at start: each sends its first keepalive then, and later ones on its own phase
 * of the interval (the probe's `phasedTicks`: a per-trunk phase in 100 ms slots), so the steady
 * OPTIONS rate is even without any help from here.
 *
 * Trunks: `sip:t<i>@127.0.0.1:<port>` (the main Kamailio), except a few "victims" spread evenly
 * over the interval, `sip:v<i>@127.0.0.1:<victimPort>` (a second Kamailio, stopped by run.ts to
 * time detection), half with failureThreshold 1 and half with 2 (per `thresholds`).
 *
 * Usage: `node --import tsx bench/sip/trunks.ts '<TrunksConfig JSON>'`; commands (worker-io.ts):
 * `snap` → a `TrunksSnapshot` (counters since start; run.ts takes differences), `arm` → from now
 * on, record when each victim goes down, `victims` → `VictimState[]`, `quit`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { asyncScheduler, type Subscription } from 'rxjs';
import { createPollRequests, createPortDirectory, type Observation, type ProbeContext, type SharedClients } from '../../plugins/sdk/index.js';
import { recordedSnmp, VirtualClock } from '../../plugins/sdk/testkit/index.js';
import { closeSharedUdpEngines, sharedUdpEngine } from '../../probes/sip/engine/udp-engine.js';
import { sipTrunkProbe } from '../../probes/sip/trunk-probe.js';
import type { SipTrunkTarget } from '../../probes/sip/trunk-schema.js';
import { serve } from './worker-io.js';

export interface TrunksConfig {
  trunks: number;
  port: number;
  victimPort: number;
  victimsPerThreshold: number;
  /** Victim groups: a failureThreshold, and optionally a retryIntervalMs (sooner re-check after a failure). */
  thresholds: { threshold: number; retryIntervalMs?: number }[];
  intervalMs: number;
  timeoutMs: number;
}

export interface TrunksSnapshot {
  /** Date.now() and process.cpuUsage() (user + system µs) when taken. */
  atMs: number;
  cpuUs: number;
  subscribed: number;
  /** Engine counters (all trunks). */
  sent: number;
  retransmits: number;
  received: number;
  unmatched: number;
  malformed: number;
  /** Keepalives judged (state observations) and their successes, main trunks only. */
  keepalives: number;
  successes: number;
  observations: number;
  /** Since the previous snapshot: RTT of successful keepalives, event-loop delay, lowest and highest OPTIONS rate over 1 s ticks. */
  rttP50Ms: number;
  rttP99Ms: number;
  rttMaxMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  minSentPerSecond: number;
  maxSentPerSecond: number;
  rssMb: number;
}

export interface VictimState {
  name: string;
  threshold: number;
  retryIntervalMs?: number;
  state: string;
  /** Scheduler time (Date.now()) of the first `down` state after `arm`. */
  downAt?: number;
  /** Keepalives judged failed after `arm`, up to and including the one that took it down. */
  failuresToDown?: number;
  lastOkAt?: number;
}

interface Victim extends VictimState {
  failuresSinceArm: number;
  okPending: boolean;
}

const config = JSON.parse(process.argv[2]) as TrunksConfig;
const engine = sharedUdpEngine({ localAddress: '127.0.0.1' });
const clients: SharedClients = { snmp: recordedSnmp({}, new VirtualClock()), poll: createPollRequests(), ports: createPortDirectory() };
const log = pino({ level: 'silent' });

const victimAt = new Map<number, { threshold: number; retryIntervalMs?: number }>();
const victimCount = config.victimsPerThreshold * config.thresholds.length;
for (let j = 0; j < victimCount; j++) victimAt.set(Math.floor(((j + 0.5) * config.trunks) / victimCount), config.thresholds[j % config.thresholds.length]);

const victims: Victim[] = [];
let armedAt: number | undefined;
const counts = { keepalives: 0, successes: 0, observations: 0 };
let rtts: number[] = [];

function onMain(o: Observation): void {
  counts.observations++;
  if (o.kind === 'state') counts.keepalives++;
  else if (o.kind === 'metric' && o.name === 'sip.options.rtt_ms') {
    counts.successes++;
    rtts.push(o.value);
  }
}

function onVictim(v: Victim, o: Observation): void {
  if (o.kind === 'metric' && o.name === 'sip.options.rtt_ms') {
    v.okPending = true;
    v.lastOkAt = o.at;
  } else if (o.kind === 'state') {
    v.state = o.state;
    if (armedAt !== undefined && v.downAt === undefined) {
      // a keepalive answered after arm (in flight when the victim's Kamailio stopped) resets the streak, as in TrunkHealth
      v.failuresSinceArm = v.okPending ? 0 : v.failuresSinceArm + 1;
      if (o.state === 'down') {
        v.downAt = o.at;
        v.failuresToDown = v.failuresSinceArm;
      }
    }
    v.okPending = false;
  }
}

const subs: Subscription[] = [];
for (let i = 0; i < config.trunks; i++) {
  const variant = victimAt.get(i);
  const threshold = variant?.threshold;
  const name = threshold === undefined ? `t${i}` : `v${i}`;
  const uri = threshold === undefined ? `sip:${name}@127.0.0.1:${config.port}` : `sip:${name}@127.0.0.1:${config.victimPort}`;
  const target: SipTrunkTarget = {
    uri, name, timeoutMs: config.timeoutMs, failureThreshold: threshold ?? 1, successThreshold: 1, aliveCodes: 'class=2', rttWindow: 10,
    ...(variant?.retryIntervalMs !== undefined ? { retryIntervalMs: variant.retryIntervalMs } : {}),
  };
  const ctx: ProbeContext<SipTrunkTarget> = {
    id: `sip-trunk/${name}`, kind: 'sip-trunk', name, config: target, intervalMs: config.intervalMs, log, scheduler: asyncScheduler, clients,
  };
  let next: (o: Observation) => void = onMain;
  if (threshold !== undefined) {
    const v: Victim = { name, threshold, retryIntervalMs: variant?.retryIntervalMs, state: 'unknown', failuresSinceArm: 0, okPending: false };
    victims.push(v);
    next = (o) => onVictim(v, o);
  }
  const error = (e: unknown): void => {
    process.stderr.write(`trunk ${name} failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  };
  subs.push(sipTrunkProbe(target, ctx, engine).subscribe({ next, error }));
}

// OPTIONS sent per whole second, and the event loop's delay, between snapshots.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let perSecond: number[] = [];
let lastSent = 0;
let lastAt = Date.now();
const sampler = setInterval(() => {
  // a rate over the time that really passed (a late tick covers more than a second)
  const now = Date.now();
  perSecond.push(((engine.counters.sent - lastSent) * 1000) / Math.max(1, now - lastAt));
  lastSent = engine.counters.sent;
  lastAt = now;
}, 1000);

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function snapshot(): TrunksSnapshot {
  const cpu = process.cpuUsage();
  const sorted = rtts.sort((a, b) => a - b);
  const snap: TrunksSnapshot = {
    atMs: Date.now(),
    cpuUs: cpu.user + cpu.system,
    subscribed: subs.length,
    ...engine.counters,
    ...counts,
    rttP50Ms: quantile(sorted, 0.5),
    rttP99Ms: quantile(sorted, 0.99),
    rttMaxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
    minSentPerSecond: perSecond.length ? Math.min(...perSecond) : NaN,
    maxSentPerSecond: perSecond.length ? Math.max(...perSecond) : NaN,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
  rtts = [];
  perSecond = [];
  loop.reset();
  return snap;
}

serve(
  {
    snap: () => snapshot(),
    arm: () => {
      armedAt = Date.now();
      for (const v of victims) {
        v.failuresSinceArm = 0;
        v.downAt = undefined;
        v.failuresToDown = undefined;
      }
      return { armedAt };
    },
    victims: () => victims.map(({ name, threshold, retryIntervalMs, state, downAt, failuresToDown, lastOkAt }): VictimState => ({ name, threshold, retryIntervalMs, state, downAt, failuresToDown, lastOkAt })),
  },
  async () => {
    clearInterval(sampler);
    for (const s of subs) s.unsubscribe();
    await closeSharedUdpEngines();
  },
);
