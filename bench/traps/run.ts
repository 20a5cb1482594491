/**
 * `bench/traps`: the highest lossless rate of SNMPv2c traps into Vigie's `snmp-trap` receiver,
 * side by side with Debian's `snmptrapd` when it is installed. Not a test: `npx tsx bench/traps/run.ts`.
 *
 * Method: a pool of pre-encoded v2c linkDown/linkUp traps (distinct ports and request ids) is
 * blasted over loopback from this process (pinned to core 0) at increasing rates, each for a few
 * seconds (after a 2 s warm-up at 5,000/s), into a receiver pinned to core 1 (`taskset`). After
 * each step the receiver's count must stop moving; a step is lossless when it counted every trap
 * sent. The search stops after
 * two lossy steps in a row. Options (env): `TRAPS_SECONDS` per step (default 2), `TRAPS_RATES`
 * (comma-separated, default 2k…100k), `TRAPS_REFERENCE=0` to skip snmptrapd.
 */
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { encodeV2cTrap } from '../../plugins/simulator/traps.js';
import { procCpuUs, startSnmptrapd } from './reference.js';
import { freeUdpPort } from '../../test/setup/free-port.js';

/** A receiver under test: how many traps it has counted so far, and its CPU. */
export interface ReceiverHandle {
  name: string;
  count(): Promise<{ traps: number; cpuUs: number }>;
  stop(): Promise<void>;
}

interface Step {
  rate: number;
  sent: number;
  sendRate: number;
  received: number;
  cpuUsPerTrap: number;
}

