/**
 * Child process of netns-loss.test.ts, run inside a network namespace (`ip netns exec`): starts a
 * SIPp UAS with `-rtp_echo` and places one Vigie test call to it, both on the namespace's
 * loopback (where the test injected loss), then prints the call's `sip-call` event data as one
 * JSON line on stdout and exits (SIPp is stopped; the peer exit hook kills it if anything fails).
 *
 * argv[2]: JSON `{ durationS, timeoutMs }`.
 */
import { sipTestCallKind } from '../../../../probes/sip/call/test-call-probe.js';
import { SipUdpEngine } from '../../../../probes/sip/engine/udp-engine.js';
import { freeUdpPort } from '../../../setup/free-port.js';
import { startSippServer } from '../../../setup/sipp.js';
import { firstTestCall } from './live-probe.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { durationS?: number; timeoutMs?: number };
const mp = await freeUdpPort();
const sipp = await startSippServer({ args: ['-rtp_echo', '-mp', String(mp), '-mi', '127.0.0.1'] });
const engine = new SipUdpEngine({ timers: { t1Ms: 100 } });
let code = 0;
try {
  const { data } = await firstTestCall(sipTestCallKind(() => engine), {
    uri: `sip:127.0.0.1:${sipp.port}`, number: '4000', trunk: 'netns', durationS: args.durationS ?? 3, timeoutMs: args.timeoutMs ?? 5000,
  }, 40_000);
  process.stdout.write(`${JSON.stringify({ data })}\n`);
} catch (e) {
  process.stderr.write(`test call failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  code = 1;
} finally {
  await engine.close();
  await sipp.stop();
}
process.exit(code);
