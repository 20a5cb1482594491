/**
 * Child process of advertised-address.test.ts, run inside the network namespace the test created
 * (`ip netns exec`), where a dummy interface holds 198.18.7.1/24 and nothing else routes: a Vigie
 * UDP engine bound to 0.0.0.0 sends one OPTIONS to a scripted trunk bound on 198.18.7.1 (which
 * answers 200), then one OPTIONS to 198.19.0.1, which has no route (nothing is sent: the kernel
 * refuses). Prints one JSON line on stdout:
 * `{ routed: { via, contact, source, enginePort, viaPort, status }, unroutable: { via, errorCode } }`.
 *
 * argv[2]: JSON `{ trunkAddress, unroutableAddress }`.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { firstValueFrom } from 'rxjs';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { SipUdpEngine } from '../../../../probes/sip/engine/udp-engine.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { trunkAddress: string; unroutableAddress: string };

function header(text: string, name: string): string {
  return text.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? '';
}

/** Host and port of the Via sent-by and of the Contact URI of a request. */
function advertisedIn(text: string): { via: string; viaPort: number; contact: string } {
  const via = /^Via:\s*SIP\/2\.0\/UDP\s+([^;:\s]+):(\d+)/i.exec(header(text, 'Via'));
  const contact = /<sip:[^@>]+@([^;:>]+)/i.exec(header(text, 'Contact'));
  return { via: via?.[1] ?? '', viaPort: Number(via?.[2]), contact: contact?.[1] ?? '' };
}

const trunk = createSocket('udp4');
let got: { text: string; from: RemoteInfo } | undefined;
trunk.on('message', (m, from) => {
  const text = m.toString();
  got = { text, from };
  const to = header(text, 'To');
  const answer = ['SIP/2.0 200 OK', header(text, 'Via'), header(text, 'From'), `${to};tag=trunk`, header(text, 'Call-ID'), header(text, 'CSeq'), 'Content-Length: 0', '', ''];
  trunk.send(answer.join('\r\n'), from.port, from.address);
});
await new Promise<void>((resolve) => trunk.bind(0, args.trunkAddress, () => resolve()));
const trunkPort = trunk.address().port;

const engine = new SipUdpEngine({ localAddress: '0.0.0.0', timers: { t1Ms: 50 } });
let code = 0;
try {
  const r = await firstValueFrom(engine.request({ host: args.trunkAddress, port: trunkPort }, { method: 'OPTIONS', requestUri: `sip:ping@${args.trunkAddress}:${trunkPort}` }, { deadlineMs: 3000 }));
  if (!got) throw new Error('the trunk got nothing');
  const routed = { ...advertisedIn(got.text), source: got.from.address, enginePort: engine.address()?.port, status: r.response.statusCode };

  // No route: the engine must still build and send the request (the send reports ENETUNREACH).
  let errorCode = '';
  let viaOfUnroutable = '';
  const original = engine.sendText.bind(engine);
  engine.sendText = (socket, to, text, onError): void => {
    if (to.host === args.unroutableAddress) viaOfUnroutable = advertisedIn(text).via;
    original(socket, to, text, onError);
  };
  try {
    await firstValueFrom(engine.request({ host: args.unroutableAddress, port: 5060 }, { method: 'OPTIONS', requestUri: `sip:ping@${args.unroutableAddress}` }, { deadlineMs: 1000 }));
  } catch (e) {
    errorCode = isVigieError(e) ? e.code : String(e);
  }
  process.stdout.write(`${JSON.stringify({ routed, unroutable: { via: viaOfUnroutable, errorCode } })}\n`);
} catch (e) {
  process.stderr.write(`advertised-address child failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  code = 1;
} finally {
  await engine.close();
  await new Promise<void>((resolve) => trunk.close(() => resolve()));
}
process.exit(code);
