/**
 * The receiver side of `bench/traps`: one `snmp-trap` probe instance in real time (the daemon's
 * way: `asyncScheduler`, a poll-request subscriber like a polling probe's), in its own process so
 * that it can be pinned to one core.
 *
 * Usage (by run.ts): `node --import tsx bench/traps/receiver.ts PORT`. It prints `ready` once the
 * socket is bound; then each line `count` on stdin is answered on stdout with one JSON line:
 * `{traps, polls, dropped, malformed, rejected, cpuUs}` — traps = linkDown/linkUp/… events
 * emitted, cpuUs = this process's user+system CPU so far.
 */
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { asyncScheduler } from 'rxjs';
import { createPollRequests, createPortDirectory, type ProbeContext } from '../../plugins/sdk/index.js';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import plugin from '../../probes/snmp-trap/index.js';
import type { SnmpTrapTarget } from '../../probes/snmp-trap/schema.js';

const port = Number(process.argv[2]);
const kind = plugin.probes['snmp-trap'];
const target: SnmpTrapTarget = {
  host: '127.0.0.1',
  port,
  communities: ['public'],
  // One sender blasts from one address: the storm limit would (rightly) drop most of it.
  stormLimit: { perSourcePerSecond: 10_000_000, burst: 10_000_000 },
};
const poll = createPollRequests();
const ctx: ProbeContext<SnmpTrapTarget> = {
  id: 'snmp-trap/bench',
  kind: 'snmp-trap',
  name: 'bench',
  config: target,
  intervalMs: 1000,
  log: pino({ level: 'warn' }, process.stderr),
  scheduler: asyncScheduler,
  clients: { snmp: createSnmpClient(), poll, ports: createPortDirectory() },
};

const totals = { traps: 0, polls: 0, dropped: 0, malformed: 0, rejected: 0 };
poll.requests$.subscribe(() => totals.polls++);
const sub = kind.create(target, ctx).subscribe({
  next: (o) => {
    if (o.kind === 'event') totals.traps++;
    else if (o.kind === 'metric' && o.name === 'trap.dropped') totals.dropped += o.value;
    else if (o.kind === 'metric' && o.name === 'trap.malformed') totals.malformed += o.value;
    else if (o.kind === 'metric' && o.name === 'trap.rejected') totals.rejected += o.value;
  },
  error: (e) => {
    process.stderr.write(`receiver failed: ${String(e)}\n`);
    process.exit(1);
  },
});

/** Resolves once the probe holds the port (a probe socket bound there makes our bind fail). */
async function bound(): Promise<void> {
  for (;;) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

await bound();
process.stdout.write('ready\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'count') {
    const cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ ...totals, cpuUs: cpu.user + cpu.system })}\n`);
  } else if (line.trim() === 'quit') {
    sub.unsubscribe();
    process.exit(0);
  }
});
process.stdin.on('end', () => {
  sub.unsubscribe();
  process.exit(0);
});
