/**
 * Issue 5, bad input: "random, truncated and oversized datagrams into the SIP, HEP and RTCP-XR
 * listeners are counted and dropped; malformed SDP and header folding handled; the daemon keeps
 * working" — end to end, in the real daemon.
 *
 * The daemon (in this process) runs a `sip-trunk` probe against the simulator's SIP trunk, a
 * `sip-hep` collector that the trunk's calls are mirrored to, and a `sip-rtcpxr` endpoint. The
 * test floods the three sockets (the SIP engine's, the HEP collector's, the RTCP-XR endpoint's)
 * with random bytes, truncated and oversized datagrams, HEP-wrapped SIP with a malformed SDP and
 * folded headers, and PUBLISHes with broken bodies, then checks: the daemon answers, the trunk is
 * still up, each listener counted what it dropped (the engine's counters; `hep.malformed` and
 * `rtcpxr.malformed`/`oversized` series), and calls mirrored after the flood are still reported.
 */
import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { startSimulator, type RunningSimulator } from '../../plugins/simulator/index.js';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { REPO_ROOT } from '../../core/host/registry.js';
import { freeUdpPort } from '../setup/free-port.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';
import { encodeHep3 } from '../probes/sip/hep/encode.js';
import { waitFor } from '../setup/wait-for.js';

interface EventRow { at: number; entity: string; type: string }

function flood(port: number, datagrams: Buffer[]): Promise<void> {
  const sock = createSocket('udp4');
  return new Promise((resolve) => {
    sock.bind(0, '127.0.0.1', async () => {
      for (const d of datagrams) {
        await new Promise<void>((r) => sock.send(d, port, '127.0.0.1', () => r()));
      }
      sock.close(() => resolve());
    });
  });
}

let seed = 99;
const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));

const FOLDED_INVITE_BAD_SDP = [
  'INVITE sip:+12125550100@127.0.0.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.10:5060',
  ' ;branch=z9hG4bKfolded',
  'From: <sip:pbx@127.0.0.10>',
  '\t;tag=f1',
  'To: <sip:+12125550100@127.0.0.1>',
  'Call-ID: bad-sdp-1',
  'CSeq: 1 INVITE',
  'Content-Type: application/sdp',
  'Content-Length: 40',
  '',
  'v=0\r\nm=audio notaport RTP/AVP\r\nc=IN IP9',
].join('\r\n');

