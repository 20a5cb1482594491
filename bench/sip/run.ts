/**
 * `bench/sip` (not a test): Vigie's SIP trunk monitoring at scale and its engine's raw OPTIONS
 * rate, against a stateless OPTIONS responder on loopback (Debian's Kamailio, `sl_send_reply`,
 * started by test/setup/kamailio.ts), SIPp side by side for the raw rate.
 *
 *   npx tsx bench/sip/run.ts [--quick] [--only scale|raw] [--trunks N] [--interval-ms N]
 *     [--timeout-ms N] [--window-intervals N] [--victims N] [--count N] [--outstanding N,N]
 *     [--repeats N]
 *
 * 1. Scale: `--trunks` (5,000) `sip-trunk` probes every `--interval-ms` (10 s) in one process
 *    (trunks.ts, pinned to CPU 0; Kamailio on CPU 1), all started at once and spread over the
 *    interval by the probe itself (per-trunk phases), so
 *    500 OPTIONS/s. After one interval of warm-up, Vigie's CPU (process.cpuUsage) and Kamailio's
 *    (/proc, all its processes) over `--window-intervals` (3) intervals. Then the second Kamailio,
 *    which answers `--victims` trunks per failure threshold (1 and 2), is stopped: time until
 *    each of those trunks' state says down. Then the floor: a bare Node UDP socket (floor.ts)
 *    sending the same rate of OPTIONS for as long, what any Node process pays for the traffic.
 * 2. Raw rate: Vigie's engine (raw-vigie.ts) and SIPp (raw-sipp.ts, options.xml) each send
 *    `--count` (50,000) OPTIONS with `--outstanding` (200) in flight against the main Kamailio,
 *    `--repeats` (3) times alternately; medians and the ratio. The bare socket (floor.ts) beside
 *    them, a closed loop without SIP: what Node itself allows.
 * `--quick`: a smoke run (1,000 trunks every 2 s, i.e. still 500/s;
 * 10,000 OPTIONS, once; about 1 min).
 * Every process it starts is stopped at the end, on an error and on Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startKamailio, type KamailioHandle } from '../../test/setup/kamailio.js';
import { CAN_PIN, cpuUsOf, killOnExitByCommandLine, pidsByCommandLine, pin, startWorker, udpRcvbufErrors, type Worker } from './procs.js';
import type { RawResult } from './raw-vigie.js';
import { runSippRaw, sippInstalled } from './raw-sipp.js';
import { detectionSection, rawSection, scaleSection, type FloorBurst, type FloorResult, type RawRow, type ScaleResult } from './report.js';
import type { TrunksConfig, TrunksSnapshot, VictimState } from './trunks.js';

const CLIENT_CPU = 0;
const RESPONDER_CPU = 1;
/**
 * Victim groups: failureThreshold 1; 2 probed only every interval (Kamailio's semantics: a retry
 * interval as long as the interval); 2 and 3 (the default) with the default retry (one timeout
 * after a failure).
 */
const THRESHOLDS = (intervalMs: number): { threshold: number; retryIntervalMs?: number }[] => [
  { threshold: 1 }, { threshold: 2, retryIntervalMs: intervalMs }, { threshold: 2 }, { threshold: 3 },
];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    trunks: { type: 'string' },
    'interval-ms': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'window-intervals': { type: 'string' },
    victims: { type: 'string' },
    count: { type: 'string' },
    outstanding: { type: 'string' },
    repeats: { type: 'string' },
  },
});
const quick = args.quick;
const num = (v: string | undefined, full: number, smoke: number): number => (v !== undefined ? Number(v) : quick ? smoke : full);
const settings = {
  trunks: num(args.trunks, 5000, 1000),
  intervalMs: num(args['interval-ms'], 10_000, 2000),
  timeoutMs: num(args['timeout-ms'], 2000, 1000),
  windowIntervals: num(args['window-intervals'], 3, 3),
  victims: num(args.victims, 5, 2),
  count: num(args.count, 50_000, 10_000),
  outstanding: (args.outstanding ?? '200').split(',').map(Number),
  repeats: num(args.repeats, 3, 1),
};
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (s: string): void => void process.stderr.write(`  ${s}\n`);