const SECONDS = Number(process.env.TRAPS_SECONDS ?? 2);
const RATES = (process.env.TRAPS_RATES ?? '2000,5000,10000,15000,20000,30000,40000,50000,60000,80000,100000').split(',').map(Number);
const POOL = 10_000;
const WARMUP_RATE = 5000;
const SENDER_CPU = 0;
const RECEIVER_CPU = 1;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Receivers running now: stopped on Ctrl-C / SIGTERM too, so no snmptrapd or receiver outlives the run. */
const running = new Set<ReceiverHandle>();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping the receivers\n`);
    void Promise.allSettled([...running].map((r) => r.stop())).then(() => process.exit(130));
  });
}

/** Runs `body` with a started receiver, always stopping it afterwards. */
async function withReceiver<T>(rx: ReceiverHandle, body: (rx: ReceiverHandle) => Promise<T>): Promise<T> {
  running.add(rx);
  try {
    return await body(rx);
  } finally {
    running.delete(rx);
    await rx.stop();
  }
}


function pool(): Buffer[] {
  return Array.from({ length: POOL }, (_, i) =>
    encodeV2cTrap({ type: i % 2 ? 'linkUp' : 'linkDown', ifIndex: (i % 48) + 1, ifName: `ge-0/0/${i % 48}`, requestId: i + 1, uptime: i }),
  );
}

/** Sends `total` datagrams at `rate` per second (paced every few ms); resolves with the achieved rate. */
async function blast(sock: Socket, port: number, traps: Buffer[], rate: number, total: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let sent = 0;
  while (sent < total) {
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    const due = Math.min(total, Math.floor(rate * elapsed) + 1);
    for (; sent < due - 1; sent++) sock.send(traps[sent % traps.length], port, '127.0.0.1');
    if (sent === total - 1) {
      // the last one: wait until libuv has handed it (and so every one before it) to the kernel
      await new Promise<void>((r) => sock.send(traps[sent % traps.length], port, '127.0.0.1', () => r()));
      sent++;
    } else await new Promise((r) => setImmediate(r));
  }
  return total / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Waits until the receiver's count stops moving (300 ms unchanged, at most 10 s). */
async function settle(rx: ReceiverHandle): Promise<{ traps: number; cpuUs: number }> {
  let last = await rx.count();
  const deadline = Date.now() + 10_000;
  for (let still = 0; still < 3 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await rx.count();
    still = now.traps === last.traps ? still + 1 : 0;
    last = now;
  }
  return last;
}

async function measure(rx: ReceiverHandle, port: number, traps: Buffer[], rates: number[]): Promise<Step[]> {
  const sock = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const steps: Step[] = [];
  let lossyInARow = 0;
  try {
    // warm-up (JIT, first-trap caches), not measured
    await blast(sock, port, traps, WARMUP_RATE, WARMUP_RATE * 2);
    await settle(rx);
    for (const rate of rates) {
      const before = await settle(rx);
      const total = Math.round(rate * SECONDS);
      const sendRate = await blast(sock, port, traps, rate, total);
      const after = await settle(rx);
      const received = after.traps - before.traps;
      steps.push({ rate, sent: total, sendRate, received, cpuUsPerTrap: (after.cpuUs - before.cpuUs) / Math.max(1, received) });
      lossyInARow = received >= total ? 0 : lossyInARow + 1;
      process.stderr.write(`  ${rx.name}: ${rate}/s → ${received}/${total}${received < total ? ' (loss)' : ''}\n`);
      if (lossyInARow >= 2) break;
    }
  } finally {
    sock.close();
  }
  return steps;
}

/** Vigie's receiver in a child process pinned to one core. */
async function startVigie(port: number): Promise<ReceiverHandle> {
  const child = spawn('taskset', ['-c', String(RECEIVER_CPU), process.execPath, '--import', 'tsx', 'bench/traps/receiver.ts', String(port)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = await Promise.race([next(), new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000))]);
  if (ready !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`the Vigie receiver did not start (${ready})`);
  }
  return {
    name: 'vigie',
    async count() {
      const answer = next();
      child.stdin!.write('count\n');
      const c = JSON.parse(await answer) as { traps: number };
      return { traps: c.traps, cpuUs: procCpuUs(child.pid!) };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end('quit\n');
      const late = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(late);
    },
  };
}

function lossless(steps: Step[]): Step | undefined {
  let best: Step | undefined;
  for (const s of steps) {
    if (s.received < s.sent) break;
    best = s;
  }
  return best;
}

function table(results: { name: string; steps: Step[] }[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const head = ['target rate/s', ...results.flatMap((r) => [`${r.name} sent/s`, `${r.name} received`, `${r.name} loss`, `${r.name} CPU µs/trap`])];
  const rows = [head];
  const rates = [...new Set(results.flatMap((r) => r.steps.map((s) => s.rate)))];
  for (const rate of rates) {
    const row = [fmt(rate)];
    for (const r of results) {
      const s = r.steps.find((x) => x.rate === rate);
      row.push(...(s ? [fmt(s.sendRate), `${fmt(s.received)}/${fmt(s.sent)}`, `${((100 * (s.sent - s.received)) / s.sent).toFixed(2)} %`, s.cpuUsPerTrap.toFixed(1)] : ['', '', '', '']));
    }
    rows.push(row);
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  spawn('taskset', ['-cp', String(SENDER_CPU), String(process.pid)], { stdio: 'ignore' });
  const traps = pool();
  process.stderr.write(`bench/traps: ${POOL} pre-encoded v2c traps (${traps[0].length} bytes), ${SECONDS} s per step, receiver on CPU ${RECEIVER_CPU}\n`);
  const results: { name: string; steps: Step[] }[] = [];
  const vigiePort = await freeUdpPort();
  results.push({ name: 'vigie', steps: await withReceiver(await startVigie(vigiePort), (rx) => measure(rx, vigiePort, traps, RATES)) });
  if (process.env.TRAPS_REFERENCE !== '0') {
    const refPort = await freeUdpPort();
    const ref = await startSnmptrapd(refPort, RECEIVER_CPU);
    if (!ref) process.stderr.write('snmptrapd not installed (apt-get install snmptrapd): no reference run\n');
    // the same rates, up to its own first two lossy steps
    else results.push({ name: 'snmptrapd', steps: await withReceiver(ref, (rx) => measure(rx, refPort, traps, RATES)) });
  }
  process.stdout.write(`\n${table(results)}\n\n`);
  const best = results.map((r) => ({ name: r.name, best: lossless(r.steps) }));
  for (const b of best) {
    const cpu = b.best ? `, ${b.best.cpuUsPerTrap.toFixed(1)} CPU µs/trap there` : '';
    process.stdout.write(`highest lossless rate, ${b.name}: ${b.best ? `${b.best.rate.toLocaleString('en-US')} traps/s${cpu}` : 'none'}\n`);
  }
  const [v, ref] = best;
  if (v?.best && ref?.best) process.stdout.write(`ratio vigie / snmptrapd: ${(v.best.rate / ref.best.rate).toFixed(2)}×\n`);
  process.stdout.write(`goal ≥ 10,000 traps/s on one core: ${v?.best && v.best.rate >= 10_000 ? 'met' : 'NOT met'}\n`);
}

await main();
