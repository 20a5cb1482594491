/**
 * Test helper: a `sip-hep` collector run by the test kit in virtual time (intervals flush only when
 * the test advances the clock) but listening on a real loopback UDP socket, and a client socket
 * that sends it datagrams. `send` resolves once the collector has handled the datagram.
 */
import dgram from 'node:dgram';
import type { Logger } from 'pino';
import type { MetricObservation } from '../../../../plugins/sdk/index.js';
import { runProbe, VirtualClock, type ProbeRun } from '../../../../plugins/sdk/testkit/index.js';
import { sipHepKind } from '../../../../probes/sip/hep/collector.js';
import type { SipHepTarget } from '../../../../probes/sip/hep/schema.js';

export const INTERVAL_MS = 60_000;

export interface CollectorRun {
  run: ProbeRun;
  port: number;
  /** Sends datagrams in order; resolves when the collector has handled all of them. */
  send(...bufs: Buffer[]): Promise<void>;
  /** Moves virtual time one interval: the collector flushes. Returns the metrics of that flush. */
  flush(): MetricObservation[];
  stop(): void;
}

/** The value of metric `name` on `entity` in `metrics` (undefined when absent). */
export function valueOf(metrics: readonly MetricObservation[], entity: string, name: string): number | undefined {
  return metrics.find((m) => m.entity === entity && m.name === name)?.value;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function startCollector(target: Partial<SipHepTarget>, opts: { log?: Logger; clock?: VirtualClock } = {}): Promise<CollectorRun> {
  let handled = 0;
  let waiter: { n: number; resolve: () => void } | undefined;
  let bound!: (port: number) => void;
  const listening = new Promise<number>((resolve) => (bound = resolve));
  const kind = sipHepKind({
    onListening: (_address, port) => bound(port),
    onDatagram: () => {
      handled++;
      if (waiter && handled >= waiter.n) {
        waiter.resolve();
        waiter = undefined;
      }
    },
  });
  const clock = opts.clock ?? new VirtualClock();
  const run = runProbe(kind, { listen: '127.0.0.1:0', ...target } as SipHepTarget, { clock, intervalMs: INTERVAL_MS, log: opts.log });
  if (run.errors.length > 0) throw run.errors[0];
  const port = await within(listening, 3000, 'the collector to listen');
  const client = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  let sent = 0;
  let stopped = false;
  return {
    run,
    port,
    async send(...bufs) {
      const target = sent + bufs.length;
      const done = new Promise<void>((resolve) => (waiter = { n: target, resolve }));
      if (handled >= target) waiter = undefined;
      for (const b of bufs) {
        await new Promise<void>((resolve, reject) => client.send(b, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
        sent++;
      }
      if (handled < target) await within(done, 3000, `the collector to handle ${target} datagrams (handled ${handled})`);
    },
    flush() {
      const before = run.observations.length;
      clock.advance(INTERVAL_MS);
      return run.observations.slice(before).filter((o): o is MetricObservation => o.kind === 'metric');
    },
    stop() {
      if (stopped) return;
      stopped = true;
      run.stop();
      client.close();
    },
  };
}