/** A Kamailio on loopback, all its processes pinned to the responder's core. */
async function responder(): Promise<{ k: KamailioHandle; pids: () => number[] }> {
  const k = await startKamailio();
  const needle = `${k.dir}/kamailio.cfg`;
  killOnExitByCommandLine(needle);
  const pids = (): number[] => pidsByCommandLine(needle);
  pin(pids(), RESPONDER_CPU);
  return { k, pids };
}

async function scaleRun(main: { k: KamailioHandle; pids: () => number[] }, victimK: KamailioHandle): Promise<ScaleResult> {
  const { trunks, intervalMs, timeoutMs } = settings;
  const config: TrunksConfig = {
    trunks, port: main.k.port, victimPort: victimK.port, victimsPerThreshold: settings.victims, thresholds: THRESHOLDS(intervalMs), intervalMs, timeoutMs,
  };
  const worker: Worker = await startWorker(here('./trunks.ts'), config, CLIENT_CPU);
  try {
    progress(`scale: ${trunks} trunks started, two intervals (${(2 * intervalMs) / 1000} s) of warm-up`);
    await sleep(2 * intervalMs);
    const kPids = main.pids();
    const k0 = cpuUsOf(kPids);
    const drops0 = udpRcvbufErrors();
    const a = await worker.ask<TrunksSnapshot>('snap');
    progress(`scale: measuring ${settings.windowIntervals} intervals (${a.subscribed} trunks running)`);
    await sleep(settings.windowIntervals * intervalMs);
    const b = await worker.ask<TrunksSnapshot>('snap');
    const kamailioCpuUs = cpuUsOf(kPids) - k0;
    const kernelDrops = udpRcvbufErrors() - drops0;

    const before = await worker.ask<VictimState[]>('victims');
    const notUp = before.filter((v) => v.state !== 'up');
    if (notUp.length > 0) progress(`warning: ${notUp.length} victim trunks were not up before the stop: ${notUp.map((v) => `${v.name}=${v.state}`).join(', ')}`);
    await worker.ask('arm');
    const stopAt = Date.now();
    await victimK.stop();
    const stopTookMs = Date.now() - stopAt;
    progress('scale: victims\' Kamailio stopped, waiting for their trunks to go down');
    const deadline = stopAt + (Math.max(...THRESHOLDS(intervalMs).map((t) => t.threshold)) + 2) * intervalMs + timeoutMs;
    let victims = before;
    while (Date.now() < deadline) {
      await sleep(250);
      victims = await worker.ask<VictimState[]>('victims');
      if (victims.every((v) => v.downAt !== undefined)) break;
    }
    await worker.stop();
    const floor = await floorRun(main, trunks / (intervalMs / 1000), b.atMs - a.atMs);
    return { trunks, intervalMs, timeoutMs, a, b, kamailioCpuUs, kernelDrops, stopAt, stopTookMs, victims, floor };
  } finally {
    await worker.stop();
  }
}

/** The bare-socket floor (floor.ts) at `rate` for `windowMs`, after 2 s of warm-up. */
async function floorRun(main: { k: KamailioHandle; pids: () => number[] }, rate: number, windowMs: number): Promise<FloorResult> {
  const worker = await startWorker(here('./floor.ts'), { port: main.k.port }, CLIENT_CPU);
  try {
    progress(`floor: a bare socket at ${Math.round(rate)} OPTIONS/s for ${Math.round(windowMs / 1000)} s`);
    await worker.ask(`pace ${rate}`);
    await sleep(2000);
    type Snap = { atMs: number; cpuUs: number; sent: number; received: number };
    const kPids = main.pids();
    const k0 = cpuUsOf(kPids);
    const a = await worker.ask<Snap>('snap');
    await sleep(windowMs);
    const b = await worker.ask<Snap>('snap');
    return { wallMs: b.atMs - a.atMs, cpuUs: b.cpuUs - a.cpuUs, sent: b.sent - a.sent, received: b.received - a.received, kamailioCpuUs: cpuUsOf(kPids) - k0 };
  } finally {
    await worker.stop();
  }
}

