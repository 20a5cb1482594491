/**
 * The Vigie side of the raw-rate run of `bench/sip`: Vigie's SIP UDP engine (`SipUdpEngine`,
 * default RFC 3261 timers, real time) sending OPTIONS as fast as answers come back, with a window
 * of `window` requests outstanding, each to a distinct Request-URI `sip:r<i>@127.0.0.1:<port>`,
 * until `count` have ended. In its own process, which run.ts pins to one core.
 *
 * Usage: `node --import tsx bench/sip/raw-vigie.ts '{"port":N}'`; command `run <count> <window>`
 * answers a `RawResult` (run it once untimed first: JIT warm-up); `quit`.
 */
import { SipUdpEngine } from '../../probes/sip/engine/udp-engine.js';
import { isVigieError } from '../../plugins/sdk/index.js';
import { serve } from './worker-io.js';

export interface RawResult {
  count: number;
  window: number;
  /** Final 2xx answers, requests that timed out (Timer F) and that failed otherwise. */
  ok: number;
  timeouts: number;
  failed: number;
  retransmits: number;
  /** From the first send to the last final answer. */
  wallMs: number;
  /** This process's user + system CPU over the run. */
  cpuUs: number;
}

const { port } = JSON.parse(process.argv[2]) as { port: number };
const engine = new SipUdpEngine({ localAddress: '127.0.0.1' });
let serial = 0;

function run(count: number, window: number): Promise<RawResult> {
  return new Promise((resolve) => {
    const retransmitsBefore = engine.counters.retransmits;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let started = 0;
    let ended = 0;
    let ok = 0;
    let timeouts = 0;
    let failed = 0;
    const end = (): void => {
      ended++;
      if (started < count) start();
      else if (ended === count) {
        const cpu = process.cpuUsage(cpu0);
        resolve({
          count, window, ok, timeouts, failed,
          retransmits: engine.counters.retransmits - retransmitsBefore,
          wallMs: Number(process.hrtime.bigint() - t0) / 1e6,
          cpuUs: cpu.user + cpu.system,
        });
      }
    };
    const start = (): void => {
      started++;
      const uri = `sip:r${serial++}@127.0.0.1:${port}`;
      engine.request({ host: '127.0.0.1', port }, { method: 'OPTIONS', requestUri: uri }).subscribe({
        next: (r) => {
          if (r.response.statusCode >= 200 && r.response.statusCode < 300) ok++;
          else failed++;
        },
        error: (e: unknown) => {
          if (isVigieError(e, 'E_SIP_TIMEOUT')) timeouts++;
          else failed++;
          end();
        },
        complete: end,
      });
    };
    for (let i = 0; i < Math.min(window, count); i++) start();
  });
}

serve({ run: ([count, window]) => run(Number(count), Number(window)) }, () => engine.close());