describe('integration: bad input into the SIP, HEP and RTCP-XR listeners', function () {
  this.timeout(60_000);
  let sim: RunningSimulator | undefined;
  let daemon: Daemon | undefined;
  let cfg: TempConfig | undefined;

  after(async () => {
    await daemon?.stop();
    await sim?.stop();
    cfg?.cleanup();
  });

  it('counts and drops it, and keeps probing, collecting and reporting calls', async () => {
    const [hepPort, xrPort] = [await freeUdpPort(), await freeUdpPort()];
    sim = await startSimulator(
      { host: '127.0.0.1', basePort: 0, sipTrunks: [{ name: 'tr-1', port: 0, hep: `127.0.0.1:${hepPort}`, rtcpXr: `127.0.0.1:${xrPort}`, callsPerMinute: 120, silences: false }] } as Parameters<typeof startSimulator>[0],
      pino({ level: 'silent' }),
    );
    const trunkPort = sim.sipTrunks[0].info.port;
    cfg = writeTempConfig({
      probes: [
        { kind: 'sip-trunk', name: 'tr-1', interval: '1s', target: { uri: `sip:127.0.0.1:${trunkPort}`, failureThreshold: 2 } },
        { kind: 'sip-hep', name: 'hep', interval: '2s', target: { listen: `127.0.0.1:${hepPort}`, trunks: [{ name: 'tr-1', addresses: [`127.0.0.1:${trunkPort}`] }] } },
        { kind: 'sip-rtcpxr', name: 'xr', interval: '2s', target: { listen: `127.0.0.1:${xrPort}`, defaultTrunk: 'tr-1' } },
      ],
    });
    let logs = '';
    const logDestination = new Writable({ write: (c, _e, cb) => { logs = (logs + String(c)).slice(-20_000); cb(); } });
    daemon = await startDaemon({ configFile: cfg.file, logDestination });
    const get = async <T>(p: string): Promise<T> => (await (await fetch(`${daemon!.url}${p}`)).json()) as T;
    const trunkState = async (): Promise<string | undefined> =>
      (await get<{ nodes: { id: string; state: string }[] }>('/api/topology')).nodes.find((n) => n.id === 'trunk:tr-1')?.state;
    await waitFor(async () => ((await trunkState()) === 'up' ? true : undefined), 15_000, 'the trunk up');

    // The daemon's own shared engine: imported the way the plugin registry imports (a static import
    // here can be another instance of the module under the test runner's loader).
    const { sharedUdpEngine } = (await import(pathToFileURL(path.join(REPO_ROOT, 'probes/sip/engine/udp-engine.ts')).href)) as typeof import('../../probes/sip/engine/udp-engine.js');
    const engine = sharedUdpEngine({ localAddress: '127.0.0.1' });
    const enginePort = engine.address()!.port;
    const malformedBefore = engine.counters.malformed;
    const junk = [
      ...Array.from({ length: 200 }, () => randomBytes(1 + Math.floor(rnd() * 1400))),
      randomBytes(65_000),
      Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1'),
    ];
    const hepGood = encodeHep3({ src: { address: '127.0.0.10', port: 5060 }, dst: { address: '127.0.0.1', port: trunkPort }, timeMs: Date.now(), payload: FOLDED_INVITE_BAD_SDP });
    const hepJunk = [...junk, ...Array.from({ length: 50 }, (_, i) => hepGood.subarray(0, 1 + ((i * 37) % hepGood.length))), hepGood];
    const publish = (body: string): Buffer => Buffer.from([
      'PUBLISH sip:collector@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKxr' + Math.floor(rnd() * 1e9),
      'From: <sip:phone@127.0.0.1>;tag=1', 'To: <sip:collector@127.0.0.1>', `Call-ID: xr-${rnd()}`, 'CSeq: 1 PUBLISH',
      'Event: vq-rtcpxr', 'Content-Type: application/vq-rtcpxr', `Content-Length: ${Buffer.byteLength(body)}`, '', body,
    ].join('\r\n'));
    const xrJunk = [...junk, publish('VQSessionReport\r\nnot a metric line'), publish('x'.repeat(40_000))];

    const floodEnd = await Promise.all([flood(enginePort, junk), flood(hepPort, hepJunk), flood(xrPort, xrJunk)]).then(() => Date.now());

    // The daemon answers, the trunk is still up, the engine counted the junk.
    expect((await fetch(`${daemon.url}/api/health`)).ok).to.equal(true);
    expect(logs, 'bad input is logged (rate-limited)').to.match(/malformed HEP datagram dropped/);
    expect(logs.split('\n').filter((l) => l.includes('malformed HEP datagram dropped')).length, 'one line per reason, not per datagram').to.be.below(10);
    expect(engine.counters.malformed - malformedBefore, 'SIP engine: junk counted as malformed').to.be.greaterThan(20); // (UDP: a flood overruns the receive buffer, so not every datagram arrives)
    await new Promise((r) => setTimeout(r, 2500));
    expect(await trunkState(), 'the trunk keeps being probed').to.equal('up');

    // Each collector counted what it dropped (its per-interval counters are stored series).
    const total = async (entity: string, metric: string): Promise<number> => {
      const s = await get<{ points: { sum?: number; avg?: number; count: number; max?: number }[] }>(
        `/api/series?entity=${encodeURIComponent(entity)}&metric=${encodeURIComponent(metric)}&from=${Date.now() - 120_000}`,
      );
      return s.points.reduce((n, p) => n + (p.sum ?? (p.avg ?? 0) * p.count), 0);
    };
    const hepMalformed = await waitFor(async () => ((await total('probe:sip-hep/hep', 'hep.malformed')) > 0 ? total('probe:sip-hep/hep', 'hep.malformed') : undefined), 10_000, 'hep.malformed');
    expect(hepMalformed, 'HEP: random and truncated datagrams counted').to.be.greaterThan(20); // (UDP: a flood overruns the receive buffer, so not every datagram arrives)
    const xrDropped = await waitFor(async () => {
      const n = (await total('probe:sip-rtcpxr/xr', 'rtcpxr.malformed')) + (await total('probe:sip-rtcpxr/xr', 'rtcpxr.oversized'));
      return n > 0 ? n : undefined;
    }, 10_000, 'rtcpxr.malformed');
    expect(xrDropped, 'RTCP-XR: junk counted').to.be.greaterThan(20); // (UDP: a flood overruns the receive buffer, so not every datagram arrives)

    // Calls mirrored after the flood are still reported.
    await waitFor(async () => {
      const { events } = await get<{ events: EventRow[] }>(`/api/events?type=sip-call&from=${floodEnd}`);
      return events.some((e) => e.entity === 'trunk:tr-1') ? true : undefined;
    }, 30_000, 'a sip-call event after the flood');
  });
});