async function rawRun(main: { k: KamailioHandle; pids: () => number[] }): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  const withSipp = sippInstalled();
  if (!withSipp) progress('SIPp not installed (apt-get install sip-tester): Vigie alone');
  const worker = await startWorker(here('./raw-vigie.ts'), { port: main.k.port }, CLIENT_CPU);
  const floor = await startWorker(here('./floor.ts'), { port: main.k.port }, CLIENT_CPU);
  try {
    const warm = Math.min(settings.count, 20_000);
    progress(`raw: warm-up, ${warm} OPTIONS`);
    await worker.ask<RawResult>(`run ${warm} ${settings.outstanding[0]}`);
    await floor.ask<FloorBurst>(`burst ${Math.min(warm, 5000)} ${settings.outstanding[0]}`);
    for (let rep = 0; rep < settings.repeats; rep++) {
      for (const window of settings.outstanding) {
        const kPids = main.pids();
        /** Runs one client, with Kamailio's CPU and the kernel's UDP drops across it. */
        const measured = async <R extends RawRow['result']>(client: RawRow['client'], run: () => Promise<R>): Promise<R> => {
          const k0 = cpuUsOf(kPids);
          const d0 = udpRcvbufErrors();
          const result = await run();
          rows.push({ client, window, result, kamailioCpuUs: cpuUsOf(kPids) - k0, kernelDrops: udpRcvbufErrors() - d0 });
          return result;
        };
        await measured('floor', () => floor.ask<FloorBurst>(`burst ${settings.count} ${window}`));
        const v = await measured('vigie', () => worker.ask<RawResult>(`run ${settings.count} ${window}`));
        progress(`raw ${rep + 1}/${settings.repeats}, ${window} outstanding: vigie ${Math.round(v.ok / (v.wallMs / 1000))}/s`);
        if (!withSipp) continue;
        const s = await measured('sipp', () => runSippRaw(main.k.port, settings.count, window, CLIENT_CPU, 10 * 60_000));
        progress(`raw ${rep + 1}/${settings.repeats}, ${window} outstanding: sipp ${Math.round(s.ok / (s.wallMs / 1000))}/s`);
      }
    }
  } finally {
    await Promise.all([worker.stop(), floor.stop()]);
  }
  return rows;
}

async function runBench(): Promise<void> {
  if (args.only !== undefined && args.only !== 'scale' && args.only !== 'raw') throw new Error(`--only takes scale or raw, not ${args.only}`);
  pin([process.pid], CLIENT_CPU);
  process.stderr.write(`bench/sip${quick ? ' --quick' : ''}: ${JSON.stringify(settings)}${CAN_PIN ? '' : ' (one core: nothing pinned)'}\n`);
  const started: KamailioHandle[] = [];
  try {
    const responderMain = await responder();
    started.push(responderMain.k);
    const sections: string[] = [];
    if (args.only !== 'raw') {
      const victim = await responder();
      started.push(victim.k);
      const scale = await scaleRun(responderMain, victim.k);
      sections.push(scaleSection(scale), detectionSection(scale));
    }
    if (args.only !== 'scale') sections.push(rawSection(await rawRun(responderMain)));
    process.stdout.write(`\nbench/sip, ${new Date().toISOString()}, loopback, Kamailio (sl) as responder\n\n${sections.join('\n\n')}\n`);
  } finally {
    await Promise.allSettled(started.map((k) => k.stop()));
  }
}

await runBench();
