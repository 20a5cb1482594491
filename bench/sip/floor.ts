/**
 * The floor under Vigie in `bench/sip`: a bare Node UDP socket (no SIP engine, no probe, no RxJS)
 * sending pre-built OPTIONS to the same Kamailio and counting the answers, what a Node process
 * pays for that traffic alone (event-loop wake-ups, syscalls, no parsing). Two modes:
 * - `pace <rate>`: about one datagram per timer tick at `rate`/s (as 5,000 staggered trunks do),
 *   read with `snap` → `{atMs, cpuUs, sent, received}` (run.ts takes differences): the scale run's floor;
 * - `burst <count> <window>`: a closed loop with `window` outstanding (no retransmission):
 *   `{count, window, ok, lost, wallMs, cpuUs}`: the raw run's floor.
 * In its own process, pinned like the Vigie workers.
 *
 * Usage: `node --import tsx bench/sip/floor.ts '{"port":N}'`; commands (worker-io.ts) as above, `quit`.
 */
import { createSocket } from 'node:dgram';
import { serve } from './worker-io.js';

const { port } = JSON.parse(process.argv[2]) as { port: number };
const POOL = 10_000;
const socket = createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
const local = socket.address().port;
const run = Date.now().toString(36);
const pool = Array.from({ length: POOL }, (_, i) =>
  Buffer.from(
    [
      `OPTIONS sip:f${i}@127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${run}f${i};rport`,
      'Max-Forwards: 70',
      `From: <sip:vigie@127.0.0.1>;tag=${run}${i}`,
      `To: <sip:f${i}@127.0.0.1:${port}>`,
      `Call-ID: ${run}-${i}@floor`,
      'CSeq: 1 OPTIONS',
      `Contact: <sip:vigie@127.0.0.1:${local}>`,
      'User-Agent: Vigie',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  ),
);

let sent = 0;
let received = 0;
let onAnswer: (() => void) | undefined;
socket.on('message', () => {
  received++;
  onAnswer?.();
});
const send = (): void => void socket.send(pool[sent++ % POOL], port, '127.0.0.1');

// Paced: about one datagram per timer tick, on the clock (setInterval alone drifts below the rate).
let pace: NodeJS.Timeout | undefined;
function startPace(rate: number): void {
  const t0 = Date.now();
  const base = sent;
  pace = setInterval(() => {
    const due = base + Math.floor(((Date.now() - t0) * rate) / 1000);
    while (sent < due) send();
  }, Math.max(1, Math.floor(1000 / rate)));
}

/**
 * Closed loop: `window` datagrams out, each answer sends the next, until `count` were sent and
 * answered or given up: no retransmission, so when nothing comes back for 500 ms the datagrams
 * in flight count as lost and the window is refilled.
 */
function burst(count: number, window: number): Promise<{ count: number; window: number; ok: number; lost: number; wallMs: number; cpuUs: number }> {
  return new Promise((resolve) => {
    const sent0 = sent;
    const received0 = received;
    let lost = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = (): number => sent - sent0;
    const ok = (): number => received - received0;
    const finish = (): void => {
      clearInterval(watch);
      onAnswer = undefined;
      const cpu = process.cpuUsage(cpu0);
      resolve({ count, window, ok: ok(), lost, wallMs: performance.now() - t0, cpuUs: cpu.user + cpu.system });
    };
    onAnswer = () => {
      if (out() < count) send();
      else if (ok() + lost >= count) finish();
    };
    let last = -1;
    const watch = setInterval(() => {
      if (ok() !== last) return void (last = ok());
      lost = out() - ok(); // everything in flight
      if (out() >= count) return finish();
      for (let i = 0; i < window && out() < count; i++) send();
    }, 500);
    for (let i = 0; i < window && out() < count; i++) send();
  });
}

serve(
  {
    pace: ([rate]) => {
      startPace(Number(rate));
      return { pacing: Number(rate) };
    },
    burst: ([count, window]) => burst(Number(count), Number(window)),
    snap: () => {
      const cpu = process.cpuUsage();
      return { atMs: Date.now(), cpuUs: cpu.user + cpu.system, sent, received };
    },
  },
  async () => {
    if (pace) clearInterval(pace);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  },
);
