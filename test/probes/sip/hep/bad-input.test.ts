/**
 * Bad input into the `sip-hep` listener over a real loopback socket: random, truncated, oversized
 * and mislabelled datagrams, missing and wrong auth keys, unparsable SIP and RTCP payloads. Each is
 * counted under its reason and dropped; the warnings are rate-limited and carry neither key nor
 * payload; the probe neither fails nor completes, and a good call afterwards is still decoded.
 * Also: listen errors (port taken, not an IP:PORT) and invalid trunks are coded errors of the
 * observable. Random data come from a seeded generator, so a failure replays.
 */
import { expect } from 'chai';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { runProbe } from '../../../../plugins/sdk/testkit/index.js';
import { sipHepKind } from '../../../../probes/sip/hep/collector.js';
import { HEP_METRICS } from '../../../../probes/sip/hep/ingest.js';
import { startCollector, valueOf, type CollectorRun } from './collector-run.js';
import { encodeHep3, sipRequest, sipResponse } from './encode.js';

const KEY = 'k3y-only-the-collector-knows';
const WRONG_KEY = 'w4ong-key-from-a-stranger';
const SELF = 'probe:test/test';
const PROXY = { address: '192.0.2.1', port: 5060 };
const GW = { address: '198.51.100.7', port: 5060 };

/** Mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

describe('sip-hep collector: bad input is counted and dropped', function () {
  this.timeout(15_000);
  let c: CollectorRun | undefined;
  afterEach(() => c?.stop());

  it('survives random, truncated, oversized and unauthenticated datagrams, then still decodes a good call', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } }));
    c = await startCollector({ authKey: KEY, maxPayload: 1024, trunks: [{ name: 'carrier', addresses: ['198.51.100.7'] }] }, { log });
    const rand = prng(0x5eed);
    const t = c.run.clock.now();
    const good = (callId: string, text: string): Buffer => encodeHep3({ src: PROXY, dst: GW, timeMs: t, authKey: KEY, payload: text });
    const valid = good('x@test', sipRequest('OPTIONS', { callId: 'x@test' }));

    const malformed: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const b = randomBytes(rand, 1 + Math.floor(rand() * 600));
      b[0] = 0x00; // never "HEP3": bad magic
      malformed.push(b);
    }
    for (let i = 0; i < 20; i++) {
      const b = Buffer.concat([Buffer.from('HEP3'), randomBytes(rand, 2 + Math.floor(rand() * 300))]);
      b.writeUInt16BE(b.length + 1 + Math.floor(rand() * 100), 4); // a total length the datagram does not have
      malformed.push(b);
    }
    for (let cut = 1; cut < valid.length; cut += 37) malformed.push(valid.subarray(0, cut)); // truncated
    malformed.push(good('big@test', sipRequest('MESSAGE', { callId: 'big@test', body: 'x'.repeat(4000) }))); // payload over maxPayload
    malformed.push(Buffer.concat([Buffer.from([0]), randomBytes(rand, 60_000)])); // an oversized datagram of noise
    malformed.push(encodeHep3({ src: PROXY, dst: GW, timeMs: t, authKey: KEY, payload: randomBytes(rand, 500), compress: false }).fill(0xff, 6, 12)); // a chunk header of 0xffff lengths

    const rejected = [
      encodeHep3({ src: PROXY, dst: GW, timeMs: t, payload: sipRequest('INVITE', { callId: 'nokey@test' }) }),
      encodeHep3({ src: PROXY, dst: GW, timeMs: t, authKey: WRONG_KEY, payload: sipRequest('INVITE', { callId: 'wrongkey@test' }) }),
    ];
    const unparsableSip = good('junk@test', 'NOT SIP AT ALL \u0001\u0002 secret-payload-text');
    const badRtcp = encodeHep3({ src: PROXY, dst: GW, timeMs: t, authKey: KEY, protocolType: 5, payload: randomBytes(rand, 3), correlationId: 'x@test' });
    const otherProtocol = encodeHep3({ src: PROXY, dst: GW, timeMs: t, authKey: KEY, protocolType: 100, payload: 'a log line' });

    await c.send(...malformed, ...rejected, unparsableSip, badRtcp, otherProtocol);
    expect(c.run.errors).to.deep.equal([]);
    expect(c.run.completed).to.equal(false);

    // A good call afterwards: INVITE then 486, one sip-call event.
    const f = { callId: 'after@test' };
    await c.send(good(f.callId, sipRequest('INVITE', f)), good(f.callId, sipResponse(486, 'Busy Here', 'INVITE', { ...f, toTag: 'b' })));
    const events = c.run.of('event').filter((e) => e.type === 'sip-call');
    expect(events.map((e) => e.data?.finalCode)).to.deep.equal([486]);

    const m = c.flush();
    const total = malformed.length + rejected.length + 3 + 2;
    expect(valueOf(m, SELF, HEP_METRICS.received)).to.equal(total);
    expect(valueOf(m, SELF, HEP_METRICS.malformed)).to.equal(malformed.length);
    expect(valueOf(m, SELF, HEP_METRICS.rejected)).to.equal(rejected.length);
    expect(valueOf(m, SELF, HEP_METRICS.sipUnparsable)).to.equal(1);
    expect(valueOf(m, SELF, HEP_METRICS.rtcpMalformed)).to.equal(1);
    expect(valueOf(m, SELF, HEP_METRICS.ignored)).to.equal(1);
    expect(valueOf(m, SELF, HEP_METRICS.sip)).to.equal(2);
    expect(valueOf(m, 'trunk:carrier', 'sip.calls.attempts')).to.equal(1);

    // Rate-limited: one line per reason, far fewer than the datagrams; no secret, no payload.
    const text = lines.join('');
    expect(lines.length).to.be.at.least(5).and.below(15);
    expect(text).to.not.contain(KEY);
    expect(text).to.not.contain(WRONG_KEY);
    expect(text).to.not.contain('secret-payload-text');
    expect(text).to.contain('"reason":"auth-key"');
    expect(text).to.contain('"reason":"bad-magic"');
    expect(JSON.stringify(c.run.observations)).to.not.contain(KEY);
  });

  it('fails with E_HEP_LISTEN when the port is taken or the address is not IP:PORT, E_CONFIG on a bad trunk', async () => {
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
    try {
      const run = runProbe(sipHepKind(), { listen: `127.0.0.1:${taken.address().port}` } as never);
      for (let i = 0; i < 100 && run.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(isVigieError(run.errors[0], 'E_HEP_LISTEN'), String(run.errors[0])).to.equal(true);
      run.stop();
    } finally {
      taken.close();
    }
    const named = runProbe(sipHepKind(), { listen: 'localhost:9060' } as never);
    expect(isVigieError(named.errors[0], 'E_HEP_LISTEN')).to.equal(true);
    const badTrunk = runProbe(sipHepKind(), { listen: '127.0.0.1:0', trunks: [{ name: 'x', addresses: ['not-an-ip'] }] } as never);
    expect(isVigieError(badTrunk.errors[0], 'E_CONFIG')).to.equal(true);
    const badKey = runProbe(sipHepKind(), { listen: '127.0.0.1:0', authKey: KEY, trunks: [{ name: 'x', match: { to: '(' } }] } as never);
    expect(isVigieError(badKey.errors[0], 'E_CONFIG')).to.equal(true);
    expect(JSON.stringify(badKey.errors[0]) + String(badKey.errors[0])).to.not.contain(KEY);
  });

  it('decodes a captured Kamailio datagram after bad ones on the same socket', async () => {
    c = await startCollector({});
    const fixture = readFileSync(new URL('./fixtures/kamailio-options-ipv4.hep', import.meta.url));
    await c.send(Buffer.alloc(0), fixture.subarray(0, 10), Buffer.from('HEP3'), fixture);
    const m = c.flush();
    expect(valueOf(m, SELF, HEP_METRICS.received)).to.equal(4);
    expect(valueOf(m, SELF, HEP_METRICS.malformed)).to.equal(3);
    expect(valueOf(m, SELF, HEP_METRICS.sip)).to.equal(1);
  });
});
